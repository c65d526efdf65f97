/**
 * The REST API of `tessera serve`: Fastify with a JSON schema on every route (requests
 * validated, responses serialized from it, the same schemas published as OpenAPI at
 * /api/openapi.json and browsable at /api/docs). Errors are always `{ code, message }`.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { ServerContext } from './context.js';
import { ApiError } from './api/errors.js';
import compress from '@fastify/compress';
import { registerAccess } from './api/access.js';
import { registerIncidents } from './api/incidents.js';
import { registerWorkers } from './api/workers.js';
import { registerJobs } from './api/jobs.js';
import { registerLogin } from './login.js';
import { registerSql } from './api/sql.js';
import { harden } from './hardening.js';
import { registerLineage } from './api/lineage.js';
import { registerLint } from './api/lint.js';
import { registerMap } from './api/map.js';
import { registerMesh } from './api/mesh.js';
import { registerProducts } from './api/products.js';
import { registerRuns } from './api/runs.js';
import { healthzSchema } from './api/schemas.js';
import { StateReader } from './api/status.js';
import { registerTeamAlerts } from './api/team-alerts.js';
import { registerTeams } from './api/teams.js';
import { registerWebCatalog, wantsPage } from './web-catalog.js';

export interface AppOptions {
  /** Fastify's logger setting (default off: the CLI prints its own lines). */
  readonly logger?: boolean | object;
  /** Where the built web catalog is (default dist/web of this package). */
  readonly webDir?: string;
  /** Certificate and key (PEM) to serve HTTPS. */
  readonly https?: { readonly cert: string; readonly key: string };
}

export async function buildApp(ctx: ServerContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const base = { logger: options.logger ?? false, bodyLimit: 1_048_576 };
  // With a certificate the same app serves HTTPS; Fastify types the two servers apart, the routes do not care.
  const app = (options.https ? Fastify({ ...base, https: { cert: options.https.cert, key: options.https.key } }) : Fastify(base)) as unknown as FastifyInstance;
  const reader = new StateReader(ctx);
  harden(app, ctx.allowedHosts);
  await app.register(compress, { threshold: 1024, encodings: ['br', 'gzip', 'deflate'] });
  // Everything under /api (the docs included) acts as an identity; the login is the one way in.
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0] ?? '';
    if ((path === '/api' || path.startsWith('/api/')) && path !== '/api/login') await ctx.auth.require(request);
  });
  app.addHook('onClose', async () => {
    await reader.close();
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) {
      return reply.code(error.statusCode).send({ code: error.code, message: error.message, ...(error.diagnostics ? { diagnostics: error.diagnostics } : {}) });
    }
    if (error.validation) return reply.code(400).send({ code: 'bad_request', message: error.message });
    const statusCode = error.statusCode ?? 500;
    if (statusCode >= 400 && statusCode < 500) return reply.code(statusCode).send({ code: error.code || 'bad_request', message: error.message });
    request.log.error(error);
    // Internals (SQL, paths) stay in the log, not in the answer.
    return reply.code(500).send({ code: 'internal', message: 'Internal server error; the server log says more.' });
  });
  const page = await registerWebCatalog(app, options.webDir);
  app.setNotFoundHandler((request, reply) => {
    if (page && wantsPage(request)) return page(request, reply);
    return reply.code(404).send({ code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0] ?? ''}.` });
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Tessera', description: 'The data mesh: products, contracts, checks, lineage, runs.', version: '1' },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.get('/healthz', { schema: { summary: 'Liveness and the state of the loaded mesh', tags: ['server'], response: { 200: healthzSchema } } }, () => {
    const loaded = ctx.mesh();
    return {
      status: 'ok',
      mesh: { broken: loaded.broken, loadedAt: loaded.loadedAt, products: loaded.mesh?.products.length ?? 0 },
      startedAt: ctx.startedAt,
      // Behind a load balancer, which of the servers fires the schedules.
      ...(ctx.leadsSchedules ? { scheduler: ctx.leadsSchedules() ? 'leader' : 'follower' } : { scheduler: 'off' }),
      ...(ctx.leadsAlerts ? { alerts: ctx.leadsAlerts() ? 'leader' : 'follower' } : {}),
    };
  });

  registerLogin(app, ctx);

  await app.register(
    (api, _options, done) => {
      api.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
      registerMesh(api, ctx, reader);
      registerProducts(api, ctx, reader);
      registerLineage(api, ctx, reader);
      registerMap(api, ctx, reader);
      registerRuns(api, ctx);
      registerTeams(api, ctx, reader);
      registerLint(api, ctx);
      registerJobs(api, ctx);
      registerSql(api, ctx);
      registerAccess(api, ctx);
      registerIncidents(api, ctx);
      registerWorkers(api, ctx);
      registerTeamAlerts(api, ctx);
      done();
    },
    { prefix: '/api' },
  );
  return app;
}
