import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckdbDialect as d, openWarehouse, type Warehouse } from '../src/warehouse/index.js';
import { describeWarehouseConformance } from './support/warehouse-conformance.js';
import { failure } from './support/warehouse-failure.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-warehouse-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describeWarehouseConformance('duckdb file', () => openWarehouse({ type: 'duckdb', path: join(dir, 'made', 'on', 'open', 'conformance.duckdb') }));
describeWarehouseConformance('duckdb :memory:', () => openWarehouse({ type: 'duckdb', path: ':memory:' }));

describe('DuckDB warehouse', () => {
  let warehouse: Warehouse;
  beforeAll(async () => {
    warehouse = await openWarehouse({ type: 'duckdb', path: ':memory:' });
  });
  afterAll(async () => {
    await warehouse.close();
  });

  it('converts DuckDB-only types to JSON-safe values', async () => {
    const sql = `SELECT
      CAST(12 AS HUGEINT) AS huge_small,
      CAST('170141183460469231731687303715884105727' AS HUGEINT) AS huge,
      CAST(18446744073709551615 AS UBIGINT) AS ubig,
      SUM(x) AS total,
      CAST('NaN' AS DOUBLE) AS nan,
      CAST('Infinity' AS DOUBLE) AS inf,
      CAST('-Infinity' AS FLOAT) AS neg_inf,
      CAST(1.5 AS FLOAT) AS float,
      CAST(0.1 AS DOUBLE) AS double,
      CAST(123456789012.345 AS DECIMAL(15,3)) AS dec15,
      CAST(1234567890123.456 AS DECIMAL(16,3)) AS dec16,
      TIMESTAMPTZ '2024-01-02 03:04:05.5+02' AS at_tz,
      TIMESTAMP_NS '2024-01-02 03:04:05.123456789' AS at_ns,
      TIMESTAMP_S '2024-01-02 03:04:05' AS at_s,
      TIMESTAMP 'infinity' AS at_inf,
      DATE 'infinity' AS day_inf,
      TIME '12:34:56' AS time,
      INTERVAL '1 year 2 months 3 days 04:05:06' AS span,
      CAST('\\xAA\\x01hi' AS BLOB) AS blob,
      CAST('90ab0bed-ecb2-4488-9db9-f704915d59cb' AS UUID) AS uuid,
      [1, 2, NULL] AS list,
      [CAST(9007199254740993 AS BIGINT)] AS big_list,
      CAST([1, 2] AS INTEGER[2]) AS array,
      {'b': 1, 'a': [DATE '2024-01-02']} AS struct,
      MAP {'k': 1, 'j': 2} AS map,
      MAP {2: 'x'} AS int_map,
      CAST('y' AS ENUM('x', 'y')) AS enum,
      CAST('{"a": 1}' AS JSON) AS json,
      CAST(NULL AS STRUCT(a INTEGER)) AS null_struct
    FROM (VALUES (CAST(1 AS BIGINT)), (2)) AS v(x)`;
    const [row] = await warehouse.query(sql);
    expect(row).toEqual({
      huge_small: 12,
      huge: '170141183460469231731687303715884105727',
      ubig: '18446744073709551615',
      total: 3,
      nan: 'NaN',
      inf: 'Infinity',
      neg_inf: '-Infinity',
      float: 1.5,
      double: 0.1,
      dec15: 123456789012.345,
      dec16: '1234567890123.456',
      at_tz: '2024-01-02T01:04:05.5Z',
      at_ns: '2024-01-02T03:04:05.123456789',
      at_s: '2024-01-02T03:04:05',
      at_inf: 'infinity',
      day_inf: 'infinity',
      time: '12:34:56',
      span: '1 year 2 months 3 days 04:05:06',
      blob: Buffer.from([0xaa, 0x01, 0x68, 0x69]).toString('base64'),
      uuid: '90ab0bed-ecb2-4488-9db9-f704915d59cb',
      list: [1, 2, null],
      big_list: ['9007199254740993'],
      array: [1, 2],
      struct: { b: 1, a: ['2024-01-02'] },
      map: [
        { key: 'k', value: 1 },
        { key: 'j', value: 2 },
      ],
      int_map: [{ key: 2, value: 'x' }],
      enum: 'y',
      json: '{"a": 1}',
      null_struct: null,
    });
    expect(Object.keys(row?.struct ?? {})).toEqual(['b', 'a']);
  });

  it('reports DuckDB canonical type spellings for tables and views', async () => {
    const types = ['VARCHAR[]', 'STRUCT(a INTEGER, b VARCHAR)', 'TIMESTAMPTZ', 'DOUBLE', 'INTEGER[3]', 'MAP(VARCHAR, INTEGER)', 'decimal(12, 2)'];
    const expected = ['VARCHAR[]', 'STRUCT(a INTEGER, b VARCHAR)', 'TIMESTAMP WITH TIME ZONE', 'DOUBLE', 'INTEGER[3]', 'MAP(VARCHAR, INTEGER)', 'DECIMAL(12,2)'];
    await warehouse.execute(`CREATE SCHEMA spell; CREATE TABLE spell.t (${types.map((type, index) => `c${index} ${type}`).join(', ')})`);
    await warehouse.execute(d.createView('spell', 'v', types.map((_, index) => `c${index}`), 'spell', 't'));
    expect(Object.values((await warehouse.query(d.canonicalTypes(types)))[0] ?? {})).toEqual(expected);
    expect((await warehouse.columns('spell', 't')).map((column) => column.type)).toEqual(expected);
    expect((await warehouse.columns('spell', 'v')).map((column) => column.type)).toEqual(expected);
  });

  it('lists only the opened database: no temp, attached, system or internal objects', async () => {
    await warehouse.execute(`CREATE SCHEMA mine; CREATE TABLE mine.kept (a INTEGER); CREATE TEMP TABLE scratch (a INTEGER);
      ATTACH ':memory:' AS elsewhere; CREATE TABLE elsewhere.main.other (a INTEGER)`);
    const all = await warehouse.relations();
    expect(all).toContainEqual({ schema: 'mine', name: 'kept', kind: 'table' });
    expect(all.map((relation) => relation.name)).not.toContain('scratch');
    expect(all.map((relation) => relation.name)).not.toContain('other');
    expect(all.filter((relation) => ['information_schema', 'pg_catalog'].includes(relation.schema))).toEqual([]);
    expect(await warehouse.columns('main', 'scratch')).toEqual([]);
    expect(await warehouse.columns('main', 'other')).toEqual([]);
    expect(await warehouse.relations('information_schema')).toEqual([]);
    expect(await warehouse.relations('pg_catalog')).toEqual([]);
  });

  it('reads CSV, Parquet and JSON files', async () => {
    const csv = join(dir, 'people.csv');
    writeFileSync(csv, 'id;name\n1;ann\n2;bob\n');
    const json = join(dir, 'people.json');
    writeFileSync(json, '{"id": 1, "name": "ann"}\n{"id": 2, "name": "bob"}\n');
    const parquet = join(dir, 'people.parquet');
    await warehouse.execute(`COPY (SELECT * FROM ${d.readFiles?.('csv', csv, { delim: ';' }) ?? ''}) TO ${d.literal(parquet)} (FORMAT parquet)`);

    const expected = [
      { id: 1, name: 'ann' },
      { id: 2, name: 'bob' },
    ];
    for (const [format, path, options] of [
      ['csv', csv, { delim: ';' }],
      ['parquet', parquet, {}],
      ['json', json, {}],
      ['parquet', join(dir, 'peop*.parquet'), {}],
    ] as const) {
      const sql = `SELECT CAST(id AS INTEGER) AS id, name FROM ${d.readFiles?.(format, path, options) ?? ''} ORDER BY id`;
      expect(await warehouse.query(sql), sql).toEqual(expected);
    }
    const headerless = `SELECT * FROM ${d.readFiles?.('csv', csv, { delim: ';', header: false }) ?? ''}`;
    expect(await warehouse.query(headerless), headerless).toHaveLength(3);
  });

  it('maps DuckDB error context to a line and, where it can, a column', async () => {
    const parse = await failure(warehouse.execute('SELECT 1;\nSELECT 2;\nSELECT\n 1 +;'));
    expect(parse).toMatchObject({ code: 'warehouse/sql', line: 4, column: 5 });
    expect(parse.message).toBe('Parser Error: syntax error at or near ";"');

    const binder = await failure(warehouse.query('SELECT a,\n  zzz\nFROM (SELECT 1 AS abc, 2 AS a) AS t'));
    expect(binder).toMatchObject({ line: 2, column: 3 });
    expect(binder.message).toMatch(/^Binder Error: .*"zzz".*\nCandidate bindings: /);
    expect(binder.message).not.toMatch(/LINE/);

    // DuckDB shows a window of a long line between "..."; the column is found in the source.
    const long = `SELECT '${'x'.repeat(100)}' AS q, 'a' AS b, nope FROM (SELECT 1 AS abc) AS t`;
    const windowed = await failure(warehouse.query(long));
    expect(windowed).toMatchObject({ line: 1, column: long.indexOf('nope') + 1 });

    for (const breaks of ['\r\n', '\r']) {
      expect(await failure(warehouse.query(`SELECT 1 AS a,${breaks}  nope`)), JSON.stringify(breaks)).toMatchObject({ line: 2, column: 3 });
    }

    // Tabs take no width in DuckDB's caret line, so only the line is certain.
    const tabbed = await failure(warehouse.query('SELECT\n\t\tnope'));
    expect(tabbed.line).toBe(2);
    expect(tabbed.column).toBeUndefined();

    const insert = "CREATE TABLE numbers (a INTEGER); INSERT INTO numbers VALUES ('x')";
    const runtime = await failure(warehouse.execute(insert));
    expect(runtime).toMatchObject({ code: 'warehouse/sql', sql: insert, message: "Conversion Error: Could not convert string 'x' to INT32" });
    expect(runtime.line).toBeUndefined();
  });

  it('writes DuckDB SQL text', () => {
    expect(d.ident('a "b"')).toBe('"a ""b"""');
    expect(d.table('s', 'T')).toBe('"s"."T"');
    expect([d.literal("it's"), d.literal(1.5), d.literal(true), d.literal(null), d.literal(Number.NaN)]).toEqual(["'it''s'", '1.5', 'TRUE', 'NULL', "CAST('NaN' AS DOUBLE)"]);
    expect(d.timestamp(new Date(Date.UTC(2026, 10, 21, 12, 3, 4, 123)))).toBe("TIMESTAMP '2026-11-21 12:03:04.123'");
    expect(d.createSchema('s')).toBe('CREATE SCHEMA IF NOT EXISTS "s"');
    expect(d.createTableAs('s', 't', 'SELECT 1;\n', { replace: true })).toBe('CREATE OR REPLACE TABLE "s"."t" AS\nSELECT 1');
    expect(d.createTableAs('s', 't', 'SELECT 1 -- last line comment')).toBe('CREATE TABLE "s"."t" AS\nSELECT 1 -- last line comment');
    expect(d.createView('p', 'v', ['a', 'b'], 's', 't')).toBe('CREATE OR REPLACE VIEW "p"."v" ("a", "b") AS SELECT "a", "b" FROM "s"."t"');
    expect(d.dropTable('s', 't')).toBe('DROP TABLE IF EXISTS "s"."t"');
    expect(d.dropView('s', 'v')).toBe('DROP VIEW IF EXISTS "s"."v"');
    expect(d.readFiles?.('csv', "/data/o'k.csv", { delim: ';', skip: 1 })).toBe("read_csv('/data/o''k.csv', header = TRUE, delim = ';', skip = 1)");
    expect(d.readFiles?.('csv', '/d.csv', { HEADER: false })).toBe("read_csv('/d.csv', HEADER = FALSE)");
    expect(d.readFiles?.('json', '/d/*.json', {})).toBe("read_json('/d/*.json', format = 'auto')");
    expect(d.readFiles?.('json', '/d.json', { format: 'array' })).toBe("read_json('/d.json', format = 'array')");
    expect(d.readFiles?.('parquet', '/d.parquet', {})).toBe("read_parquet('/d.parquet')");
    expect(() => d.readFiles?.('csv', '/d.csv', { 'x = 1) --': 1 })).toThrow(/option/);
    expect(d.canonicalTypes(['INTEGER', 'STRUCT(a INTEGER, b VARCHAR[])'])).toBe(
      'SELECT typeof(CAST(NULL AS INTEGER)) AS t0, typeof(CAST(NULL AS STRUCT(a INTEGER, b VARCHAR[]))) AS t1',
    );
    for (const bad of ['INTEGER)', 'INTEGER(]', 'VARCHAR; DROP TABLE t', '"quoted"', '', 'INT -- x']) {
      expect(() => d.canonicalTypes([bad]), bad).toThrow(/Not a SQL type/);
    }
  });

});

