import { describe, expect, it } from 'vitest';
import { compileMesh, type ModelSqlAnalysis } from '../compiler/index.js';
import type { Severity } from '../diagnostics/index.js';
import type { Mesh, Product, ProductSpec, SpecFile } from '../spec/index.js';
import type { LintFinding } from './lint.js';
import { aggregateScorecards, gradeFor, productScore, scorecards, SCORE_FORMULA, withHealth, type ProductScore, type Scorecards } from './scorecard.js';

const file = (path: string): SpecFile => ({ path, locate: () => ({ file: path, line: 1, column: 1 }) });

/** A mesh in memory; each model is given as the tables its SQL reads. */
function build(specs: { spec: ProductSpec; models?: Record<string, string[]> }[]): { mesh: Mesh; sql: Map<string, ModelSqlAnalysis> } {
  const sql = new Map<string, ModelSqlAnalysis>();
  const products: Product[] = specs.map(({ spec, models = {} }) => {
    const dir = `products/${spec.domain}/${spec.name}`;
    return {
      id: `${spec.domain}.${spec.name}`,
      spec,
      dir,
      file: file(`${dir}/product.yaml`),
      models: Object.entries(models).map(([name, reads]) => {
        const sqlFile = `${dir}/models/${name}.sql`;
        sql.set(sqlFile, {
          references: reads.map((ref, offset) => {
            const [schema, table] = ref.split('.');
            return table === undefined ? { name: ref, offset } : { name: table, schema: schema ?? '', offset };
          }),
        });
        return { name, sqlFile, sql: 'select 1' };
      }),
    };
  });
  const mesh: Mesh = {
    spec: { name: 'test' },
    file: file('tessera.yaml'),
    teams: [
      { id: 'commerce', name: 'Commerce Team' },
      { id: 'finance', name: 'Finance' },
    ],
    glossary: [],
    products,
    unloadedDomains: [],
    unloadedPorts: [],
    unvalidatedModels: [],
  };
  return { mesh, sql };
}

function finding(severity: Severity, path?: string): LintFinding {
  return {
    diagnostic: {
      code: 'policy/test',
      severity,
      message: 'test finding',
      ...(path !== undefined ? { location: { file: path, line: 1, column: 1 } } : {}),
    },
  };
}

/**
 * commerce.orders: documentation 5/8, contracts 2/3, checks 2/3 (one of them implied by `required`).
 * commerce.orders_archive: fully documented, no ports. finance.revenue: perfect.
 */
function fixture(): { mesh: Mesh; sql: Map<string, ModelSqlAnalysis> } {
  return build([
    {
      spec: {
        name: 'orders',
        domain: 'commerce',
        owner: 'commerce',
        kind: 'source-aligned',
        description: 'Orders from the shop.',
        purpose: '   ', // blank: not documented
        ports: [
          {
            name: 'orders',
            description: 'One row per order.',
            columns: [
              { name: 'order_id', type: 'BIGINT', required: true, description: 'Order id.' },
              { name: 'amount', type: 'DECIMAL(12,2)' },
            ],
          },
          { name: 'order_lines', version: 2, model: 'orders', checks: ['row_count > 0'] },
          { name: 'order_events', model: 'orders', description: 'Status changes.', columns: [{ name: 'event_id', description: 'Event id.' }] },
        ],
      },
      models: { orders: [] },
    },
    {
      spec: { name: 'orders_archive', domain: 'commerce', owner: 'commerce', kind: 'source-aligned', description: 'Old orders.', purpose: 'Audits.' },
      models: { archive: [] },
    },
    {
      spec: {
        name: 'revenue',
        domain: 'finance',
        owner: 'finance',
        kind: 'aggregate',
        description: 'Revenue per day.',
        purpose: 'Reporting.',
        ports: [{ name: 'daily_revenue', description: 'Per day.', columns: [{ name: 'day', description: 'Day.' }], checks: ['row_count > 0'] }],
        features: [{ name: 'board', type: 'dashboard', inputs: ['finance.daily_revenue', 'commerce.orders'] }],
      },
      models: { daily_revenue: ['commerce.orders', 'commerce.order_lines_v2'] },
    },
  ]);
}

const findings: LintFinding[] = [
  finding('error', 'products/commerce/orders/product.yaml'),
  finding('warning', 'products/commerce/orders/product.yaml'),
  finding('warning', 'products/commerce/orders/models/orders.sql'),
  finding('info', 'products/commerce/orders/product.yaml'),
  // Under orders_archive/, not orders/: the folder is matched with its trailing slash.
  finding('warning', 'products/commerce/orders_archive/product.yaml'),
  // The mesh's own files and findings without a file belong to no product.
  finding('warning', 'tessera.yaml'),
  finding('info'),
];

