/**
 * The checks engine on real DuckDB and PostgreSQL: each kind of check passing and
 * failing on a small table, fused evaluation, anomaly detection over a history; and
 * checks at the audit step of `tessera run` (warn publishes, fail keeps the last version).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChecks, planChecks, type Check } from '../src/checks/index.js';
import { evaluateChecks } from '../src/runner/index.js';
import { SqlStateStore, type CheckRecord } from '../src/state/index.js';
import { openWarehouse, type Warehouse } from '../src/warehouse/index.js';
import { writeFarm, writePrices } from './support/farm-mesh.js';
import { startPostgres, type PostgresServer } from './support/postgres-server.js';
import { runCli } from './support/run-cli.js';

const file = { path: 'product.yaml', locate: () => ({ file: 'product.yaml', line: 1, column: 1 }) };

function checks(...raw: unknown[]): Check[] {
  const parsed = parseChecks(raw, file, ['ports', 0, 'checks']);
  expect(parsed.diagnostics).toEqual([]);
  return parsed.checks;
}

let warehouse: Warehouse;
let state: SqlStateStore;
let run = 1000;
let server: PostgresServer | undefined;

/** The shop's tables on a fresh warehouse of the engine (PostgreSQL: a server of its own, stopped with it). */
async function openShop(engine: 'duckdb' | 'postgres'): Promise<void> {
  if (engine === 'postgres') server = await startPostgres();
  warehouse = await openWarehouse(server === undefined ? { type: 'duckdb', path: ':memory:' } : { type: 'postgres', url: server.url });
  state = new SqlStateStore(warehouse, warehouse.dialect);
  await state.migrate();
  await warehouse.execute(`CREATE SCHEMA shop; CREATE SCHEMA ref;
    CREATE TABLE ref.customers AS SELECT * FROM (VALUES (10), (11), (12)) AS t(customer_id);
    CREATE SCHEMA tessera_raw; CREATE VIEW tessera_raw.ref__customers AS SELECT * FROM ref.customers;
    CREATE TABLE shop.orders AS SELECT * FROM (VALUES
      (1, 10, 12.5, 'placed', 'a@x.nl', TIMESTAMP '2026-11-20 10:00:00'),
      (2, 11, 8.0, 'shipped', NULL, TIMESTAMP '2026-11-20 11:00:00'),
      (3, 10, 30.25, 'placed', 'c@x.nl', TIMESTAMP '2026-11-21 09:00:00'),
      (3, 99, -1.0, 'lost', 'not-an-email', TIMESTAMP '2026-11-21 09:30:00')
    ) AS t(order_id, customer_id, amount, status, email, placed_at)`);
}

async function closeShop(): Promise<void> {
  await warehouse.close();
  await server?.stop();
  server = undefined;
}

async function evaluate(list: readonly Check[], now = new Date('2026-11-21T12:00:00Z')): Promise<CheckRecord[]> {
  const outcome = await evaluateChecks(warehouse, warehouse.dialect, state, { nodeId: 'port:shop.orders', table: 'shop.orders', checks: list, runId: ++run, now });
  await state.recordChecks(run, now, outcome.results, outcome.metrics);
  return [...outcome.results];
}

async function outcomeOf(raw: unknown): Promise<CheckRecord> {
  const [result] = await evaluate(checks(raw));
  if (!result) throw new Error('no result');
  return result;
}

