/** `GET /api/runs` and `GET /api/runs/:id`: the state store's runs. */
import type { FastifyInstance } from 'fastify';
import { diagnosticToJson } from '../../diagnostics/index.js';
import type { ServerContext } from '../context.js';
import { accessView } from '../access-view.js';
import { identityOf } from '../auth.js';
import { samplesFor } from '../samples.js';
import { freshnessReport } from '../../runner/index.js';
import { ApiError, notFound } from './errors.js';
import { errorResponses, obj, runDetailQuery, runDetailSchema, runListQuery, runListSchema, runParams } from './schemas.js';

const slaSchema = obj(
  {
    ports: {
      type: 'array',
      items: obj({ port: { type: 'string' }, product: { type: 'string' }, owner: { type: 'string' }, sla: { type: 'string' }, breach: { type: 'boolean' }, reason: { type: 'string' } }, ['port', 'breach', 'reason'], true),
    },
  },
  ['ports'],
);

export function registerRuns(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/sla', { schema: { summary: 'Freshness SLAs of every port: published and newest data against the SLA', tags: ['runs'], response: { 200: slaSchema, ...errorResponses } } }, async () => {
    const { mesh, graph } = ctx.mesh();
    if (!mesh || !graph) throw new ApiError(409, 'mesh_broken', 'The mesh does not load; `tessera validate` says why.');
    return { ports: await freshnessReport(ctx.warehouse, ctx.warehouse.dialect, await ctx.state.portVersions(), mesh, graph, new Date()) };
  });

  app.get<{ Querystring: { limit: number } }>(
    '/runs',
    { schema: { summary: 'Recent runs, newest first', tags: ['runs'], querystring: runListQuery, response: { 200: runListSchema, ...errorResponses } } },
    async (request) => ({ runs: await ctx.state.runs({ limit: request.query.limit }) }),
  );

  app.get<{ Params: { id: number }; Querystring: { offset?: number; limit?: number } }>(
    '/runs/:id',
    {
      schema: {
        summary: 'One run with its node and check results; with `limit`, a page of its nodes (by start time) and the checks of those nodes and every check that did not pass',
        tags: ['runs'],
        params: runParams,
        querystring: runDetailQuery,
        response: { 200: runDetailSchema, ...errorResponses },
      },
    },
    async (request) => {
      const found = await ctx.state.run(request.params.id);
      if (!found) throw notFound(`No run ${request.params.id}.`);
      const view = await accessView(ctx, identityOf(request));
      const recorded = await ctx.state.checkResults(request.params.id);
      // Samples are data: shown as the access decision says (raw, masked, or not at all).
      const checks = view ? samplesFor(recorded, view) : recorded.map((check) => ({ ...check, sample: undefined, sampleHidden: true }));
      // Errors as the API's flat diagnostic (file, line, column), like everywhere else.
      const all = found.nodes.map((n) => (n.error ? { ...n, error: diagnosticToJson(n.error) } : n));
      const { limit } = request.query;
      if (limit === undefined) return { run: found.run, nodes: all, checks };
      // A page: a run of thousands of nodes is not sent at once (the catalog asks for more).
      const offset = request.query.offset ?? 0;
      const ordered = byStart(all);
      const nodes = ordered.slice(offset, offset + limit);
      const inPage = new Set(nodes.map((n) => n.nodeId));
      return {
        run: found.run,
        nodes,
        page: { offset, limit, total: ordered.length },
        // Every failed node, whatever the page: what broke is shown at once.
        failedNodes: all.filter((n) => n.status === 'failed'),
        checks: checks.filter((check) => inPage.has(check.nodeId) || check.outcome !== 'pass'),
      };
    },
  );
}

/** Nodes by start time (those that never started last), keeping the recorded order for ties. */
function byStart<T extends { startedAt?: string | undefined }>(nodes: readonly T[]): T[] {
  const at = (node: T): number => (node.startedAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(node.startedAt));
  return nodes.map((node, i) => ({ node, i })).sort((a, b) => at(a.node) - at(b.node) || a.i - b.i).map(({ node }) => node);
}
