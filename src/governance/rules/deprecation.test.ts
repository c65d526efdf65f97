import { describe, expect, it } from 'vitest';
import { compileMesh, type ModelSqlAnalysis } from '../../compiler/index.js';
import type { Mesh, PortSpec, ProductSpec } from '../../spec/index.js';
import { lintMesh } from '../lint.js';
import type { RuleContext } from '../rule.js';
import { deprecationRule } from './deprecation.js';
import { memoryMesh, memoryProductWithSql } from '../../../test/support/memory-mesh.js';

interface ProductInput {
  readonly spec: Omit<ProductSpec, 'owner' | 'kind'> & Partial<Pick<ProductSpec, 'owner' | 'kind'>>;
  /** Model name → SQL; the tables after FROM and JOIN are what it reads. */
  readonly models?: Record<string, string>;
}

function context(products: ProductInput[], today = '2026-11-21', unloaded: Partial<Pick<Mesh, 'unloadedPorts' | 'unloadedDomains'>> = {}): RuleContext {
  const sql = new Map<string, ModelSqlAnalysis>();
  const loaded = products.map(({ spec: input, models = {} }) => memoryProductWithSql({ kind: 'aggregate', ...input }, models, sql));
  const mesh = memoryMesh(loaded, { teams: [{ id: 'team', name: 'Team' }], unloadedDomains: unloaded.unloadedDomains ?? [], unloadedPorts: unloaded.unloadedPorts ?? [] });
  const { graph, diagnostics } = compileMesh(mesh, sql);
  expect(diagnostics).toEqual([]);
  return { mesh, graph, options: {}, today };
}

const CUSTOMERS_YAML = 'products/commerce/customers/product.yaml';

/** commerce.customers in three versions; v1 deprecated as given. */
const customers = (deprecated: PortSpec['deprecated'], v3deprecated = false): ProductInput => ({
  spec: {
    name: 'customers',
    domain: 'commerce',
    kind: 'source-aligned',
    sources: [{ name: 'raw_customers', format: 'csv', path: 'c.csv' }],
    ports: [
      { name: 'customers', model: 'stg_customers', ...(deprecated ? { deprecated } : {}) },
      { name: 'customers', version: 2, model: 'stg_customers' },
      { name: 'customers', version: 3, model: 'stg_customers', ...(v3deprecated ? { deprecated: { sunset: '2027-12-31', replaced_by: 'commerce.customers_v2' } } : {}) },
    ],
  },
  models: { stg_customers: 'select * from raw_customers' },
});

const revenue = (sql: string, inputs?: string[]): ProductInput => ({
  spec: {
    name: 'revenue',
    domain: 'finance',
    ports: [{ name: 'revenue' }],
    ...(inputs ? { features: [{ name: 'revenue_board', type: 'dashboard', inputs }] } : {}),
  },
  models: { revenue: sql },
});

