/**
 * Attacks on the consumer SQL doors, each through HTTP (`POST /api/sql`) and the
 * PostgreSQL wire protocol (node-postgres, and real `psql` for the catalog): file reads
 * and writes, stacked statements, internal and version tables by every spelling, CTE
 * shadowing, table functions, catalog snooping, homoglyphs, did-you-mean leaks, raw
 * values echoed in errors, runaway queries. Each is refused with the one generic
 * message, or answered masked, as the rules say.
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Gateway, GatewayError, QueryParser, REFUSED } from '../src/gateway/index.js';
import { startServer, type RunningServer } from '../src/server/index.js';
import { PEOPLE, writePeople } from './support/people-mesh.js';
import { runCli } from './support/run-cli.js';

let people: ReturnType<typeof writePeople>;
let server: RunningServer;
let bob: string;

beforeAll(async () => {
  people = writePeople();
  const run = await runCli(['run', '--dir', people.dir]);
  expect(run.exitCode, run.stderr).toBe(0);
  server = await startServer({ root: people.dir, port: 0, pgPort: 0, logger: false, schedule: false, limits: { timeoutMs: 1500 } });
  bob = (await server.context.access.createToken({ kind: 'member', email: PEOPLE.bob }, { createdBy: 'test' })).secret;
}, 60_000);

afterAll(async () => {
  await server.close();
  people.cleanup();
});

async function http(sql: string, token = bob): Promise<{ status: number; body: { code?: string; message?: string; rows?: unknown[][]; columns?: { name: string }[]; truncated?: boolean } }> {
  const response = await fetch(`${server.url}/api/sql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ sql }) });
  return { status: response.status, body: (await response.json()) as never };
}

async function wire(sql: string): Promise<{ rows?: Record<string, unknown>[]; error?: { code?: string; message: string } }> {
  const client = new pg.Client({ host: server.pg?.host, port: server.pg?.port, user: PEOPLE.bob, password: bob, database: 'people_mesh' });
  await client.connect();
  try {
    return { rows: (await client.query(sql)).rows as Record<string, unknown>[] };
  } catch (error) {
    const e = error as { code?: string; message: string };
    return { error: { ...(e.code === undefined ? {} : { code: e.code }), message: e.message } };
  } finally {
    await client.end();
  }
}

const refusedEverywhere: [string, string][] = [
  // Files and the network
  ['read_csv of a source file', "select * from read_csv('data/customers.csv')"],
  ['read_csv_auto of /etc/passwd', "select * from read_csv_auto('/etc/passwd')"],
  ['read_text', "select * from read_text('/etc/passwd')"],
  ['glob', "select * from glob('/*')"],
  ['a file path as a table', "select * from 'data/customers.csv'"],
  ['read_parquet over the network', "select * from read_parquet('https://example.com/x.parquet')"],
  ['sniff_csv', "select * from sniff_csv('data/customers.csv')"],
  ['a scalar getenv', "select getenv('HOME')"],
  // Writes, settings, engine commands
  ['COPY … TO', "copy (select 1) to '/tmp/tessera-leak.csv'"],
  ['CREATE TABLE AS', 'create table leak as select * from people.cities'],
  ['INSERT into a port', "insert into people.cities values ('Nowhere', 1)"],
  ['DROP VIEW', 'drop view people.cities'],
  ['ATTACH', "attach '/tmp/other.duckdb' as other"],
  ['SET', 'set enable_external_access = true'],
  ['PRAGMA', 'pragma database_list'],
  ['INSTALL', 'install httpfs'],
  ['LOAD', 'load httpfs'],
  ['CALL', 'call pragma_version()'],
  ['EXPLAIN', 'explain select * from people.cities'],
  ['DESCRIBE', 'describe people.cities'],
  ['SUMMARIZE', 'summarize people.cities'],
  ['a temporary table', 'create temp table t as select 1'],
  ['a macro', 'create macro leak() as 1'],
  // Stacked statements
  ['a stacked read of the token store', 'select 1; select * from tessera_state.tokens'],
  ['a stacked drop', 'select 1; drop view people.cities'],
  // Internal and version tables, by every spelling
  ['a product schema', 'select * from people__customers.raw_customers'],
  ['a quoted product schema', 'select * from "people__customers"."raw_customers"'],
  ['an upper-case product schema', 'select * from PEOPLE__CUSTOMERS.RAW_CUSTOMERS'],
  ['a comment inside the name', 'select * from people__customers/**/.raw_customers'],
  ['a version table', 'select * from tessera_versions.people__customers__v1'],
  ['the raw relation of a port', 'select * from tessera_raw.people__customers'],
  ['the state store', 'select * from tessera_state.runs'],
  ['a catalog-qualified port', 'select * from people_mesh.people.customers'],
  ['a bare internal name', 'select * from raw_customers'],
  ['query_table', "select * from query_table('people__customers.raw_customers')"],
  ['query', "select * from query('select * from people__customers.raw_customers')"],
  ['a CTE hiding an internal table', 'with x as (select * from people__customers.raw_customers) select * from x'],
  ['a CTE name used outside its scope', 'select * from (with raw_customers as (select 1 as a) select a from raw_customers) t, raw_customers'],
  ['a later CTE named by an earlier one', 'with a as (select * from duckdb_tables), duckdb_tables as (select 1) select * from a'],
  ['a subquery reading an internal table', 'select (select count(*) from people__customers.raw_customers)'],
  ['time travel', 'select * from people.cities at (version => 1)'],
  // The engine's own catalog
  ['duckdb_tables()', 'select * from duckdb_tables()'],
  ['duckdb_views()', 'select * from duckdb_views()'],
  ['duckdb_settings()', 'select * from duckdb_settings()'],
  ['a restricted port the caller has no grant for', 'select * from people.outreach'],
  // Look-alikes and near misses get the same answer as a hidden port
  ['a Cyrillic look-alike of a port', 'select * from реорle.customers'],
  ['a misspelt port', 'select * from people.customer'],
  ['a misspelt internal table', 'select * from people__customers.raw_customer'],
];

