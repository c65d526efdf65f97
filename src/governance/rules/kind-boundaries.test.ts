import { describe, expect, it } from 'vitest';
import { compileMesh, type ModelSqlAnalysis } from '../../compiler/index.js';
import type { MeshSpec, ProductSpec } from '../../spec/index.js';
import { lintMesh } from '../lint.js';
import type { RuleContext } from '../rule.js';
import { kindBoundariesRule } from './kind-boundaries.js';
import { memoryMesh, memoryProductWithSql } from '../../../test/support/memory-mesh.js';

interface ProductInput {
  readonly spec: Omit<ProductSpec, 'owner'>;
  /** Model name → SQL; the tables after FROM and JOIN are what it reads. */
  readonly models?: Record<string, string>;
}

function context(products: ProductInput[], spec: Partial<MeshSpec> = {}): RuleContext {
  const sql = new Map<string, ModelSqlAnalysis>();
  const loaded = products.map(({ spec: input, models = {} }) => memoryProductWithSql(input, models, sql));
  const mesh = memoryMesh(loaded, { spec: { name: 'test', ...spec }, teams: [{ id: 'team', name: 'Team' }] });
  const { graph, diagnostics } = compileMesh(mesh, sql);
  expect(diagnostics).toEqual([]);
  return { mesh, graph, options: {}, today: '2026-11-21' };
}

const customers: ProductInput = {
  spec: { name: 'customers', domain: 'commerce', kind: 'source-aligned', sources: [{ name: 'raw_customers', format: 'csv', path: 'c.csv' }], ports: [{ name: 'customers' }] },
  models: { customers: 'select * from raw_customers' },
};
const segments: ProductInput = {
  spec: { name: 'segments', domain: 'growth', kind: 'consumer-aligned', ports: [{ name: 'segments' }] },
  models: { segments: 'select *\nfrom commerce.customers' },
};

describe('kind-boundaries', () => {
  it('warns where a source-aligned product reads another product', () => {
    const orders: ProductInput = {
      spec: { name: 'orders', domain: 'commerce', kind: 'source-aligned', sources: [{ name: 'raw_orders', format: 'csv', path: 'o.csv' }], ports: [{ name: 'orders' }] },
      models: { orders: 'select o.*, c.city\nfrom raw_orders o\n  join commerce.customers c using (customer_id)' },
    };
    expect(kindBoundariesRule.check(context([customers, orders]))).toEqual([
      {
        message:
          'Model `orders` of source-aligned product commerce.orders reads commerce.customers, a port of commerce.customers: a source-aligned product exposes one source system and reads no other product.',
        hint: 'Make commerce.orders `kind: aggregate`, or move the integration with commerce.customers into an aggregate product.',
        location: { file: 'products/commerce/orders/models/orders.sql', line: 3, column: 8 },
        domain: 'commerce',
      },
    ]);
  });

  it('lets a source-aligned product read its own port', () => {
    const orders: ProductInput = {
      spec: { name: 'orders', domain: 'commerce', kind: 'source-aligned', sources: [{ name: 'raw_orders', format: 'csv', path: 'o.csv' }], ports: [{ name: 'orders' }] },
      models: { orders: 'select * from raw_orders', order_counts: 'select count(*) from commerce.orders' },
    };
    expect(kindBoundariesRule.check(context([orders]))).toEqual([]);
  });

  it('reports, as an error, aggregate and source-aligned products reading a consumer-aligned one', () => {
    const revenue: ProductInput = {
      spec: { name: 'revenue', domain: 'finance', kind: 'aggregate', ports: [{ name: 'revenue' }] },
      models: { revenue: 'select * from commerce.customers join growth.segments using (customer_id)' },
    };
    const crm: ProductInput = {
      spec: { name: 'crm', domain: 'marketing', kind: 'source-aligned', sources: [{ name: 'raw_crm', format: 'csv', path: 'm.csv' }], ports: [{ name: 'crm' }] },
      models: { crm: 'select * from raw_crm', crm_segments: 'select *\nfrom raw_crm join growth.segments using (customer_id)' },
    };
    const findings = kindBoundariesRule.check(context([segments, revenue, customers, crm]));
    expect(findings).toEqual([
      {
        message:
          'Model `revenue` of aggregate product finance.revenue reads growth.segments, a port of consumer-aligned product growth.segments: consumer-aligned products serve one use at the end of the mesh and are not building blocks for aggregate products.',
        hint: 'Move the logic both need into an aggregate product that growth.segments and finance.revenue can read.',
        location: { file: 'products/finance/revenue/models/revenue.sql', line: 1, column: 39 },
        domain: 'finance',
        severity: 'error',
      },
      // One finding per read: the stricter boundary, not also "source-aligned reads another product".
      expect.objectContaining({
        message: expect.stringContaining('Model `crm_segments` of source-aligned product marketing.crm reads growth.segments') as unknown,
        location: { file: 'products/marketing/crm/models/crm_segments.sql', line: 2, column: 19 },
        domain: 'marketing',
        severity: 'error',
      }),
    ]);
  });

  it('lets consumer-aligned products and features read consumer-aligned products', () => {
    const campaigns: ProductInput = {
      spec: {
        name: 'campaigns',
        domain: 'growth',
        kind: 'consumer-aligned',
        ports: [{ name: 'audiences' }],
        features: [{ name: 'segment_board', type: 'dashboard', inputs: ['growth.segments'] }],
      },
      models: { audiences: 'select * from growth.segments' },
    };
    const revenue: ProductInput = {
      spec: { name: 'revenue', domain: 'finance', kind: 'aggregate', ports: [{ name: 'revenue' }], features: [{ name: 'by_segment', type: 'report', inputs: ['growth.segments'] }] },
      models: { revenue: 'select * from commerce.customers' },
    };
    expect(kindBoundariesRule.check(context([customers, segments, campaigns, revenue]))).toEqual([]);
  });

  it('runs through lintMesh as a warning, with the consumer-aligned boundary escalated unless configured lower', () => {
    const orders: ProductInput = {
      spec: { name: 'orders', domain: 'commerce', kind: 'source-aligned', sources: [{ name: 'raw_orders', format: 'csv', path: 'o.csv' }], ports: [{ name: 'orders' }] },
      models: { orders: 'select * from raw_orders join commerce.customers using (customer_id)' },
    };
    const revenue: ProductInput = {
      spec: { name: 'revenue', domain: 'finance', kind: 'aggregate', ports: [{ name: 'revenue' }] },
      models: { revenue: 'select * from growth.segments' },
    };
    const products = [customers, segments, orders, revenue];
    const severities = (spec: Partial<MeshSpec>): string[] => {
      const { mesh, graph } = context(products, spec);
      return lintMesh(mesh, graph, { today: '2026-11-21', rules: [kindBoundariesRule] }).map((f) => `${f.diagnostic.code} ${f.diagnostic.severity}`);
    };
    expect(severities({})).toEqual(['policy/kind-boundaries warning', 'policy/kind-boundaries error']);
    expect(severities({ policies: { 'kind-boundaries': 'info' } })).toEqual(['policy/kind-boundaries info', 'policy/kind-boundaries info']);
    expect(severities({ policies: { 'kind-boundaries': { domains: { finance: 'off' } } } })).toEqual(['policy/kind-boundaries warning']);
  });
});
