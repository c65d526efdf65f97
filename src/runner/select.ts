import type { MeshGraph, MeshNode } from '../compiler/index.js';
import type { Mesh } from '../spec/index.js';

/** The kinds of node a run builds; features are declared outputs outside the warehouse. */
export function isBuildable(node: MeshNode): boolean {
  return node.kind !== 'feature';
}

export class SelectionError extends Error {}

/**
 * Resolves dbt-like selectors to the node ids they pick, in dependency order:
 * `commerce.orders` (a product), `commerce.orders.stg_orders` (one node),
 * `commerce.orders+` (and everything downstream), `+growth.funnel` (and everything
 * upstream), `team:<id>`, `domain:<name>`. Several selectors pick their union.
 */
export function selectNodes(graph: MeshGraph, mesh: Mesh, selectors: readonly string[]): string[] {
  const parts = selectors.flatMap((s) => s.split(/[\s,]+/)).filter((s) => s.length > 0);
  if (parts.length === 0) return graph.order.filter((id) => isBuildable(node(graph, id)));
  const picked = new Set<string>();
  for (const part of parts) {
    const upstream = part.startsWith('+');
    const downstream = part.endsWith('+');
    const core = part.slice(upstream ? 1 : 0, downstream ? -1 : undefined);
    const seeds = resolveCore(graph, mesh, core);
    for (const id of seeds) picked.add(id);
    if (upstream) walk(graph, seeds, 'upstream', picked);
    if (downstream) walk(graph, seeds, 'downstream', picked);
  }
  return graph.order.filter((id) => picked.has(id) && isBuildable(node(graph, id)));
}

function node(graph: MeshGraph, id: string): MeshNode {
  const found = graph.nodes.get(id);
  if (!found) throw new Error(`unknown node ${id}`);
  return found;
}

function walk(graph: MeshGraph, seeds: readonly string[], direction: 'upstream' | 'downstream', into: Set<string>): void {
  const stack = [...seeds];
  const seen = new Set(seeds);
  while (stack.length > 0) {
    const id = stack.pop() ?? '';
    for (const next of graph.nodes.get(id)?.[direction] ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      into.add(next);
      stack.push(next);
    }
  }
}

function productNodes(graph: MeshGraph, productIds: readonly string[]): string[] {
  return productIds.flatMap((id) => [...(graph.products.get(id)?.nodes ?? [])]);
}

function resolveCore(graph: MeshGraph, mesh: Mesh, core: string): string[] {
  const [prefix, value] = core.includes(':') ? (core.split(':', 2) as [string, string]) : [undefined, core];
  const products = [...graph.products.values()];
  if (prefix === 'team') {
    const matching = products.filter((p) => p.owner === value).map((p) => p.id);
    if (matching.length === 0) {
      const teams = mesh.teams.map((t) => t.id);
      throw new SelectionError(`No product is owned by team \`${value}\`${teams.includes(value) ? '' : `; teams are: ${teams.join(', ')}`}.`);
    }
    return productNodes(graph, matching);
  }
  if (prefix === 'domain') {
    const matching = products.filter((p) => p.domain === value).map((p) => p.id);
    if (matching.length === 0) {
      throw new SelectionError(`No product is in domain \`${value}\`; domains are: ${[...new Set(products.map((p) => p.domain))].sort().join(', ')}.`);
    }
    return productNodes(graph, matching);
  }
  if (prefix !== undefined) {
    throw new SelectionError(`Unknown selector \`${core}\`: use <domain>.<product>, <domain>.<product>.<node>, team:<id> or domain:<name>, with + before or after.`);
  }
  if (graph.products.has(value)) return productNodes(graph, [value]);
  const nodeMatches = [...graph.nodes.values()].filter((n) => n.kind !== 'port' && `${n.product}.${n.name}` === value).map((n) => n.id);
  if (nodeMatches.length > 0) return nodeMatches;
  const port = graph.nodes.get(`port:${value}`);
  if (port) return [port.id];
  const known = products.map((p) => p.id).sort();
  throw new SelectionError(`\`${value}\` is not a product, node or port of this mesh. Products are: ${known.join(', ')}.`);
}