describe('refused with the one generic message, over HTTP and the wire protocol', () => {
  for (const [name, sql] of refusedEverywhere) {
    it(name, async () => {
      const answer = await http(sql);
      expect(answer.status, JSON.stringify(answer.body)).toBeGreaterThanOrEqual(400);
      expect(answer.body.rows).toBeUndefined();
      // Either the generic refusal, or (for text that does not parse as one SELECT) the parser's own words.
      if (answer.body.code === 'refused') expect(answer.body.message).toBe(REFUSED);
      else expect(answer.body.code).toBe('syntax');
      expect(answer.body.message).not.toMatch(/raw_customers|tessera_versions|tessera_raw|people__|did you mean/i);
      const viaWire = await wire(sql);
      expect(viaWire.rows, JSON.stringify(viaWire.rows)).toBeUndefined();
      expect(viaWire.error?.message ?? '').not.toMatch(/raw_customers|tessera_versions|tessera_raw|people__|did you mean/i);
    });
  }

  it('answers settings and catalog functions, if at all, from the empty shadow catalog, never the warehouse', async () => {
    for (const sql of ["select current_setting('allowed_directories') as v", "select current_setting('temp_directory') as v", 'select * from (with pg_tables as (select 1 as a) select a from pg_tables) t, pg_tables']) {
      const answer = await http(sql);
      expect(JSON.stringify(answer.body), sql).not.toContain(people.dir);
      const viaWire = await wire(sql);
      expect(JSON.stringify(viaWire), sql).not.toContain(people.dir);
    }
  });

  it('refuses a hidden port and a port that does not exist with identical answers', async () => {
    const hidden = await http('select * from people.outreach');
    const missing = await http('select * from people.nothing_here');
    expect(hidden).toEqual(missing);
  });
});

