/**
 * Getting the web catalog a token. `tessera serve` prints a one-time login link (as
 * Jupyter does): `GET /login?code=…` spends the code, makes a token for the admin and
 * keeps it in an HttpOnly, SameSite=Strict cookie. Anyone else logs in with a token of
 * their own (`tessera token create`) through `POST /api/login`.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { SESSION_COOKIE } from './auth.js';
import type { ServerContext } from './context.js';
import { ApiError } from './api/errors.js';
import { obj } from './api/schemas.js';

const SESSION_DAYS = 30;

function setSession(reply: FastifyReply, secret: string, secure: boolean): void {
  const attributes = [`${SESSION_COOKIE}=${encodeURIComponent(secret)}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${SESSION_DAYS * 86_400}`];
  if (secure) attributes.push('Secure');
  reply.header('set-cookie', attributes.join('; '));
}

export function registerLogin(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: { code?: string } }>('/login', { schema: { hide: true } }, async (request, reply) => {
    const code = request.query.code;
    if (code === undefined || !ctx.auth.spendLoginCode(code)) {
      return reply.code(401).type('text/html').send('<!doctype html><title>Tessera</title><p>This login link was used already or has expired. Ask <code>tessera serve</code> for a new one (restart it), or log in with a token: <code>tessera token create</code>.</p>');
    }
    const { secret } = await ctx.access.createToken({ kind: 'admin', name: 'web' }, { createdBy: 'login link', expiresAt: new Date(Date.now() + SESSION_DAYS * 86_400_000) });
    setSession(reply, secret, request.protocol === 'https');
    return reply.redirect('/', 303);
  });

  app.post<{ Body: { token: string } }>(
    '/api/login',
    { schema: { summary: 'Log the web catalog in with a token (kept in an HttpOnly cookie)', tags: ['access'], body: obj({ token: { type: 'string', minLength: 1, maxLength: 200 } }, ['token']) } },
    async (request, reply) => {
      const found = await ctx.auth.identify(request.body.token);
      if (!found) throw new ApiError(401, 'unauthorized', 'That token is not valid (unknown, revoked or expired).');
      setSession(reply, request.body.token, request.protocol === 'https');
      return { ok: true };
    },
  );

  app.post('/api/logout', { schema: { summary: 'Forget the web catalog session', tags: ['access'] } }, (_request, reply) => {
    reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    return { ok: true };
  });
}
