import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgQueryError } from './server.js';
import { ShadowCatalog, rewriteCatalogSql, type ShadowRelation } from './shadow-catalog.js';

const relations: ShadowRelation[] = [
  {
    schema: 'commerce',
    name: 'orders',
    kind: 'view',
    description: 'One row per order.',
    columns: [
      { name: 'order_id', type: 'BIGINT', nullable: false, description: 'The order.' },
      { name: 'total_amount', type: 'DECIMAL(12,2)', nullable: true },
      { name: 'placed_at', type: 'TIMESTAMP', nullable: true },
      { name: 'tags', type: 'VARCHAR[]', nullable: true },
    ],
  },
  { schema: 'delivery', name: 'hubs', kind: 'table', columns: [{ name: 'hub_id', type: 'INTEGER', nullable: false }] },
];

// psql 15's own queries (captured with `psql -E`).
const psqlListRelations = `SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
WHERE c.relkind IN ('r','p','v','m','S','f','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2;`;

const psqlFindRelation = `SELECT c.oid,
  n.nspname,
  c.relname
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname OPERATOR(pg_catalog.~) '^(orders)$' COLLATE pg_catalog.default
  AND n.nspname OPERATOR(pg_catalog.~) '^(commerce)$' COLLATE pg_catalog.default
ORDER BY 2, 3;`;

const psqlColumns = (oid: string): string => `SELECT a.attname,
  pg_catalog.format_type(a.atttypid, a.atttypmod),
  (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)
   FROM pg_catalog.pg_attrdef d
   WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef),
  a.attnotnull,
  (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t
   WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation,
  a.attidentity,
  a.attgenerated
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = '${oid}' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum;`;

let catalog: ShadowCatalog;
beforeAll(async () => {
  catalog = await ShadowCatalog.create(relations, { database: 'mesh', user: 'ana@example.com' });
});
afterAll(() => {
  catalog.close();
});

describe('isCatalogQuery', () => {
  it('accepts catalog reads and catalog functions', () => {
    expect(catalog.isCatalogQuery(psqlListRelations)).toBe(true);
    expect(catalog.isCatalogQuery(psqlColumns('16386'))).toBe(true);
    expect(catalog.isCatalogQuery('select table_name from information_schema.tables where table_schema = $1')).toBe(true);
    expect(catalog.isCatalogQuery('select version()')).toBe(true);
    expect(catalog.isCatalogQuery('SELECT current_schema(), current_user')).toBe(true);
    expect(catalog.isCatalogQuery('with t as (select * from pg_class) select relname from t')).toBe(true);
    expect(catalog.isCatalogQuery('select relname from pg_class c, pg_namespace n where c.relnamespace = n.oid')).toBe(true);
  });

  it('refuses anything that reads another relation or is not a SELECT', () => {
    expect(catalog.isCatalogQuery('select * from commerce.orders')).toBe(false);
    expect(catalog.isCatalogQuery('select * from pg_catalog.pg_class, commerce.orders')).toBe(false);
    expect(catalog.isCatalogQuery('select * from pg_class join commerce.orders on true')).toBe(false);
    expect(catalog.isCatalogQuery('select * from pg_class where oid in (select order_id from commerce.orders)')).toBe(false);
    expect(catalog.isCatalogQuery("select * from read_csv('/etc/passwd')")).toBe(false);
    expect(catalog.isCatalogQuery('select 1')).toBe(false);
    expect(catalog.isCatalogQuery('create table pg_x (a int)')).toBe(false);
    expect(catalog.isCatalogQuery('select * from pg_class; select 1')).toBe(false);
  });
});

describe('rewriteCatalogSql', () => {
  it('maps catalogs to the shadow, drops COLLATE and gives ~ its PostgreSQL meaning', () => {
    const sql = rewriteCatalogSql(psqlFindRelation);
    expect(sql).toContain('FROM tessera_pg.pg_class c');
    expect(sql).toContain("WHERE c.relname  ~ '(?s).*(?:^(orders)$).*'");
    expect(sql).not.toMatch(/COLLATE|OPERATOR|pg_catalog\./);
    expect(rewriteCatalogSql("select x::pg_catalog.regclass, pg_catalog.format_type(1, 2) from generate_series(1, 3) s where n !~ '^pg_'")).toBe(
      "select x::main.pg_regclass, format_type(1, 2) from generate_series(1, 3) s(s) where n  !~ '(?s).*(?:^pg_).*'",
    );
  });
});

describe('queries', () => {
  it("answers psql's \\d list with exactly the given relations", async () => {
    const result = await catalog.query(psqlListRelations);
    expect(result.columns.map((column) => column.name)).toEqual(['Schema', 'Name', 'Type', 'Owner']);
    expect(result.rows).toEqual([
      ['commerce', 'orders', 'view', 'tessera'],
      ['delivery', 'hubs', 'table', 'tessera'],
    ]);
  });

  it("answers psql's \\d <table> sequence with PostgreSQL types", async () => {
    const found = await catalog.query(psqlFindRelation);
    expect(found.rows).toHaveLength(1);
    const oid = String(found.rows[0]?.[0]);
    const columns = await catalog.query(psqlColumns(oid));
    expect(columns.rows.map((row) => [row[0], row[1], row[3]])).toEqual([
      ['order_id', 'bigint', true],
      ['total_amount', 'numeric(12,2)', false],
      ['placed_at', 'timestamp without time zone', false],
      ['tags', 'character varying[]', false],
    ]);
    const described = await catalog.query(`select obj_description(${oid}, 'pg_class'), col_description(${oid}, 1)`);
    expect(described.rows).toEqual([['One row per order.', 'The order.']]);
  });

  it('answers information_schema and functions, with parameters', async () => {
    const tables = await catalog.query('select table_schema, table_name, table_type from information_schema.tables where table_schema = $1 order by 2', ['commerce']);
    expect(tables.rows).toEqual([['commerce', 'orders', 'VIEW']]);
    const functions = await catalog.query('select current_database(), current_user, version()');
    expect(functions.rows[0]?.slice(0, 2)).toEqual(['mesh', 'ana@example.com']);
    expect(String(functions.rows[0]?.[2])).toMatch(/^PostgreSQL 15\.0/);
    const schemas = await catalog.query("select nspname from pg_catalog.pg_namespace where nspname !~ '^pg_' and nspname <> 'information_schema' order by 1");
    expect(schemas.rows).toEqual([['commerce'], ['delivery']]);
  });

  it('never shows the engine: no DuckDB views, no files', async () => {
    const names = await catalog.query('select relname from pg_catalog.pg_class order by 1');
    expect(names.rows).toEqual([['hubs'], ['orders']]);
    await expect(catalog.query("select * from pg_catalog.pg_class where relname = (select 'x' from read_csv('/etc/passwd'))")).rejects.toBeInstanceOf(PgQueryError);
  });
});
