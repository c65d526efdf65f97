/**
 * The example grocery mesh end to end on PostgreSQL: the same data, the same mesh, once
 * on embedded DuckDB (tessera.yaml) and once on a fresh PostgreSQL database
 * (tessera.postgres.yaml, picked with TESSERA_CONFIG), through the real CLI. Every
 * published port must hold the same rows on both, raw and as consumers see it masked.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../src/runner/index.js';
import { lintMesh } from '../src/governance/index.js';
import { openState } from '../src/runner/index.js';
import { buildApp, openServerAccess, SerialJobQueue, type LoadedMesh } from '../src/server/index.js';
import { openMesh } from '../src/workspace/index.js';
import { loadFilesThroughDuckDB } from '../src/runner/file-load.js';
import { openWarehouse, type JsonValue, type Row, type Warehouse, type WarehouseConfig } from '../src/warehouse/index.js';
import { runCli } from './support/run-cli.js';
import { startPostgres, type PostgresServer } from './support/postgres-server.js';

const EXAMPLE = fileURLToPath(new URL('../examples/grocery/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tessera-pg-mesh-'));
cpSync(EXAMPLE, dir, { recursive: true, filter: (source) => !/[/\\](data|\.tessera)$/.test(source) });

let server: PostgresServer;
let url = '';
beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase('grocery');
}, 60_000);
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `work` with these environment variables set, and the environment as it was after. */
async function withEnv<T>(env: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  try {
    return await work();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) Reflect.deleteProperty(process.env, key);
      else process.env[key] = value;
    }
  }
}

/** `tessera run --json` with the given environment for the call only; the summary and how long it took. */
async function run(env: Record<string, string>): Promise<{ exitCode: number; summary: RunSummary; seconds: number }> {
  return withEnv(env, async () => {
    const started = performance.now();
    const result = await runCli(['run', '--dir', dir, '--json']);
    if (!result.stdout.startsWith('{')) throw new Error(`no JSON from tessera run (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`);
    return { exitCode: result.exitCode, summary: JSON.parse(result.stdout) as RunSummary, seconds: (performance.now() - started) / 1000 };
  });
}

/**
 * A value as both engines must agree on it: DuckDB gives a DECIMAL wider than 15 digits
 * as a string where PostgreSQL's unconstrained numeric may be a number, so numeric text
 * becomes a number; everything else is compared as the adapters give it.
 */
