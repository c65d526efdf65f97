/**
 * `GET /api/map`: the mesh map — every product placed inside its domain's box, the
 * edges from the products that publish ports to the products that read them, and each
 * product's health. The layout depends on the mesh only, so it is computed once per
 * loaded graph (off the main thread, see map-layout.ts); health changes with every run
 * and is merged in per request.
 */
import type { FastifyInstance } from 'fastify';
import type { MeshGraph } from '../../compiler/index.js';
import type { ServerContext } from '../context.js';
import { layoutMap, layoutRunsInWorker, type LayoutRequest, type MapLayout } from '../map-layout.js';
import { catalogFor, type Catalog } from './catalog.js';
import { errorResponses, meshMapSchema } from './schemas.js';
import { productCards } from './cards.js';
import type { StateReader } from './status.js';

interface Laid {
  readonly layout: MapLayout;
  readonly computedAt: string;
}

/**
 * Per graph rather than per load: a broken edit reloads with the last good graph, whose
 * layout still holds.
 */
const layouts = new WeakMap<MeshGraph, Promise<Laid>>();

function layoutFor(catalog: Catalog): Promise<Laid> {
  const cached = layouts.get(catalog.graph);
  if (cached) return cached;
  const laid = layoutMap(layoutRequest(catalog)).then((layout) => ({ layout, computedAt: new Date().toISOString() }));
  layouts.set(catalog.graph, laid);
  // A failed layout is tried again by the next request rather than failing every one after it.
  laid.catch(() => {
    if (layouts.get(catalog.graph) === laid) layouts.delete(catalog.graph);
  });
  return laid;
}

function layoutRequest(catalog: Catalog): LayoutRequest {
  const domains = new Map<string, string[]>();
  for (const entry of catalog.products.values()) {
    const domain = entry.product.spec.domain;
    const list = domains.get(domain) ?? [];
    list.push(entry.id);
    domains.set(domain, list);
  }
  return {
    domains: [...domains].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, products]) => ({ id, products })),
    edges: catalog.edges.map((e) => ({ from: e.from, to: e.to })),
  };
}

export function registerMap(app: FastifyInstance, ctx: ServerContext, reader: StateReader): void {
  app.get('/map', { schema: { summary: 'The mesh map: products laid out by domain, with lineage and health', tags: ['lineage'], response: { 200: meshMapSchema, ...errorResponses } } }, async () => {
    const catalog = catalogFor(ctx);
    const [{ layout, computedAt }, status] = await Promise.all([layoutFor(catalog), reader.status(catalog)]);
    const cards = productCards(catalog, status, Date.now());
    const boxes = new Map(layout.products.map((p) => [p.id, p]));
    const counts = new Map<string, number>();
    const products = [];
    for (const entry of catalog.products.values()) {
      const spec = entry.product.spec;
      const at = boxes.get(entry.id);
      if (!at) continue;
      counts.set(spec.domain, (counts.get(spec.domain) ?? 0) + 1);
      products.push({
        id: entry.id,
        name: spec.name,
        domain: spec.domain,
        owner: entry.owner,
        kind: spec.kind,
        health: cards.get(entry.id)?.health ?? 'unknown',
        x: at.x,
        y: at.y,
        width: at.width,
        height: at.height,
      });
    }
    return {
      broken: catalog.loaded.broken,
      layout: { computedAt, ms: layout.ms },
      domains: layout.domains.map((d) => ({ ...d, products: counts.get(d.id) ?? 0 })),
      products,
      edges: catalog.edges,
    };
  });

  // The compiled server lays the mesh out as soon as it is ready, in the worker, so that
  // the first visit to the map does not wait for it. (From source, under tests, it would
  // run in the test's thread: there the first request pays instead.)
  app.addHook('onReady', (done) => {
    if (layoutRunsInWorker()) {
      try {
        void layoutFor(catalogFor(ctx)).catch(() => undefined);
      } catch {
        // A mesh that never loaded has nothing to lay out; /api/map says why.
      }
    }
    done();
  });
}
