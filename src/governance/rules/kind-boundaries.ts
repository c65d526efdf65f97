import type { Product } from '../../spec/index.js';
import type { Finding, Rule } from '../rule.js';
import { portsReadFromOthers } from './port-reads.js';

const byId = (a: Product, b: Product): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The three kinds of product layer the mesh: source-aligned products expose one
 * source system, aggregates combine them, consumer-aligned products serve one use
 * at the end of the chain. Reads against that flow are reported where the SQL reads.
 */
export const kindBoundariesRule: Rule = {
  id: 'kind-boundaries',
  description:
    'Source-aligned products read no other product; consumer-aligned products are read by no source-aligned or aggregate product.',
  defaultSeverity: 'warning',
  fixable: false,
  check({ mesh, graph }) {
    const findings: Finding[] = [];
    const products = new Map(mesh.products.map((p) => [p.id, p]));
    for (const product of [...mesh.products].sort(byId)) {
      const kind = product.spec.kind;
      if (kind === 'consumer-aligned') continue;
      for (const { model, port, location } of portsReadFromOthers(product.id, graph)) {
        const upstream = products.get(port.product);
        const table = `${port.domain}.${port.table}`;
        if (upstream?.spec.kind === 'consumer-aligned') {
          findings.push({
            message: `Model \`${model}\` of ${kind} product ${product.id} reads ${table}, a port of consumer-aligned product ${upstream.id}: consumer-aligned products serve one use at the end of the mesh and are not building blocks for ${kind} products.`,
            hint: `Move the logic both need into an aggregate product that ${upstream.id} and ${product.id} can read.`,
            location: { ...location },
            domain: product.spec.domain,
            severity: 'error',
          });
        } else if (kind === 'source-aligned') {
          findings.push({
            message: `Model \`${model}\` of source-aligned product ${product.id} reads ${table}, a port of ${port.product}: a source-aligned product exposes one source system and reads no other product.`,
            hint: `Make ${product.id} \`kind: aggregate\`, or move the integration with ${table} into an aggregate product.`,
            location: { ...location },
            domain: product.spec.domain,
          });
        }
      }
    }
    return findings;
  },
};
