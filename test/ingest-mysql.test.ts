/**
 * Ingestion from a MySQL application database (a real MariaDB 10.11 server the test
 * starts, with a password user) into the embedded DuckDB warehouse (issue 15, item 4):
 * full loads of a table and of a query with MySQL's types; three incremental loads with
 * inserts, updates and deletes where the failed second one changes nothing and the third
 * catches up; a schema change reported and refused where a reader uses the column; an
 * SCD2 snapshot over the source; a wrong password and a missing variable said plainly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectIncrementalCatchesUp, expectSnapshotKeepsHistory, expectUnknownCursor, ingestMesh, URL_ENV, writeIngestMesh, type IngestMesh } from './support/ingest-mesh.js';
import { startMariaDb, type MariaDbServer } from './support/mariadb-server.js';
import { runChild } from './support/run-child.js';

let server: MariaDbServer;
let mesh: IngestMesh;
const PASSWORD = 'reader-Pw1';

beforeAll(async () => {
  server = await startMariaDb();
  process.env[URL_ENV] = await server.createDatabase('shop', 'reader', PASSWORD);
  await server.sql(
    `CREATE TABLE orders (id int PRIMARY KEY, customer varchar(40) NOT NULL, amount decimal(10,2) NOT NULL, updated_at datetime(6) NOT NULL);
     INSERT INTO orders VALUES (1, 'ann', 10.50, '2026-01-01 10:00:00'), (2, 'bob', 20.00, '2026-01-01 11:00:00'), (3, 'cy', 150.25, '2026-01-01 12:00:00.000001');
     CREATE TABLE customers (id int PRIMARY KEY, name varchar(40), city varchar(40));
     INSERT INTO customers VALUES (1, 'Ann', 'Utrecht'), (2, 'Bob', 'Leiden');
     CREATE TABLE accounts (id int PRIMARY KEY, tier varchar(10), score int);
     INSERT INTO accounts VALUES (1, 'gold', 7), (2, 'silver', 3);
     CREATE TABLE typed (
       flag tinyint(1), bit1 bit(1), small smallint, medium mediumint, i int, iu int unsigned, big bigint, bigu bigint unsigned, d decimal(12,2),
       f float, dbl double, v varchar(20), t text, e enum('happy','sad'), j json, day date, dt datetime, dt6 datetime(6), ts timestamp NULL, bin blob, u uuid);
     INSERT INTO typed VALUES (1, b'1', -2, 40000, -7, 4000000000, 9007199254740993, 18446744073709551615, 1234567890.12,
       1.5, 2.25, 'varchar', 'text', 'sad', '{"a": [1, 2]}', '2026-02-03', '2026-02-03 04:05:06', '2026-02-03 04:05:06.123456', '2026-02-03 04:05:06', x'00ff10', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
     CREATE TABLE untyped (id int, shape geometry);`,
    'shop',
  );
  // A `?` of the query's own and a closing comment: the query is wrapped, and the mark is not bound by `?`.
  mesh = writeIngestMesh(ingestMesh('mysql', "select id, customer, amount from orders where amount > 100 and customer <> '?' -- the big ones"));
}, 120_000);

afterAll(async () => {
  delete process.env.SHOP_DB_URL;
  mesh.cleanup();
  await server.stop();
});

describe('a mysql source', () => {
  it('loads a table and a query in full, then three incremental loads keep up with inserts, updates and deletes, the failed one changing nothing', async () => {
    // DATETIME(6) reads with all six digits of its fraction.
    await expectIncrementalCatchesUp(mesh, (text) => server.sql(text, 'shop'), { third: '2026-01-03 08:00:00.000000' });
  });

  it('types the columns as MySQL does', async () => {
    const run = await mesh.run('shop.typed');
    expect(run.node('source:shop.typed.typed')?.status).toBe('success');
    const types = Object.fromEntries((await mesh.columns('shop__typed', 'typed')).map((c) => [c.name, c.type]));
    expect(types).toEqual({
      flag: 'BOOLEAN', bit1: 'BOOLEAN', small: 'SMALLINT', medium: 'INTEGER', i: 'INTEGER', iu: 'BIGINT', big: 'BIGINT', bigu: 'UBIGINT', d: 'DECIMAL(12,2)',
      f: 'FLOAT', dbl: 'DOUBLE', v: 'VARCHAR', t: 'VARCHAR', e: 'VARCHAR', j: 'JSON', day: 'DATE', dt: 'TIMESTAMP', dt6: 'TIMESTAMP', ts: 'TIMESTAMP', bin: 'BLOB', u: 'UUID',
    });
    const [row] = await mesh.query(
      `select flag, bit1, small, medium, i, iu, CAST(big AS VARCHAR) AS big, CAST(bigu AS VARCHAR) AS bigu, CAST(d AS VARCHAR) AS d, f, dbl, v, t, e,
        j->>'$.a[1]' AS j, CAST(day AS VARCHAR) AS day, CAST(dt AS VARCHAR) AS dt, CAST(dt6 AS VARCHAR) AS dt6, CAST(ts AS VARCHAR) AS ts, hex(bin) AS bin, CAST(u AS VARCHAR) AS u
       from shop__typed.typed`,
    );
    expect(row).toEqual({
      flag: true, bit1: true, small: -2, medium: 40000, i: -7, iu: 4000000000, big: '9007199254740993', bigu: '18446744073709551615', d: '1234567890.12',
      f: 1.5, dbl: 2.25, v: 'varchar', t: 'text', e: 'sad', j: '2', day: '2026-02-03', dt: '2026-02-03 04:05:06', dt6: '2026-02-03 04:05:06.123456', ts: '2026-02-03 04:05:06', bin: '00FF10',
      u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    });
    const untyped = run.node('source:shop.typed.untyped');
    expect(untyped?.error?.code).toBe('source/unsupported-type');
    expect(untyped?.error?.message).toMatch(/column `shape` has type geometry/);
    expectUnknownCursor(run);
  });

  it('reports a change of the source\'s schema, and refuses one that breaks a reader until the run accepts it', async () => {
    expect((await mesh.run('shop.accounts')).exitCode).toBe(0);
    await server.sql('ALTER TABLE accounts ADD COLUMN email varchar(80), MODIFY COLUMN score decimal(6,1)', 'shop');
    const widened = await mesh.run('shop.accounts');
    expect(widened.exitCode).toBe(0);
    expect(widened.node('source:shop.accounts.accounts')?.warnings?.join('\n')).toMatch(/column score: type int → decimal\(6,1\) \(loaded as DECIMAL\(6,1\), was INTEGER\); column email varchar added/);

    await server.sql('ALTER TABLE accounts DROP COLUMN tier', 'shop');
    const broken = await mesh.run('shop.accounts');
    expect(broken.exitCode).toBe(1);
    expect(broken.node('source:shop.accounts.accounts')?.error?.code).toBe('source/schema-changed');
    expect(broken.node('source:shop.accounts.accounts')?.error?.message).toMatch(/column tier removed, used by model `account_tiers`/);
    expect((await mesh.columns('shop__accounts', 'accounts')).map((c) => c.name)).toContain('tier');
  });

  it('keeps the history of a database source in a snapshot (SCD2)', async () => {
    await expectSnapshotKeepsHistory(mesh, (text) => server.sql(text, 'shop'));
  });

  it('says the password was refused, without showing it', async () => {
    const good = process.env[URL_ENV];
    process.env[URL_ENV] = server.urlOf('shop', 'reader', 'wrong-secret');
    try {
      const node = (await mesh.run('shop.customers')).node('source:shop.customers.customers');
      expect(node?.error?.code).toBe('source/connect');
      expect(node?.error?.message).toMatch(/could not connect to its mysql database \(mysql:\/\/reader:\*\*\*@127\.0\.0\.1:\d+\/shop, from SHOP_DB_URL\): Access denied for user 'reader'@'127\.0\.0\.1'/);
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
      const child = await runChild(['run', '--dir', mesh.dir, '--select', 'shop.orders']);
      expect(child.code).toBe(1);
      const all = child.stdout + child.stderr;
      expect(all).toMatch(/products\/shop\/orders\/product\.yaml:\d+:\d+/);
      expect(all).toMatch(/environment variable SHOP_DB_URL, which is not set/);
      expect(all).toMatch(/SHOP_DB_URL=mysql:\/\/user:password@host:3306\/database/);
      expect(all).not.toMatch(/\n\s+at /);
    } finally {
      process.env[URL_ENV] = good;
    }
  });
});
