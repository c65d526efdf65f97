/**
 * The runner end to end on the farm mesh (test/support/farm-mesh.ts): real DuckDB
 * files in temporary folders, through the real CLI (`tessera run --json`) and the
 * runner's API where a test needs its events. The key scenarios run on PostgreSQL too
 * (a real server, a fresh database per farm).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openMesh } from '../src/workspace/index.js';
import { openMeshWarehouse, runMesh, type RunEvent, type RunSummary } from '../src/runner/index.js';
import type { Row, Warehouse } from '../src/warehouse/index.js';
import { postgresFarm, writeFarm, writePrices } from './support/farm-mesh.js';
import { startPostgres, type PostgresServer } from './support/postgres-server.js';
import { runCli } from './support/run-cli.js';

type Engine = 'duckdb' | 'postgres';
const ENGINES: readonly Engine[] = ['duckdb', 'postgres'];
/** The variable the PostgreSQL farms read their URL from; each farm points it at a database of its own. */
const URL_ENV = 'TESSERA_TEST_FARM_URL';

const farms: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of farms.splice(0)) cleanup();
});

let server: Promise<PostgresServer> | undefined;
let databases = 0;
afterAll(async () => {
  await (await server)?.stop();
  Reflect.deleteProperty(process.env, URL_ENV);
});

/** The farm's overrides for `engine`: on PostgreSQL, a fresh database (started with the first one). */
async function onEngine(engine: Engine): Promise<Record<string, string>> {
  if (engine === 'duckdb') return {};
  server ??= startPostgres();
  process.env[URL_ENV] = await (await server).createDatabase(`farm_${++databases}`);
  return postgresFarm(URL_ENV);
}

async function farm(overrides: Record<string, string> = {}, engine: Engine = 'duckdb'): Promise<ReturnType<typeof writeFarm>> {
  const f = writeFarm({ ...(await onEngine(engine)), ...overrides });
  farms.push(f.cleanup);
  await writePrices(f.dir, [
    { product: 'apples', price: 2.5, updatedAt: '2026-11-01 08:00:00' },
    { product: 'pears', price: 3.0, updatedAt: '2026-11-01 08:00:00' },
  ]);
  return f;
}

async function run(dir: string, ...args: string[]): Promise<{ exitCode: number; summary: RunSummary; stderr: string }> {
  const result = await runCli(['run', '--dir', dir, '--json', ...args]);
  if (!result.stdout.startsWith('{')) throw new Error(`no JSON from tessera run (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`);
  return { exitCode: result.exitCode, summary: JSON.parse(result.stdout) as RunSummary, stderr: result.stderr };
}

