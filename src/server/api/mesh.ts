/** `GET /api/mesh`: what the mesh holds and how healthy it is, at a glance. */
import type { FastifyInstance } from 'fastify';
import { diagnosticToJson } from '../../diagnostics/index.js';
import type { ServerContext } from '../context.js';
import { catalogFor } from './catalog.js';
import { errorResponses, meshSummarySchema } from './schemas.js';
import { productHealth, type Health, type StateReader } from './status.js';

export function registerMesh(app: FastifyInstance, ctx: ServerContext, reader: StateReader): void {
  app.get('/mesh', { schema: { summary: 'Mesh summary', tags: ['mesh'], response: { 200: meshSummarySchema, ...errorResponses } } }, async () => {
    const catalog = catalogFor(ctx);
    const status = await reader.status(catalog);
    const now = Date.now();
    const health: Record<Health, number> = { ok: 0, warning: 0, failing: 0, unknown: 0 };
    for (const entry of catalog.products.values()) health[productHealth(entry, status, now).health]++;
    const nodes = [...catalog.graph.nodes.values()];
    const loaded = catalog.loaded;
    return {
      name: catalog.mesh.spec.name,
      description: catalog.mesh.spec.description,
      counts: {
        domains: new Set(catalog.mesh.products.map((p) => p.spec.domain)).size,
        products: catalog.products.size,
        ports: nodes.filter((n) => n.kind === 'port').length,
        models: nodes.filter((n) => n.kind === 'model').length,
        teams: catalog.mesh.teams.length,
      },
      health,
      broken: loaded.broken,
      loadedAt: loaded.loadedAt,
      latestRun: status.runId === 0 ? null : status.runId,
      // The mesh answering may be the last good one: say what is wrong on disk now.
      diagnostics: ctx.mesh().diagnostics.filter((d) => d.severity === 'error').map(diagnosticToJson),
    };
  });
}