describe('opening DuckDB', () => {
  it('applies threads and memory_limit and turns extension autoloading off', async () => {
    const warehouse = await openWarehouse({ type: 'duckdb', path: ':memory:', threads: 1, memoryLimit: '256MB' });
    try {
      const [row] = await warehouse.query(
        "SELECT current_setting('threads') AS threads, current_setting('memory_limit') AS memory, current_setting('autoload_known_extensions') AS autoload, current_setting('autoinstall_known_extensions') AS autoinstall",
      );
      expect(row).toEqual({ threads: 1, memory: '244.1 MiB', autoload: false, autoinstall: false });
    } finally {
      await warehouse.close();
    }
  });

  it('opens read-only without creating anything, and refuses writes', async () => {
    const path = join(dir, 'readonly', 'db.duckdb');
    const missing = await failure(openWarehouse({ type: 'duckdb', path, readOnly: true }));
    expect(missing.code).toBe('warehouse/open');
    expect(missing.message).toContain(path);
    expect(existsSync(join(dir, 'readonly'))).toBe(false);

    const writer = await openWarehouse({ type: 'duckdb', path });
    await writer.execute('CREATE TABLE t AS SELECT 1 AS a');
    await writer.close();
    const reader = await openWarehouse({ type: 'duckdb', path, readOnly: true });
    try {
      expect(reader.readOnly).toBe(true);
      expect(await reader.query('SELECT a FROM t')).toEqual([{ a: 1 }]);
      expect((await failure(reader.execute('CREATE TABLE u (a INTEGER)'))).code).toBe('warehouse/sql');
    } finally {
      await reader.close();
    }
  });

  it('says which setting DuckDB may have refused', async () => {
    const error = await failure(openWarehouse({ type: 'duckdb', path: ':memory:', memoryLimit: 'lots' }));
    expect(error.code).toBe('warehouse/open');
    expect(error.message).toMatch(/memoryLimit/);
  });

  it('reports a database held by another process as warehouse/locked with its PID', async () => {
    const path = join(dir, 'locked.duckdb');
    const script = `require('@duckdb/node-api').DuckDBInstance.create(${JSON.stringify(path)}).then(() => { console.log('ready'); setInterval(() => {}, 1000); })`;
    const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.once('data', () => {
          resolve();
        });
        child.once('exit', (code) => {
          reject(new Error(`lock holder exited with ${code}`));
        });
      });
      for (const readOnly of [false, true]) {
        const error = await failure(openWarehouse({ type: 'duckdb', path, readOnly }));
        expect(error).toMatchObject({ code: 'warehouse/locked', holderPid: child.pid });
        expect(error.message).toContain(path);
        expect(error.message).toContain(String(child.pid));
      }
    } finally {
      child.kill();
    }
  });
});