function normal(value: JsonValue): JsonValue {
  return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

/**
 * Every row of a relation, normalised and sorted, with its columns in order. Snapshots
 * stamp versions with the run's clock, which differs between the two runs: it is
 * replaced by a marker.
 */
async function contents(warehouse: Warehouse, relation: string, runId: number): Promise<{ columns: string[]; rows: string[] }> {
  const [run] = await warehouse.query(`SELECT started_at FROM tessera_state.runs WHERE id = ${runId}`);
  const clock = run?.started_at;
  const rows: Row[] = await warehouse.query(`SELECT * FROM ${relation}`);
  const columns = Object.keys(rows[0] ?? {});
  return { columns, rows: rows.map((row) => JSON.stringify(Object.values(row).map((value) => (value === clock ? 'the run clock' : normal(value))))).sort() };
}

describe('the example grocery mesh on PostgreSQL', () => {
  it('publishes every port with the same rows as on DuckDB, raw and masked', async () => {
    const data = await runCli(['example-data', '--dir', dir, '--scale', '400', '--json']);
    expect(data.exitCode).toBe(0);

    const onDuckDB = await run({});
    expect(onDuckDB.summary.results.filter((r) => r.status !== 'success').map((r) => [r.nodeId, r.error?.message])).toEqual([]);
    expect(onDuckDB.exitCode).toBe(0);

    // The same mask salt on both, so that hashed columns can be compared too (and would join).
    const duck = await openWarehouse({ type: 'duckdb', path: join(dir, '.tessera', 'warehouse.duckdb') });
    const [salt] = await duck.query("SELECT value FROM tessera_state.meta WHERE key = 'secret:mask_salt'");
    expect(salt?.value).toMatch(/^[0-9a-f]{64}$/);
    const pg = await openWarehouse({ type: 'postgres', url } satisfies WarehouseConfig);
    try {
      await (await openState(pg)).secret('unused');
      await pg.execute(`INSERT INTO tessera_state.meta VALUES ('secret:mask_salt', ${pg.dialect.literal(typeof salt?.value === 'string' ? salt.value : '')})`);
    } finally {
      await pg.close();
    }

    const onPostgres = await run({ TESSERA_CONFIG: 'tessera.postgres.yaml', TESSERA_WAREHOUSE_URL: url });
    expect(onPostgres.summary.results.filter((r) => r.status !== 'success').map((r) => [r.nodeId, r.error?.message])).toEqual([]);
    expect(onPostgres.exitCode).toBe(0);
    console.info(`grocery mesh at scale 400: DuckDB ${onDuckDB.seconds.toFixed(1)} s, PostgreSQL ${onPostgres.seconds.toFixed(1)} s`);

    const ports = onDuckDB.summary.publishedPorts.map((p) => p.port).sort();
    expect(ports).toHaveLength(21);
    expect(onPostgres.summary.publishedPorts.map((p) => p.port).sort()).toEqual(ports);
    expect(onPostgres.summary.results.length).toBe(onDuckDB.summary.results.length);

    const postgres = await openWarehouse({ type: 'postgres', url });
    try {
      let compared = 0;
      for (const port of ports) {
        const [domain = '', table = ''] = port.split('.');
        for (const relation of [duck.dialect.table('tessera_raw', `${domain}__${table}`), duck.dialect.table(domain, table)]) {
          const expected = await contents(duck, relation, onDuckDB.summary.runId);
          const actual = await contents(postgres, relation, onPostgres.summary.runId);
          expect(actual.columns, relation).toEqual(expected.columns);
          expect(actual.rows.length, relation).toBe(expected.rows.length);
          expect(actual.rows, relation).toEqual(expected.rows);
          compared += actual.rows.length;
        }
      }
      expect(compared).toBeGreaterThan(1000);
      // The commands that read what a run left work on PostgreSQL too.
      await withEnv({ TESSERA_CONFIG: 'tessera.postgres.yaml', TESSERA_WAREHOUSE_URL: url }, async () => {
        for (const command of [
          ['runs'],
          ['runs', 'show', 'latest'],
          ['sla'],
          ['test', '--select', 'commerce.orders'],
          ['snapshot', 'history', 'delivery.vehicles.vehicle_history', '--key', 'EV-00001'],
          ['query', 'select status, count(*) as n from commerce.orders group by status'],
        ]) {
          const result = await runCli([...command, '--dir', dir]);
          expect({ command: command.join(' '), exitCode: result.exitCode, stderr: result.stderr }).toMatchObject({ exitCode: 0 });
          expect(result.stdout.length, command.join(' ')).toBeGreaterThan(0);
        }
      });
      // The catalog reads the state store on PostgreSQL: every product healthy, a product's checks with their history.
      await withEnv({ TESSERA_CONFIG: 'tessera.postgres.yaml', TESSERA_WAREHOUSE_URL: url }, async () => {
        const opened = await openMesh(dir);
        if (!opened.mesh || !opened.graph) throw new Error('the example does not open');
        const loaded: LoadedMesh = { mesh: opened.mesh, graph: opened.graph, diagnostics: opened.diagnostics, lint: lintMesh(opened.mesh, opened.graph, { today: new Date().toISOString().slice(0, 10) }), loadedAt: new Date().toISOString(), broken: false };
        const state = await openState(postgres);
        const governed = await openServerAccess(dir, postgres, state, () => loaded);
        const app = await buildApp({ root: dir, mesh: () => loaded, warehouse: postgres, state, jobs: new SerialJobQueue({ mesh: () => loaded, run: () => Promise.reject(new Error('no runs here')), test: () => Promise.reject(new Error('no tests here')) }), ...governed, startedAt: new Date().toISOString() });
        try {
          const headers = { authorization: `Bearer ${governed.adminToken}` };
          const products = await app.inject({ method: 'GET', url: '/api/products', headers });
          expect(products.statusCode).toBe(200);
          const list = (products.json<{ products: { id: string; health: string }[] }>()).products;
          expect(list).toHaveLength(11);
          expect(list.filter((p) => p.health !== 'ok')).toEqual([]);
          const detail = await app.inject({ method: 'GET', url: '/api/products/commerce.orders', headers });
          expect(detail.statusCode).toBe(200);
          expect(JSON.stringify(detail.json())).toContain('contract: order_id is unique');
        } finally {
          await app.close();
          await governed.close();
        }
      });
      // Masks are in force on PostgreSQL as on DuckDB: consumers see no e-mail address.
      const [masked] = await postgres.query('SELECT count(*) AS n FROM commerce.customers_v2 WHERE email LIKE \'%@%\'');
      expect(masked?.n).toBe(0);
    } finally {
      await postgres.close();
      await duck.close();
    }
  }, 240_000);

  it('says which variable holds the URL when it is unset, and which server it cannot reach, without a stack trace or the password', async () => {
    const saved = { config: process.env.TESSERA_CONFIG, url: process.env.TESSERA_WAREHOUSE_URL };
    process.env.TESSERA_CONFIG = 'tessera.postgres.yaml';
    try {
      Reflect.deleteProperty(process.env, 'TESSERA_WAREHOUSE_URL');
      const unset = await runCli(['run', '--dir', dir]);
      expect(unset.exitCode).toBe(1);
      expect(unset.stderr).toContain('TESSERA_WAREHOUSE_URL, which is not set');
      expect(unset.stderr).not.toMatch(/\n\s+at /);

      process.env.TESSERA_WAREHOUSE_URL = server.urlOf('grocery', 'postgres', 'hunter2').replace(`:${server.port}/`, ':1/');
      const unreachable = await runCli(['run', '--dir', dir]);
      expect(unreachable.exitCode).toBe(1);
      expect(unreachable.stderr).toMatch(/Could not connect to the PostgreSQL warehouse at postgres:\/\/postgres@127\.0\.0\.1:1\/grocery/);
      expect(unreachable.stderr).not.toContain('hunter2');
      expect(unreachable.stderr).not.toMatch(/\n\s+at /);
    } finally {
      for (const [key, value] of [['TESSERA_CONFIG', saved.config], ['TESSERA_WAREHOUSE_URL', saved.url]] as const) {
        if (value === undefined) Reflect.deleteProperty(process.env, key);
        else process.env[key] = value;
      }
    }
  });

  it('reads the mesh file TESSERA_CONFIG names, and refuses one that is not in the mesh folder', async () => {
    const mesh = mkdtempSync(join(tmpdir(), 'tessera-config-'));
    try {
      cpSync(EXAMPLE, mesh, { recursive: true, filter: (source) => !/[/\\](data|\.tessera)$/.test(source) });
      writeFileSync(join(mesh, 'tessera.broken.yaml'), 'name: grocery\nwarehouse: { type: postgres }\n');
      const plain = await runCli(['validate', '--dir', mesh]);
      expect(plain.exitCode).toBe(0);
      // Validated again, not answered from the memo of tessera.yaml's validation.
      const broken = await withEnv({ TESSERA_CONFIG: 'tessera.broken.yaml' }, () => runCli(['validate', '--dir', mesh]));
      expect(broken.exitCode).not.toBe(0);
      expect(broken.stdout).toMatch(/tessera\.broken\.yaml:2:\d+ .*needs `url_env`/);
      const outside = await withEnv({ TESSERA_CONFIG: '../tessera.yaml' }, () => runCli(['validate', '--dir', mesh]));
      expect(outside.exitCode).not.toBe(0);
      expect(outside.stdout).toContain('it must name a .yaml file in the mesh folder');
      const missing = await withEnv({ TESSERA_CONFIG: 'tessera.nowhere.yaml' }, () => runCli(['validate', '--dir', mesh]));
      expect(missing.stdout).toContain('TESSERA_CONFIG names tessera.nowhere.yaml, which is not in the mesh folder');
    } finally {
      rmSync(mesh, { recursive: true, force: true });
    }
  });

  it('refuses a warehouse URL written in tessera.yaml and says to name a variable with url_env', async () => {
    const mesh = mkdtempSync(join(tmpdir(), 'tessera-pg-url-'));
    try {
      cpSync(EXAMPLE, mesh, { recursive: true, filter: (source) => !/[/\\](data|\.tessera)$/.test(source) });
      writeFileSync(join(mesh, 'tessera.yaml'), 'name: grocery\nwarehouse:\n  type: postgres\n  url: postgres://tessera:s3cret@db.internal:5432/grocery\n');
      const result = await runCli(['validate', '--dir', mesh]);
      expect(result.exitCode).not.toBe(0);
      const printed = `${result.stdout}\n${result.stderr}`;
      expect(printed).toMatch(/tessera\.yaml:4:\d+/);
      expect(printed).toContain('url_env: TESSERA_WAREHOUSE_URL');
      expect(printed).toContain('change that password');

      // A separate state store would be a setting that does nothing: the state lives in the warehouse.
      writeFileSync(join(mesh, 'tessera.yaml'), 'name: grocery\nwarehouse: { type: postgres, url_env: TESSERA_WAREHOUSE_URL }\nstate: { type: postgres }\n');
      const state = await runCli(['validate', '--dir', mesh]);
      expect(state.exitCode).not.toBe(0);
      expect(state.stdout).toMatch(/tessera\.yaml:3:\d+ .*a state store apart from the warehouse is not supported/);
    } finally {
      rmSync(mesh, { recursive: true, force: true });
    }
  });
});

describe('file sources on PostgreSQL', () => {
  it('loads scalar columns as CSV that DuckDB writes, with the same values as the row path', async () => {
    const file = join(dir, 'scalars.parquet');
    const duck = await openWarehouse({ type: 'duckdb', path: ':memory:' });
    const columns = `id, CASE id WHEN 0 THEN 'plain' WHEN 1 THEN 'a "quoted", comma' WHEN 2 THEN 'two' || chr(10) || 'lines' WHEN 3 THEN '' ELSE NULL END AS label,
      id % 2 = 0 AS even, DATE '2024-02-29' + CAST(id AS INTEGER) AS day, TIMESTAMP '2024-01-02 03:04:05.123456' + to_seconds(id) AS at,
      TIMESTAMPTZ '2024-01-02 03:04:05+02' AS at_tz, CASE id WHEN 1 THEN CAST('inf' AS DOUBLE) WHEN 2 THEN CAST('nan' AS DOUBLE) ELSE id / 3 END AS ratio,
      CAST(id * 1.25 AS DECIMAL(12,2)) AS amount, CAST('170141183460469231731687303715884105727' AS HUGEINT) AS huge, uuid() IS NOT NULL AS has_uuid,
      INTERVAL 1 DAY * id AS span, TIME '12:34:56' AS clock, CAST(id AS UTINYINT) AS small`;
    try {
      await duck.execute(`COPY (SELECT ${columns} FROM range(5) AS t(id)) TO ${duck.dialect.literal(file)} (FORMAT parquet)`);
      const pg = await openWarehouse({ type: 'postgres', url: await server.createDatabase('csvload') });
      try {
        await pg.execute('CREATE SCHEMA landing');
        const read = { format: 'parquet' as const, path: file, options: {} };
        expect(await loadFilesThroughDuckDB(pg, 'landing', 'by_csv', read)).toBe(5);
        // Without a CSV path the rows go value by value: the reference.
        expect(await loadFilesThroughDuckDB({ load: pg.load?.bind(pg) }, 'landing', 'by_rows', read)).toBe(5);
        expect(await pg.columns('landing', 'by_csv')).toEqual(await pg.columns('landing', 'by_rows'));
        const byCsv = await pg.query('SELECT * FROM landing.by_csv ORDER BY id');
        expect(byCsv).toEqual(await pg.query('SELECT * FROM landing.by_rows ORDER BY id'));
        expect(byCsv.map((r) => r.label)).toEqual(['plain', 'a "quoted", comma', 'two\nlines', '', null]);
      } finally {
        await pg.close();
      }
    } finally {
      await duck.close();
    }
  });

  it('reads a file with DuckDB and loads its rows and types, nested values as jsonb', async () => {
    const file = join(dir, 'odd.parquet');
    const duck = await openWarehouse({ type: 'duckdb', path: ':memory:' });
    const columns = `id, CAST(id AS UBIGINT) AS big, {'a': id, 'b': 'x' || id} AS nested, [id, id + 1] AS list, CAST('\\xAA\\x01' AS BLOB) AS bytes,
      CAST(id * 1.25 AS DECIMAL(20,2)) AS wide, TIMESTAMPTZ '2024-01-02 03:04:05+00' AS at, CAST(NULL AS VARCHAR) AS nothing`;
    try {
      await duck.execute(`COPY (SELECT ${columns} FROM range(3) AS t(id)) TO ${duck.dialect.literal(file)} (FORMAT parquet)`);
      const pg = await openWarehouse({ type: 'postgres', url: await server.createDatabase('files') });
      try {
        await pg.execute('CREATE SCHEMA landing');
        expect(await loadFilesThroughDuckDB(pg, 'landing', 'odd', { format: 'parquet', path: file, options: {} })).toBe(3);
        expect((await pg.columns('landing', 'odd')).map((c) => c.type)).toEqual(['bigint', 'numeric(20,0)', 'jsonb', 'bigint[]', 'bytea', 'numeric(20,2)', 'timestamp with time zone', 'text']);
        const rows = await pg.query("SELECT id, big, nested ->> 'b' AS b, list, encode(bytes, 'hex') AS bytes, wide, at, nothing FROM landing.odd ORDER BY id");
        expect(rows.at(-1)).toEqual({ id: 2, big: '2', b: 'x2', list: [2, 3], bytes: 'aa01', wide: '2.50', at: '2024-01-02T03:04:05Z', nothing: null });
      } finally {
        await pg.close();
      }
    } finally {
      await duck.close();
    }
  });
});
