/**
 * A mesh whose sources are tables of an application database (PostgreSQL or MySQL), for
 * the ingestion tests: `shop.orders` loads `orders` incrementally (deletes by key scan,
 * a check that a bad row fails) and the rows of a query; `shop.customers` loads
 * `customers` in full and keeps its history in a snapshot; `shop.accounts` loads
 * `accounts`, which a model reads by column; `shop.typed` loads `typed`, one column of
 * each type, `untyped`, a column of a type no warehouse holds, and `customers` by a cursor
 * it does not have. The URL comes from the environment variable `SHOP_DB_URL`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { runCli } from './run-cli.js';
import type { RunSummary } from '../../src/runner/index.js';
import type { NodeResult } from '../../src/state/index.js';
import { openWarehouse, type ColumnInfo, type Row } from '../../src/warehouse/index.js';

export const URL_ENV = 'SHOP_DB_URL';

function product(name: string, type: string, body: string): string {
  return `name: ${name}\ndomain: shop\nowner: shop-team\nkind: source-aligned\n${body.replaceAll('TYPE', type)}`;
}

export function ingestMesh(type: 'postgres' | 'mysql', bigOrdersQuery: string): Record<string, string> {
  return {
    'tessera.yaml': 'name: ingest\n',
    'teams.yaml': 'teams:\n  - { id: shop-team, name: Shop, domains: [shop] }\n',
    'products/shop/orders/product.yaml': product(
      'orders',
      type,
      `sources:
  - name: orders
    type: TYPE
    url_env: ${URL_ENV}
    table: orders
    incremental: { cursor: updated_at, deletes: full_key_scan }
    unique_key: id
    checks:
      - min(amount) >= 0
  - name: big_orders
    type: TYPE
    url_env: ${URL_ENV}
    query: ${JSON.stringify(bigOrdersQuery)}
`,
    ),
    'products/shop/customers/product.yaml': product(
      'customers',
      type,
      `sources:
  - { name: customers, type: TYPE, url_env: ${URL_ENV}, table: customers }
snapshots:
  - { name: customer_history, from: customers, unique_key: id, strategy: check, check_columns: [city] }
`,
    ),
    'products/shop/accounts/product.yaml': product('accounts', type, `sources:\n  - { name: accounts, type: TYPE, url_env: ${URL_ENV}, table: accounts }\n`),
    'products/shop/accounts/models/account_tiers.sql': 'select id, tier from accounts\n',
    'products/shop/typed/product.yaml': product(
      'typed',
      type,
      `sources:
  - { name: typed, type: TYPE, url_env: ${URL_ENV}, table: typed }
  - { name: untyped, type: TYPE, url_env: ${URL_ENV}, table: untyped }
  - { name: no_cursor, type: TYPE, url_env: ${URL_ENV}, table: customers, incremental: { cursor: changed_at }, unique_key: id }
`,
    ),
  };
}

export interface IngestMesh {
  readonly dir: string;
  write(path: string, text: string): void;
  /** `tessera run --json` of a selection, in this process (the environment is `process.env`). */
  run(select: string, ...extra: string[]): Promise<{ exitCode: number; summary: RunSummary; node: (id: string) => NodeResult | undefined }>;
  /** Rows of a query on the mesh's DuckDB warehouse (opened and closed around it). */
  query(sql: string): Promise<Row[]>;
  columns(schema: string, table: string): Promise<ColumnInfo[]>;
  cleanup(): void;
}

