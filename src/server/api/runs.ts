/** `GET /api/runs` and `GET /api/runs/:id`: the state store's runs. */
import type { FastifyInstance } from 'fastify';
import { diagnosticToJson } from '../../diagnostics/index.js';
import type { ServerContext } from '../context.js';
import { notFound } from './errors.js';
import { errorResponses, runDetailSchema, runListQuery, runListSchema, runParams } from './schemas.js';

export function registerRuns(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: { limit: number } }>(
    '/runs',
    { schema: { summary: 'Recent runs, newest first', tags: ['runs'], querystring: runListQuery, response: { 200: runListSchema, ...errorResponses } } },
    async (request) => ({ runs: await ctx.state.runs({ limit: request.query.limit }) }),
  );

  app.get<{ Params: { id: number } }>(
    '/runs/:id',
    { schema: { summary: 'One run with its node and check results', tags: ['runs'], params: runParams, response: { 200: runDetailSchema, ...errorResponses } } },
    async (request) => {
      const found = await ctx.state.run(request.params.id);
      if (!found) throw notFound(`No run ${request.params.id}.`);
      const checks = await ctx.state.checkResults(request.params.id);
      // Errors as the API's flat diagnostic (file, line, column), like everywhere else.
      const nodes = found.nodes.map((n) => (n.error ? { ...n, error: diagnosticToJson(n.error) } : n));
      return { run: found.run, nodes, checks };
    },
  );
}
