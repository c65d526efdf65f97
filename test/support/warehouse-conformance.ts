/**
 * The behaviour every warehouse adapter must share. It speaks only through `Warehouse`,
 * `Session` and `Dialect`, and its raw SQL is the part DuckDB and PostgreSQL agree on,
 * so a new adapter runs it unchanged:
 *
 *   describeWarehouseConformance('postgres', () => openWarehouse({ type: 'postgres', … }));
 *
 * Each test works in a schema of its own (dropped and made again first), so the suite
 * can also run against a database that already holds other things.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WarehouseError, type Dialect, type Row, type Session, type Warehouse } from '../../src/warehouse/index.js';

export function describeWarehouseConformance(name: string, open: () => Promise<Warehouse>): void {
  describe(`warehouse conformance: ${name}`, () => {
    let warehouse: Warehouse;
    let d: Dialect;

    beforeAll(async () => {
      warehouse = await open();
      d = warehouse.dialect;
    });
    afterAll(async () => {
      await warehouse.close();
    });

    /** Runs SQL the test expects to succeed; a failure names the SQL. */
    async function run(sql: string, session: Session = warehouse): Promise<void> {
      try {
        await session.execute(sql);
      } catch (error) {
        throw failedWith(error, sql);
      }
    }

    async function rows(sql: string, session: Session = warehouse): Promise<Row[]> {
      try {
        return await session.query(sql);
      } catch (error) {
        throw failedWith(error, sql);
      }
    }

    /** Rows of `sql`, checked against `expected` with the SQL in the failure message. */
    async function expectRows(sql: string, expected: Row[], session: Session = warehouse): Promise<void> {
      expect(await rows(sql, session), `SQL:\n${sql}`).toEqual(expected);
    }

    async function freshSchema(label: string): Promise<string> {
      const schema = `conformance_${label}`;
      await run(`DROP SCHEMA IF EXISTS ${d.ident(schema)} CASCADE`);
      await run(d.createSchema(schema));
      return schema;
    }

    /** The error a promise rejects with (the test fails when it resolves). */
    async function rejection(promise: Promise<unknown>): Promise<unknown> {
      return promise.then(
        () => expect.fail('expected a rejection'),
        (error: unknown) => error,
      );
    }

    it('runs several statements in one execute() and returns rows in select order', async () => {
      const t = d.table(await freshSchema('roundtrip'), 't');
      await run(`CREATE TABLE ${t} (id INTEGER, name VARCHAR); INSERT INTO ${t} VALUES (1, 'a'); INSERT INTO ${t} VALUES (2, 'b')`);
      await expectRows(`SELECT id, name FROM ${t} ORDER BY id`, [
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ]);
      const sql = `SELECT name, id, id * 10 AS zeta, 'x' AS alpha FROM ${t} ORDER BY id LIMIT 1`;
      expect(Object.keys((await rows(sql))[0] ?? {}), `SQL:\n${sql}`).toEqual(['name', 'id', 'zeta', 'alpha']);
      await expectRows(`SELECT COUNT(*) AS n FROM ${t}`, [{ n: 2 }]);
      await expectRows(`SELECT id FROM ${t} WHERE id > 5`, []);
    });

    it('returns JSON-safe values for portable types', async () => {
      const sql = `SELECT
  CAST(42 AS INTEGER) AS int,
  CAST(9007199254740991 AS BIGINT) AS big_safe,
  CAST(9007199254740993 AS BIGINT) AS big_unsafe,
  CAST(-9007199254740993 AS BIGINT) AS big_negative,
  CAST(12.30 AS DECIMAL(12,2)) AS dec,
  CAST(-0.5 AS DECIMAL(4,1)) AS dec_negative,
  CAST(12345678901234567.89 AS DECIMAL(38,2)) AS dec_wide,
  CAST('héllo ✓' AS VARCHAR) AS text,
  TRUE AS yes,
  FALSE AS no,
  DATE '2024-01-02' AS day,
  TIMESTAMP '2024-01-02 03:04:05' AS at,
  TIMESTAMP '2024-01-02 03:04:05.123456' AS at_micros,
  CAST(NULL AS INTEGER) AS nothing`;
      const result = await rows(sql);
      expect(result, `SQL:\n${sql}`).toEqual([
        {
          int: 42,
          big_safe: 9007199254740991,
          big_unsafe: '9007199254740993',
          big_negative: '-9007199254740993',
          dec: 12.3,
          dec_negative: -0.5,
          dec_wide: '12345678901234567.89',
          text: 'héllo ✓',
          yes: true,
          no: false,
          day: '2024-01-02',
          at: '2024-01-02T03:04:05',
          at_micros: '2024-01-02T03:04:05.123456',
          nothing: null,
        },
      ]);
      expect(JSON.parse(JSON.stringify(result)), 'rows survive JSON unchanged').toEqual(result);
    });

    it('keeps both columns of a repeated name and a column named __proto__', async () => {
      const [row] = await rows('SELECT 1 AS a, 2 AS a, 3 AS "__proto__"');
      expect(Object.keys(row ?? {})).toEqual(['a', 'a:1', '__proto__']);
      expect(row?.['a:1']).toBe(2);
      expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    });

    it('commits a transaction and returns what its work returns', async () => {
      const t = d.table(await freshSchema('commit'), 't');
      await run(`CREATE TABLE ${t} (id INTEGER)`);
      const result = await warehouse.transaction(async (tx) => {
        await run(`INSERT INTO ${t} VALUES (1)`, tx);
        await run(`INSERT INTO ${t} VALUES (2)`, tx);
        return 'done';
      });
      expect(result).toBe('done');
      await expectRows(`SELECT COUNT(*) AS n FROM ${t}`, [{ n: 2 }]);
    });

    it('rolls back when the work throws, and rethrows the same error', async () => {
      const t = d.table(await freshSchema('rollback'), 't');
      await run(`CREATE TABLE ${t} (id INTEGER)`);
      const boom = new Error('boom');
      const error = await rejection(
        warehouse.transaction(async (tx) => {
          await run(`INSERT INTO ${t} VALUES (1)`, tx);
          throw boom;
        }),
      );
      expect(error).toBe(boom);
      await expectRows(`SELECT COUNT(*) AS n FROM ${t}`, [{ n: 0 }]);
    });

    it('rolls back earlier statements when a later statement fails', async () => {
      const t = d.table(await freshSchema('failed_statement'), 't');
      await run(`CREATE TABLE ${t} (id INTEGER)`);
      const error = await rejection(
        warehouse.transaction(async (tx) => {
          await run(`INSERT INTO ${t} VALUES (1)`, tx);
          await tx.execute(`INSERT INTO ${t} VALUES ('not a number')`);
        }),
      );
      expect(error).toBeInstanceOf(WarehouseError);
      expect((error as WarehouseError).code).toBe('warehouse/sql');
      await expectRows(`SELECT COUNT(*) AS n FROM ${t}`, [{ n: 0 }]);
      await run(`INSERT INTO ${t} VALUES (3)`);
      await expectRows(`SELECT id FROM ${t}`, [{ id: 3 }]);
    });

    it('rolls back DDL', async () => {
      const schema = await freshSchema('ddl');
      await rejection(
        warehouse.transaction(async (tx) => {
          await run(d.createTableAs(schema, 't', 'SELECT 1 AS id'), tx);
          expect(await tx.columns(schema, 't')).toHaveLength(1);
          throw new Error('undo');
        }),
      );
      expect(await warehouse.relations(schema)).toEqual([]);
      expect(await warehouse.columns(schema, 't')).toEqual([]);
    });

    it('refuses a nested transaction on the same session, as a bug', async () => {
      const t = d.table(await freshSchema('nested'), 't');
      await run(`CREATE TABLE ${t} (id INTEGER)`);
      const error = await rejection(
        warehouse.transaction(async (tx) => {
          await run(`INSERT INTO ${t} VALUES (1)`, tx);
          await tx.transaction(() => Promise.resolve());
        }),
      );
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(WarehouseError);
      expect(String(error)).toMatch(/transaction/i);
      await expectRows(`SELECT COUNT(*) AS n FROM ${t}`, [{ n: 0 }]);
    });

    it('shows another session committed data, and only committed data', async () => {
      const t = d.table(await freshSchema('visibility'), 't');
      await run(`CREATE TABLE ${t} (id INTEGER)`);
      const other = await warehouse.connect();
      try {
        await warehouse.transaction(async (tx) => {
          await run(`INSERT INTO ${t} VALUES (1)`, tx);
          await expectRows(`SELECT COUNT(*) AS n FROM ${t}`, [{ n: 1 }], tx);
          await expectRows(`SELECT COUNT(*) AS n FROM ${t}`, [{ n: 0 }], other);
        });
        await expectRows(`SELECT COUNT(*) AS n FROM ${t}`, [{ n: 1 }], other);
      } finally {
        await other.close();
      }
    });

    it('runs two sessions in parallel on different schemas', async () => {
      const schemas = [await freshSchema('parallel_a'), await freshSchema('parallel_b')];
      const sessions = await Promise.all(schemas.map(() => warehouse.connect()));
      try {
        const counts = await Promise.all(
          schemas.map(async (schema, index) => {
            const session = sessions[index] ?? warehouse;
            await run(d.createTableAs(schema, 't', `SELECT ${index} AS id`), session);
            await run(`INSERT INTO ${d.table(schema, 't')} VALUES (${index + 10}), (${index + 20})`, session);
            return rows(`SELECT COUNT(*) AS n, MIN(id) AS low FROM ${d.table(schema, 't')}`, session);
          }),
        );
        expect(counts).toEqual([[{ n: 3, low: 0 }], [{ n: 3, low: 1 }]]);
      } finally {
        await Promise.all(sessions.map((session) => session.close()));
      }
    });

    it('lists relations and columns of tables and views, and nothing once dropped', async () => {
      const schema = await freshSchema('catalog');
      const types = ['INTEGER', 'DECIMAL(12,2)', 'VARCHAR'];
      await run(`CREATE TABLE ${d.table(schema, 't')} (id ${types[0]} NOT NULL, amount ${types[1]}, note ${types[2]})`);
      await run(d.createView(schema, 'v', ['id', 'amount'], schema, 't'));
      const canonical = Object.values((await rows(d.canonicalTypes(types)))[0] ?? {});

      const listed = await warehouse.relations(schema);
      expect([...listed].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { schema, name: 't', kind: 'table' },
        { schema, name: 'v', kind: 'view' },
      ]);
      const everywhere = await warehouse.relations();
      expect(everywhere).toContainEqual({ schema, name: 't', kind: 'table' });
      expect(everywhere).toContainEqual({ schema, name: 'v', kind: 'view' });

      expect(await warehouse.columns(schema, 't')).toEqual([
        { name: 'id', type: canonical[0], nullable: false },
        { name: 'amount', type: canonical[1], nullable: true },
        { name: 'note', type: canonical[2], nullable: true },
      ]);
      const viewColumns = await warehouse.columns(schema, 'v');
      expect(viewColumns.map((column) => [column.name, column.type])).toEqual([
        ['id', canonical[0]],
        ['amount', canonical[1]],
      ]);

      await run(d.dropView(schema, 'v'));
      await run(d.dropTable(schema, 't'));
      await run(d.dropView(schema, 'v'));
      await run(d.dropTable(schema, 't'));
      expect(await warehouse.relations(schema)).toEqual([]);
      expect(await warehouse.columns(schema, 't')).toEqual([]);
      expect(await warehouse.columns(schema, 'v')).toEqual([]);
      expect(await warehouse.relations('conformance_no_such_schema')).toEqual([]);
      expect(await warehouse.columns('conformance_no_such_schema', 't')).toEqual([]);
    });

    it('keeps a view to its columns when its table is replaced by a wider one', async () => {
      const schema = await freshSchema('view_columns');
      await run(d.createTableAs(schema, 't', 'SELECT 1 AS a, 2 AS b'));
      await run(d.createView(schema, 'v', ['a', 'b'], schema, 't'));
      await run(d.createTableAs(schema, 't', 'SELECT 10 AS a, 20 AS b, 30 AS c;', { replace: true }));
      await expectRows(`SELECT * FROM ${d.table(schema, 'v')}`, [{ a: 10, b: 20 }]);
      expect((await warehouse.columns(schema, 'v')).map((column) => column.name)).toEqual(['a', 'b']);
      expect((await warehouse.columns(schema, 't')).map((column) => column.name)).toEqual(['a', 'b', 'c']);
    });

    it('spells types in canonicalTypes() as columns() reports them', async () => {
      const schema = await freshSchema('types');
      const types = ['INTEGER', 'INT', 'BIGINT', 'SMALLINT', 'DECIMAL(12,2)', 'NUMERIC(18, 4)', 'VARCHAR', 'TEXT', 'BOOLEAN', 'DATE', 'TIMESTAMP'];
      await run(`CREATE TABLE ${d.table(schema, 't')} (${types.map((type, index) => `c${index} ${type}`).join(', ')})`);
      const canonical = Object.values((await rows(d.canonicalTypes(types)))[0] ?? {});
      const reported = (await warehouse.columns(schema, 't')).map((column) => column.type);
      expect(reported, `types: ${types.join(', ')}`).toEqual(canonical);
      expect(canonical[0], 'INT and INTEGER are one type').toBe(canonical[1]);
      for (const hostile of ['INTEGER); DROP TABLE x; --', 'INTEGER) AS t0, (SELECT 1', "VARCHAR'"]) {
        expect(() => d.canonicalTypes([hostile]), hostile).toThrow();
      }
    });

    it('writes contract types (DuckDB names) as types the engine creates, spelled as canonicalTypes() spells the contract type', async () => {
      const schema = await freshSchema('type_names');
      const types = ['INTEGER', 'BIGINT', 'DOUBLE', 'DECIMAL(12,2)', 'VARCHAR', 'BOOLEAN', 'DATE', 'TIMESTAMP'];
      await run(`CREATE TABLE ${d.table(schema, 't')} (${types.map((type, index) => `c${index} ${d.typeName(type)}`).join(', ')})`);
      const canonical = Object.values((await rows(d.canonicalTypes(types)))[0] ?? {});
      expect((await warehouse.columns(schema, 't')).map((column) => column.type)).toEqual(canonical);
      await expectRows(`SELECT CAST(NULL AS ${d.typeName('DOUBLE')}) AS nothing`, [{ nothing: null }]);
      expect(() => d.typeName('INTEGER); DROP TABLE x; --')).toThrow();
    });

    it('digests a table\'s content whatever the order of its rows, and tells different content apart', async () => {
      const schema = await freshSchema('digest');
      await run(d.createTableAs(schema, 'a', "SELECT * FROM (VALUES (1, 'x'), (2, 'y'), (2, 'y')) AS v(id, name)"));
      await run(d.createTableAs(schema, 'b', "SELECT * FROM (VALUES (2, 'y'), (1, 'x'), (2, 'y')) AS v(id, name) ORDER BY id DESC"));
      await run(d.createTableAs(schema, 'c', "SELECT * FROM (VALUES (1, 'x'), (2, 'y')) AS v(id, name)"));
      await run(d.createTableAs(schema, 'e', "SELECT * FROM (VALUES (1, 'x'), (2, 'z'), (2, 'z')) AS v(id, name)"));
      const [a, b, c, e] = await Promise.all(['a', 'b', 'c', 'e'].map(async (name) => (await rows(d.contentDigest(schema, name)))[0]));
      expect(a?.n).toBe(3);
      expect(b).toEqual(a);
      expect(c?.n).toBe(2);
      expect([c?.hash_sum, e?.hash_sum]).not.toContain(a?.hash_sum);
      expect(typeof a?.hash_sum).toBe('string');
    });

    it('wraps a SELECT with createTableAsParts() so that its errors keep the SELECT\'s lines', async () => {
      const schema = await freshSchema('parts');
      for (const replace of [false, true]) {
        const parts = d.createTableAsParts(schema, 't', { replace });
        expect(parts.prefix).not.toContain('\n');
        await run(`${parts.prefix}SELECT ${replace ? 2 : 1} AS a -- a comment on the last line${parts.suffix}`);
        await expectRows(`SELECT a FROM ${d.table(schema, 't')}`, [{ a: replace ? 2 : 1 }]);
      }
      const parts = d.createTableAsParts(schema, 't', { replace: true });
      const error = await rejection(warehouse.execute(`${parts.prefix}SELECT 1 AS a,\n  nope AS b${parts.suffix}`));
      expect(error).toMatchObject({ code: 'warehouse/sql', line: 2 });
      await expectRows(`SELECT a FROM ${d.table(schema, 't')}`, [{ a: 2 }]);
    });

    it('hands a transaction a session that cannot be closed, and refuses work after close', async () => {
      await expect(warehouse.transaction((tx) => tx.close())).rejects.toThrow(/transaction/);
      const other = await open();
      const session = await other.connect();
      await other.close();
      await other.close();
      await session.close();
      await expect(session.query('SELECT 1')).rejects.toThrow(/closed/);
      await expect(other.connect()).rejects.toThrow(/closed/);
    });

    it('resolves bare names in the schema set by setSearchPath()', async () => {
      const schema = await freshSchema('path');
      await run(`CREATE TABLE ${d.table(schema, 'only_here')} AS SELECT 7 AS x`);
      // On a session of its own, so that the other tests keep the default path.
      const session = await warehouse.connect();
      try {
        await run(d.setSearchPath(schema), session);
        expect(await rows('SELECT x FROM only_here', session)).toEqual([{ x: 7 }]);
      } finally {
        await session.close();
      }
    });

    it('measures a table: its rows, and bytes per row that grow with its columns when the engine estimates them', async () => {
      const schema = await freshSchema('stats');
      await run(`CREATE TABLE ${d.table(schema, 'narrow')} AS SELECT 1 AS a UNION ALL SELECT 2 UNION ALL SELECT 3`);
      await run(`CREATE TABLE ${d.table(schema, 'wide')} AS SELECT 1 AS a, CAST(2 AS BIGINT) AS b, 'x' AS c`);
      const [narrow] = await rows(d.tableStats(schema, 'narrow'));
      const [wide] = await rows(d.tableStats(schema, 'wide'));
      expect(narrow?.row_count).toBe(3);
      expect(wide?.row_count).toBe(1);
      if (narrow?.row_width !== null && wide?.row_width !== null) {
        expect(Number(wide?.row_width)).toBeGreaterThan(Number(narrow?.row_width));
        expect(Number(narrow?.row_width)).toBeGreaterThan(0);
      }
    });

    it('reports a failed statement as WarehouseError with its SQL and line', async () => {
      const sql = 'SELECT\n  1 AS a,\n  no_such_column AS b\nFROM (SELECT 1 AS x) AS t';
      const error = await rejection(warehouse.query(sql));
      expect(error).toBeInstanceOf(WarehouseError);
      const { code, sql: failed, line, column, message } = error as WarehouseError;
      expect({ code, sql: failed, line }).toEqual({ code: 'warehouse/sql', sql, line: 3 });
      expect(column === undefined || column === 3, `column ${column}`).toBe(true);
      expect(message).toMatch(/no_such_column/);
      expect(message).not.toMatch(/\n\s*\^/);

      const missing = 'SELECT * FROM conformance_no_such_schema.t';
      const other = await rejection(warehouse.execute(missing));
      expect(other).toMatchObject({ code: 'warehouse/sql', sql: missing });
    });

    it('keeps identifiers with spaces, quotes and capitals through ident()', async () => {
      const schema = await freshSchema('Odd "Schema"');
      const table = 'Mixed Case "T"';
      const column = 'Some "Col" 1';
      await run(`CREATE TABLE ${d.table(schema, table)} (${d.ident(column)} INTEGER)`);
      await run(`INSERT INTO ${d.table(schema, table)} VALUES (7)`);
      await expectRows(`SELECT ${d.ident(column)} FROM ${d.table(schema, table)}`, [{ [column]: 7 }]);
      expect(await warehouse.relations(schema)).toEqual([{ schema, name: table, kind: 'table' }]);
      expect((await warehouse.columns(schema, table)).map((info) => info.name)).toEqual([column]);
      await run(`DROP SCHEMA ${d.ident(schema)} CASCADE`);
    });

    it('writes literals that read back as the same values', async () => {
      const values = ["it's", 'two\nlines', 'back\\slash and "double"', '', "''", 'é ✓'];
      const sql = `SELECT ${values.map((value, index) => `${d.literal(value)} AS v${index}`).join(', ')}`;
      await expectRows(sql, [Object.fromEntries(values.map((value, index) => [`v${index}`, value]))]);
      await expectRows(`SELECT ${d.literal(null)} AS n, ${d.literal(true)} AS t, ${d.literal(false)} AS f, ${d.literal(42)} AS i, ${d.literal(-1.5)} AS x`, [
        { n: null, t: true, f: false, i: 42, x: -1.5 },
      ]);
      await expectRows(`SELECT ${d.timestamp(new Date(Date.UTC(2026, 10, 21, 12, 3, 4, 123)))} AS at`, [{ at: '2026-11-21T12:03:04.123' }]);
    });
  });
}

function failedWith(error: unknown, sql: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`${message}\nSQL:\n${sql}`, { cause: error });
}