describe('deprecation: the declaration', () => {
  it('warns at `deprecated` when replaced_by is missing, and fixes it with the latest version of the port', () => {
    const findings = deprecationRule.check(context([customers({ sunset: '2026-12-31' })]));
    expect(findings).toEqual([
      {
        message: 'Port commerce.customers is deprecated (sunset 2026-12-31) but does not say which port replaces it.',
        hint: 'Set `replaced_by: commerce.customers_v3`, the latest version of this port, so that consumers know where to move.',
        location: { file: `${CUSTOMERS_YAML}#ports.0.deprecated (key)`, line: 1, column: 1 },
        domain: 'commerce',
        fix: [{ file: CUSTOMERS_YAML, path: ['ports', 0, 'deprecated', 'replaced_by'], value: 'commerce.customers_v3' }],
      },
    ]);
  });

  it('prefers the latest version that is not itself deprecated', () => {
    const [finding] = deprecationRule.check(context([customers({ sunset: '2026-12-31' }, true)]));
    expect(finding?.fix).toEqual([{ file: CUSTOMERS_YAML, path: ['ports', 0, 'deprecated', 'replaced_by'], value: 'commerce.customers_v2' }]);
  });

  it('offers no fix when no later version exists', () => {
    const product: ProductInput = { spec: { name: 'p', domain: 'd', ports: [{ name: 'old', model: 'm', deprecated: { sunset: '2027-01-01' } }] }, models: { m: 'select 1' } };
    const [finding] = deprecationRule.check(context([product]));
    expect(finding).toMatchObject({ hint: 'Set `replaced_by` to the port consumers should move to, as <domain>.<port>.' });
    expect(finding?.fix).toBeUndefined();
  });

  it('reports, as an error, a replaced_by that names no port, with a did-you-mean', () => {
    const findings = deprecationRule.check(context([customers({ sunset: '2026-12-31', replaced_by: 'commerce.customer_v2' })]));
    expect(findings).toEqual([
      {
        message: 'Port commerce.customers is replaced by `commerce.customer_v2`, which is not a port. Did you mean `commerce.customers_v2`?',
        hint: 'Write `replaced_by: commerce.customers_v2`.',
        location: { file: `${CUSTOMERS_YAML}#ports.0.deprecated.replaced_by`, line: 1, column: 1 },
        domain: 'commerce',
        severity: 'error',
      },
    ]);
  });

  it('reports a port that replaces itself, accepts other casings, and trusts ports of products that failed to load', () => {
    const self = deprecationRule.check(context([customers({ sunset: '2026-12-31', replaced_by: 'commerce.customers' })]));
    expect(self.map((f) => [f.message, f.severity])).toEqual([['Port commerce.customers names itself as its replacement.', 'error']]);
    expect(deprecationRule.check(context([customers({ sunset: '2026-12-31', replaced_by: 'Commerce.Customers_V2' })]))).toEqual([]);
    const elsewhere = customers({ sunset: '2026-12-31', replaced_by: 'crm.contacts' });
    expect(deprecationRule.check(context([elsewhere]))).toHaveLength(1);
    expect(deprecationRule.check(context([elsewhere], '2026-11-21', { unloadedPorts: ['crm.contacts'] }))).toEqual([]);
    expect(deprecationRule.check(context([elsewhere], '2026-11-21', { unloadedDomains: ['crm'] }))).toEqual([]);
  });
});

