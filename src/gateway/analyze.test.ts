import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shapeOf } from './analyze.js';
import { QueryParser } from './parser.js';

let parser: QueryParser;
beforeAll(async () => {
  parser = await QueryParser.open();
});
afterAll(() => {
  parser.close();
});

async function shape(sql: string): Promise<ReturnType<typeof shapeOf>> {
  return shapeOf(await parser.serialize(sql));
}

describe('what a query touches, from the engine parser', () => {
  it('lists every relation of joins, subqueries, set operations and CTE bodies, lower-cased', async () => {
    const found = await shape('with a as (select * from "Sales".Orders) select * from a join finance.revenue r using (id) where id in (select id from x.y) union all select * from z.w');
    expect(found.refusal).toBeUndefined();
    expect(found.relations.map((r) => `${r.schema}.${r.name}`).sort()).toEqual(['finance.revenue', 'sales.orders', 'x.y', 'z.w']);
    expect([...found.ctes]).toEqual(['a']);
  });

  it('treats a bare name as a CTE only where the CTE is in scope', async () => {
    expect((await shape('with t as (select 1) select * from t')).relations).toEqual([]);
    const outside = await shape('select * from (with t as (select 1) select * from t) s, t');
    expect(outside.relations.map((r) => r.name)).toEqual(['t']);
    const later = await shape('with a as (select * from b), b as (select 1) select * from a');
    expect(later.relations.map((r) => r.name)).toEqual(['b']);
  });

  it('refuses what is not one SELECT over plain relations', async () => {
    for (const [sql, why] of [
      ['select 1; select 2', /more than one/],
      ["select * from read_csv('x.csv')", /table function read_csv/],
      ["select * from query_table('a.b')", /table function query_table/],
      ["select getenv('HOME')", /function getenv/],
      ['describe sales.orders', /SHOW_REF/],
      ['select * from sales.orders tablesample 10%', /TABLESAMPLE/],
      ['insert into a.b values (1)', /not a single SELECT/],
      ['select other.secret_macro(1)', /function secret_macro/],
      ['select pg_catalog.pg_get_viewdef(1)', /function pg_get_viewdef/],
    ] as const) {
      expect((await shape(sql)).refusal, sql).toMatch(why);
    }
  });

  it('allows pure table functions', async () => {
    expect((await shape('select * from range(10) r, unnest([1, 2]) u')).refusal).toBeUndefined();
  });
});