describe('answered, but only as the rules allow', () => {
  it('lets a CTE named like a port shadow nothing: it is the CTE', async () => {
    const answer = await http('with customers as (select 42 as n) select n from customers');
    expect(answer.body.rows).toEqual([[42]]);
  });

  it('keeps a quoted CTE named like a hidden port a CTE', async () => {
    const answer = await http('with "people.outreach" as (select 1 as x) select * from "people.outreach"');
    expect(answer.body.rows).toEqual([[1]]);
  });

  it('reads the masked relation whatever the spelling of the port', async () => {
    for (const spelling of ['people.customers', '"people"."customers"', 'PEOPLE.CUSTOMERS', 'people . customers', 'people/* comment */.customers']) {
      const answer = await http(`select email from ${spelling} order by customer_id limit 1`);
      expect(answer.status, spelling).toBe(200);
      expect(String(answer.body.rows?.[0]?.[0])).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('never echoes a raw value of a masked column in an error', async () => {
    for (const sql of ['select cast(full_name as integer) from people.customers', 'select cast(email as integer) from people.customers', "select strptime(full_name, '%Y') from people.customers", 'select 1 / 0 from people.customers where cast(email as int) = 1']) {
      const answer = await http(sql);
      expect(answer.status, sql).toBeGreaterThanOrEqual(400);
      expect(answer.body.message, sql).not.toMatch(/Ann|Ben|Cas|example\.com/);
      const viaWire = await wire(sql);
      expect(viaWire.error?.message ?? '', sql).not.toMatch(/Ann|Ben|Cas|example\.com/);
    }
  });

  it('lists only readable ports in information_schema, over HTTP, the wire protocol and psql', async () => {
    const expected = ['growth.segments', 'people.cities', 'people.contacts', 'people.customers'];
    const answer = await http("select table_schema || '.' || table_name as t from information_schema.tables order by 1");
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.rows?.map((r) => r[0])).toEqual(expected);
    const viaWire = await wire("select table_schema || '.' || table_name as t from information_schema.tables order by 1");
    expect(viaWire.rows?.map((r) => r.t)).toEqual(expected);
    const classes = await wire("select n.nspname || '.' || c.relname as t from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname not in ('pg_catalog', 'information_schema') order by 1");
    expect(classes.rows?.map((r) => r.t)).toEqual(expected);
  });

  it('psql lists the readable ports with \\dt, describes one with \\d, and gets the generic refusal for internals', async () => {
    const url = `postgresql://${encodeURIComponent(PEOPLE.bob)}@${server.pg?.host ?? ''}:${server.pg?.port ?? 0}/people_mesh?sslmode=disable`;
    // Not spawnSync: the server runs in this process and must keep answering.
    const psql = (command: string): Promise<{ status: number | null; stdout: string; stderr: string }> =>
      new Promise((done) => {
        const child = spawn('psql', [url, '-X', '-c', command], { env: { ...process.env, PGPASSWORD: bob } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (status) => {
          done({ status, stdout, stderr });
        });
      });
    const listed = await psql('\\dt *.*');
    expect(listed.status, listed.stderr).toBe(0);
    for (const port of ['segments', 'cities', 'contacts', 'customers']) expect(listed.stdout).toContain(port);
    expect(listed.stdout).not.toMatch(/outreach|raw_customers|tessera_|people__/);
    const described = await psql('\\d people.customers');
    expect(described.status, described.stderr).toBe(0);
    expect(described.stdout).toMatch(/email/);
    expect(described.stdout).toMatch(/birth_date/);
    const read = await psql('select count(*) from people.customers');
    expect(read.stdout).toMatch(/\b3\b/);
    const refused = await psql('select * from people__customers.raw_customers');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('Query refused');
  });

  it('stops a runaway cross join at the time limit, and keeps answering', async () => {
    const started = Date.now();
    const answer = await http('select count(*) from range(1000000000) a, range(1000000000) b');
    expect(answer.status).toBe(408);
    expect(answer.body.code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await http('select count(*) from people.cities')).body.rows).toEqual([[2]]);
    const viaWire = await wire('select count(*) from range(1000000000) a, range(1000000000) b');
    expect(viaWire.error?.code).toBe('57014');
  });

  it('cuts an answer at the row limit and says so', async () => {
    const answer = await http('select * from range(50000)');
    expect(answer.status).toBe(200);
    expect(answer.body.rows).toHaveLength(10_000);
    expect(answer.body.truncated).toBe(true);
  });

  it('answers without a token, or with a revoked one, 401 and no data', async () => {
    expect((await http('select * from people.cities', 'tsr_nothing')).status).toBe(401);
    const made = await server.context.access.createToken({ kind: 'member', email: PEOPLE.carol }, { createdBy: 'test' });
    expect((await http('select * from people.cities', made.secret)).status).toBe(200);
    await server.context.access.revokeToken(made.token.id);
    server.context.auth.forget();
    expect((await http('select * from people.cities', made.secret)).status).toBe(401);
  });
});

describe('the engine wall behind the gateway', () => {
  it('keeps the serving warehouse from files outside the mesh, even for SQL that bypasses the gateway', async () => {
    await expect(server.context.warehouse.query("select * from read_text('/etc/passwd')")).rejects.toThrow(/Permission Error|disabled/i);
    await expect(server.context.warehouse.query("copy (select 1) to '/tmp/tessera-wall.csv'")).rejects.toThrow(/Permission Error|disabled/i);
    const inside = await server.context.warehouse.query(`select count(*) as n from read_csv('${people.dir}/data/customers.csv')`);
    expect(inside).toEqual([{ n: 3 }]);
  });
});

describe('limits per identity', () => {
  it('refuses queries past the rate and concurrency limits, one identity at a time', async () => {
    const parser = await QueryParser.open();
    const { mesh, graph } = server.context.mesh();
    const gateway = new Gateway({ warehouse: server.context.warehouse, access: server.context.access, parser, mesh: () => ({ ...(mesh ? { mesh } : {}), ...(graph ? { graph } : {}) }), limits: { perMinute: 3, concurrentPerIdentity: 1 } });
    const identity = { kind: 'member' as const, email: PEOPLE.bob, teams: ['growth-team'] };
    try {
      const drain = async (sql: string): Promise<void> => {
        const result = await gateway.query(identity, sql, [], { path: 'test', client: 'test' });
        for await (const chunk of result.chunks) expect(Array.isArray(chunk)).toBe(true);
      };
      const first = gateway.query(identity, 'select count(*) from range(100000000)', [], { path: 'test', client: 'test' });
      await expect(drain('select 1')).rejects.toMatchObject({ code: 'rate_limited' });
      for await (const chunk of (await first).chunks) expect(Array.isArray(chunk)).toBe(true);
      await drain('select 2');
      await drain('select 3');
      // The fourth in a minute is one too many.
      await expect(drain('select 4')).rejects.toBeInstanceOf(GatewayError);
      await expect(drain('select 5')).rejects.toMatchObject({ code: 'rate_limited' });
      // Another identity is not held back by bob's limit.
      await drain2(gateway);
    } finally {
      parser.close();
    }
  });
});

async function drain2(gateway: Gateway): Promise<void> {
  const result = await gateway.query({ kind: 'member', email: PEOPLE.carol, teams: ['finance-team'] }, 'select 1', [], { path: 'test', client: 'test' });
  const rows: unknown[] = [];
  for await (const chunk of result.chunks) rows.push(...chunk);
  expect(rows).toEqual([[1]]);
}
