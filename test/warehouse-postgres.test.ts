import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckdbDialect, openWarehouse, postgresDialect as d, WarehouseError, canStream, type JsonValue, type Session, type Warehouse } from '../src/warehouse/index.js';
import { startPostgres, type PostgresServer } from './support/postgres-server.js';
import { describeWarehouseConformance } from './support/warehouse-conformance.js';
import { failure } from './support/warehouse-failure.js';

let server: PostgresServer;
let conformanceUrl = '';
let url = '';
beforeAll(async () => {
  server = await startPostgres();
  conformanceUrl = await server.createDatabase('conformance');
  url = await server.createDatabase('specific');
});
afterAll(async () => {
  await server.stop();
});

describeWarehouseConformance('postgres', () => openWarehouse({ type: 'postgres', url: conformanceUrl, maxSessions: 4 }));

/** Server processes of this test's warehouse sessions (they name themselves `tessera`). */
async function tesseraBackends(database: string): Promise<number> {
  const [row] = await server.sql(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = '${database}' AND application_name = 'tessera'`);
  return Number(row?.n);
}

describe('PostgreSQL warehouse', () => {
  let warehouse: Warehouse;
  beforeAll(async () => {
    warehouse = await openWarehouse({ type: 'postgres', url, maxSessions: 3 });
  });
  afterAll(async () => {
    await warehouse.close();
  });

  it('converts PostgreSQL types to JSON-safe values', async () => {
    const sql = `SELECT
      SUM(x) AS total,
      SUM(CAST(x AS NUMERIC(10,2))) AS dec_total,
      CAST('1234567890123456789' AS NUMERIC) AS numeric_wide,
      AVG(x) AS average,
      CAST(123456789012.345 AS NUMERIC(15,3)) AS dec15,
      CAST(1234567890123.456 AS NUMERIC(16,3)) AS dec16,
      CAST('NaN' AS NUMERIC) AS numeric_nan,
      CAST(7 AS SMALLINT) AS small,
      CAST('NaN' AS DOUBLE PRECISION) AS nan,
      CAST('Infinity' AS DOUBLE PRECISION) AS inf,
      CAST('-Infinity' AS REAL) AS neg_inf,
      CAST(1.5 AS REAL) AS float,
      CAST(0.1 AS DOUBLE PRECISION) AS double,
      TIMESTAMPTZ '2024-01-02 03:04:05.5+02' AS at_tz,
      TIMESTAMP 'infinity' AS at_inf,
      DATE 'infinity' AS day_inf,
      TIME '12:34:56' AS time,
      CAST('\\xAA0168' AS BYTEA) AS bytes,
      CAST('90ab0bed-ecb2-4488-9db9-f704915d59cb' AS UUID) AS uuid,
      ARRAY[1, 2, NULL] AS list,
      ARRAY[CAST(9007199254740993 AS BIGINT)] AS big_list,
      ARRAY['a b', 'c"d', 'e,f', 'NULL', ''] AS texts,
      ARRAY[ARRAY[1, 2], ARRAY[3, 4]] AS nested,
      ARRAY[TIMESTAMP '2024-01-02 03:04:05'] AS stamps,
      CAST('{}' AS INTEGER[]) AS empty_list,
      CAST('{"a": 1}' AS JSON) AS json,
      CAST('{"b": [1, 2]}' AS JSONB) AS jsonb,
      CAST(NULL AS INTEGER[]) AS null_list
    FROM (VALUES (CAST(1 AS BIGINT)), (2)) AS v(x)`;
    const [row] = await warehouse.query(sql);
    expect(row).toEqual({
      total: 3,
      dec_total: 3,
      numeric_wide: '1234567890123456789',
      average: 1.5,
      dec15: 123456789012.345,
      dec16: '1234567890123.456',
      numeric_nan: 'NaN',
      small: 7,
      nan: 'NaN',
      inf: 'Infinity',
      neg_inf: '-Infinity',
      float: 1.5,
      double: 0.1,
      at_tz: '2024-01-02T01:04:05.5Z',
      at_inf: 'infinity',
      day_inf: 'infinity',
      time: '12:34:56',
      bytes: Buffer.from([0xaa, 0x01, 0x68]).toString('base64'),
      uuid: '90ab0bed-ecb2-4488-9db9-f704915d59cb',
      list: [1, 2, null],
      big_list: ['9007199254740993'],
      texts: ['a b', 'c"d', 'e,f', 'NULL', ''],
      nested: [
        [1, 2],
        [3, 4],
      ],
      stamps: ['2024-01-02T03:04:05'],
      empty_list: [],
      json: '{"a": 1}',
      jsonb: '{"b": [1, 2]}',
      null_list: null,
    });
    expect(JSON.parse(JSON.stringify(row))).toEqual(row);
  });

  it('prints timestamptz in UTC whatever the server time zone', async () => {
    await server.sql(`ALTER DATABASE specific SET TimeZone = 'America/New_York'`);
    const other = await openWarehouse({ type: 'postgres', url, maxSessions: 1 });
    try {
      expect(await other.query("SELECT TIMESTAMPTZ '2024-06-01 12:00:00+00' AS at, current_setting('TimeZone') AS zone")).toEqual([{ at: '2024-06-01T12:00:00Z', zone: 'UTC' }]);
    } finally {
      await other.close();
      await server.sql('ALTER DATABASE specific RESET TimeZone');
    }
  });

  it('streams a large answer a chunk at a time, with $1 parameters', async () => {
    const session = await warehouse.connect();
    try {
      if (!canStream(session)) throw new Error('a PostgreSQL session streams');
      const result = await session.stream('SELECT n, $2 || n AS label FROM generate_series(1, CAST($1 AS INTEGER)) AS n', ['5000', 'row ']);
      expect(result.columns).toEqual([
        { name: 'n', type: 'integer' },
        { name: 'label', type: 'text' },
      ]);
      const chunks: JsonValue[][][] = [];
      for (let chunk = await result.next(); chunk !== undefined; chunk = await result.next()) chunks.push(chunk);
      expect(chunks.length).toBeGreaterThan(1);
      const rows = chunks.flat();
      expect(rows).toHaveLength(5000);
      expect(rows[0]).toEqual([1, 'row 1']);
      expect(rows.at(-1)).toEqual([5000, 'row 5000']);
      expect(await result.next()).toBeUndefined();
      const typed = await session.stream("SELECT CAST(1.5 AS NUMERIC(12,2)) AS amount, ARRAY[CAST(1 AS BIGINT)] AS ids, CAST('{}' AS JSONB) AS doc, TIMESTAMPTZ '2024-01-01 00:00:00+00' AS at, CAST('1 day' AS INTERVAL) AS span", []);
      expect(typed.columns.map((column) => column.type)).toEqual(['numeric(12,2)', 'bigint[]', 'json', 'timestamp with time zone', 'interval']);

      // A stream left half read does not block the session's next statement.
      const abandoned = await session.stream('SELECT n FROM generate_series(1, 10000) AS n', []);
      expect((await abandoned.next())?.[0]).toEqual([1]);
      expect(await session.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      expect(await abandoned.next()).toBeUndefined();

      const empty = await session.stream('SELECT n FROM generate_series(1, 0) AS n WHERE n > $1', ['3']);
      expect(empty.columns.map((column) => column.name)).toEqual(['n']);
      expect(await empty.next()).toBeUndefined();

      const bad = await failure(session.stream('SELECT nope FROM generate_series(1, 2) AS n', []));
      expect(bad).toMatchObject({ code: 'warehouse/sql', line: 1, column: 8 });
    } finally {
      await session.close();
    }
  });

  it('interrupts the statement running on a session, which stays usable', async () => {
    const session = await warehouse.connect();
    try {
      if (!canStream(session)) throw new Error('a PostgreSQL session streams');
      const running = session.stream('SELECT pg_sleep(60), 1 AS one', []);
      const settled = running.then(
        () => 'resolved',
        (error: unknown) => error,
      );
      // Wait (without a clock) until the server runs it, then interrupt.
      while ((await server.sql("SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%' AND state = 'active'", 'specific')).length === 0);
      session.interrupt();
      const error = await settled;
      expect(error).toBeInstanceOf(WarehouseError);
      expect((error as Error).message).toMatch(/cancel/i);
      expect(await session.query('SELECT 2 AS two')).toEqual([{ two: 2 }]);
      session.interrupt(); // nothing running: nothing to stop
      expect(await session.query('SELECT 3 AS three')).toEqual([{ three: 3 }]);
    } finally {
      await session.close();
    }
  });

  it('loads 100,000 rows by COPY, appends, and leaves the table as it was when a load fails', async () => {
    await warehouse.execute('CREATE SCHEMA IF NOT EXISTS loaded');
    const columns = [
      { name: 'id', type: 'BIGINT' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'amount', type: 'DECIMAL(12,2)' },
      { name: 'ok', type: 'BOOLEAN' },
      { name: 'tags', type: 'VARCHAR[]' },
      { name: 'at', type: 'TIMESTAMP' },
      { name: 'score', type: 'DOUBLE' },
    ];
    async function* batches(from: number, count: number, size: number): AsyncGenerator<JsonValue[][]> {
      for (let start = from; start < from + count; start += size) {
        const batch: JsonValue[][] = [];
        for (let id = start; id < Math.min(start + size, from + count); id++) {
          batch.push([id, id % 10 === 0 ? null : `name ${id}, "quoted"\n${id % 7 === 0 ? '' : 'x'}`, (id % 1000) / 100, id % 2 === 0, ['a', `b"${id}`], '2024-01-02T03:04:05', id % 3 === 0 ? 'NaN' : id / 4]);
        }
        yield await Promise.resolve(batch);
      }
    }
    const loaded = await warehouse.load?.('loaded', 'big', columns, batches(1, 100_000, 4096));
    expect(loaded).toBe(100_000);
    expect(await warehouse.query(`SELECT count(*) AS n, count(name) AS named, sum(amount) AS total, count(*) FILTER (WHERE ok) AS oks,
      count(*) FILTER (WHERE name LIKE '%' || chr(10)) AS empty_tail FROM loaded.big`)).toEqual([{ n: 100_000, named: 90_000, total: 499_500, oks: 50_000, empty_tail: 12_857 }]);
    expect(await warehouse.query('SELECT id, name, amount, ok, tags, at, score FROM loaded.big WHERE id IN (3, 7) ORDER BY id')).toEqual([
      { id: 3, name: 'name 3, "quoted"\nx', amount: 0.03, ok: false, tags: ['a', 'b"3'], at: '2024-01-02T03:04:05', score: 'NaN' },
      { id: 7, name: 'name 7, "quoted"\n', amount: 0.07, ok: false, tags: ['a', 'b"7'], at: '2024-01-02T03:04:05', score: 1.75 },
    ]);
    expect((await warehouse.columns('loaded', 'big')).map((column) => column.type)).toEqual(['bigint', 'text', 'numeric(12,2)', 'boolean', 'text[]', 'timestamp without time zone', 'double precision']);

    expect(await warehouse.load?.('loaded', 'big', columns, batches(100_001, 10, 4), { append: true })).toBe(10);
    expect(await warehouse.query('SELECT count(*) AS n FROM loaded.big')).toEqual([{ n: 100_010 }]);

    async function* broken(): AsyncGenerator<JsonValue[][]> {
      yield await Promise.resolve([[1, 'a', 1, true, [], null, 1]]);
      yield [['not a number', 'b', 1, true, [], null, 1]];
    }
    const error = await failure(warehouse.load?.('loaded', 'big', columns, broken()) ?? Promise.resolve());
    expect(error.message).toMatch(/bigint/);
    expect(await warehouse.query('SELECT count(*) AS n FROM loaded.big')).toEqual([{ n: 100_010 }]);

    // A source that fails half way (a dropped connection, a bad file) leaves the table as it was too.
    const gone = new Error('the source went away');
    async function* failing(): AsyncGenerator<JsonValue[][]> {
      yield* batches(1, 5000, 1000);
      throw gone;
    }
    await expect(warehouse.load?.('loaded', 'big', columns, failing())).rejects.toThrow(/the source went away/);
    expect(await warehouse.query('SELECT count(*) AS n FROM loaded.big')).toEqual([{ n: 100_010 }]);
    // Each load's session went back to the pool: the two sessions left beside the warehouse's own can still be had.
    const spare = [await warehouse.connect(), await warehouse.connect()];
    for (const session of spare) await session.close();
  });

  it('reports PostgreSQL positions as line and column of the text sent, across statements', async () => {
    const multi = 'SELECT 1;\nSELECT 2;\nSELECT\n 1 +;';
    expect(await failure(warehouse.execute(multi))).toMatchObject({ code: 'warehouse/sql', sql: multi, line: 4, column: 5, message: 'syntax error at or near ";"' });
    // PostgreSQL counts characters, not bytes or UTF-16 units.
    expect(await failure(warehouse.query("SELECT 'é😀' AS a, nope"))).toMatchObject({ line: 1, column: 19 });
    for (const breaks of ['\r\n', '\r']) {
      expect(await failure(warehouse.query(`SELECT 1 AS a,${breaks}  nope`)), JSON.stringify(breaks)).toMatchObject({ line: 2, column: 3 });
    }
    const model = d.createTableAs('public', 'errs', 'SELECT 1 AS a,\n  missing_column AS b', { replace: true });
    expect(await failure(warehouse.execute(model))).toMatchObject({ line: 3, column: 3 });
    const hinted = await failure(warehouse.query('SELECT * FROM (SELECT 1 AS abc) AS t WHERE ab = 1'));
    expect(hinted.message).toMatch(/^column "ab" does not exist\nHint: Perhaps you meant/);
    const runtime = await failure(warehouse.execute("CREATE TABLE numbers (a INTEGER); INSERT INTO numbers VALUES (1); INSERT INTO numbers VALUES ('x')"));
    expect(runtime.message).toMatch(/invalid input syntax for type integer/);
    expect(await warehouse.relations('public')).not.toContainEqual(expect.objectContaining({ name: 'numbers' }));
  });

  it('gives the same mask text as DuckDB for the same salt and values, so masked keys join across engines', async () => {
    const duck = await openWarehouse({ type: 'duckdb', path: ':memory:' });
    try {
      const values: [string, string][] = [
        ["'ann@example.com'", 'VARCHAR'],
        ["'Zoë ✓'", 'VARCHAR'],
        ["''", 'VARCHAR'],
        ['42', 'INTEGER'],
        ['-9007199254740993', 'BIGINT'],
        ['12.30', 'DECIMAL(12,2)'],
        ["DATE '2024-02-29'", 'DATE'],
        ["TIMESTAMP '2024-01-02 03:04:05'", 'TIMESTAMP'],
        ['TRUE', 'BOOLEAN'],
        ['0.1', 'DOUBLE'],
        ['1e20', 'DOUBLE'],
        ['NULL', 'VARCHAR'],
      ];
      const select = (dialect: typeof d): string =>
        values
          .map(([value, type], index) => {
            const column = `CAST(${value} AS ${dialect.typeName(type)})`;
            const hash = dialect.maskColumn('v', type, 'hash', "s'alt").replaceAll('"v"', column);
            const mask = dialect.maskColumn('v', type, 'mask', "s'alt").replaceAll('"v"', column);
            return `${hash} AS h${index}, ${mask} AS m${index}`;
          })
          .join(', ');
      const [onPostgres] = await warehouse.query(`SELECT ${select(d)}`);
      const [onDuckDB] = await duck.query(`SELECT ${select(duckdbDialect)}`);
      expect(onPostgres).toEqual(onDuckDB);
      expect(onPostgres?.h0).toMatch(/^[0-9a-f]{32}$/);
      expect(onPostgres?.m0).toBe('a***@example.com');
      expect(onPostgres?.h11).toBeNull();
    } finally {
      await duck.close();
    }
  });

  it('replaces a table under views, keeping the views, their grants and comments', async () => {
    await server.sql('DROP ROLE IF EXISTS reader; CREATE ROLE reader', 'specific');
    const s = 'swap';
    await warehouse.execute(`DROP SCHEMA IF EXISTS ${s} CASCADE; ${d.createSchema(s)}`);
    await warehouse.execute(d.createTableAs(s, 't', 'SELECT 1 AS a, 2 AS b'));
    await warehouse.execute(d.createView(s, 'v', ['a', 'b'], s, 't'));
    await warehouse.execute(`CREATE VIEW ${d.table(s, 'over_v')} AS SELECT a FROM ${d.table(s, 'v')}; GRANT SELECT ON ${d.table(s, 'v')} TO reader; COMMENT ON VIEW ${d.table(s, 'v')} IS 'it''s v'`);
    await warehouse.execute(d.createTableAs(s, 't', 'SELECT 10 AS a, 20 AS b, 30 AS c', { replace: true }));
    expect(await warehouse.query(`SELECT a FROM ${d.table(s, 'over_v')}`)).toEqual([{ a: 10 }]);
    const privileges = "SELECT has_table_privilege('reader', 'swap.v', 'SELECT') AS can, obj_description(CAST('swap.v' AS regclass), 'pg_class') AS note";
    expect(await warehouse.query(privileges)).toEqual([{ can: true, note: "it's v" }]);

    // A failing SELECT leaves the old table and its views alone.
    await failure(warehouse.execute(d.createTableAs(s, 't', 'SELECT 1 / 0 AS a', { replace: true })));
    expect(await warehouse.query(`SELECT a, b FROM ${d.table(s, 'v')}`)).toEqual([{ a: 10, b: 20 }]);

    // A view that loses a column cannot be replaced in place: it is made again, grants and dependents kept.
    await warehouse.execute(`DROP VIEW ${d.table(s, 'over_v')}; CREATE VIEW ${d.table(s, 'over_v')} AS SELECT a FROM ${d.table(s, 'v')}`);
    await warehouse.execute(d.createView(s, 'v', ['a'], s, 't'));
    expect((await warehouse.columns(s, 'v')).map((column) => column.name)).toEqual(['a']);
    expect(await warehouse.query(privileges)).toEqual([{ can: true, note: "it's v" }]);
    expect(await warehouse.query(`SELECT a FROM ${d.table(s, 'over_v')}`)).toEqual([{ a: 10 }]);
    await warehouse.execute(d.createProjectionView(s, 'v', [{ name: 'a', expression: 'CAST(a AS TEXT)' }], s, 't'));
    expect(await warehouse.query(`SELECT a FROM ${d.table(s, 'v')}`)).toEqual([{ a: '10' }]);
  });

  it('switches a view and writes its record in one transaction: both or neither, also when the view changes columns', async () => {
    const s = 'switch';
    await warehouse.execute(`DROP SCHEMA IF EXISTS ${s} CASCADE; ${d.createSchema(s)}`);
    await warehouse.execute(`${d.createTableAs(s, 'v1', 'SELECT 1 AS a, 2 AS b')}; ${d.createTableAs(s, 'v2', 'SELECT 10 AS a')}; ${d.createTableAs(s, 'v3', 'SELECT 5 AS a, 6 AS b')}; CREATE TABLE ${d.table(s, 'records')} (version INTEGER)`);
    await warehouse.execute(d.createView(s, 'port', ['a', 'b'], s, 'v1'));
    for (const columns of [['a', 'b'], ['a']]) {
      await failure(
        warehouse.transaction(async (tx) => {
          await tx.execute(d.createView(s, 'port', columns, s, columns.length === 2 ? 'v3' : 'v2'));
          await tx.execute(`INSERT INTO ${d.table(s, 'records')} VALUES (2)`);
          await tx.execute('SELECT 1 / 0');
        }),
      );
      expect(await warehouse.query(`SELECT * FROM ${d.table(s, 'port')}`)).toEqual([{ a: 1, b: 2 }]);
      expect(await warehouse.query(`SELECT count(*) AS n FROM ${d.table(s, 'records')}`)).toEqual([{ n: 0 }]);
    }
    await warehouse.transaction(async (tx) => {
      await tx.execute(d.createView(s, 'port', ['a'], s, 'v2'));
      await tx.execute(`INSERT INTO ${d.table(s, 'records')} VALUES (2)`);
    });
    expect(await warehouse.query(`SELECT * FROM ${d.table(s, 'port')}`)).toEqual([{ a: 10 }]);
    expect(await warehouse.query(`SELECT version FROM ${d.table(s, 'records')}`)).toEqual([{ version: 2 }]);
  });

  it('spells contract types (DuckDB names too) as columns() reports them', async () => {
    const types = ['DOUBLE', 'FLOAT', 'TINYINT', 'VARCHAR(20)', 'VARCHAR(20)[]', 'TIMESTAMPTZ', 'TIMESTAMP(3) WITH TIME ZONE', 'decimal(12, 2)', 'INT[]', 'BLOB', 'STRING'];
    const canonical = Object.values((await warehouse.query(d.canonicalTypes(types)))[0] ?? {});
    expect(canonical).toEqual(['double precision', 'real', 'smallint', 'character varying(20)', 'character varying(20)[]', 'timestamp with time zone', 'timestamp(3) with time zone', 'numeric(12,2)', 'integer[]', 'bytea', 'text']);
    await warehouse.execute(`CREATE TABLE public.spelled (${types.map((type, index) => `c${index} ${type.replace(/^(DOUBLE|FLOAT|TINYINT|BLOB|STRING)$/, (name) => ({ DOUBLE: 'DOUBLE PRECISION', FLOAT: 'REAL', TINYINT: 'SMALLINT', BLOB: 'BYTEA', STRING: 'TEXT' })[name] ?? name)}`).join(', ')})`);
    expect((await warehouse.columns('public', 'spelled')).map((column) => column.type)).toEqual(canonical);
    expect(() => d.canonicalTypes(['INTEGER(3)'])).toThrow(/no modifier/);
  });

  it('writes the fused-check SQL PostgreSQL runs: regex, percentile, table stats', async () => {
    const [row] = await warehouse.query(`SELECT
      ${d.regexFullMatch("'ab-12'", '[a-z]+-[0-9]+')} AS whole,
      ${d.regexFullMatch("'xab-12'", 'ab-[0-9]+|zz')} AS partial,
      (SELECT ${d.percentile('n', 0.5)} FROM generate_series(1, 9) AS n) AS median`);
    expect(row).toEqual({ whole: true, partial: false, median: 5 });
    await warehouse.execute('CREATE TABLE public.sized AS SELECT n, repeat(\'x\', 100) AS pad FROM generate_series(1, 5000) AS n');
    const [stats] = await warehouse.query(d.tableStats('public', 'sized'));
    expect(stats?.row_count).toBe(5000);
    expect(Number(stats?.row_width)).toBeGreaterThan(100);
  });

  it('keeps at most maxSessions connections and hands each session a fresh one', async () => {
    const sessions: Session[] = [await warehouse.connect(), await warehouse.connect()];
    expect(await tesseraBackends('specific')).toBe(3);
    await sessions[0]?.execute("SET search_path = loaded; CREATE TEMP TABLE scratch (a INTEGER)");
    let third: Session | undefined;
    const waiting = warehouse.connect().then((session) => (third = session));
    // Round trips on the open sessions give a fourth connection every chance to appear; none does.
    for (const session of [warehouse, ...sessions]) await session.query('SELECT 1 AS one');
    expect(await tesseraBackends('specific')).toBe(3);
    expect(third).toBeUndefined();
    await sessions[0]?.close();
    await waiting;
    expect(await tesseraBackends('specific')).toBe(3);
    expect(await third?.query("SELECT current_setting('search_path') AS path, to_regclass('pg_temp.scratch') AS scratch")).toEqual([{ path: '"$user", public', scratch: null }]);
    await third?.close();
    await sessions[1]?.close();
  });
});

