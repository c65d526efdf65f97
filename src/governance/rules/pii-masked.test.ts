import { describe, expect, it } from 'vitest';
import type { MeshGraph } from '../../compiler/index.js';
import type { ColumnSpec, MeshSpec, PortSpec, Product, ProductSpec } from '../../spec/index.js';
import { lintMesh } from '../lint.js';
import type { RuleContext } from '../rule.js';
import { piiMaskedRule } from './pii-masked.js';
import { specFile as file, memoryMesh } from '../../../test/support/memory-mesh.js';

function context(ports: PortSpec[], spec: Partial<MeshSpec> = {}): RuleContext {
  const product: ProductSpec = { name: 'customers', domain: 'crm', owner: 'team', kind: 'source-aligned', ports };
  const dir = 'products/crm/customers';
  const loaded: Product = { id: 'crm.customers', spec: product, dir, file: file(`${dir}/product.yaml`), models: [] };
  const mesh = memoryMesh([loaded], { spec: { name: 'test', ...spec }, teams: [{ id: 'team', name: 'Team' }] });
  const graph: MeshGraph = { nodes: new Map(), products: new Map(), order: [] };
  return { mesh, graph, options: {}, today: '2026-11-21' };
}

const email: ColumnSpec = { name: 'email', classification: 'pii' };
const PRODUCT_YAML = 'products/crm/customers/product.yaml';

describe('pii-masked', () => {
  it('reports an unmasked pii column of a public port, at its classification, with a fix', () => {
    const findings = piiMaskedRule.check(context([{ name: 'customers', access: 'public', columns: [{ name: 'customer_id' }, email] }]));
    expect(findings).toEqual([
      {
        message: 'Column `email` of port crm.customers is classified pii and not masked, but the port is public.',
        hint: 'Set `masking` to hash, mask or remove, or restrict the port (`access: restricted`) so that only cleared consumers read crm.customers.',
        location: { file: `${PRODUCT_YAML}#ports.0.columns.1.classification`, line: 1, column: 1 },
        domain: 'crm',
        fix: [{ file: PRODUCT_YAML, path: ['ports', 0, 'columns', 1, 'masking'], value: 'hash' }],
      },
    ]);
  });

  it('treats `masking: none` as unmasked and points at it', () => {
    const findings = piiMaskedRule.check(context([{ name: 'customers', version: 2, access: 'public', columns: [{ ...email, masking: 'none' }] }]));
    expect(findings).toEqual([
      expect.objectContaining({
        message: 'Column `email` of port crm.customers_v2 is classified pii and has `masking: none`, but the port is public.',
        location: { file: `${PRODUCT_YAML}#ports.0.columns.0.masking`, line: 1, column: 1 },
        fix: [{ file: PRODUCT_YAML, path: ['ports', 0, 'columns', 0, 'masking'], value: 'hash' }],
      }),
    ]);
  });

  it.each(['hash', 'mask', 'remove'] as const)('accepts masking: %s', (masking) => {
    expect(piiMaskedRule.check(context([{ name: 'customers', access: 'public', columns: [{ ...email, masking }] }]))).toEqual([]);
  });

  it('looks only at pii, not at other classifications', () => {
    const columns: ColumnSpec[] = [{ name: 'revenue', classification: 'sensitive' }, { name: 'city', classification: 'internal' }];
    expect(piiMaskedRule.check(context([{ name: 'customers', access: 'public', columns }]))).toEqual([]);
  });

  it('takes the access of the port, else tessera.yaml defaults.access, else internal', () => {
    const ports: PortSpec[] = [
      { name: 'inherits', columns: [email] },
      { name: 'internal_port', access: 'internal', columns: [email] },
      { name: 'restricted_port', access: 'restricted', columns: [email] },
      { name: 'public_port', access: 'public', columns: [email] },
    ];
    const tables = (spec: Partial<MeshSpec>): string[] => piiMaskedRule.check(context(ports, spec)).map((f) => f.location?.file ?? '');
    expect(tables({})).toEqual([`${PRODUCT_YAML}#ports.3.columns.0.classification`]);
    expect(tables({ defaults: { access: 'internal' } })).toEqual([`${PRODUCT_YAML}#ports.3.columns.0.classification`]);
    expect(tables({ defaults: { access: 'public' } })).toEqual([
      `${PRODUCT_YAML}#ports.0.columns.0.classification`,
      `${PRODUCT_YAML}#ports.3.columns.0.classification`,
    ]);
    const [inherited] = piiMaskedRule.check(context(ports, { defaults: { access: 'public' } }));
    expect(inherited?.message).toBe('Column `email` of port crm.inherits is classified pii and not masked, but the port is public (the `defaults.access` of tessera.yaml).');
  });

  it('is an error by default, fixable, and its fix is offered through lintMesh', () => {
    expect(piiMaskedRule.defaultSeverity).toBe('error');
    expect(piiMaskedRule.fixable).toBe(true);
    const { mesh, graph } = context([{ name: 'customers', access: 'public', columns: [email] }]);
    const [finding] = lintMesh(mesh, graph, { today: '2026-11-21', rules: [piiMaskedRule] });
    expect(finding?.diagnostic).toMatchObject({ code: 'policy/pii-masked', severity: 'error' });
    expect(finding?.diagnostic.hint).toMatch(/\(fixable: tessera lint --fix\)$/);
    expect(finding?.fix).toEqual([{ file: PRODUCT_YAML, path: ['ports', 0, 'columns', 0, 'masking'], value: 'hash' }]);
  });
});
