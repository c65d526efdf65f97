import { describe, expect, it } from 'vitest';
import type { MeshGraph } from '../../compiler/index.js';
import type { PortSpec, Product, ProductSpec } from '../../spec/index.js';
import type { RuleContext } from '../rule.js';
import { accessGrantsRule } from './access-grants.js';
import { specFile as file, memoryMesh } from '../../../test/support/memory-mesh.js';

function context(ports: PortSpec[]): RuleContext {
  const product: ProductSpec = { name: 'customers', domain: 'crm', owner: 'crm-team', kind: 'source-aligned', ports };
  const dir = 'products/crm/customers';
  const loaded: Product = { id: 'crm.customers', spec: product, dir, file: file(`${dir}/product.yaml`), models: [] };
  const mesh = memoryMesh([loaded], { spec: { name: 'test' }, teams: [{ id: 'crm-team', name: 'CRM' }, { id: 'growth', name: 'Growth' }] });
  const graph: MeshGraph = { nodes: new Map(), products: new Map(), order: [] };
  return { mesh, graph, options: {}, today: '2026-12-06' };
}

describe('access-grants', () => {
  it('reports a grant or auto-approval naming no team, with a suggestion, at the entry', () => {
    const findings = accessGrantsRule.check(context([{ name: 'customers', access: 'restricted', grants: [{ team: 'growht', purpose: 'x' }], auto_approve: ['nobody'] }]));
    expect(findings.map((f) => [f.message, f.location?.file])).toEqual([
      ['Port crm.customers names team `growht`, which is not a team in teams.yaml. Did you mean `growth`?', 'products/crm/customers/product.yaml#ports.0.grants.0.team'],
      ['Port crm.customers names team `nobody`, which is not a team in teams.yaml.', 'products/crm/customers/product.yaml#ports.0.auto_approve.0'],
    ]);
  });

  it('warns of grants that give nothing: to the owners, or masked on a port they may read anyway', () => {
    const findings = accessGrantsRule.check(context([{ name: 'customers', access: 'internal', grants: [{ team: 'crm-team', purpose: 'x' }, { team: 'growth', purpose: 'y' }, { team: 'growth', unmasked: true, purpose: 'z' }] }]));
    expect(findings.map((f) => f.severity)).toEqual(['warning', 'warning']);
    expect(findings[1]?.message).toContain('is internal, so the masked grant to `growth` gives nothing');
  });

  it('accepts a masked grant on a restricted port and an unmasked one anywhere', () => {
    expect(accessGrantsRule.check(context([{ name: 'customers', access: 'restricted', grants: [{ team: 'growth', purpose: 'y' }], auto_approve: ['growth'] }, { name: 'other', access: 'public', grants: [{ team: 'growth', unmasked: true, purpose: 'z' }] }]))).toEqual([]);
  });
});