describe('PostgreSQL SQL text', () => {
  it('refuses a name PostgreSQL would cut to 63 bytes, rather than let two names become one', () => {
    expect(d.table('s', 'x'.repeat(63))).toBe(`"s"."${'x'.repeat(63)}"`);
    expect(() => d.ident(`${'x'.repeat(60)}__v12`)).toThrow(/at most 63 bytes/);
    expect(() => d.table('s', 'é'.repeat(32))).toThrow(/has 64/);
    expect(() => d.createSchema('y'.repeat(64))).toThrow(/63 bytes/);
    expect(() => d.createView('s', 'v', ['z'.repeat(70)], 's', 't')).toThrow(/63 bytes/);
  });

  it('writes the cast types, regex, percentile and literals PostgreSQL reads', () => {
    expect([d.typeName('DOUBLE'), d.typeName('TINYINT[]'), d.typeName('DECIMAL(12,2)'), d.typeName('VARCHAR')]).toEqual(['double precision', 'smallint[]', 'DECIMAL(12,2)', 'VARCHAR']);
    expect(d.literal(Number.NaN)).toBe("CAST('NaN' AS DOUBLE PRECISION)");
    expect(d.regexFullMatch('"c"', 'a|b')).toBe("(CAST(\"c\" AS TEXT) ~ '^(?:a|b)$')");
    expect(d.percentile('"x"', 0.9)).toBe('percentile_cont(0.9) WITHIN GROUP (ORDER BY "x")');
    expect('readFiles' in d).toBe(false);
  });
});

