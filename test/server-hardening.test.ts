/**
 * The server's own walls, on a real listening server: every /api route needs a token,
 * writes need an identity allowed to make them, the job queue is bounded and
 * de-duplicated, answers carry security headers and compression, the Host header is
 * checked, the admin token file is private, and the one-time login link works once.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server/index.js';
import { PEOPLE, writePeople } from './support/people-mesh.js';
import { runCli } from './support/run-cli.js';

let people: ReturnType<typeof writePeople>;
let server: RunningServer;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  people = writePeople();
  const run = await runCli(['run', '--dir', people.dir]);
  expect(run.exitCode, run.stderr).toBe(0);
  server = await startServer({ root: people.dir, port: 0, logger: false, schedule: false });
  tokens.admin = server.adminToken;
  for (const [who, email] of Object.entries(PEOPLE)) tokens[who] = (await server.context.access.createToken({ kind: 'member', email }, { createdBy: 'test' })).secret;
  tokens.metabase = (await server.context.access.createToken({ kind: 'service', name: 'metabase' }, { createdBy: 'test' })).secret;
}, 60_000);

afterAll(async () => {
  await server.close();
  people.cleanup();
});

function call(who: string | undefined, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(who === undefined ? {} : { authorization: `Bearer ${tokens[who] ?? who}` }), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

describe('identities', () => {
  it('answers every /api route without a valid token with 401 {code, message}, and /healthz without one', async () => {
    for (const path of ['/api/mesh', '/api/products', '/api/runs', '/api/openapi.json', '/api/docs', '/api/me']) {
      const response = await call(undefined, path);
      expect(response.status, path).toBe(401);
      expect(await response.json()).toMatchObject({ code: 'unauthorized' });
    }
    expect((await call('tsr_forged', '/api/mesh')).status).toBe(401);
    expect((await call(undefined, '/healthz')).status).toBe(200);
  });

  it('says who a token is, with the teams from teams.yaml', async () => {
    expect(await (await call('bob', '/api/me')).json()).toMatchObject({ identity: { kind: 'member', label: PEOPLE.bob, teams: ['growth-team'] }, admin: false, runs: ['growth.segments'] });
    expect(await (await call('admin', '/api/me')).json()).toMatchObject({ identity: { kind: 'admin' }, admin: true });
    expect(await (await call('metabase', '/api/me')).json()).toMatchObject({ identity: { kind: 'service', label: 'metabase', teams: [] }, runs: [] });
  });

  it('keeps the admin token readable by its user only, and lets the login link work once', async () => {
    expect(statSync(join(people.dir, '.tessera', 'admin-token')).mode & 0o777).toBe(0o600);
    const first = await fetch(server.loginUrl, { redirect: 'manual' });
    expect(first.status).toBe(303);
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/tessera_session=tsr_/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = cookie.split(';')[0] ?? '';
    expect((await fetch(`${server.url}/api/me`, { headers: { cookie: session } })).status).toBe(200);
    expect((await fetch(server.loginUrl, { redirect: 'manual' })).status).toBe(401);
  });

  it('makes tokens: the admin for anyone, a member only for themselves; revoked tokens stop at once', async () => {
    expect((await call('bob', '/api/tokens', { method: 'POST', body: { as: PEOPLE.carol } })).status).toBe(403);
    expect((await call('bob', '/api/tokens', { method: 'POST', body: { admin: true } })).status).toBe(403);
    expect((await call('admin', '/api/tokens', { method: 'POST', body: { as: 'stranger@nowhere.test' } })).status).toBe(400);
    const own = await call('bob', '/api/tokens', { method: 'POST', body: { expiresInDays: 1 } });
    expect(own.status).toBe(201);
    const made = (await own.json()) as { secret: string; token: { id: string; subject: string; expiresAt: string } };
    expect(made.token.subject).toBe(PEOPLE.bob);
    expect(Date.parse(made.token.expiresAt) - Date.now()).toBeLessThan(86_400_000 + 60_000);
    const listed = (await (await call('bob', '/api/tokens')).json()) as { tokens: { id: string; subject: string }[] };
    expect(listed.tokens.every((t) => t.subject === PEOPLE.bob)).toBe(true);
    expect(JSON.stringify(listed)).not.toContain(made.secret);
    expect((await call(made.secret, '/api/me')).status).toBe(200);
    expect((await call('carol', `/api/tokens/${made.token.id}`, { method: 'DELETE' })).status).toBe(403);
    expect((await call('bob', `/api/tokens/${made.token.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(made.secret, '/api/me')).status).toBe(401);
  });
});

describe('writes need the right identity', () => {
  it('lets a member run their own products, the admin anything, and no one else', async () => {
    expect((await call('bob', '/api/jobs', { method: 'POST', body: { kind: 'test', select: ['growth.segments'] } })).status).toBe(202);
    const foreign = await call('bob', '/api/jobs', { method: 'POST', body: { kind: 'run', select: ['people.customers'] } });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { message: string }).message).toContain('people.customers');
    expect((await call('bob', '/api/jobs', { method: 'POST', body: { kind: 'run' } })).status).toBe(403);
    expect((await call('bob', '/api/jobs', { method: 'POST', body: { kind: 'run', select: ['growth.segments+', '+growth.segments'] } })).status).toBe(403);
    expect((await call('metabase', '/api/jobs', { method: 'POST', body: { kind: 'test', select: ['growth.segments'] } })).status).toBe(403);
    expect((await call('admin', '/api/jobs', { method: 'POST', body: { kind: 'test', select: ['people.customers'] } })).status).toBe(202);
  });

  it('runs a burst of identical requests once, and cancels a queued job for whoever queued it', async () => {
    const submit = async (body: unknown): Promise<{ id: string; status: string }> => (await (await call('alice', '/api/jobs', { method: 'POST', body })).json()) as { id: string; status: string };
    const run = { kind: 'run', select: ['people.customers'] };
    // Identical requests, waiting or running, are one job: fifty triggers give one run.
    // Other work sent with them waits behind it (one job at a time), and can be cancelled before it starts.
    const sent = await Promise.all([...Array.from({ length: 50 }, () => submit(run)), submit({ kind: 'test', select: ['people.customers'] }), submit({ kind: 'run', select: ['people.customers'], fullRefresh: true })]);
    const burst = sent.slice(0, 50);
    expect(new Set(burst.map((j) => j.id)).size).toBe(1);
    const other = sent[51] ?? { id: '', status: '' };
    expect(new Set(sent.map((j) => j.id)).size).toBe(3);
    expect(other.status).toBe('queued');
    expect((await call('bob', `/api/jobs/${other.id}`, { method: 'DELETE' })).status).toBe(403);
    const cancelled = await call('alice', `/api/jobs/${other.id}`, { method: 'DELETE' });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: 'cancelled' });
    expect((await call('alice', `/api/jobs/${other.id}`, { method: 'DELETE' })).status).toBe(409);
  });
});

describe('every answer', () => {
  it('carries security headers', async () => {
    for (const path of ['/healthz', '/api/mesh', '/api/nothing']) {
      const response = await call('admin', path);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(response.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
    }
    const error = (await (await call('admin', '/api/nothing')).json()) as Record<string, unknown>;
    expect(Object.keys(error).sort()).toEqual(['code', 'message']);
  });

  it('is compressed when the client accepts it', async () => {
    const response = await call('admin', '/api/products', { headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(((await response.json()) as { products: unknown[] }).products.length).toBeGreaterThan(0);
  });

  it('refuses a Host the server was not started for (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((done, fail) => {
      const url = new URL('/healthz', server.url);
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, headers: { host: 'evil.example:80' } }, (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      });
      req.on('error', fail);
      req.end();
    });
    expect(status).toBe(421);
    expect((await call(undefined, '/healthz')).status).toBe(200);
  });
});