function score(): Scorecards {
  const { mesh, sql } = fixture();
  const { graph, diagnostics } = compileMesh(mesh, sql);
  expect(diagnostics).toEqual([]);
  return scorecards(mesh, graph, findings);
}

function product(cards: Scorecards, id: string): ProductScore {
  const found = cards.products.find((p) => p.id === id);
  if (!found) throw new Error(`no scorecard for ${id}`);
  return found;
}

describe('scorecards per product', () => {
  it('counts documented items, contracts, checks (implied ones too) and the findings under the product folder', () => {
    const orders = product(score(), 'commerce.orders');
    expect(orders.documentation).toEqual({
      documented: 5,
      documentable: 8,
      ratio: 0.625,
      missing: ['purpose', 'ports.orders.columns.amount.description', 'ports.order_lines_v2.description'],
    });
    expect(orders.ports).toMatchObject({ count: 3, withContract: 2, withChecks: 2 });
    expect(orders.ports.contractShare).toBeCloseTo(2 / 3);
    expect(orders.ports.list.map((p) => [p.id, p.contract, p.checks, p.columns])).toEqual([
      ['commerce.orders', true, true, 2], // `required: true` implies a check
      ['commerce.order_lines_v2', false, true, 0],
      ['commerce.order_events', true, false, 1],
    ]);
    expect(orders.findings).toEqual({ errors: 1, warnings: 2, info: 1 });
    // 40 × 5/8 + 30 × 2/3 + 20 × 2/3 + 0 (an error) − 5 × 1 − 1 × 2 = 51.33
    expect(orders.score).toBe(51);
    expect(orders.grade).toBe('D');
    expect(orders.notes).toEqual([]);
  });

  it('counts the readers of each port: other products and features, not the product itself', () => {
    const cards = score();
    // commerce.orders: finance.revenue's model and its dashboard; order_lines_v2: the model only.
    expect(product(cards, 'commerce.orders').ports.list.map((p) => p.readers)).toEqual([2, 1, 0]);
    expect(product(cards, 'finance.revenue').ports.list.map((p) => p.readers)).toEqual([1]);
  });

  it('gives a product without ports 0 for contracts and checks, and says so', () => {
    const archive = product(score(), 'commerce.orders_archive');
    expect(archive.documentation.ratio).toBe(1);
    expect(archive.ports).toMatchObject({ count: 0, contractShare: 0, checksShare: 0, list: [] });
    expect(archive.findings).toEqual({ errors: 0, warnings: 1, info: 0 });
    // 40 × 1 + 0 + 0 + 10 − 1
    expect(archive.score).toBe(49);
    expect(archive.notes).toEqual(['No ports: the product publishes nothing, so its contract and check shares count as 0.']);
  });

  it('scores a complete product without findings 100, A', () => {
    const revenue = product(score(), 'finance.revenue');
    expect(revenue).toMatchObject({ score: 100, grade: 'A', findings: { errors: 0, warnings: 0, info: 0 } });
    expect(revenue.documentation).toMatchObject({ documented: 4, documentable: 4, missing: [] });
  });
});

describe('scorecards per team and mesh-wide', () => {
  it('lists each team\'s products worst first, with the mean score and totals over all items', () => {
    const cards = score();
    expect(cards.teams.map((t) => t.id)).toEqual(['commerce', 'finance']);
    const [commerce, finance] = cards.teams;
    expect(commerce).toEqual({
      id: 'commerce',
      name: 'Commerce Team',
      products: ['commerce.orders_archive', 'commerce.orders'],
      score: 50,
      grade: 'D',
      documentation: { documented: 7, documentable: 10, ratio: 0.7 },
      ports: { count: 3, withContract: 2, withChecks: 2 },
      findings: { errors: 1, warnings: 3, info: 1 },
    });
    expect(finance).toMatchObject({ id: 'finance', name: 'Finance', products: ['finance.revenue'], score: 100, grade: 'A' });
  });

  it('sums the mesh, keeping findings outside every product apart', () => {
    const { summary, formula, products } = score();
    expect(products.map((p) => p.id)).toEqual(['commerce.orders', 'commerce.orders_archive', 'finance.revenue']);
    expect(summary).toEqual({
      products: 3,
      teams: 2,
      score: 66.7, // (51 + 49 + 100) / 3
      grade: 'C',
      documentation: { documented: 11, documentable: 14, ratio: 11 / 14 },
      ports: { count: 4, withContract: 3, withChecks: 3 },
      findings: { errors: 1, warnings: 3, info: 1 },
      meshFindings: { errors: 0, warnings: 1, info: 1 },
    });
    expect(formula).toBe(SCORE_FORMULA);
  });

  it('re-aggregates a selection, so that every figure describes what is shown', () => {
    const { mesh } = fixture();
    const cards = score();
    const selected = aggregateScorecards([product(cards, 'commerce.orders')], mesh);
    expect(selected.teams).toHaveLength(1);
    expect(selected.teams[0]).toMatchObject({ id: 'commerce', products: ['commerce.orders'], score: 51 });
    expect(selected.summary).toMatchObject({ products: 1, teams: 1, score: 51, meshFindings: { errors: 0, warnings: 0, info: 0 } });
    expect(aggregateScorecards([], mesh).summary).toMatchObject({ products: 0, teams: 0, score: null, grade: null });
    // A team missing from teams.yaml is named by its id.
    expect(aggregateScorecards(cards.products, { teams: [] }).teams.map((t) => t.name)).toEqual(['commerce', 'finance']);
  });
});

