import type { MeshGraph, PortNode } from '../../compiler/index.js';
import type { SourcePosition } from '../../diagnostics/index.js';

export interface PortRead {
  /** The reading model's name. */
  readonly model: string;
  readonly port: PortNode;
  /** Where the SQL reads it; computed when read, so copy it only for a finding. */
  readonly location: SourcePosition;
}

const cache = new WeakMap<MeshGraph, ReadonlyMap<string, readonly PortRead[]>>();

/**
 * Every port of another product that a model reads, by reading product. Two
 * rules ask for it, so it is found once per graph, in one pass over its nodes.
 */
function crossProductReads(graph: MeshGraph): ReadonlyMap<string, readonly PortRead[]> {
  let reads = cache.get(graph);
  if (!reads) {
    const found = new Map<string, PortRead[]>();
    for (const node of graph.nodes.values()) {
      if (node.kind !== 'model') continue;
      for (const read of node.reads) {
        const port = graph.nodes.get(read.target);
        if (port?.kind !== 'port' || port.product === node.product) continue;
        const entry = { model: node.name, port, location: read.location };
        const list = found.get(node.product);
        if (list) list.push(entry);
        else found.set(node.product, [entry]);
      }
    }
    reads = found;
    cache.set(graph, reads);
  }
  return reads;
}

/** The ports of other products that this product's models read, in model order. */
export function portsReadFromOthers(productId: string, graph: MeshGraph): readonly PortRead[] {
  return crossProductReads(graph).get(productId) ?? [];
}