export function writeIngestMesh(files: Readonly<Record<string, string>>): IngestMesh {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-ingest-'));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  for (const [path, text] of Object.entries(files)) write(path, text);
  const withWarehouse = async <T>(work: (w: Awaited<ReturnType<typeof openWarehouse>>) => Promise<T>): Promise<T> => {
    const warehouse = await openWarehouse({ type: 'duckdb', path: join(dir, '.tessera', 'warehouse.duckdb') });
    try {
      return await work(warehouse);
    } finally {
      await warehouse.close();
    }
  };
  return {
    dir,
    write,
    async run(select, ...extra) {
      const result = await runCli(['run', '--dir', dir, '--json', '--select', select, ...extra]);
      if (!result.stdout.startsWith('{')) throw new Error(`no JSON (exit ${result.exitCode}): ${result.stdout}\n${result.stderr}`);
      const summary = JSON.parse(result.stdout) as RunSummary;
      return { exitCode: result.exitCode, summary, node: (id) => summary.results.find((r) => r.nodeId === id) };
    },
    query: (sql) => withWarehouse((w) => w.query(sql)),
    columns: (schema, table) => withWarehouse((w) => w.columns(schema, table)),
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The snapshot over `customers` across three loads (a change and an insert, then a delete
 * at the source), through `sql`, which runs statements on the source database. The same
 * statements and the same history on every engine.
 */
export async function expectSnapshotKeepsHistory(mesh: IngestMesh, sql: (text: string) => Promise<unknown>): Promise<void> {
  expect((await mesh.run('shop.customers')).exitCode).toBe(0);
  await sql("UPDATE customers SET city = 'Delft' WHERE id = 1; INSERT INTO customers VALUES (3, 'Cy', 'Gouda')");
  expect((await mesh.run('shop.customers')).exitCode).toBe(0);
  await sql('DELETE FROM customers WHERE id = 2');
  expect((await mesh.run('shop.customers')).exitCode).toBe(0);
  expect(await mesh.query('select id, city, is_current, valid_to IS NOT NULL AS closed from shop__customers.customer_history order by id, valid_from')).toEqual([
    { id: 1, city: 'Utrecht', is_current: false, closed: true },
    { id: 1, city: 'Delft', is_current: true, closed: false },
    { id: 2, city: 'Leiden', is_current: false, closed: true },
    { id: 3, city: 'Gouda', is_current: true, closed: false },
  ]);
}

const MARK = "select high_water from tessera_state.source_cursors where source = 'source:shop.orders.orders'";
const ORDERS = 'select id, customer, CAST(amount AS VARCHAR) AS amount from shop__orders.orders order by id';
const FIRST_LOAD = [
  { id: 1, customer: 'ann', amount: '10.50' },
  { id: 2, customer: 'bob', amount: '20.00' },
  { id: 3, customer: 'cy', amount: '150.25' },
];

/**
 * `orders` (rows 1–3 at the source, the newest stamped 12:00:00.000001) across loads: the
 * first loads all; the second sees an update, an insert, a delete and a row the source's
 * check refuses, and keeps nothing, its mark included; once the bad row is fixed the third
 * reads from the first load's mark and catches up with all of it; a fourth with nothing
 * new reads only the rows at the mark. `third` is the mark as the engine writes it.
 */
export async function expectIncrementalCatchesUp(mesh: IngestMesh, sql: (text: string) => Promise<unknown>, marks: { readonly third: string }): Promise<void> {
  const first = await mesh.run('shop.orders');
  expect(first.exitCode).toBe(0);
  expect(first.node('source:shop.orders.orders')?.ingested).toEqual({ rows: 3, incremental: false, highWater: '2026-01-01 12:00:00.000001' });
  expect(await mesh.query(ORDERS)).toEqual(FIRST_LOAD);
  expect(await mesh.query('select id, customer from shop__orders.big_orders')).toEqual([{ id: 3, customer: 'cy' }]);
  expect(await mesh.query(MARK)).toEqual([{ high_water: '2026-01-01 12:00:00.000001' }]);

  await sql(`UPDATE orders SET amount = 25.00, updated_at = '2026-01-02 09:00:00' WHERE id = 2;
    INSERT INTO orders VALUES (4, 'dee', 40.00, '2026-01-02 10:00:00'), (5, 'eve', -5.00, '2026-01-02 11:00:00');
    DELETE FROM orders WHERE id = 3;`);
  const second = await mesh.run('shop.orders');
  expect(second.exitCode).toBe(1);
  const failed = second.node('source:shop.orders.orders');
  expect(failed?.status).toBe('failed');
  expect(failed?.error?.code).toBe('check/failed');
  expect(failed?.error?.message).toMatch(/check `min\(amount\) >= 0` failed/);
  expect(failed?.error?.hint).toMatch(/high-water mark did not move/);
  expect(await mesh.query(ORDERS)).toEqual(FIRST_LOAD);
  expect(await mesh.query(MARK)).toEqual([{ high_water: '2026-01-01 12:00:00.000001' }]);
  // Nor its work tables.
  expect(await mesh.query("select table_name from information_schema.tables where table_schema = 'shop__orders' order by 1")).toEqual([{ table_name: 'big_orders' }, { table_name: 'orders' }]);

  await sql("UPDATE orders SET amount = 5.00, updated_at = '2026-01-03 08:00:00' WHERE id = 5");
  const third = await mesh.run('shop.orders');
  expect(third.exitCode).toBe(0);
  expect(third.node('source:shop.orders.orders')?.ingested).toEqual({ rows: 3, incremental: true, deleted: 1, highWater: marks.third });
  expect(await mesh.query(ORDERS)).toEqual([
    { id: 1, customer: 'ann', amount: '10.50' },
    { id: 2, customer: 'bob', amount: '25.00' },
    { id: 4, customer: 'dee', amount: '40.00' },
    { id: 5, customer: 'eve', amount: '5.00' },
  ]);
  expect(await mesh.query(MARK)).toEqual([{ high_water: marks.third }]);
  // The query source is loaded in full each time: the deleted big order is gone from it too.
  expect(await mesh.query('select count(*) AS n from shop__orders.big_orders')).toEqual([{ n: 0 }]);

  const quiet = await mesh.run('shop.orders');
  expect(quiet.node('source:shop.orders.orders')?.ingested).toEqual({ rows: 1, incremental: true, deleted: 0, highWater: marks.third });
}

/** The node of `shop.typed` whose cursor is not a column of its table. */
export function expectUnknownCursor(run: { node: (id: string) => NodeResult | undefined }): void {
  const node = run.node('source:shop.typed.no_cursor');
  expect(node?.error?.code).toBe('source/unknown-column');
  expect(node?.error?.message).toBe('Source `no_cursor`: `incremental.cursor` names the column `changed_at`, which the source does not return (it returns id, name, city).');
  expect(node?.error?.location?.file).toBe('products/shop/typed/product.yaml');
}