describe('health in the scorecard', () => {
  it('takes 40 points from a failing product and 10 from one with warnings, and grades a team with a failing product C at best', () => {
    const { mesh } = fixture();
    const cards = withHealth(score(), new Map([['finance.revenue', 'failing'], ['commerce.orders', 'warning'], ['commerce.orders_archive', 'ok']]), mesh);
    expect(product(cards, 'finance.revenue')).toMatchObject({ score: 60, grade: 'C', health: { state: 'failing', penalty: 40 } });
    expect(product(cards, 'finance.revenue').notes).toEqual(['Failing: −40 points until it is healthy again.']);
    expect(product(cards, 'commerce.orders')).toMatchObject({ score: 41, grade: 'D', health: { state: 'warning', penalty: 10 } });
    expect(product(cards, 'commerce.orders_archive')).toMatchObject({ score: 49, health: { state: 'ok', penalty: 0 } });
    const [commerce, finance] = cards.teams;
    expect(commerce).toMatchObject({ score: 45, grade: 'D', health: { failing: 0, warning: 1, penalty: 10 } });
    // 100 on paper: failing, it is not an A.
    expect(finance).toMatchObject({ score: 60, grade: 'C', health: { failing: 1, warning: 0, penalty: 40 } });
  });

  it('caps the grade of a team whose mean stays high while one product fails', () => {
    const { mesh } = fixture();
    const base = score();
    // Three perfect finance products, one failing: mean (100 + 100 + 100 + 60) / 4 = 90, an A on points, C by the cap.
    const revenue = product(base, 'finance.revenue');
    const many = aggregateScorecards([revenue, { ...revenue, id: 'finance.a' }, { ...revenue, id: 'finance.b' }, { ...revenue, id: 'finance.c' }], mesh);
    const cards = withHealth(many, new Map([['finance.c', 'failing']]), mesh);
    expect(cards.teams[0]).toMatchObject({ id: 'finance', score: 90, grade: 'C' });
    // Never run (unknown) costs nothing.
    expect(withHealth(many, new Map(), mesh).teams[0]).toMatchObject({ score: 100, grade: 'A', health: { failing: 0, warning: 0, penalty: 0 } });
  });
});

describe('score and grade', () => {
  it('grades A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, else E', () => {
    const cases: [number, string][] = [
      [100, 'A'],
      [90, 'A'],
      [89.9, 'B'],
      [75, 'B'],
      [74.9, 'C'],
      [60, 'C'],
      [59.9, 'D'],
      [40, 'D'],
      [39.9, 'E'],
      [0, 'E'],
    ];
    for (const [value, grade] of cases) expect(gradeFor(value), String(value)).toBe(grade);
  });

  it('weighs the parts 40/30/20/10, subtracts 5 per error and 1 per warning, rounds, and floors at 0', () => {
    const perfect = { documentation: 1, contractShare: 1, checksShare: 1, errors: 0, warnings: 0 };
    expect(productScore(perfect)).toBe(100);
    expect(productScore({ ...perfect, documentation: 0 })).toBe(60);
    expect(productScore({ ...perfect, contractShare: 0 })).toBe(70);
    expect(productScore({ ...perfect, checksShare: 0 })).toBe(80);
    expect(productScore({ ...perfect, warnings: 3 })).toBe(97);
    // The first error costs the 10 points for none, plus 5.
    expect(productScore({ ...perfect, errors: 1 })).toBe(85);
    expect(productScore({ ...perfect, errors: 2 })).toBe(80);
    // 40 × 0.8 + 30 × 0.5 + 20 × 0.25 + 10 = 62
    expect(productScore({ documentation: 0.8, contractShare: 0.5, checksShare: 0.25, errors: 0, warnings: 0 })).toBe(62);
    // 40 × 1/16 + 30 + 20 + 10 = 62.5: a half rounds up
    expect(productScore({ ...perfect, documentation: 1 / 16 })).toBe(63);
    expect(productScore({ documentation: 0, contractShare: 0, checksShare: 0, errors: 10, warnings: 10 })).toBe(0);
  });
});