describe.each(['duckdb', 'postgres'] as const)('checks on %s', (engine) => {
  beforeAll(() => openShop(engine));
  afterAll(() => closeShop());

  describe('each kind of check, passing and failing', () => {
    const cases: [string, unknown, CheckRecord['outcome']][] = [
      ['row_count passes', 'row_count between 1 and 10', 'pass'],
      ['row_count fails', 'row_count > 10', 'fail'],
      ['missing_count fails', 'missing_count(email) = 0', 'fail'],
      ['missing_percent passes', 'missing_percent(email) < 30', 'pass'],
      ['duplicate_count fails', 'duplicate_count(order_id) = 0', 'fail'],
      ['duplicate_count on two columns passes', 'duplicate_count(order_id, customer_id) = 0', 'pass'],
      ['invalid_count with values fails', { 'invalid_count(status) = 0': { valid_values: ['placed', 'shipped'] } }, 'fail'],
      ['invalid_count with min/max fails', { 'invalid_count(amount) = 0': { valid_min: 0, valid_max: 100 } }, 'fail'],
      ['invalid_count with a regex fails', { 'invalid_count(email) = 0': { valid_regex: '[^@]+@[^@]+' } }, 'fail'],
      ['invalid_count with a length passes', { 'invalid_count(status) = 0': { valid_length: { min: 4, max: 7 } } }, 'pass'],
      ['min fails', 'min(amount) >= 0', 'fail'],
      ['max passes', 'max(amount) < 100', 'pass'],
      ['avg passes', 'avg(amount) between 5 and 20', 'pass'],
      ['sum fails', 'sum(amount) > 100', 'fail'],
      ['stddev passes', 'stddev(amount) < 20', 'pass'],
      ['percentile fails', 'percentile(amount, 0.95) < 10', 'fail'],
      ['freshness passes', 'freshness(placed_at) < 1d', 'pass'],
      ['freshness fails', 'freshness(placed_at) < 1h', 'fail'],
      ['reference fails', 'reference(customer_id) in ref.customers(customer_id)', 'fail'],
      ['sql passes', { sql: 'select * from this where amount > 1000' }, 'pass'],
      ['sql fails', { sql: { query: 'select * from this where amount < 0', fail: '> 0' } }, 'fail'],
      ['warn level', { row_count: { warn: '< 10', fail: '= 0' } }, 'warn'],
    ];
    it.each(cases)('%s', async (_name, raw, expected) => {
      expect((await outcomeOf(raw)).outcome).toBe(expected);
    });

    it('keeps sample rows of a failing row-level check', async () => {
      const missing = await outcomeOf('missing_count(email) = 0');
      expect(missing.sample).toEqual([expect.objectContaining({ order_id: 2, email: null })]);
      const reference = await outcomeOf('reference(customer_id) in ref.customers(customer_id)');
      expect(reference.sample).toEqual([expect.objectContaining({ customer_id: 99 })]);
      const duplicates = await outcomeOf('duplicate_count(order_id) = 0');
      expect(duplicates.sample).toEqual([{ order_id: 3, rows_with_value: 2 }]);
    });

    it('counts duplicates of several columns among the rows that have them all', async () => {
      await warehouse.execute("CREATE TABLE shop.pairs AS SELECT * FROM (VALUES (1, 'a'), (1, 'a'), (2, NULL), (2, NULL), (3, 'b')) AS t(k, v)");
      const outcome = await evaluateChecks(warehouse, warehouse.dialect, state, { nodeId: 'port:shop.pairs', table: 'shop.pairs', checks: checks('duplicate_count(k, v) = 0'), runId: ++run, now: new Date('2026-11-21T12:00:00Z') });
      expect(outcome.results.map((r) => [r.outcome, r.value])).toEqual([['fail', 1]]);
    });

    it('measures every aggregate of a table in one scan, each identical metric once', () => {
      const plan = planChecks(checks('row_count > 0', 'missing_count(email) = 0', 'missing_count(email) < 5', 'avg(amount) > 0', 'freshness(placed_at) < 1d', 'reference(customer_id) in ref.customers(customer_id)'), 'shop.orders', warehouse.dialect);
      expect(plan.metrics.map((m) => m.key)).toEqual(['row_count', 'missing_count(email)', 'avg(amount)', 'max(placed_at)']);
      expect(plan.scan?.match(/FROM shop\.orders/g)).toHaveLength(1);
      expect(plan.sources.filter((s) => s.from === 'query')).toHaveLength(1);
    });
  });

  describe('anomaly detection', () => {
    it('stays quiet while it learns, accepts normal noise, and flags an injected spike', async () => {
      await warehouse.execute('CREATE TABLE shop.events (id INTEGER)');
      const anomaly = checks('anomaly(row_count)');
      const at = async (rows: number): Promise<CheckRecord> => {
        await warehouse.execute(`DELETE FROM shop.events; INSERT INTO shop.events SELECT * FROM generate_series(1, ${rows})`);
        const outcome = await evaluateChecks(warehouse, warehouse.dialect, state, { nodeId: 'port:shop.events', table: 'shop.events', checks: anomaly, runId: ++run, now: new Date() });
        await state.recordChecks(run, new Date(), outcome.results, outcome.metrics);
        const [result] = outcome.results;
        if (!result) throw new Error('no result');
        return result;
      };
      const history = [1000, 1040, 980, 1010, 995, 1025, 990, 1005];
      const outcomes: string[] = [];
      for (const rows of history) outcomes.push((await at(rows)).outcome);
      expect(outcomes).toEqual(history.map(() => 'pass'));
      expect((await at(1030)).outcome).toBe('pass');
      const spike = await at(5000);
      expect(spike.outcome).toBe('warn');
      expect(spike.message).toMatch(/against a median of 1,00\d/);
      // The spike is in the history now, and the median absolute deviation shrugs it off.
      expect((await at(1012)).outcome).toBe('pass');
    });
  });
});

