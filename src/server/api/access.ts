/**
 * Identities, tokens, access requests and usage: `/api/me`, `/api/tokens`,
 * `/api/access-requests`, `/api/usage`, `/api/products/:id/access`. Who may do what
 * is decided here from the identity; what may be read is the access decision's.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { autoApproves, decidePortAccess, labelOf, subjectOf, teamsOf, type Identity } from '../../access/index.js';
import type { AccessRequest, AccessRequestStatus, TokenSubject } from '../../state/index.js';
import { policiesOf } from '../access-view.js';
import { identityOf } from '../auth.js';
import type { ServerContext } from '../context.js';
import { ApiError, notFound } from './errors.js';
import { errorResponses, obj } from './schemas.js';

const str = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;
const int = { type: 'integer' } as const;
const strings = { type: 'array', items: str } as const;

const identitySchema = obj({ kind: str, label: str, email: str, name: str, teams: strings }, ['kind', 'label', 'teams']);
const tokenSchema = obj({ id: str, kind: str, subject: str, label: str, createdAt: str, createdBy: str, expiresAt: str, revokedAt: str, lastUsedAt: str }, ['id', 'kind', 'subject', 'label', 'createdAt']);
const requestSchema = obj(
  { id: int, port: str, requester: str, team: str, unmasked: bool, purpose: str, expiresAt: str, status: str, createdAt: str, decidedAt: str, decidedBy: str, reason: str, owner: str, canDecide: bool },
  ['id', 'port', 'requester', 'unmasked', 'purpose', 'status', 'createdAt'],
);
const usageSchema = obj(
  { port: str, queries: int, readers: int, teams: strings, lastReadAt: str, perDay: { type: 'array', items: obj({ day: str, queries: int }, ['day', 'queries']) } },
  ['port', 'queries', 'readers', 'teams', 'perDay'],
);
const portAccessSchema = obj(
  {
    port: str,
    access: str,
    canRead: bool,
    relation: str,
    via: str,
    masked: { type: 'object', additionalProperties: str },
    requests: { type: 'array', items: requestSchema },
    usage: usageSchema,
  },
  ['port', 'access', 'canRead', 'masked', 'requests'],
);

function identityJson(identity: Identity): Record<string, unknown> {
  return {
    kind: identity.kind,
    label: labelOf(identity),
    teams: teamsOf(identity),
    ...(identity.kind === 'member' ? { email: identity.email } : {}),
    ...(identity.kind === 'service' || identity.kind === 'admin' ? { name: identity.name } : {}),
  };
}

function tokenJson(token: { id: string; subject: TokenSubject; label: string; createdAt: string; createdBy: string; expiresAt?: string; revokedAt?: string; lastUsedAt?: string }): Record<string, unknown> {
  const { subject, ...rest } = token;
  return { ...rest, kind: subject.kind, subject: subject.kind === 'member' ? subject.email : subject.name };
}

/** Days from now as a date, for `expiresInDays`. */
function inDays(days: number | undefined): Date | undefined {
  return days === undefined ? undefined : new Date(Date.now() + days * 86_400_000);
}

