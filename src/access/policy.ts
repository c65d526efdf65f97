import type { MeshGraph, PortNode } from '../compiler/index.js';
import { portAccess, type ColumnSpec, type Mesh } from '../spec/index.js';
import { teamSubject, type Grant } from './grant.js';
import type { Masking, PortPolicy } from './decide.js';

/** The columns of a contract that consumers without clearance see masked, and how. */
export function columnMasks(columns: readonly ColumnSpec[] | undefined): Map<string, Masking> {
  const masked = new Map<string, Masking>();
  for (const column of columns ?? []) {
    if (column.masking !== undefined && column.masking !== 'none') masked.set(column.name, column.masking);
  }
  return masked;
}

/** A port's access policy as its product.yaml declares it. */
export function portPolicy(node: PortNode, mesh: Mesh): PortPolicy {
  const product = mesh.products.find((p) => p.id === node.product);
  const masked = columnMasks(node.spec.columns);
  return {
    port: `${node.domain}.${node.table}`,
    domain: node.domain,
    table: node.table,
    product: node.product,
    owner: product?.spec.owner ?? '',
    access: portAccess(node.spec, mesh.spec),
    columns: (node.spec.columns ?? []).map((c) => c.name),
    masked,
    autoApprove: node.spec.auto_approve ?? [],
  };
}

/** Every port's policy, by `<domain>.<table>`. */
export function portPolicies(graph: MeshGraph, mesh: Mesh): Map<string, PortPolicy> {
  const policies = new Map<string, PortPolicy>();
  for (const node of graph.nodes.values()) if (node.kind === 'port') policies.set(`${node.domain}.${node.table}`, portPolicy(node, mesh));
  return policies;
}

/** The standing grants the owners declare in product.yaml (`grants:`). */
export function specGrants(graph: MeshGraph): Grant[] {
  const grants: Grant[] = [];
  for (const node of graph.nodes.values()) {
    if (node.kind !== 'port') continue;
    for (const g of node.spec.grants ?? []) {
      grants.push({ port: `${node.domain}.${node.table}`, subject: teamSubject(g.team), unmasked: g.unmasked ?? false, source: 'spec', purpose: g.purpose });
    }
  }
  return grants;
}

/** The teams whose member list names `email` (case-insensitive). */
export function teamsOfEmail(mesh: Mesh, email: string): string[] {
  const wanted = email.toLowerCase();
  return mesh.teams.filter((t) => (t.members ?? []).some((m) => m.email?.toLowerCase() === wanted)).map((t) => t.id);
}
