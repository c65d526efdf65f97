/**
 * Ingestion from a PostgreSQL application database into the embedded DuckDB warehouse
 * (issue 15, item 4), against a real PostgreSQL server the test starts: full loads of a
 * table and of a query with the database's own types; three incremental loads with
 * inserts, updates and deletes at the source where the failed second one leaves the
 * table and the high-water mark as they were and the third catches up; a schema change
 * reported, and refused where a reader uses the column; an SCD2 snapshot over a
 * database source; a missing environment variable and a wrong password, said plainly;
 * and the same source into a PostgreSQL warehouse, through its COPY bulk path.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectIncrementalCatchesUp, expectSnapshotKeepsHistory, expectUnknownCursor, ingestMesh, URL_ENV, writeIngestMesh, type IngestMesh } from './support/ingest-mesh.js';
import { startPostgres, type PostgresServer } from './support/postgres-server.js';
import { runChild } from './support/run-child.js';

let server: PostgresServer;
let mesh: IngestMesh;
const PASSWORD = 'rEader-pw';

beforeAll(async () => {
  server = await startPostgres();
  await server.createDatabase('shop');
  // The test server trusts everyone; the reader must give its password, so that a wrong one is refused.
  const [hba] = await server.sql('SHOW hba_file');
  const file = String(hba?.hba_file);
  writeFileSync(file, `host all reader 127.0.0.1/32 scram-sha-256\n${readFileSync(file, 'utf8')}`);
  await server.sql(`CREATE ROLE reader LOGIN PASSWORD '${PASSWORD}'; SELECT pg_reload_conf()`);
  await server.sql(
    `CREATE TYPE mood AS ENUM ('happy', 'sad');
     CREATE TABLE orders (id integer PRIMARY KEY, customer text NOT NULL, amount numeric(10,2) NOT NULL, updated_at timestamp NOT NULL);
     INSERT INTO orders VALUES (1, 'ann', 10.50, '2026-01-01 10:00:00'), (2, 'bob', 20.00, '2026-01-01 11:00:00'), (3, 'cy', 150.25, '2026-01-01 12:00:00.000001');
     CREATE TABLE customers (id integer PRIMARY KEY, name text, city text);
     INSERT INTO customers VALUES (1, 'Ann', 'Utrecht'), (2, 'Bob', 'Leiden');
     CREATE TABLE accounts (id integer PRIMARY KEY, tier text, score integer);
     INSERT INTO accounts VALUES (1, 'gold', 7), (2, 'silver', 3);
     CREATE TABLE typed (
       i2 smallint, i4 integer, i8 bigint, n numeric(12,2), n_free numeric, f4 real, f8 double precision, t text, v varchar(20),
       b boolean, d date, ts timestamp, tstz timestamptz, j json, jb jsonb, u uuid, bytes bytea, m mood, iv interval);
     INSERT INTO typed VALUES (-2, 40000, 9007199254740993, 1234567890.12, 0.125, 1.5, 2.25, 'text', 'varchar', true, '2026-02-03',
       '2026-02-03 04:05:06.123456', '2026-02-03 04:05:06.5+02', '{"a": [1, 2]}', '{"b": true}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x00ff10', 'sad', '1 day 02:00:00');
     CREATE TABLE untyped (id integer, tags integer[]);
     GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader;`,
    'shop',
  );
  process.env[URL_ENV] = server.urlOf('shop', 'reader', PASSWORD);
  mesh = writeIngestMesh(ingestMesh('postgres', 'select id, customer, amount from orders where amount > 100 -- the big ones'));
}, 120_000);

afterAll(async () => {
  delete process.env.SHOP_DB_URL;
  mesh.cleanup();
  await server.stop();
});

describe('a postgres source', () => {
  it('loads a table and a query in full, then three incremental loads keep up with inserts, updates and deletes, the failed one changing nothing', async () => {
    await expectIncrementalCatchesUp(mesh, (text) => server.sql(text, 'shop'), { third: '2026-01-03 08:00:00' });
  });

  it('types the columns as the database does', async () => {
    const run = await mesh.run('shop.typed');
    expect(run.node('source:shop.typed.typed')?.status).toBe('success');
    const types = Object.fromEntries((await mesh.columns('shop__typed', 'typed')).map((c) => [c.name, c.type]));
    expect(types).toEqual({
      i2: 'SMALLINT', i4: 'INTEGER', i8: 'BIGINT', n: 'DECIMAL(12,2)', n_free: 'DOUBLE', f4: 'FLOAT', f8: 'DOUBLE', t: 'VARCHAR', v: 'VARCHAR',
      b: 'BOOLEAN', d: 'DATE', ts: 'TIMESTAMP', tstz: 'TIMESTAMP WITH TIME ZONE', j: 'JSON', jb: 'JSON', u: 'UUID', bytes: 'BLOB', m: 'VARCHAR', iv: 'INTERVAL',
    });
    const [row] = await mesh.query(
      `select i2, i4, CAST(i8 AS VARCHAR) AS i8, CAST(n AS VARCHAR) AS n, n_free, f4, f8, t, v, b, CAST(d AS VARCHAR) AS d, CAST(ts AS VARCHAR) AS ts,
        CAST(tstz AT TIME ZONE 'UTC' AS VARCHAR) AS tstz, j->>'$.a[1]' AS j, CAST(jb->'$.b' AS VARCHAR) AS jb, CAST(u AS VARCHAR) AS u, hex(bytes) AS bytes, m, CAST(iv AS VARCHAR) AS iv
       from shop__typed.typed`,
    );
    expect(row).toEqual({
      i2: -2, i4: 40000, i8: '9007199254740993', n: '1234567890.12', n_free: 0.125, f4: 1.5, f8: 2.25, t: 'text', v: 'varchar', b: true, d: '2026-02-03',
      ts: '2026-02-03 04:05:06.123456', tstz: '2026-02-03 02:05:06.5', j: '2', jb: 'true', u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', bytes: '00FF10', m: 'sad', iv: "1 day 02:00:00",
    });
    const untyped = run.node('source:shop.typed.untyped');
    expect(untyped?.status).toBe('failed');
    expect(untyped?.error?.code).toBe('source/unsupported-type');
    expect(untyped?.error?.message).toMatch(/column `tags` has type integer\[\]/);
    expect(untyped?.error?.location?.file).toBe('products/shop/typed/product.yaml');
    expectUnknownCursor(run);
  });

  it('reports a change of the source\'s schema, and refuses one that breaks a reader until the run accepts it', async () => {
    expect((await mesh.run('shop.accounts')).exitCode).toBe(0);
    await server.sql('ALTER TABLE accounts ADD COLUMN email text; ALTER TABLE accounts ALTER COLUMN score TYPE numeric(6,1)', 'shop');
    const widened = await mesh.run('shop.accounts');
    expect(widened.exitCode).toBe(0);
    const warnings = widened.node('source:shop.accounts.accounts')?.warnings ?? [];
    expect(warnings.join('\n')).toMatch(/source schema changed since the last load \(run \d+\): column score: type integer → numeric\(6,1\) \(loaded as DECIMAL\(6,1\), was INTEGER\); column email text added/);
    expect((await mesh.columns('shop__accounts', 'accounts')).map((c) => c.name)).toEqual(['id', 'tier', 'score', 'email']);

    await server.sql('ALTER TABLE accounts DROP COLUMN tier', 'shop');
    const broken = await mesh.run('shop.accounts');
    expect(broken.exitCode).toBe(1);
    const failed = broken.node('source:shop.accounts.accounts');
    expect(failed?.error?.code).toBe('source/schema-changed');
    expect(failed?.error?.message).toMatch(/column tier removed, used by model `account_tiers`/);
    expect(failed?.error?.location).toMatchObject({ file: 'products/shop/accounts/product.yaml', line: 6 });
    expect(broken.node('model:shop.accounts.account_tiers')?.status).toBe('skipped');
    // Nothing was loaded: the table still has the column the model reads.
    expect((await mesh.columns('shop__accounts', 'accounts')).map((c) => c.name)).toContain('tier');

    const accepted = await mesh.run('shop.accounts', '--full-refresh');
    expect(accepted.node('source:shop.accounts.accounts')?.status).toBe('success');
    expect(accepted.node('source:shop.accounts.accounts')?.warnings?.join('\n')).toMatch(/column tier removed/);
    expect(accepted.node('model:shop.accounts.account_tiers')?.status).toBe('failed');
  });

  it('keeps the history of a database source in a snapshot (SCD2)', async () => {
    await expectSnapshotKeepsHistory(mesh, (text) => server.sql(text, 'shop'));
  });

  it('takes a URL without a password from product.yaml, the password from the environment', async () => {
    mesh.write('products/shop/local/product.yaml', `name: local\ndomain: shop\nowner: shop-team\nkind: source-aligned\nsources:\n  - { name: accounts, type: postgres, url: "postgres://reader@127.0.0.1:${server.port}/shop", table: accounts }\n`);
    const refused = await mesh.run('shop.local');
    expect(refused.node('source:shop.local.accounts')?.error?.code).toBe('source/connect');
    expect(refused.node('source:shop.local.accounts')?.error?.hint).toMatch(/in the URL/);
    process.env.PGPASSWORD = PASSWORD;
    try {
      const run = await mesh.run('shop.local');
      expect(run.node('source:shop.local.accounts')).toMatchObject({ status: 'success', rows: 2 });
    } finally {
      delete process.env.PGPASSWORD;
    }
  });

  it('says which password failed, without showing it', async () => {
    const good = process.env[URL_ENV];
    process.env[URL_ENV] = server.urlOf('shop', 'reader', 'wrong-secret');
    try {
      const run = await mesh.run('shop.customers');
      const node = run.node('source:shop.customers.customers');
      expect(node?.error?.code).toBe('source/connect');
      expect(node?.error?.message).toMatch(/could not connect to its postgres database \(postgres:\/\/reader:\*\*\*@127\.0\.0\.1:\d+\/shop, from SHOP_DB_URL\): password authentication failed for user "reader"/);
      expect(node?.error?.message).not.toContain('wrong-secret');
      expect(node?.error?.hint).toMatch(/Check the user and password in SHOP_DB_URL/);
    } finally {
      process.env[URL_ENV] = good;
    }
  });

  it('names a missing environment variable through the CLI, with no stack trace', async () => {
    const good = process.env[URL_ENV];
    delete process.env.SHOP_DB_URL;
    try {
      const child = await runChild(['run', '--dir', mesh.dir, '--select', 'shop.customers']);
      expect(child.code).toBe(1);
      const all = child.stdout + child.stderr;
      expect(all).toMatch(/products\/shop\/customers\/product\.yaml:\d+:\d+/);
      expect(all).toMatch(/reads its connection URL from the environment variable SHOP_DB_URL, which is not set/);
      expect(all).toMatch(/Set SHOP_DB_URL where Tessera runs/);
      expect(all).not.toMatch(/\n\s+at /);
    } finally {
      process.env[URL_ENV] = good;
    }
  });
});

describe('a postgres source into a PostgreSQL warehouse', () => {
  it('streams the rows through COPY, typed in PostgreSQL\'s names, and merges incremental loads with deletes', async () => {
    process.env.INGEST_WAREHOUSE_URL = await server.createDatabase('warehouse');
    await server.sql(
      `CREATE TABLE events (id integer PRIMARY KEY, kind text, amount numeric(10,2) NOT NULL, payload jsonb, at timestamptz, blob bytea, span interval, updated_at timestamp NOT NULL);
       INSERT INTO events VALUES (1, 'a', 1.50, '{"x": 1}', '2026-01-01 10:00:00+02', '\\x0102', '1 day', '2026-01-01 10:00:00'), (2, 'b', 2.00, NULL, NULL, NULL, NULL, '2026-01-01 11:00:00');
       GRANT SELECT ON events TO reader;`,
      'shop',
    );
    const files = ingestMesh('postgres', 'select 1 as id');
    const pgMesh = writeIngestMesh({
      ...files,
      'tessera.yaml': 'name: ingest\nwarehouse: { type: postgres, url_env: INGEST_WAREHOUSE_URL }\n',
      'products/shop/orders/product.yaml': `name: orders\ndomain: shop\nowner: shop-team\nkind: source-aligned\nsources:\n  - { name: events, type: postgres, url_env: ${URL_ENV}, table: events, incremental: { cursor: updated_at, deletes: full_key_scan }, unique_key: id }\n`,
    });
    try {
      const first = await pgMesh.run('shop.orders');
      expect(first.node('source:shop.orders.events')?.status).toBe('success');
      const types = await server.sql("SELECT column_name AS c, format_type(atttypid, atttypmod) AS t FROM information_schema.columns JOIN pg_attribute ON attrelid = 'shop__orders.events'::regclass AND attname = column_name WHERE table_schema = 'shop__orders' AND table_name = 'events' ORDER BY ordinal_position", 'warehouse');
      expect(types.map((r) => `${String(r.c)} ${String(r.t)}`)).toEqual([
        'id integer', 'kind text', 'amount numeric(10,2)', 'payload jsonb', 'at timestamp with time zone', 'blob bytea', 'span interval', 'updated_at timestamp without time zone',
      ]);
      expect(await server.sql("SELECT id, amount::text AS amount, payload->>'x' AS x, to_char(at AT TIME ZONE 'UTC', 'HH24:MI') AS at, encode(blob, 'hex') AS blob, span::text AS span FROM shop__orders.events ORDER BY id", 'warehouse')).toEqual([
        { id: 1, amount: '1.50', x: '1', at: '08:00', blob: '0102', span: '1 day' },
        { id: 2, amount: '2.00', x: null, at: null, blob: null, span: null },
      ]);
      await server.sql("UPDATE events SET amount = 3.00, updated_at = '2026-01-02 09:00:00' WHERE id = 2; DELETE FROM events WHERE id = 1; INSERT INTO events (id, kind, amount, updated_at) VALUES (3, 'c', 4.00, '2026-01-02 10:00:00')", 'shop');
      const second = await pgMesh.run('shop.orders');
      expect(second.node('source:shop.orders.events')?.ingested).toEqual({ rows: 2, incremental: true, deleted: 1, highWater: '2026-01-02 10:00:00' });
      expect(await server.sql('SELECT id, amount::text AS amount FROM shop__orders.events ORDER BY id', 'warehouse')).toEqual([
        { id: 2, amount: '3.00' },
        { id: 3, amount: '4.00' },
      ]);
      expect(await server.sql("SELECT high_water FROM tessera_state.source_cursors WHERE source = 'source:shop.orders.events'", 'warehouse')).toEqual([{ high_water: '2026-01-02 10:00:00' }]);
    } finally {
      delete process.env.INGEST_WAREHOUSE_URL;
      pgMesh.cleanup();
    }
  });
});