async function query(dir: string, sql: string): Promise<Row[]> {
  const result = await runCli(['query', '--dir', dir, '--json', sql]);
  if (result.exitCode !== 0) throw new Error(`query failed: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { rows: Row[] }).rows;
}

function statuses(summary: RunSummary): Record<string, string> {
  return Object.fromEntries(summary.results.map((r) => [r.nodeId, r.status]));
}

/** The farm's warehouse, read-only, for what the CLI does not show. */
async function inWarehouse<T>(dir: string, work: (warehouse: Warehouse) => Promise<T>): Promise<T> {
  const opened = await openMesh(dir);
  if (!opened.mesh) throw new Error('farm does not open');
  const { warehouse, release } = await openMeshWarehouse(opened.root, opened.mesh.spec, { command: 'test', readOnly: true });
  try {
    return await work(warehouse);
  } finally {
    await release();
  }
}

/** The version tables in the warehouse whose names start with `prefix`. */
async function versionTables(dir: string, prefix: string): Promise<string[]> {
  return inWarehouse(dir, async (warehouse) => (await warehouse.relations('tessera_versions')).map((r) => r.name).filter((name) => name.startsWith(prefix)).sort());
}

describe.each(ENGINES)('tessera run on %s', (engine) => {
  it('builds every node and publishes every port of the farm', async () => {
    const { dir } = await farm({}, engine);
    const { exitCode, summary } = await run(dir);
    expect(await inWarehouse(dir, (warehouse) => Promise.resolve(warehouse.dialect.name))).toBe(engine);
    expect(summary.results.filter((r) => r.status !== 'success').map((r) => r.error)).toEqual([]);
    expect(exitCode).toBe(0);
    for (const result of summary.results.filter((r) => (r.rows ?? 0) > 0)) expect(result.bytes, result.nodeId).toBeGreaterThan(0);
    expect(summary.publishedPorts.map((p) => p.port).sort()).toEqual(['finance.revenue', 'lab.trials', 'sales.customer_history', 'sales.orders']);
    expect(await query(dir, 'select * from finance.revenue order by status')).toEqual([
      { status: 'placed', orders: 2, amount: '42.75' },
      { status: 'shipped', orders: 1, amount: '8.00' },
    ]);
  });
});

describe('order and parallelism', () => {
  it('starts a node only after everything it reads has finished, and builds independent nodes at the same time', async () => {
    const { dir } = await farm();
    const opened = await openMesh(dir);
    if (!opened.mesh || !opened.graph) throw new Error('farm does not open');
    const { warehouse, release } = await openMeshWarehouse(opened.root, opened.mesh.spec, { command: 'test' });
    const events: RunEvent[] = [];
    try {
      await runMesh({ root: opened.root, mesh: opened.mesh, graph: opened.graph, warehouse, concurrency: 3, onEvent: (e) => events.push(e) });
    } finally {
      await release();
    }
    const position = (type: RunEvent['type'], id: string): number =>
      events.findIndex((e) => e.type === type && (e.type === 'node-started' ? e.nodeId : e.type === 'node-finished' ? e.result.nodeId : '') === id);
    for (const node of opened.graph.nodes.values()) {
      if (node.kind === 'feature') continue;
      for (const upstream of node.upstream) {
        expect(position('node-finished', upstream), `${upstream} before ${node.id}`).toBeLessThan(position('node-started', node.id));
      }
    }
    let running = 0;
    let most = 0;
    for (const e of events) {
      if (e.type === 'node-started') most = Math.max(most, ++running);
      if (e.type === 'node-finished') running--;
    }
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(3);
  });
});

describe.each(ENGINES)('failures on %s', (engine) => {
  it('skips only what depends on a failed node, names the model file and line, and exits 1', async () => {
    const { dir, write } = await farm({}, engine);
    write('products/sales/orders/models/orders.sql', 'select\n    cast(order_id as bigint) as order_id,\n    cast(customer_id as bigint) as customer_id,\n    amount_typo as amount,\n    status\nfrom raw_orders\n');
    const { exitCode, summary } = await run(dir);
    expect(exitCode).toBe(1);
    const s = statuses(summary);
    expect(s['model:sales.orders.orders']).toBe('failed');
    expect(s['port:sales.orders']).toBe('skipped');
    expect(s['model:sales.orders.order_log']).toBe('skipped');
    expect(s['model:finance.revenue.revenue']).toBe('skipped');
    expect(s['port:lab.trials']).toBe('success');
    expect(s['snapshot:sales.orders.customer_history']).toBe('success');
    const failed = summary.results.find((r) => r.nodeId === 'model:sales.orders.orders');
    expect(failed?.error).toMatchObject({ code: 'run/sql-error', location: { file: 'products/sales/orders/models/orders.sql', line: 4 } });
    expect(failed?.error?.message).toContain('amount_typo');
    const skipped = summary.results.find((r) => r.nodeId === 'port:finance.revenue');
    expect(skipped?.error?.message).toContain('model:sales.orders.orders');
  });

  it('points at the column of an error on the first line of a model', async () => {
    const { dir, write } = await farm({}, engine);
    write('products/lab/trials/models/trials.sql', 'select nope as trial from (values (1)) as t(x)\n');
    const { summary } = await run(dir, '--select', 'lab.trials');
    expect(summary.results.find((r) => r.nodeId === 'model:lab.trials.trials')?.error?.location).toEqual({ file: 'products/lab/trials/models/trials.sql', line: 1, column: 8 });
  });

  it('says which source file is missing', async () => {
    const { dir } = await farm({}, engine);
    const { rmSync } = await import('node:fs');
    rmSync(`${dir}/data/orders.csv`);
    const { summary } = await run(dir, '--select', 'sales.orders');
    const error = summary.results.find((r) => r.nodeId === 'source:sales.orders.raw_orders')?.error;
    expect(error?.message).toContain('orders.csv');
    expect(error?.location?.file).toBe('products/sales/orders/product.yaml');
  });
});

describe('selection', () => {
  const products = (summary: RunSummary): string[] => [...new Set(summary.results.map((r) => r.product))].sort();

  it('builds a product, its downstream with +, its upstream with a leading +, a team or a domain', async () => {
    const { dir } = await farm();
    await run(dir);
    expect(products((await run(dir, '--select', 'sales.orders')).summary)).toEqual(['sales.orders']);
    expect(products((await run(dir, '--select', 'sales.orders+')).summary)).toEqual(['finance.revenue', 'sales.orders']);
    expect(products((await run(dir, '--select', '+finance.revenue')).summary)).toEqual(['finance.revenue', 'sales.orders']);
    expect(products((await run(dir, '--select', 'team:lab-team')).summary)).toEqual(['lab.trials']);
    expect(products((await run(dir, '--select', 'domain:finance', 'lab.trials')).summary)).toEqual(['finance.revenue', 'lab.trials']);
    const one = (await run(dir, '--select', 'sales.orders.orders')).summary;
    expect(one.results.map((r) => r.nodeId)).toEqual(['model:sales.orders.orders']);
  });

  it('rejects an unknown selector with exit 2 and the products it knows', async () => {
    const { dir } = await farm();
    const result = await runCli(['run', '--dir', dir, '--select', 'sales.ordres']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('sales.orders');
  });
});

describe.each(ENGINES)('incremental models on %s', (engine) => {
  it('read their own previous result as `this`, empty on the first run, and merge on the unique key', async () => {
    const { dir, write } = await farm({}, engine);
    await run(dir);
    const log = (): Promise<Row[]> => query(dir, 'select order_id, status, seen_in_run from sales__orders.order_log order by order_id');
    expect(await log()).toEqual([
      { order_id: 1, status: 'placed', seen_in_run: 1 },
      { order_id: 2, status: 'shipped', seen_in_run: 1 },
      { order_id: 3, status: 'placed', seen_in_run: 1 },
    ]);
    write('data/orders.csv', 'order_id,customer_id,amount,status\n1,10,12.50,shipped\n2,11,8.00,shipped\n3,10,30.25,placed\n4,12,5.00,placed\n');
    await run(dir, '--select', 'sales.orders');
    expect(await log()).toEqual([
      { order_id: 1, status: 'shipped', seen_in_run: 2 },
      { order_id: 2, status: 'shipped', seen_in_run: 1 },
      { order_id: 3, status: 'placed', seen_in_run: 1 },
      { order_id: 4, status: 'placed', seen_in_run: 2 },
    ]);
    await run(dir, '--select', 'sales.orders', '--full-refresh');
    expect((await log()).map((r) => r.seen_in_run)).toEqual([1, 1, 1, 1]);
  });
});

describe.each(ENGINES)('snapshots on %s', (engine) => {
  it('keep history across runs: inserts, changes and deletes, for the check and timestamp strategies', async () => {
    const { dir, write } = await farm({}, engine);
    await run(dir, '--select', 'sales.orders');
    write('data/customers.json', '{"customer_id": 10, "city": "Amersfoort"}\n{"customer_id": 12, "city": "Delft"}\n');
    await writePrices(dir, [
      { product: 'apples', price: 2.75, updatedAt: '2026-11-05 09:00:00' },
      { product: 'pears', price: 3.0, updatedAt: '2026-11-01 08:00:00' },
    ]);
    await run(dir, '--select', 'sales.orders');
    write('data/customers.json', '{"customer_id": 10, "city": "Amersfoort"}\n{"customer_id": 11, "city": "Leiden"}\n{"customer_id": 12, "city": "Delft"}\n');
    await writePrices(dir, [{ product: 'apples', price: 2.75, updatedAt: '2026-11-05 09:00:00' }]);
    await run(dir, '--select', 'sales.orders');

    const customers = await query(dir, 'select customer_id, city, valid_to is null as open, is_current from sales.customer_history order by customer_id, valid_from');
    expect(customers).toEqual([
      { customer_id: 10, city: 'Utrecht', open: false, is_current: false },
      { customer_id: 10, city: 'Amersfoort', open: true, is_current: true },
      { customer_id: 11, city: 'Leiden', open: false, is_current: false },
      { customer_id: 11, city: 'Leiden', open: true, is_current: true },
      { customer_id: 12, city: 'Delft', open: true, is_current: true },
    ]);
    const prices = await query(dir, 'select product, price, valid_from, valid_to, is_current from sales__orders.price_history order by product, valid_from');
    expect(prices.map((p) => [p.product, p.price, p.valid_from, p.valid_to === null ? null : 'closed', p.is_current])).toEqual([
      ['apples', 2.5, '2026-11-01T08:00:00', 'closed', false],
      ['apples', 2.75, '2026-11-05T09:00:00', null, true],
      ['pears', 3, '2026-11-01T08:00:00', 'closed', false],
    ]);
    // A changed key's old version ends when the new one starts (timestamp strategy).
    expect(prices[0]?.valid_to).toBe('2026-11-05T09:00:00');
  });
});

describe.each(ENGINES)('write, audit, publish on %s', (engine) => {
  const BAD_ORDERS = 'order_id,customer_id,amount,status\n1,10,12.50,placed\n1,11,8.00,lost\n3,,30.25,placed\n';

  it('keeps serving the last good version when a new build fails its audit, and records why', async () => {
    const { dir, write } = await farm({}, engine);
    await run(dir);
    const before = await query(dir, 'select * from sales.orders order by order_id');
    write('data/orders.csv', BAD_ORDERS);
    const { exitCode, summary } = await run(dir);
    expect(exitCode).toBe(1);
    const port = summary.results.find((r) => r.nodeId === 'port:sales.orders');
    expect(port?.status).toBe('failed');
    expect(port?.error?.code).toBe('port/audit-failed');
    expect(port?.error?.message).toContain('check `contract: order_id is unique` failed: duplicate_count(order_id) is 1');
    expect(port?.error?.message).toContain('check `contract: customer_id is required` failed: missing_count(customer_id) is 1');
    expect(port?.error?.message).toContain('check `contract: status has allowed values` failed: invalid_count(status) is 1');
    expect(port?.error?.location?.file).toBe('products/sales/orders/product.yaml');
    expect(statuses(summary)['port:finance.revenue']).toBe('skipped');
    expect(await query(dir, 'select * from sales.orders order by order_id')).toEqual(before);
    const versions = await query(dir, "select version, status, is_current from tessera_state.port_versions where port = 'sales.orders' order by version");
    expect(versions).toEqual([
      { version: 1, status: 'published', is_current: true },
      { version: 2, status: 'rejected', is_current: false },
    ]);
    // The rejected version's table is gone: only kept versions remain.
    expect(await versionTables(dir, 'sales__orders__v')).toEqual(['sales__orders__v1']);
  });

  it('fails the audit when a column is missing or has another type than the contract', async () => {
    const { dir, write } = await farm({}, engine);
    write('products/sales/orders/models/orders.sql', 'select cast(order_id as integer) as order_id, cast(customer_id as bigint) as customer_id, status from raw_orders\n');
    const { summary } = await run(dir, '--select', 'sales.orders');
    const message = summary.results.find((r) => r.nodeId === 'port:sales.orders')?.error?.message ?? '';
    // Each engine's own spelling of the types.
    expect(message).toContain(engine === 'duckdb' ? 'column `order_id` is INTEGER, the contract says BIGINT' : 'column `order_id` is integer, the contract says bigint');
    expect(message).toContain('column `amount` is missing');
  });

  it('publishes a view with the contract\'s columns only, and keeps the last 3 versions for rollback', async () => {
    const { dir, write } = await farm({}, engine);
    for (let i = 1; i <= 4; i++) {
      write('data/orders.csv', `order_id,customer_id,amount,status,internal_note\n${Array.from({ length: i }, (_, j) => `${j + 1},10,1.00,placed,secret`).join('\n')}\n`);
      expect((await run(dir, '--select', 'sales.orders')).exitCode).toBe(0);
    }
    write('products/sales/orders/models/orders.sql', 'select *, 1 as extra from raw_orders\n');
    expect(await query(dir, 'select * from sales.orders')).toHaveLength(4);
    expect(Object.keys((await query(dir, 'select * from sales.orders limit 1'))[0] ?? {})).toEqual(['order_id', 'customer_id', 'amount', 'status']);
    const kept = await query(dir, "select version, status from tessera_state.port_versions where port = 'sales.orders' order by version");
    expect(kept).toEqual([
      { version: 1, status: 'dropped' },
      { version: 2, status: 'published' },
      { version: 3, status: 'published' },
      { version: 4, status: 'published' },
    ]);

    const back = await runCli(['rollback', 'sales.orders', '--dir', dir]);
    expect(back.exitCode).toBe(0);
    expect(back.stdout).toContain('now serves v3');
    expect(await query(dir, 'select count(*) as n from sales.orders')).toEqual([{ n: 3 }]);
    expect((await runCli(['rollback', 'sales.orders', '--dir', dir, '--to', '4'])).exitCode).toBe(0);
    expect(await query(dir, 'select count(*) as n from sales.orders')).toEqual([{ n: 4 }]);
    const gone = await runCli(['rollback', 'sales.orders', '--dir', dir, '--to', '1']);
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toContain('Version 1 of sales.orders is not kept (kept: v2, v3, v4 (current))');
  });

  it('publishes the same rows when run twice on unchanged inputs, and no new version of unchanged content', async () => {
    const { dir } = await farm({}, engine);
    const ports = ['sales.orders', 'sales.customer_history', 'finance.revenue', 'lab.trials'];
    const sorted = (rows: Row[]): string[] => rows.map((row) => JSON.stringify(row)).sort();
    const snapshot = async (): Promise<string[][]> => Promise.all(ports.map(async (p) => sorted(await query(dir, `select * from ${p}`))));
    await run(dir);
    const first = await snapshot();
    const again = await run(dir);
    expect(again.exitCode).toBe(0);
    expect(await snapshot()).toEqual(first);
    expect(again.summary.publishedPorts).toEqual([]);
    expect(await query(dir, "select port, max(version) as v from tessera_state.port_versions where status = 'published' group by port order by port")).toEqual(ports.sort().map((port) => ({ port, v: 1 })));
  });
});

describe('the warehouse lock, runs and queries', () => {
  it('tells a second run who holds the warehouse instead of DuckDB\'s lock message', async () => {
    const { dir } = await farm();
    const { spawn } = await import('node:child_process');
    const opened = await openMesh(dir);
    if (!opened.mesh) throw new Error('farm does not open');
    const holder = await openMeshWarehouse(opened.root, opened.mesh.spec, { command: 'tessera run --select sales.orders' });
    try {
      const child = spawn(process.execPath, ['bin/tessera.js', 'run', '--dir', dir], { cwd: process.cwd() });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((done) => child.on('close', done));
      expect(code).toBe(1);
      expect(stderr).toContain(`is in use by \`tessera run --select sales.orders\` (pid ${process.pid}`);
      expect(stderr).not.toContain('Conflicting lock');
    } finally {
      await holder.release();
    }
  });

  it('lists runs and shows one with its nodes', async () => {
    const { dir, write } = await farm();
    await run(dir);
    write('products/lab/trials/models/trials.sql', 'select nope from range(5)\n');
    await run(dir, '--select', 'lab.trials');
    const list = await runCli(['runs', '--dir', dir]);
    expect(list.stdout).toMatch(/\n\s+2\s+failed .* lab\.trials/);
    expect(list.stdout).toMatch(/\n\s+1\s+success .* \(all\)/);
    const show = await runCli(['runs', 'show', '2', '--dir', dir]);
    expect(show.stdout).toContain('model:lab.trials.trials');
    expect(show.stdout).toContain('products/lab/trials/models/trials.sql:1:8');
    const json = JSON.parse((await runCli(['runs', 'show', 'latest', '--json', '--dir', dir])).stdout) as { run: { id: number; failed: number }; nodes: unknown[] };
    expect(json.run).toMatchObject({ id: 2, failed: 1 });
    expect(json.nodes).toHaveLength(2);
    expect((await runCli(['runs', 'show', '9', '--dir', dir])).exitCode).toBe(1);
  });

  it('says that nothing has run yet, instead of failing on a missing file', async () => {
    const { dir } = await farm();
    const runs = await runCli(['runs', '--dir', dir]);
    expect(runs.exitCode).toBe(0);
    expect(runs.stdout).toContain('No runs yet');
    const answer = await runCli(['query', '--dir', dir, 'select * from sales.orders']);
    expect(answer.exitCode).toBe(1);
    expect(answer.stderr).toContain('nothing has been published yet');
  });

  it('answers queries read-only', async () => {
    const { dir } = await farm();
    await run(dir);
    const table = await runCli(['query', '--dir', dir, 'select status, count(*) as n from sales.orders group by 1 order by 1']);
    expect(table.stdout.split('\n').slice(0, 4)).toEqual(['status   n', '───────  ─', 'placed   2', 'shipped  1']);
    const write = await runCli(['query', '--dir', dir, 'drop view sales.orders']);
    expect(write.exitCode).toBe(1);
    expect(write.stderr).toContain('read-only');
    expect(await query(dir, 'select count(*) as n from sales.orders')).toEqual([{ n: 3 }]);
  });
});
