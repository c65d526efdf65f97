/*
 * Issue 12, item 2: model SQL may read only what the resolver can see. The parser
 * reports every table function in FROM (and calls that read the environment) with
 * its position, on the fast path and on the slow tree walk alike; validate refuses
 * all but the pure ones, and names in Tessera's or the engine's own schemas.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagnosticJson } from '../src/diagnostics/index.js';
import { readSerializedSelect } from '../src/sqlparse/serialized-tree.js';
import { runCli } from './support/run-cli.js';

const FIXTURE = fileURLToPath(new URL('fixtures/errors/ref-internal-qualified/', import.meta.url));
const MODEL = 'products/finance/revenue/models/daily_revenue.sql';

let instance: DuckDBInstance;
let connection: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

async function serialize(sql: string): Promise<string> {
  const reader = await connection.runAndReadAll('select json_serialize_sql($1::varchar)', [sql]);
  return String(reader.getRows()[0]?.[0]);
}

/** The same tree with every object's keys sorted: the fast patterns miss it, the walk must not. */
function reshaped(json: string): string {
  return JSON.stringify(JSON.parse(json), (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  );
}

describe('sqlparse: table functions and environment calls', () => {
  const cases: [string, { kind: string; name: string; schema?: string; at: string }[]][] = [
    ["select * from read_csv('data/x.csv')", [{ kind: 'table', name: 'read_csv', at: 'read_csv' }]],
    ["select * from t join main.read_parquet('x.parquet') p using (id)", [{ kind: 'table', name: 'read_parquet', schema: 'main', at: 'main.read_parquet' }]],
    ['select * from range(10) r, unnest([1, 2]) u', [{ kind: 'table', name: 'range', at: 'range' }, { kind: 'table', name: 'unnest', at: 'unnest' }]],
    ["select 'crème', * from t where id in (select id from query_table('a__b.c'))", [{ kind: 'table', name: 'query_table', at: 'query_table' }]],
    ["with x as (select * from glob('data/*')) select * from x", [{ kind: 'table', name: 'glob', at: 'glob' }]],
    ['select * from duckdb_tables()', [{ kind: 'table', name: 'duckdb_tables', at: 'duckdb_tables' }]],
    ["select getenv('HOME') as home, current_setting('threads') as t from t", [{ kind: 'scalar', name: 'getenv', at: 'getenv' }, { kind: 'scalar', name: 'current_setting', at: 'current_setting' }]],
    ["select * from read_csv(getenv('FILE'))", [{ kind: 'table', name: 'read_csv', at: 'read_csv' }, { kind: 'scalar', name: 'getenv', at: 'getenv' }]],
    ['select upper(name) from t', []],
  ];
  for (const [sql, expected] of cases) {
    it(sql, async () => {
      const json = await serialize(sql);
      const want = expected.map((e) => ({ kind: e.kind, name: e.name, offset: sql.indexOf(e.at), ...(e.schema ? { schema: e.schema } : {}) }));
      expect(readSerializedSelect(sql, json).functions ?? []).toEqual(want);
      expect(readSerializedSelect(sql, reshaped(json)).functions ?? [], 'the slow walk agrees').toEqual(want);
    });
  }
});

describe('validate refuses reads the graph cannot see', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-gates-sql-'));
    cpSync(FIXTURE, dir, { recursive: true });
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  async function diagnose(from: string): Promise<DiagnosticJson[]> {
    writeFileSync(join(dir, MODEL), `SELECT day, sum(amount) AS revenue\nFROM ${from}\nGROUP BY day\n`);
    const { stdout } = await runCli(['validate', '--dir', dir, '--json', '--no-cache']);
    return (JSON.parse(stdout) as { diagnostics: DiagnosticJson[] }).diagnostics.filter((d) => !d.code.startsWith('policy/'));
  }

  const refused: [string, string][] = [
    ["read_csv_auto('data/commerce/orders.csv')", 'sql/table-function'],
    ["read_json('x.json')", 'sql/table-function'],
    ["read_ndjson_objects('x.json')", 'sql/table-function'],
    ["read_text('README.md')", 'sql/table-function'],
    ["read_blob('x')", 'sql/table-function'],
    ["parquet_scan('x.parquet')", 'sql/table-function'],
    ["parquet_metadata('x.parquet')", 'sql/table-function'],
    ["sniff_csv('x.csv')", 'sql/table-function'],
    ["query('select * from commerce__orders.orders_enriched')", 'sql/table-function'],
    ["iceberg_scan('s3://b/t')", 'sql/table-function'],
    ["postgres_scan('dbname=x', 'public', 't')", 'sql/table-function'],
    ["sqlite_scan('x.db', 't')", 'sql/table-function'],
    ['duckdb_settings()', 'sql/table-function'],
    ["pragma_table_info('commerce.orders')", 'sql/table-function'],
    ["which_secret('s3://x', 's3')", 'sql/table-function'],
    ['information_schema.tables', 'ref/system-schema'],
    ['pg_catalog.pg_class', 'ref/system-schema'],
    ['tessera_versions.commerce__orders__v1', 'ref/system-schema'],
    ['tessera_raw.raw_orders', 'ref/system-schema'],
    ['commerce__orders.raw_orders', 'ref/internal'],
    ['commerce__orders.nope', 'ref/internal'],
    ['other_db.commerce.orders', 'ref/unknown'],
    ["'data/commerce/orders.csv'", 'ref/unknown'],
  ];
  for (const [from, code] of refused) {
    it(`FROM ${from} → ${code}`, async () => {
      const diagnostics = await diagnose(from);
      expect(diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual([`${code} 2:6`]);
      expect(diagnostics[0]?.hint).toEqual(expect.any(String));
    });
  }

  it('names the product and its ports for its internal schema', async () => {
    const [d] = await diagnose('commerce__orders.nope');
    expect(d?.message).toContain('internal schema of product commerce.orders');
    expect(d?.hint).toContain('commerce.orders');
  });

  it('says a quoted file name is a file read directly, and how to declare it', async () => {
    const [d] = await diagnose("'data/commerce/orders.csv'");
    expect(d?.message).toContain('reads the file `data/commerce/orders.csv` directly');
    expect(d?.hint).toContain('source');
  });

  it('accepts the pure table functions', async () => {
    expect(await diagnose('commerce.orders, range(3) r(n), generate_series(1, 2) g(m), unnest([1]) u(x)')).toEqual([]);
  });
});