describe('deprecation: its readers', () => {
  const declared = { sunset: '2026-12-31', replaced_by: 'commerce.customers_v2' };
  const sql = 'select *\nfrom commerce.orders o\njoin commerce.customers c using (customer_id)';
  const orders: ProductInput = {
    spec: { name: 'orders', domain: 'commerce', kind: 'source-aligned', sources: [{ name: 'raw_orders', format: 'csv', path: 'o.csv' }], ports: [{ name: 'orders', model: 'stg_orders' }] },
    models: { stg_orders: 'select * from raw_orders' },
  };

  it('warns where another product reads a deprecated port, naming sunset and replacement', () => {
    const findings = deprecationRule.check(context([customers(declared), orders, revenue(sql)]));
    expect(findings).toEqual([
      {
        message: 'Model `revenue` of finance.revenue reads commerce.customers, which is deprecated (sunset 2026-12-31; replaced by commerce.customers_v2).',
        hint: 'Read commerce.customers_v2 instead, before 2026-12-31.',
        location: { file: 'products/finance/revenue/models/revenue.sql', line: 3, column: 6 },
        domain: 'finance',
      },
    ]);
  });

  it('escalates to an error after the sunset (the sunset day itself still warns)', () => {
    const severities = (today: string): (string | undefined)[] => deprecationRule.check(context([customers(declared), orders, revenue(sql)], today)).map((f) => f.severity);
    expect(severities('2026-11-21')).toEqual([undefined]);
    expect(severities('2026-12-31')).toEqual([undefined]);
    expect(severities('2027-01-01')).toEqual(['error']);
    const [past] = deprecationRule.check(context([customers(declared), orders, revenue(sql)], '2027-01-01'));
    expect(past).toMatchObject({
      message: 'Model `revenue` of finance.revenue reads commerce.customers, which is past its sunset (deprecated, sunset 2026-12-31; replaced by commerce.customers_v2).',
      hint: 'Read commerce.customers_v2 instead: commerce.customers may stop being served any day.',
    });
  });

  it('applies the escalation through lintMesh unless the rule is configured below its default', () => {
    const { mesh, graph } = context([customers(declared), orders, revenue(sql)]);
    const severity = (today: string): string[] => lintMesh(mesh, graph, { today, rules: [deprecationRule] }).map((f) => f.diagnostic.severity);
    expect(severity('2026-11-21')).toEqual(['warning']);
    expect(severity('2027-01-01')).toEqual(['error']);
  });

  it('suggests the latest version when a deprecated port does not name its replacement', () => {
    const findings = deprecationRule.check(context([customers({ sunset: '2026-12-31' }), orders, revenue(sql)]));
    expect(findings.map((f) => f.hint)).toEqual([
      'Set `replaced_by: commerce.customers_v3`, the latest version of this port, so that consumers know where to move.',
      'Read commerce.customers_v3 instead, before 2026-12-31.',
    ]);
  });

  it('leaves the product\'s own models alone: the owners migrate those with the port', () => {
    const own = customers(declared);
    const withOwnReader: ProductInput = { ...own, models: { ...own.models, counts: 'select count(*) from commerce.customers' } };
    expect(deprecationRule.check(context([withOwnReader]))).toEqual([]);
  });

  it('warns where others read the ports of a deprecated product, with the product\'s sunset', () => {
    const crm: ProductInput = {
      spec: {
        name: 'crm',
        domain: 'marketing',
        kind: 'source-aligned',
        status: 'deprecated',
        sunset: '2027-03-31',
        sources: [{ name: 'raw_contacts', format: 'csv', path: 'c.csv' }],
        ports: [{ name: 'contacts', model: 'stg_contacts' }],
        features: [{ name: 'contact_report', type: 'report', inputs: ['marketing.contacts'] }],
      },
      models: { stg_contacts: 'select * from raw_contacts' },
    };
    const findings = deprecationRule.check(context([crm, revenue('select * from marketing.contacts')]));
    expect(findings).toEqual([
      {
        message: 'Model `revenue` of finance.revenue reads marketing.contacts, a port of marketing.crm, which is deprecated (sunset 2027-03-31).',
        hint: 'Ask the owners of marketing.crm (team team) what replaces marketing.contacts, and move before 2027-03-31.',
        location: { file: 'products/finance/revenue/models/revenue.sql', line: 1, column: 15 },
        domain: 'finance',
      },
    ]);
    expect(deprecationRule.check(context([crm, revenue('select * from marketing.contacts')], '2027-04-01'))[0]?.severity).toBe('error');
  });

  it('reports a port of a deprecated product once, by the port\'s own deprecation', () => {
    const old: ProductInput = {
      spec: {
        name: 'old',
        domain: 'legacy',
        status: 'deprecated',
        sunset: '2027-03-31',
        ports: [{ name: 'old', deprecated: { sunset: '2026-12-31' } }],
      },
      models: { old: 'select 1' },
    };
    const reads = deprecationRule.check(context([old, revenue('select * from legacy.old')])).filter((f) => f.message.startsWith('Model'));
    expect(reads.map((f) => f.message)).toEqual(['Model `revenue` of finance.revenue reads legacy.old, which is deprecated (sunset 2026-12-31).']);
  });

  it('warns at the inputs entry of a feature fed by a deprecated port, an error past the sunset', () => {
    const board = revenue('select * from commerce.orders', ['finance.revenue', 'commerce.customers']);
    const findings = deprecationRule.check(context([customers(declared), orders, board]));
    expect(findings).toEqual([
      {
        message: 'Feature `revenue_board` (dashboard) of finance.revenue is fed by commerce.customers, which is deprecated (sunset 2026-12-31; replaced by commerce.customers_v2).',
        hint: 'Read commerce.customers_v2 instead, before 2026-12-31.',
        location: { file: 'products/finance/revenue/product.yaml#features.0.inputs.1', line: 1, column: 1 },
        domain: 'finance',
      },
    ]);
    expect(deprecationRule.check(context([customers(declared), orders, board], '2027-01-01'))[0]?.severity).toBe('error');
  });

  it('is a fixable warning by default', () => {
    expect(deprecationRule.defaultSeverity).toBe('warning');
    expect(deprecationRule.fixable).toBe(true);
  });
});
