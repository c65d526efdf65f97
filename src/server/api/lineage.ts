/** `GET /api/lineage` (products and the ports between them) and a product's node-level lineage. */
import type { FastifyInstance } from 'fastify';
import { productCheckEdges, type MeshNode } from '../../compiler/index.js';
import type { ServerContext } from '../context.js';
import { catalogFor } from './catalog.js';
import { findProduct } from './products.js';
import { errorResponses, meshLineageSchema, nodeLineageSchema, productParams, productLineageQuery } from './schemas.js';
import { productCards } from './cards.js';
import type { StateReader } from './status.js';

export function registerLineage(app: FastifyInstance, ctx: ServerContext, reader: StateReader): void {
  app.get('/lineage', { schema: { summary: 'Product-level lineage', tags: ['lineage'], response: { 200: meshLineageSchema, ...errorResponses } } }, async () => {
    const catalog = catalogFor(ctx);
    const status = await reader.status(catalog);
    const cards = productCards(catalog, status, Date.now());
    return {
      nodes: [...catalog.products.values()].map((entry) => ({
        id: entry.id,
        name: entry.product.spec.name,
        domain: entry.product.spec.domain,
        owner: entry.owner.id,
        health: cards.get(entry.id)?.health ?? 'unknown',
      })),
      // Reference checks across products: check edges (no data flows), after the data edges.
      edges: [...catalog.edges, ...checkEdgesBetweenProducts(catalog.graph)],
    };
  });

  app.get<{ Params: { id: string }; Querystring: { level?: 'node' | 'product' } }>(
    '/products/:id/lineage',
    {
      schema: {
        summary: "A product's node graph with its direct upstream and downstream neighbours",
        tags: ['lineage'],
        params: productParams,
        querystring: productLineageQuery,
        response: { 200: nodeLineageSchema, ...errorResponses },
      },
    },
    (request) => {
      const catalog = catalogFor(ctx);
      const entry = findProduct(catalog, request.params.id);
      if (request.query.level === 'product') {
        // The product with the products it reads from and the ones that read from it, one step each way.
        const edges: { from: string; to: string; kind?: 'check'; checks?: readonly string[] }[] = [...catalog.edges, ...checkEdgesBetweenProducts(catalog.graph)].filter(
          (e) => e.from === entry.id || e.to === entry.id,
        );
        const ids = [entry.id, ...new Set(edges.map((e) => (e.from === entry.id ? e.to : e.from)))];
        return {
          product: entry.id,
          nodes: ids.map((id) => {
            const other = catalog.products.get(id);
            return { id, kind: 'product', name: other?.product.spec.name ?? id, product: id, external: id !== entry.id };
          }),
          edges: edges.map((e) => ({ from: e.from, to: e.to, ...(e.kind ? { kind: e.kind, checks: e.checks } : {}) })),
        };
      }
      const inside = new Set(entry.nodes.map((n) => n.id));
      const nodes = new Map<string, MeshNode & { external?: boolean }>();
      const edges: { from: string; to: string; kind?: 'check'; checks?: readonly string[] }[] = [];
      for (const node of entry.nodes) nodes.set(node.id, node);
      for (const node of entry.nodes) {
        for (const up of node.upstream) {
          edges.push({ from: up, to: node.id });
          const other = catalog.graph.nodes.get(up);
          if (other && !inside.has(up)) nodes.set(up, other);
        }
        for (const down of node.downstream) {
          if (inside.has(down)) continue;
          edges.push({ from: node.id, to: down });
          const other = catalog.graph.nodes.get(down);
          if (other) nodes.set(down, other);
        }
      }
      // Reference checks of the product's nodes, and of other products' nodes on its ports.
      for (const edge of catalog.graph.checkEdges ?? []) {
        if (!inside.has(edge.from) && !inside.has(edge.to)) continue;
        edges.push({ from: edge.from, to: edge.to, kind: 'check', checks: edge.checks });
        for (const id of [edge.from, edge.to]) {
          const other = catalog.graph.nodes.get(id);
          if (other && !inside.has(id)) nodes.set(id, other);
        }
      }
      return {
        product: entry.id,
        nodes: [...nodes.values()].map((n) => ({ id: n.id, kind: n.kind, name: n.name, product: n.product, external: !inside.has(n.id) })),
        edges,
      };
    },
  );
}

/** Product-level check edges: reference checks of `to` that read ports of `from`. */
function checkEdgesBetweenProducts(graph: Parameters<typeof productCheckEdges>[0]): { from: string; to: string; ports: string[]; kind: 'check'; checks: string[] }[] {
  const edges: { from: string; to: string; ports: string[]; kind: 'check'; checks: string[] }[] = [];
  for (const [from, targets] of productCheckEdges(graph)) {
    for (const [to, link] of targets) edges.push({ from, to, ports: [...link.ports].sort(), kind: 'check', checks: [...link.checks].sort() });
  }
  return edges.sort((a, b) => (a.from === b.from ? (a.to < b.to ? -1 : 1) : a.from < b.from ? -1 : 1));
}
