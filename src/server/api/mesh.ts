/** `GET /api/mesh`: what the mesh holds and how healthy it is, at a glance. */
import type { FastifyInstance } from 'fastify';
import { diagnosticToJson } from '../../diagnostics/index.js';
import type { ServerContext } from '../context.js';
import { catalogFor } from './catalog.js';
import { errorResponses, meshSummarySchema } from './schemas.js';
import { productCards } from './cards.js';
import type { Health, StateReader } from './status.js';

export function registerMesh(app: FastifyInstance, ctx: ServerContext, reader: StateReader): void {
  app.get('/mesh', { schema: { summary: 'Mesh summary', tags: ['mesh'], response: { 200: meshSummarySchema, ...errorResponses } } }, async () => {
    const catalog = catalogFor(ctx);
    const status = await reader.status(catalog);
    const health: Record<Health, number> = { ok: 0, warning: 0, failing: 0, unknown: 0 };
    for (const card of productCards(catalog, status, Date.now()).values()) health[card.health]++;
    const loaded = catalog.loaded;
    return {
      name: catalog.mesh.spec.name,
      description: catalog.mesh.spec.description,
      counts: catalog.counts,
      health,
      broken: loaded.broken,
      loadedAt: loaded.loadedAt,
      latestRun: status.runId === 0 ? null : status.runId,
      // The mesh answering may be the last good one: say what is wrong on disk now.
      diagnostics: ctx.mesh().diagnostics.filter((d) => d.severity === 'error').map(diagnosticToJson),
    };
  });
}
