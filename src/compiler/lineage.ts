import type { MeshGraph, MeshNode, PortNode } from './graph.js';

export interface ProductLink {
  /** The other product, `<domain>.<product>`. */
  readonly product: string;
  /** Ports crossing the boundary on this link, as `<domain>.<table>`. */
  readonly ports: readonly string[];
  /** 1 for a direct neighbour, 2 for a neighbour's neighbour, … */
  readonly depth: number;
}

/** A direct link made by reference checks (a check edge, not a data edge): ports read, and the checks reading them. */
export interface ProductCheckLink {
  readonly product: string;
  /** Ports read, as `<domain>.<table>`. */
  readonly ports: readonly string[];
  /** The checks, as `<node> <check name>`, e.g. `delivery.vehicles reference(hub_id) in delivery.hubs(hub_id)`. */
  readonly checks: readonly string[];
}

export interface ProductLineage {
  readonly product: string;
  readonly upstream: readonly ProductLink[];
  readonly downstream: readonly ProductLink[];
  /**
   * Reference checks across the product's boundary, one step each way: `reads` are products
   * whose ports this product's checks read, `readBy` products whose checks read its ports.
   * They order a run's audits but carry no data, so they are not part of upstream/downstream.
   */
  readonly checks: { readonly reads: readonly ProductCheckLink[]; readonly readBy: readonly ProductCheckLink[] };
  /** Dashboards, ML models… of any product that read this product's ports (directly). */
  readonly features: readonly { readonly feature: string; readonly product: string; readonly type: string; readonly ports: readonly string[] }[];
}

/** Product-level edges: which ports of `from` a node of `to` reads. */
export function productEdges(graph: MeshGraph): Map<string, Map<string, Set<string>>> {
  const edges = new Map<string, Map<string, Set<string>>>();
  for (const node of graph.nodes.values()) {
    for (const upId of node.upstream) {
      const up = graph.nodes.get(upId);
      if (up?.kind !== 'port' || up.product === node.product || node.kind === 'feature') continue;
      let targets = edges.get(up.product);
      if (!targets) edges.set(up.product, (targets = new Map<string, Set<string>>()));
      let ports = targets.get(node.product);
      if (!ports) targets.set(node.product, (ports = new Set()));
      ports.add(`${up.domain}.${up.table}`);
    }
  }
  return edges;
}

/** How a node is named in lineage: ports as consumers write them, the rest as `<domain>.<product>.<name>`. */
function shownName(node: MeshNode): string {
  return node.kind === 'port' ? `${node.domain}.${node.table}` : `${node.product}.${node.name}`;
}

/**
 * Product-level check edges: product of the port read → product of the checking node → the
 * ports and checks. Only edges that cross a product boundary.
 */
export function productCheckEdges(graph: MeshGraph): Map<string, Map<string, { ports: Set<string>; checks: Set<string> }>> {
  const edges = new Map<string, Map<string, { ports: Set<string>; checks: Set<string> }>>();
  for (const edge of graph.checkEdges ?? []) {
    const port = graph.nodes.get(edge.from);
    const reader = graph.nodes.get(edge.to);
    if (port?.kind !== 'port' || !reader || port.product === reader.product) continue;
    let targets = edges.get(port.product);
    if (!targets) edges.set(port.product, (targets = new Map<string, { ports: Set<string>; checks: Set<string> }>()));
    let link = targets.get(reader.product);
    if (!link) targets.set(reader.product, (link = { ports: new Set<string>(), checks: new Set<string>() }));
    link.ports.add(shownName(port));
    for (const check of edge.checks) link.checks.add(`${shownName(reader)} ${check}`);
  }
  return edges;
}

function checkLinks(links: Iterable<[string, { ports: Set<string>; checks: Set<string> }]>): ProductCheckLink[] {
  return [...links]
    .map(([product, link]) => ({ product, ports: [...link.ports].sort(), checks: [...link.checks].sort() }))
    .sort((a, b) => (a.product < b.product ? -1 : 1));
}

function walk(start: string, neighbours: (product: string) => ReadonlyMap<string, Set<string>> | undefined): ProductLink[] {
  const links: ProductLink[] = [];
  const depthOf = new Map([[start, 0]]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const current = queue[head] ?? '';
    for (const [next, ports] of neighbours(current) ?? []) {
      if (depthOf.has(next)) continue;
      const depth = (depthOf.get(current) ?? 0) + 1;
      depthOf.set(next, depth);
      queue.push(next);
      links.push({ product: next, ports: [...ports].sort(), depth });
    }
  }
  return links.sort((a, b) => a.depth - b.depth || (a.product < b.product ? -1 : 1));
}

/** Upstream and downstream products of one product, transitively, with the ports on each link. */
/** `edges` lets a caller that asks for many products walk the graph for its edges once (see `productEdges`). */
export function productLineage(graph: MeshGraph, product: string, edges?: ReadonlyMap<string, ReadonlyMap<string, Set<string>>>): ProductLineage {
  const downstreamEdges = edges ?? productEdges(graph);
  const upstreamEdges = new Map<string, Map<string, Set<string>>>();
  for (const [from, targets] of downstreamEdges) {
    for (const [to, ports] of targets) {
      let sources = upstreamEdges.get(to);
      if (!sources) upstreamEdges.set(to, (sources = new Map<string, Set<string>>()));
      sources.set(from, ports);
    }
  }
  const ownPorts = (graph.products.get(product)?.nodes ?? []).map((id) => graph.nodes.get(id)).filter((n): n is PortNode => n?.kind === 'port');
  const features = new Map<string, { feature: string; product: string; type: string; ports: string[] }>();
  for (const port of ownPorts) {
    for (const readerId of port.downstream) {
      const reader: MeshNode | undefined = graph.nodes.get(readerId);
      if (reader?.kind !== 'feature') continue;
      const entry = features.get(reader.id) ?? { feature: reader.name, product: reader.product, type: reader.spec.type, ports: [] };
      entry.ports.push(`${port.domain}.${port.table}`);
      features.set(reader.id, entry);
    }
  }
  return {
    product,
    upstream: walk(product, (p) => upstreamEdges.get(p)),
    downstream: walk(product, (p) => downstreamEdges.get(p)),
    checks: productChecks(graph, product),
    features: [...features.values()],
  };
}

/** The reference checks across `product`'s boundary, one step each way. */
function productChecks(graph: MeshGraph, product: string): ProductLineage['checks'] {
  if ((graph.checkEdges ?? []).length === 0) return { reads: [], readBy: [] };
  const edges = productCheckEdges(graph);
  const reads: [string, { ports: Set<string>; checks: Set<string> }][] = [];
  for (const [from, targets] of edges) {
    const link = targets.get(product);
    if (link) reads.push([from, link]);
  }
  return { reads: checkLinks(reads), readBy: checkLinks(edges.get(product) ?? []) };
}