describe('opening PostgreSQL', () => {
  it('refuses writes on a read-only warehouse, in every session, also after the pool hands a connection on', async () => {
    const readOnly = await openWarehouse({ type: 'postgres', url, maxSessions: 2, readOnly: true });
    try {
      expect(readOnly.readOnly).toBe(true);
      expect(await readOnly.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      expect((await failure(readOnly.execute('CREATE TABLE public.nope (a INTEGER)'))).message).toMatch(/read-only transaction/);
      for (let round = 0; round < 2; round++) {
        const session = await readOnly.connect();
        try {
          expect((await failure(session.execute('CREATE TABLE public.nope (a INTEGER)'))).message).toMatch(/read-only transaction/);
        } finally {
          await session.close();
        }
      }
      await expect(readOnly.load?.('public', 'nope', [{ name: 'a', type: 'INTEGER' }], (async function* () {})())).rejects.toThrow(/read-only/);
    } finally {
      await readOnly.close();
    }
  });

  it('says which server it could not reach, without the password', async () => {
    const unreachable = server.urlOf('specific', 'postgres', 's3cret').replace(`:${server.port}/`, ':1/');
    const error = await failure(openWarehouse({ type: 'postgres', url: unreachable }));
    expect(error.code).toBe('warehouse/open');
    expect(error.message).toMatch(/^Could not connect to the PostgreSQL warehouse at postgres:\/\/postgres@127\.0\.0\.1:1\/specific: .*ECONNREFUSED/);
    expect(error.message).not.toContain('s3cret');
    const missing = await failure(openWarehouse({ type: 'postgres', url: server.urlOf('no_such_database') }));
    expect(missing.message).toMatch(/database "no_such_database" does not exist/);
  });
});