describe('checks in tessera run and tessera test', () => {
  const farms: (() => void)[] = [];
  afterAll(() => {
    for (const cleanup of farms) cleanup();
  });

  async function farmWith(portChecks: string): Promise<ReturnType<typeof writeFarm>> {
    const f = writeFarm();
    farms.push(f.cleanup);
    await writePrices(f.dir, [{ product: 'apples', price: 2.5, updatedAt: '2026-11-01 08:00:00' }]);
    const yaml = (await import('node:fs')).readFileSync(`${f.dir}/products/sales/orders/product.yaml`, 'utf8');
    f.write('products/sales/orders/product.yaml', yaml.replace('  - name: customer_history\n', `    checks:\n${portChecks}  - name: customer_history\n`));
    return f;
  }

  it('publishes with a warning at level warn, and keeps the last version at level fail', async () => {
    const { dir, write } = await farmWith('      - row_count: { warn: "< 5", fail: "< 3" }\n      - reference(customer_id) in sales.customer_history(customer_id)\n');
    write('tessera.yaml', 'name: farm\ndefaults:\n  freshness: 24h\n');
    const before = await runCli(['sla', '--dir', dir]);
    expect(before.exitCode).toBe(1);
    expect(before.stdout).toMatch(/✗ sales\.orders\s+SLA 24h\s+never published/);
    expect(before.stdout).toContain('4 of 4 ports in breach');
    const first = await runCli(['run', '--dir', dir, '--json']);
    expect(first.exitCode).toBe(0);
    const summary = JSON.parse(first.stdout) as { results: { nodeId: string; status: string; warnings?: string[] }[] };
    expect(summary.results.find((r) => r.nodeId === 'port:sales.orders')?.warnings?.[0]).toContain('row_count');
    write('data/orders.csv', 'order_id,customer_id,amount,status\n1,10,12.50,placed\n');
    const second = await runCli(['run', '--dir', dir, '--json', '--select', 'sales.orders']);
    expect(second.exitCode).toBe(1);
    expect(second.stdout).toContain('row_count is 1 (fail when < 3');
    const shown = await runCli(['runs', 'show', 'latest', '--dir', dir]);
    expect(shown.stdout).toMatch(/Checks: \d+ passed, 0 warned, 1 failed/);
    expect(shown.stdout).toMatch(/✗ row_count: .* row_count is 1/);
    const rows = await runCli(['query', '--dir', dir, '--json', 'select count(*) as n from sales.orders']);
    expect(JSON.parse(rows.stdout)).toMatchObject({ rows: [{ n: 3 }] });

    const tested = await runCli(['test', '--dir', dir, '--select', 'sales.orders']);
    expect(tested.exitCode).toBe(0);
    expect(tested.stdout).toMatch(/! row_count: .* row_count is 3/);
    expect(tested.stdout).toMatch(/✓ reference\(customer_id\) in sales\.customer_history\(customer_id\)\s+rows without a match is 0/);
    const sla = await runCli(['sla', '--dir', dir, '--all']);
    expect(sla.stdout).toContain('0 of 4 ports in breach');
  });

  it('checks references across products, after the referenced port is built', async () => {
    const f = writeFarm();
    farms.push(f.cleanup);
    await writePrices(f.dir, [{ product: 'apples', price: 2.5, updatedAt: '2026-11-01 08:00:00' }]);
    const yaml = (await import('node:fs')).readFileSync(`${f.dir}/products/finance/revenue/product.yaml`, 'utf8');
    f.write('products/finance/revenue/product.yaml', `${yaml}    checks:\n      - reference(status) in sales.orders(status)\n`);
    expect((await runCli(['run', '--dir', f.dir])).exitCode).toBe(0);
    f.write('products/finance/revenue/models/revenue.sql', "select status, count(*) as orders, sum(amount) as amount from sales.orders group by status\nunion all select 'refunded', 0, 0\n");
    const result = await runCli(['run', '--dir', f.dir, '--json', '--select', 'finance.revenue']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('check `reference(status) in sales.orders(status)` failed: rows without a match is 1');
    const shown = await runCli(['runs', 'show', 'latest', '--dir', f.dir]);
    expect(shown.stdout).toContain('"status":"refunded"');
  });

  it('fails a model whose checks fail, and skips what reads it', async () => {
    const f = writeFarm();
    farms.push(f.cleanup);
    await writePrices(f.dir, [{ product: 'apples', price: 2.5, updatedAt: '2026-11-01 08:00:00' }]);
    const yaml = (await import('node:fs')).readFileSync(`${f.dir}/products/sales/orders/product.yaml`, 'utf8');
    f.write('products/sales/orders/product.yaml', yaml.replace('models:\n', 'models:\n  - name: orders\n    checks:\n      - max(amount) < 20\n'));
    const result = await runCli(['run', '--dir', f.dir, '--json', '--select', 'sales.orders']);
    const summary = JSON.parse(result.stdout) as { results: { nodeId: string; status: string; error?: { code: string; message: string } }[] };
    const model = summary.results.find((r) => r.nodeId === 'model:sales.orders.orders');
    expect(model?.status).toBe('failed');
    expect(model?.error?.code).toBe('check/failed');
    expect(model?.error?.message).toContain('max(amount) is 30.25');
    expect(summary.results.find((r) => r.nodeId === 'port:sales.orders')?.status).toBe('skipped');
    const tested = await runCli(['test', '--dir', f.dir, '--json']);
    expect(tested.exitCode).toBe(1);
  });
});