export function registerAccess(app: FastifyInstance, ctx: ServerContext): void {
  const policies = (): ReturnType<typeof policiesOf> => {
    const { mesh, graph } = ctx.mesh();
    if (!mesh || !graph) throw new ApiError(409, 'mesh_broken', 'The mesh does not load; `tessera validate` says why.');
    return policiesOf(graph, mesh);
  };
  const ownerOf = (port: string): string | undefined => policies().get(port)?.owner;
  const mayDecide = (identity: Identity, port: string): boolean => identity.kind === 'admin' || teamsOf(identity).includes(ownerOf(port) ?? '\0');
  const requestJson = (identity: Identity, r: AccessRequest): Record<string, unknown> => ({ ...r, owner: ownerOf(r.port) ?? '', canDecide: mayDecide(identity, r.port) });
  const mayList = (identity: Identity, r: AccessRequest): boolean =>
    identity.kind === 'admin' || r.requester === subjectOf(identity) || mayDecide(identity, r.port) || (r.team !== undefined && teamsOf(identity).includes(r.team));

  app.get('/me', { schema: { summary: 'Who you are and what you may do', tags: ['access'], response: { 200: obj({ identity: identitySchema, admin: bool, runs: strings, decides: strings }, ['identity', 'admin', 'runs', 'decides']), ...errorResponses } } }, (request) => {
    const identity = identityOf(request);
    const { graph } = ctx.mesh();
    const teams = teamsOf(identity);
    const owned = [...(graph?.products.values() ?? [])].filter((p) => identity.kind === 'admin' || (identity.kind === 'member' && teams.includes(p.owner))).map((p) => p.id);
    return { identity: identityJson(identity), admin: identity.kind === 'admin', runs: owned, decides: identity.kind === 'admin' ? ['*'] : teams };
  });

  app.get('/tokens', { schema: { summary: 'Tokens: all for the admin, your own otherwise (never their secrets)', tags: ['access'], response: { 200: obj({ tokens: { type: 'array', items: tokenSchema } }, ['tokens']), ...errorResponses } } }, async (request) => {
    const identity = identityOf(request);
    const tokens = await ctx.access.tokens();
    const mine = (t: (typeof tokens)[number]): boolean => (identity.kind === 'member' && t.subject.kind === 'member' && t.subject.email === identity.email) || (identity.kind === 'service' && t.subject.kind === 'service' && t.subject.name === identity.name);
    return { tokens: tokens.filter((t) => identity.kind === 'admin' || mine(t)).map(tokenJson) };
  });

  app.post<{ Body: { as?: string; service?: string; admin?: boolean; expiresInDays?: number } }>(
    '/tokens',
    {
      schema: {
        summary: 'Create a token (shown once): the admin for anyone, a member for themselves',
        tags: ['access'],
        body: obj({ as: { type: 'string', format: 'email' }, service: { type: 'string', pattern: '^[a-z][a-z0-9_-]*$' }, admin: bool, expiresInDays: { type: 'integer', minimum: 1, maximum: 3650 } }),
        response: { 201: obj({ secret: str, token: tokenSchema }, ['secret', 'token']), ...errorResponses },
      },
    },
    async (request, reply) => {
      const identity = identityOf(request);
      const { as, service, admin, expiresInDays } = request.body;
      const given = [as !== undefined, service !== undefined, admin === true].filter(Boolean).length;
      if (given > 1) throw new ApiError(400, 'bad_request', 'Give one of `as` (an e-mail), `service` (a name) or `admin`.');
      let subject: TokenSubject;
      if (service !== undefined) subject = { kind: 'service', name: service };
      else if (admin === true) subject = { kind: 'admin', name: 'admin' };
      else if (as !== undefined) subject = { kind: 'member', email: as.toLowerCase() };
      else if (identity.kind === 'member') subject = { kind: 'member', email: identity.email };
      else throw new ApiError(400, 'bad_request', 'Say who the token is for: `as` (an e-mail), `service` or `admin`.');
      const self = identity.kind === 'member' && subject.kind === 'member' && subject.email === identity.email;
      if (identity.kind !== 'admin' && !self) throw new ApiError(403, 'forbidden', 'Only the admin makes tokens for others, for services or with admin rights.');
      if (subject.kind === 'member') {
        const { mesh } = ctx.mesh();
        const known = mesh?.teams.some((t) => (t.members ?? []).some((m) => m.email?.toLowerCase() === subject.email));
        if (!known) throw new ApiError(400, 'bad_request', `${subject.email} is not a member of any team in teams.yaml; add them there, or make a service token (\`service\`).`);
      }
      const expiresAt = inDays(expiresInDays);
      const created = await ctx.access.createToken(subject, { createdBy: labelOf(identity), ...(expiresAt ? { expiresAt } : {}) });
      return reply.code(201).send({ secret: created.secret, token: tokenJson(created.token) });
    },
  );

  app.delete<{ Params: { id: string } }>('/tokens/:id', { schema: { summary: 'Revoke a token at once', tags: ['access'], params: obj({ id: str }, ['id']), response: { 200: obj({ revoked: str }, ['revoked']), ...errorResponses } } }, async (request) => {
    const identity = identityOf(request);
    const token = await ctx.access.token(request.params.id);
    if (!token) throw notFound(`No token ${request.params.id}.`);
    const own = identity.kind === 'member' && token.subject.kind === 'member' && token.subject.email === identity.email;
    if (identity.kind !== 'admin' && !own) throw new ApiError(403, 'forbidden', 'Only the admin revokes tokens of others.');
    if (!(await ctx.access.revokeToken(token.id))) throw new ApiError(409, 'conflict', `Token ${token.id} is already revoked.`);
    ctx.auth.forget();
    return { revoked: token.id };
  });

  app.post<{ Body: { port: string; purpose: string; unmasked?: boolean; team?: string; expiresInDays?: number } }>(
    '/access-requests',
    {
      schema: {
        summary: 'Ask the owners for a restricted port, or for its masked columns raw',
        tags: ['access'],
        body: obj({ port: str, purpose: { type: 'string', minLength: 3, maxLength: 2000 }, unmasked: bool, team: str, expiresInDays: { type: 'integer', minimum: 1, maximum: 3650 } }, ['port', 'purpose']),
        response: { 201: requestSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const identity = identityOf(request);
      const { port, purpose, unmasked = false, team, expiresInDays } = request.body;
      const policy = policies().get(port);
      if (!policy) throw notFound(`No port \`${port}\`: write <domain>.<port>, e.g. commerce.customers_v2.`);
      if (team !== undefined && identity.kind !== 'admin' && !teamsOf(identity).includes(team)) throw new ApiError(403, 'forbidden', `You may ask on behalf of your own teams only (${teamsOf(identity).join(', ') || 'none'}).`);
      if (identity.kind === 'admin') throw new ApiError(400, 'bad_request', 'The admin reads every port already.');
      const expiresAt = inDays(expiresInDays)?.toISOString();
      const created = await ctx.access.createAccessRequest({ port, requester: subjectOf(identity), ...(team === undefined ? {} : { team }), unmasked, purpose, ...(expiresAt ? { expiresAt } : {}) });
      let answer = created;
      if (autoApproves(identity, policy, unmasked)) {
        answer = (await ctx.access.decideAccessRequest(created.id, { status: 'approved', by: 'auto-approve', reason: `members of ${teamsOf(identity).filter((t) => policy.autoApprove.includes(t)).join(', ')} are approved at once`, from: ['pending'] })) ?? created;
        ctx.gateway.grantsChanged();
        await ctx.syncEngineGrants?.();
      } else await ctx.alerts?.accessRequested({ ...created, product: policy.product, owner: policy.owner });
      return reply.code(201).send(requestJson(identity, answer));
    },
  );

  app.get<{ Querystring: { port?: string; team?: string; status?: AccessRequestStatus } }>(
    '/access-requests',
    {
      schema: {
        summary: 'Access requests you may see: yours, those for your teams, those for ports your teams own',
        tags: ['access'],
        querystring: obj({ port: str, team: str, status: { type: 'string', enum: ['pending', 'approved', 'denied', 'revoked'] } }),
        response: { 200: obj({ requests: { type: 'array', items: requestSchema } }, ['requests']), ...errorResponses },
      },
    },
    async (request) => {
      const identity = identityOf(request);
      const { port, team, status } = request.query;
      const all = await ctx.access.accessRequests({ ...(port === undefined ? {} : { port }), ...(status === undefined ? {} : { status }) });
      const forTeam = (r: AccessRequest): boolean => team === undefined || ownerOf(r.port) === team || r.team === team;
      return { requests: all.filter((r) => mayList(identity, r) && forTeam(r)).map((r) => requestJson(identity, r)) };
    },
  );

  const decide = (path: string, status: AccessRequestStatus, from: readonly AccessRequestStatus[], summary: string): void => {
    app.post<{ Params: { id: number }; Body: { reason?: string } | undefined }>(
      `/access-requests/:id/${path}`,
      {
        schema: {
          summary,
          tags: ['access'],
          params: obj({ id: int }, ['id']),
          body: { anyOf: [obj({ reason: { type: 'string', maxLength: 2000 } }), { type: 'null' }] },
          response: { 200: requestSchema, ...errorResponses },
        },
      },
      async (request: FastifyRequest<{ Params: { id: number }; Body: { reason?: string } | undefined }>) => {
        const identity = identityOf(request);
        const found = await ctx.access.accessRequest(request.params.id);
        if (!found || !mayList(identity, found)) throw notFound(`No access request ${request.params.id}.`);
        const requesterRevokes = path === 'revoke' && found.requester === subjectOf(identity);
        if (!mayDecide(identity, found.port) && !requesterRevokes) throw new ApiError(403, 'forbidden', `Only the owners of ${found.port} (${ownerOf(found.port) ?? '?'}) or the admin decide on it.`);
        const reason = request.body?.reason;
        if (status === 'denied' && (reason === undefined || reason.trim() === '')) throw new ApiError(400, 'bad_request', 'Say why the request is denied (`reason`).');
        const decided = await ctx.access.decideAccessRequest(found.id, { status, by: labelOf(identity), ...(reason === undefined ? {} : { reason }), from });
        if (!decided) throw new ApiError(409, 'conflict', `Access request ${found.id} is ${found.status}; it can be ${path === 'revoke' ? 'revoked' : 'decided'} only when ${from.join(' or ')}.`);
        ctx.gateway.grantsChanged();
        // A BI tool connected straight to the engine with a team's role is bound by the decision at once too.
        await ctx.syncEngineGrants?.();
        // A pending request was an incident of the owners: deciding it settles that.
        if (from.includes('pending')) await ctx.alerts?.accessDecided(decided, { status, by: labelOf(identity), reason });
        return requestJson(identity, decided);
      },
    );
  };
  decide('approve', 'approved', ['pending'], 'Approve a pending request: the grant holds at once (until it expires)');
  decide('deny', 'denied', ['pending'], 'Deny a pending request, with a reason');
  decide('revoke', 'revoked', ['approved'], 'Revoke an approved grant at once');

  app.get<{ Querystring: { days?: number } }>(
    '/usage',
    {
      schema: {
        summary: 'Reads per port from the audit log, and the ports nobody read in the window',
        tags: ['access'],
        querystring: obj({ days: { type: 'integer', minimum: 1, maximum: 365, default: 30 } }),
        response: { 200: obj({ days: int, ports: { type: 'array', items: usageSchema }, unread: strings }, ['days', 'ports', 'unread']), ...errorResponses },
      },
    },
    async (request) => {
      const days = request.query.days ?? 30;
      const usage = await ctx.access.usage({ days });
      const read = new Set(usage.map((u) => u.port));
      return { days, ports: usage, unread: [...policies().keys()].filter((p) => !read.has(p)).sort() };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/products/:id/access',
    {
      schema: {
        summary: "What you may read of a product's ports: access level, masks you see, your requests, usage",
        tags: ['access'],
        params: obj({ id: str }, ['id']),
        response: { 200: obj({ product: str, ports: { type: 'array', items: portAccessSchema } }, ['product', 'ports']), ...errorResponses },
      },
    },
    async (request) => {
      const identity = identityOf(request);
      const all = [...policies().values()].filter((p) => p.product === request.params.id);
      if (all.length === 0 && !ctx.mesh().graph?.products.has(request.params.id)) throw notFound(`No product \`${request.params.id}\`.`);
      const grants = await ctx.gateway.grants();
      const usage = new Map((await ctx.access.usage({ days: 30 })).map((u) => [u.port, u]));
      const requests = await ctx.access.accessRequests({ ports: all.map((p) => p.port) });
      const now = new Date();
      return {
        product: request.params.id,
        ports: all.map((policy) => {
          const decision = decidePortAccess(identity, policy, grants, now);
          const used = usage.get(policy.port);
          return {
            port: policy.port,
            access: policy.access,
            canRead: decision.allowed,
            ...(decision.allowed ? { relation: decision.relation, via: decision.via } : {}),
            masked: decision.allowed ? Object.fromEntries(decision.masks) : Object.fromEntries(policy.masked),
            requests: requests.filter((r) => r.port === policy.port && mayList(identity, r)).map((r) => requestJson(identity, r)),
            ...(used ? { usage: used } : {}),
          };
        }),
      };
    },
  );
}
