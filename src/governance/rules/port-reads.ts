import { nodeId, type MeshGraph, type PortNode } from '../../compiler/index.js';
import type { SourcePosition } from '../../diagnostics/index.js';
import type { ModelDefinition, Product } from '../../spec/index.js';

export interface PortRead {
  readonly model: ModelDefinition;
  readonly port: PortNode;
  /** Where the SQL reads it; computed when read, so copy it only for a finding. */
  readonly location: SourcePosition;
}

/** Every port of another product that one of this product's models reads, in model order. */
export function* portsReadFromOthers(product: Product, graph: MeshGraph): Generator<PortRead> {
  for (const model of product.models) {
    const node = graph.nodes.get(nodeId('model', product.id, model.name));
    if (node?.kind !== 'model' || node.sqlFile !== model.sqlFile) continue;
    for (const read of node.reads) {
      const port = graph.nodes.get(read.target);
      if (port?.kind === 'port' && port.product !== product.id) yield { model, port, location: read.location };
    }
  }
}
