import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAnalyzer } from './analyze.js';
import { DuckDbSqlParser } from './duckdb-parser.js';
import { readSerializedSelect } from './serialized-tree.js';

let parser: DuckDbSqlParser;
beforeAll(async () => {
  parser = await DuckDbSqlParser.open();
});
afterAll(() => {
  parser.close();
});

async function parseOne(sql: string) {
  const [result] = await parser.parse([sql]);
  if (!result) throw new Error('no result');
  return result;
}

describe('DuckDB-backed SQL analysis', () => {
  it('finds bare and domain-qualified table references with their offsets', async () => {
    const sql = 'select o.id\nfrom stg_orders o\njoin commerce.customers c on c.id = o.customer_id';
    const result = await parseOne(sql);
    expect(result.problem).toBeUndefined();
    expect(result.references).toEqual([
      { name: 'stg_orders', offset: sql.indexOf('stg_orders') },
      { name: 'customers', schema: 'commerce', offset: sql.indexOf('commerce.customers') },
    ]);
  });

  it('does not count CTE names as tables, but counts what the CTEs read', async () => {
    const result = await parseOne('with base as (select * from raw_orders), totals as (select * from base) select * from totals join dim using (id)');
    expect(result.references.map((r) => r.name).sort()).toEqual(['dim', 'raw_orders']);
  });

  it('sees references in subqueries, set operations and TABLESAMPLE clauses', async () => {
    const result = await parseOne('select (select max(x) from sub) from a tablesample 10% union all select 1 from growth.sessions');
    expect(result.references.map((r) => [r.schema ?? '', r.name])).toEqual([
      ['', 'sub'],
      ['', 'a'],
      ['growth', 'sessions'],
    ]);
  });

  it('keeps the catalog of a three-part name so the compiler can refuse it', async () => {
    const result = await parseOne('select * from db.sch.tbl');
    expect(result.references[0]).toMatchObject({ catalog: 'db', schema: 'sch', name: 'tbl' });
  });

  it('counts offsets in characters, not UTF-8 bytes', async () => {
    const sql = "select 'crème brûlée' as dessert from menu";
    const result = await parseOne(sql);
    expect(result.references[0]?.offset).toBe(sql.indexOf('menu'));
    const brokenSql = "select 'ééééé' as x, from t wher 1";
    const broken = await parseOne(brokenSql);
    expect(broken.problem?.kind).toBe('syntax');
    expect(broken.problem?.offset).toBe(brokenSql.indexOf('1'));
  });

  it('classifies what is not a single SELECT', async () => {
    expect((await parseOne('create table x as select 1')).problem?.kind).toBe('not-select');
    expect((await parseOne('select 1; select 2')).problem?.kind).toBe('multiple-statements');
    expect((await parseOne('-- nothing here\n')).problem?.kind).toBe('empty');
    expect((await parseOne('select 1;')).problem).toBeUndefined();
    expect((await parseOne("select ';' as semicolon -- a; b\n;\n")).problem).toBeUndefined();
    expect((await parseOne('select 1;\n-- trailing comment only\n')).problem).toBeUndefined();
  });

  it('returns one result per statement, in order, across batch boundaries', async () => {
    const sqls = Array.from({ length: 4_500 }, (_, i) => (i % 1000 === 7 ? 'select * form broken' : `select * from t${i}`));
    const results = await parser.parse(sqls);
    expect(results).toHaveLength(sqls.length);
    results.forEach((result, i) => {
      if (i % 1000 === 7) expect(result.problem?.kind).toBe('syntax');
      else expect(result.references[0]?.name).toBe(`t${i}`);
    });
  });

  it('falls back to a full tree walk when the serialized shape is not the one it knows', () => {
    // A made-up, reordered shape: the fast pattern misses, the walk must still find both tables and the CTE.
    const json = JSON.stringify({
      error: false,
      statements: [
        {
          node: {
            cte_map: { map: [{ key: 'x', value: { query: { from_table: { table_name: 'raw', schema_name: '', type: 'BASE_TABLE', query_location: 30 } } } }] },
            from_table: { table_name: 'x', schema_name: '', type: 'BASE_TABLE', query_location: 50 },
            where: { from_table: { type: 'BASE_TABLE', table_name: 'orders', schema_name: 'commerce', query_location: 60 } },
          },
        },
      ],
    });
    const result = readSerializedSelect('x'.repeat(80), json);
    expect(result.references).toEqual([
      { name: 'raw', offset: 30 },
      { name: 'orders', schema: 'commerce', offset: 60 },
    ]);
  });
});

/** Opens, analyzes and closes, as a command does. */
async function analyzeSql(sqls: readonly string[], cachePath: string) {
  const analyzer = await SqlAnalyzer.open(cachePath);
  try {
    return await analyzer.analyze(sqls);
  } finally {
    await analyzer.close();
  }
}

describe('parse cache', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-cache-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('parses only what changed and forgets what is gone', async () => {
    const cachePath = join(dir, 'cache.json');
    const first = await analyzeSql(['select * from a', 'select * from b'], cachePath);
    expect(first.stats).toEqual({ parsed: 2, cached: 0 });
    const second = await analyzeSql(['select * from a', 'select * from c'], cachePath);
    expect(second.stats).toEqual({ parsed: 1, cached: 1 });
    expect(second.results.map((r) => r.references[0]?.name)).toEqual(['a', 'c']);
    const stored = JSON.parse(await readFile(cachePath, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(stored)).toHaveLength(2);
  });

  it('starts afresh from a corrupt cache file instead of failing', async () => {
    const cachePath = join(dir, 'corrupt.json');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(cachePath, '{not json');
    const result = await analyzeSql(['select * from a'], cachePath);
    expect(result.stats.parsed).toBe(1);
    expect(result.results[0]?.references[0]?.name).toBe('a');
  });
});
