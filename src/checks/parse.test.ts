import { describe, expect, it } from 'vitest';
import { specFile } from '../../test/support/memory-mesh.js';
import type { Diagnostic } from '../diagnostics/index.js';
import { parseYaml } from '../loader/yaml-file.js';
import type { ColumnSpec } from '../spec/index.js';
import { checkKey, comparisonHolds, impliedChecks, metricKey, negateComparison, parseChecks, type Check, type Comparison, type Metric } from './index.js';

const FILE = 'products/commerce/orders/product.yaml';
const PATH = ['ports', 0, 'checks'];
/** Where `specFile` says a diagnostic points: the YAML path, ` (key)` for a key. */
const at = (...rest: (string | number)[]): string => `${FILE}#${[...PATH, ...rest].join('.')}`;
const atKey = (...rest: (string | number)[]): string => `${at(...rest)} (key)`;

function parse(...raw: unknown[]): { checks: Check[]; diagnostics: Diagnostic[] } {
  return parseChecks(raw, specFile(FILE), PATH);
}

/** The one check of a list that must parse cleanly. */
function one(raw: unknown): Check {
  const { checks, diagnostics } = parse(raw);
  expect(diagnostics).toEqual([]);
  expect(checks).toHaveLength(1);
  const [check] = checks;
  if (check === undefined) throw new Error('no check');
  return check;
}

/** The one diagnostic of a list with one bad item. */
function problem(raw: unknown): Diagnostic {
  const { checks, diagnostics } = parse(raw);
  expect(checks).toEqual([]);
  expect(diagnostics).toHaveLength(1);
  const [diagnostic] = diagnostics;
  if (diagnostic === undefined) throw new Error('no diagnostic');
  expect(diagnostic.code).toBe('check/invalid');
  expect(diagnostic.severity).toBe('error');
  expect(diagnostic.hint).toBeTruthy();
  return diagnostic;
}

describe('one-liners', () => {
  it('row_count with a threshold: the written pass condition is stored negated, as the alarm', () => {
    expect(one('row_count > 0')).toEqual({
      type: 'metric',
      text: 'row_count > 0',
      name: 'row_count > 0',
      location: { file: at(0), line: 1, column: 1 },
      metric: { kind: 'row_count' },
      levels: { fail: { op: '<=', value: 0 } },
    });
  });

  it('negates every comparison: > ↔ <=, >= ↔ <, = ↔ !=, between ↔ not between', () => {
    const alarm = (text: string): Comparison | undefined => {
      const check = one(text);
      return check.type === 'metric' ? check.levels.fail : undefined;
    };
    expect(alarm('row_count > 10')).toEqual({ op: '<=', value: 10 });
    expect(alarm('row_count >= 10')).toEqual({ op: '<', value: 10 });
    expect(alarm('row_count < 10')).toEqual({ op: '>=', value: 10 });
    expect(alarm('row_count <= 10')).toEqual({ op: '>', value: 10 });
    expect(alarm('row_count = 10')).toEqual({ op: '!=', value: 10 });
    expect(alarm('row_count != 10')).toEqual({ op: '=', value: 10 });
    expect(alarm('row_count between 1000 and 1000000')).toEqual({ op: 'not between', low: 1000, high: 1000000 });
    expect(alarm('row_count not between 1 and 5')).toEqual({ op: 'between', low: 1, high: 5 });
    expect(alarm('min(delta) >= -2.5')).toEqual({ op: '<', value: -2.5 });
  });

  it('the alarm holds exactly when the written condition does not', () => {
    const written: Comparison[] = [
      { op: '>', value: 0 },
      { op: '<=', value: 3 },
      { op: '=', value: 0 },
      { op: 'between', low: 1, high: 5 },
    ];
    for (const pass of written) {
      for (const value of [-1, 0, 1, 3, 5, 6]) expect(comparisonHolds(negateComparison(pass), value)).toBe(!comparisonHolds(pass, value));
    }
  });

  it('reads every metric', () => {
    const metric = (text: string): Metric | undefined => {
      const check = one(text);
      return check.type === 'metric' ? check.metric : undefined;
    };
    expect(metric('missing_count(email) = 0')).toEqual({ kind: 'missing_count', column: 'email' });
    expect(metric('missing_percent(email) < 1')).toEqual({ kind: 'missing_percent', column: 'email' });
    expect(metric('duplicate_count(order_id) = 0')).toEqual({ kind: 'duplicate_count', columns: ['order_id'] });
    expect(metric('duplicate_count(order_id, line_number) = 0')).toEqual({ kind: 'duplicate_count', columns: ['order_id', 'line_number'] });
    expect(metric('duplicate_percent(email) < 1')).toEqual({ kind: 'duplicate_percent', columns: ['email'] });
    expect(metric('min(amount) >= 0')).toEqual({ kind: 'min', column: 'amount' });
    expect(metric('max(amount) < 100')).toEqual({ kind: 'max', column: 'amount' });
    expect(metric('avg(amount) between 10 and 150')).toEqual({ kind: 'avg', column: 'amount' });
    expect(metric('sum(amount) > 0')).toEqual({ kind: 'sum', column: 'amount' });
    expect(metric('stddev(amount) < 5')).toEqual({ kind: 'stddev', column: 'amount' });
    expect(metric('percentile(amount, 0.95) < 300')).toEqual({ kind: 'percentile', column: 'amount', fraction: 0.95 });
  });

  it('reads function names and keywords in any case, quoted columns, and collapses whitespace in the derived name', () => {
    const check = one('  MISSING_Count( "order" )   =  0 ');
    expect(check).toMatchObject({ text: 'MISSING_Count( "order" )   =  0', name: 'MISSING_Count( "order" ) = 0', metric: { kind: 'missing_count', column: 'order' } });
    expect(one('AVG(x) NOT BETWEEN 1 AND 2')).toMatchObject({ levels: { fail: { op: 'between', low: 1, high: 2 } } });
  });

  it('freshness: the written age limit becomes the alarm', () => {
    expect(one('freshness(placed_at) < 1d')).toEqual({
      type: 'freshness',
      text: 'freshness(placed_at) < 1d',
      name: 'freshness(placed_at) < 1d',
      location: { file: at(0), line: 1, column: 1 },
      column: 'placed_at',
      levels: { fail: { op: '>=', milliseconds: 86_400_000, written: '1d' } },
    });
    expect(one('freshness(placed_at) <= 1.5h')).toMatchObject({ levels: { fail: { op: '>', milliseconds: 5_400_000, written: '1.5h' } } });
    expect(one('freshness(placed_at) < 30m')).toMatchObject({ levels: { fail: { op: '>=', milliseconds: 1_800_000 } } });
  });

  it('reference: one or more columns, failing on any row without a match', () => {
    expect(one('reference(customer_id) in commerce.customers_v2(customer_id)')).toEqual({
      type: 'reference',
      text: 'reference(customer_id) in commerce.customers_v2(customer_id)',
      name: 'reference(customer_id) in commerce.customers_v2(customer_id)',
      location: { file: at(0), line: 1, column: 1 },
      columns: ['customer_id'],
      port: { domain: 'commerce', table: 'customers_v2' },
      targetColumns: ['customer_id'],
      levels: { fail: { op: '>', value: 0 } },
    });
    expect(one('reference(order_id, line) in commerce.order_lines(order_id, line_number)')).toMatchObject({
      columns: ['order_id', 'line'],
      targetColumns: ['order_id', 'line_number'],
    });
  });

  it('anomaly: of a metric, with the defaults', () => {
    expect(one('anomaly(row_count)')).toEqual({
      type: 'anomaly',
      text: 'anomaly(row_count)',
      name: 'anomaly(row_count)',
      location: { file: at(0), line: 1, column: 1 },
      metric: { kind: 'row_count' },
      level: 'warn',
      sensitivity: 3.5,
      minHistory: 5,
      window: 30,
    });
    expect(one('anomaly(avg(amount))')).toMatchObject({ metric: { kind: 'avg', column: 'amount' } });
    expect(one('anomaly(missing_count(email))')).toMatchObject({ metric: { kind: 'missing_count', column: 'email' } });
    expect(one('anomaly(percentile(amount, 0.5))')).toMatchObject({ metric: { kind: 'percentile', column: 'amount', fraction: 0.5 } });
  });

  it('reads the checks of the example mesh', () => {
    const { checks, diagnostics } = parse(
      'row_count > 0',
      'duplicate_count(order_id) = 0',
      'freshness(placed_at) < 1d',
      'avg(total_amount) between 10 and 150',
      'reference(customer_id) in commerce.customers_v2(customer_id)',
      'avg(on_time_rate) between 0.8 and 1',
    );
    expect(diagnostics).toEqual([]);
    expect(checks.map((c) => c.type)).toEqual(['metric', 'metric', 'freshness', 'metric', 'reference', 'metric']);
  });
});

describe('mapping forms', () => {
  it('a one-liner as the key, with settings: validity, name, description', () => {
    expect(one({ 'invalid_count(status) = 0': { valid_values: ['delivered', 'failed'], name: 'known statuses', description: 'Only two outcomes.' } })).toEqual({
      type: 'metric',
      text: 'invalid_count(status) = 0',
      name: 'known statuses',
      description: 'Only two outcomes.',
      location: { file: at(0), line: 1, column: 1 },
      metric: { kind: 'invalid_count', column: 'status', validity: { values: ['delivered', 'failed'] } },
      levels: { fail: { op: '!=', value: 0 } },
    });
    expect(one({ 'invalid_percent(code) < 5': { valid_min: 1, valid_max: 99, valid_regex: '^[A-Z]{2}\\d+$', valid_length: { min: 2, max: 8 } } })).toMatchObject({
      metric: { kind: 'invalid_percent', column: 'code', validity: { min: 1, max: 99, regex: '^[A-Z]{2}\\d+$', length: { min: 2, max: 8 } } },
      levels: { fail: { op: '>=', value: 5 } },
    });
    expect(one({ 'invalid_count(zip) = 0': { valid_length: 4 } })).toMatchObject({ metric: { validity: { length: 4 } } });
    expect(one({ 'row_count > 0': null })).toMatchObject({ name: 'row_count > 0', levels: { fail: { op: '<=', value: 0 } } });
  });

  it('a metric without threshold, with warn/fail written as alarms and stored as written', () => {
    expect(one({ row_count: { warn: '< 1000', fail: '= 0' } })).toEqual({
      type: 'metric',
      text: 'row_count: { warn: < 1000, fail: = 0 }',
      name: 'row_count: { warn: < 1000, fail: = 0 }',
      location: { file: at(0), line: 1, column: 1 },
      metric: { kind: 'row_count' },
      levels: { warn: { op: '<', value: 1000 }, fail: { op: '=', value: 0 } },
    });
    expect(one({ 'missing_percent(email)': { warn: '> 1', fail: '> 5', name: 'emails' } })).toMatchObject({
      name: 'emails',
      levels: { warn: { op: '>', value: 1 }, fail: { op: '>', value: 5 } },
    });
    expect(one({ 'avg(amount)': { fail: 'not between 10 and 150' } })).toMatchObject({ levels: { fail: { op: 'not between', low: 10, high: 150 } } });
    expect(one({ 'invalid_count(status)': { valid_values: ['a', 'b'], warn: '> 0' } })).toMatchObject({
      metric: { kind: 'invalid_count', validity: { values: ['a', 'b'] } },
      levels: { warn: { op: '>', value: 0 } },
    });
  });

  it('freshness with warn/fail: alarms when older than', () => {
    expect(one({ 'freshness(placed_at)': { warn: '> 12h', fail: '>= 1d' } })).toMatchObject({
      type: 'freshness',
      column: 'placed_at',
      levels: { warn: { op: '>', milliseconds: 43_200_000, written: '12h' }, fail: { op: '>=', milliseconds: 86_400_000, written: '1d' } },
    });
  });

  it('reference with its own levels on the count of rows without a match', () => {
    expect(one({ 'reference(article_id) in commerce.articles(article_id)': { warn: '> 0', fail: '> 100' } })).toMatchObject({
      type: 'reference',
      levels: { warn: { op: '>', value: 0 }, fail: { op: '>', value: 100 } },
    });
  });

  it('anomaly with its options', () => {
    expect(one({ 'anomaly(row_count)': { level: 'fail', sensitivity: 4, min_history: 7, window: 60, name: 'volume' } })).toMatchObject({
      type: 'anomaly',
      name: 'volume',
      level: 'fail',
      sensitivity: 4,
      minHistory: 7,
      window: 60,
    });
    expect(one({ 'anomaly(invalid_percent(status))': { valid_values: ['a'] } })).toMatchObject({
      metric: { kind: 'invalid_percent', column: 'status', validity: { values: ['a'] } },
      level: 'warn',
    });
  });
});

describe('sql checks', () => {
  it('a query as text fails on any row', () => {
    expect(one({ sql: '  select *\n  from orders where amount < 0;  ' })).toEqual({
      type: 'sql',
      text: 'select *\n  from orders where amount < 0',
      name: 'select * from orders where amount < 0',
      location: { file: at(0), line: 1, column: 1 },
      query: 'select *\n  from orders where amount < 0',
      levels: { fail: { op: '>', value: 0 } },
    });
  });

  it('a mapping with query, name, description and levels; with … select and leading comments are fine', () => {
    expect(one({ sql: { query: '-- late\nWITH x AS (select 1) select * from x', name: 'late orders', description: 'd', warn: '> 0', fail: '> 10' } })).toMatchObject({
      type: 'sql',
      name: 'late orders',
      description: 'd',
      query: '-- late\nWITH x AS (select 1) select * from x',
      levels: { warn: { op: '>', value: 0 }, fail: { op: '>', value: 10 } },
    });
  });
});

describe('diagnostics', () => {
  it('unknown function, with did-you-mean', () => {
    const d = problem('mising_count(email) = 0');
    expect(d.message).toContain('unknown function `mising_count`');
    expect(d.message).toContain('Did you mean `missing_count`?');
    expect(d.location?.file).toBe(at(0));
  });

  it('unknown function in the key of a mapping points at the key', () => {
    const d = problem({ 'row_cont > 0': { name: 'x' } });
    expect(d.message).toContain('Did you mean `row_count`?');
    expect(d.location?.file).toBe(atKey(0, 'row_cont > 0'));
  });

  it('missing threshold', () => {
    const d = problem('missing_count(email)');
    expect(d.message).toContain('`missing_count(email)` has no threshold');
    expect(d.hint).toContain('missing_count(email) = 0');
    expect(d.location?.file).toBe(at(0));
    const m = problem({ row_count: { name: 'rows' } });
    expect(m.message).toContain('give `warn:` and/or `fail:`');
    expect(m.location?.file).toBe(atKey(0, 'row_count'));
  });

  it('bad comparison', () => {
    const d = problem('row_count == 0');
    expect(d.message).toContain('`==` is not a comparison; write `=`');
    expect(d.location?.file).toBe(at(0));
    expect(problem('row_count <> 0').message).toContain('write `!=`');
    expect(problem('row_count is 0').message).toContain('expected a comparison');
    expect(problem('row_count > lots').message).toContain('expected a number, found `lots`');
    expect(problem('row_count > 1e6').message).toContain('`1e6` is not a plain number');
    expect(problem('row_count > 0 or so').message).toContain('unexpected `or`');
  });

  it('bad comparison in warn/fail points at the value', () => {
    const d = problem({ row_count: { warn: '< 1000', fail: 'zero' } });
    expect(d.message).toContain('Setting `fail` of check `row_count`');
    expect(d.location?.file).toBe(at(0, 'row_count', 'fail'));
    const n = problem({ row_count: { fail: 0 } });
    expect(n.message).toContain('must be a condition written as text, such as "> 0"');
  });

  it('between with the low bound above the high one', () => {
    const d = problem('avg(amount) between 150 and 10');
    expect(d.message).toContain('the low bound is above the high bound');
    expect(d.hint).toContain('between 10 and 150');
    expect(d.location?.file).toBe(at(0));
  });

  it('percentile fraction out of range', () => {
    const d = problem('percentile(amount, 95) < 300');
    expect(d.message).toContain('between 0 and 1 (exclusive), not 95');
    expect(d.location?.file).toBe(at(0));
    expect(problem('percentile(amount, 1) < 300').message).toContain('not 1');
    expect(problem('percentile(amount) < 300').message).toContain('it needs a fraction too');
  });

  it('invalid_count as a one-liner, without validity', () => {
    const d = problem('invalid_count(status) = 0');
    expect(d.message).toContain('a one-liner cannot say; use the mapping form with valid_values');
    expect(d.hint).toContain('- invalid_count(status) = 0: { valid_values: [delivered, failed] }');
    expect(d.location?.file).toBe(at(0));
    const m = problem({ 'invalid_count(status) = 0': { name: 'statuses' } });
    expect(m.message).toContain('give valid_values, valid_min');
    expect(m.location?.file).toBe(atKey(0, 'invalid_count(status) = 0'));
  });

  it('unknown setting, with did-you-mean, at its key', () => {
    const d = problem({ 'invalid_count(status) = 0': { valid_value: ['a'] } });
    expect(d.message).toContain('Unknown setting `valid_value`');
    expect(d.message).toContain('Did you mean `valid_values`?');
    expect(d.location?.file).toBe(atKey(0, 'invalid_count(status) = 0', 'valid_value'));
  });

  it('a setting that exists but does not fit the check', () => {
    const d = problem({ 'missing_count(email) = 0': { valid_values: ['a'] } });
    expect(d.message).toContain('`valid_values` only applies to invalid_count and invalid_percent');
    expect(d.location?.file).toBe(atKey(0, 'missing_count(email) = 0', 'valid_values'));
    const w = problem({ 'row_count > 0': { warn: '< 10' } });
    expect(w.message).toContain('already has a threshold');
    expect(w.hint).toContain('- row_count: { warn: "< 1000", fail: "= 0" }');
    expect(problem({ 'row_count > 0': { sensitivity: 3 } }).message).toContain('only applies to anomaly checks');
  });

  it('bad setting values point at the value', () => {
    const d = problem({ 'invalid_count(code) = 0': { valid_regex: '([A-Z' } });
    expect(d.message).toContain('is not a valid regular expression');
    expect(d.location?.file).toBe(at(0, 'invalid_count(code) = 0', 'valid_regex'));
    expect(problem({ 'invalid_count(code) = 0': { valid_values: [] } }).message).toContain('a non-empty list');
    expect(problem({ 'invalid_count(code) = 0': { valid_min: 5, valid_max: 1 } }).message).toContain('valid_min (5) is above valid_max (1)');
    expect(problem({ 'invalid_count(code) = 0': { valid_length: { min: 3, max: 1 } } }).message).toContain('min (3) is above max (1)');
    expect(problem({ 'row_count > 0': { name: '' } }).message).toContain('Setting `name` of check `row_count > 0` must be a non-empty text');
  });

  it('anomaly options out of range', () => {
    expect(problem({ 'anomaly(row_count)': { level: 'error' } }).message).toContain('must be `warn` or `fail`');
    expect(problem({ 'anomaly(row_count)': { sensitivity: 0 } }).message).toContain('a number above 0');
    expect(problem({ 'anomaly(row_count)': { min_history: 2 } }).message).toContain('a whole number of 3 or more');
    const w = problem({ 'anomaly(row_count)': { min_history: 10, window: 8 } });
    expect(w.message).toContain('window (8) is smaller than min_history (10)');
    expect(w.location?.file).toBe(at(0, 'anomaly(row_count)', 'window'));
    expect(problem('anomaly(row_count) > 3').message).toContain('takes no threshold');
    expect(problem('anomaly(freshness(x))').message).toContain('takes a metric');
  });

  it('freshness with a bad unit or a wrong comparison', () => {
    const d = problem('freshness(placed_at) < 1w');
    expect(d.message).toContain('`1w` is not a duration');
    expect(d.hint).toContain('m (minutes), h (hours) or d (days)');
    expect(d.location?.file).toBe(at(0));
    expect(problem('freshness(placed_at) > 1d').message).toContain('takes < or <=');
    expect(problem('freshness(placed_at) < 0d').message).toContain('more than zero');
    const m = problem({ 'freshness(placed_at)': { fail: '< 1d' } });
    expect(m.message).toContain('takes > or >= (older than)');
    expect(m.location?.file).toBe(at(0, 'freshness(placed_at)', 'fail'));
    expect(problem('row_count > 1d').message).toContain('durations only go with freshness');
  });

  it('reference with mismatched column counts, or without `in`', () => {
    const d = problem('reference(order_id, line_number) in commerce.order_lines(order_id)');
    expect(d.message).toContain('reference matches 2 columns with 1 column of commerce.order_lines');
    expect(d.location?.file).toBe(at(0));
    expect(problem('reference(order_id) commerce.orders(order_id)').message).toContain('expected `in <domain>.<port>(<columns>)`');
    expect(problem('reference(order_id) in orders(order_id)').message).toContain('expected `.` between the domain and the port');
  });

  it('arity and column names', () => {
    expect(problem('missing_count(a, b) = 0').message).toContain('missing_count takes one column');
    expect(problem('row_count() > 0').message).toContain('takes no column');
    expect(problem('duplicate_count(a, a) = 0').message).toContain('listed twice');
    expect(problem('missing_count("first name") = 0').message).toContain('is not a column name');
    expect(problem('missing_count(1abc) = 0').message).toContain('expected a column name');
    expect(problem("missing_count('email') = 0").message).toContain('unexpected character');
    expect(problem('missing_count("email) = 0').message).toContain('not closed');
  });

  it('two checks with one name: the second is reported', () => {
    const { checks, diagnostics } = parse('row_count > 0', { 'missing_count(id) = 0': { name: 'ids' } }, 'row_count  >  0', { 'missing_count(email) = 0': { name: 'ids' } });
    expect(checks.map((c) => c.name)).toEqual(['row_count > 0', 'ids']);
    expect(diagnostics.map((d) => [d.location?.file, d.message])).toEqual([
      [at(2), expect.stringContaining('Two checks of this list are named `row_count > 0` (items 1 and 3)')],
      [at(3), expect.stringContaining('named `ids` (items 2 and 4)')],
    ]);
  });

  it('sql that is not a select, or without a query', () => {
    const d = problem({ sql: 'delete from orders' });
    expect(d.message).toContain('must be a select');
    expect(d.message).toContain('not `delete`');
    expect(d.location?.file).toBe(at(0, 'sql'));
    const m = problem({ sql: { query: 'drop table x' } });
    expect(m.location?.file).toBe(at(0, 'sql', 'query'));
    expect(problem({ sql: { name: 'x' } }).message).toContain('needs a query');
    expect(problem({ sql: null }).message).toContain('needs a query, not nothing');
    expect(problem({ sql: { query: 'select 1', valid_values: [1] } }).location?.file).toBe(atKey(0, 'sql', 'valid_values'));
  });

  it('empty mapping, mapping with two keys, a setting as the key', () => {
    const empty = problem({});
    expect(empty.message).toContain('A check mapping is empty');
    expect(empty.location?.file).toBe(at(0));
    const two = problem({ 'missing_count(email) = 0': null, name: 'emails' });
    expect(two.message).toContain('this one has 2: `missing_count(email) = 0`, `name`');
    expect(two.message).toContain('go in the value of the check, indented under it');
    expect(two.location?.file).toBe(atKey(0, 'name'));
    expect(problem({ name: 'rows' }).message).toContain('`name` cannot be the key of a check mapping');
    expect(problem({ 'row_count > 0': 'rows' }).message).toContain('must be a mapping of settings');
  });

  it('items of the wrong type, empty text', () => {
    expect(problem(42).message).toContain('not `42`');
    expect(problem(null).message).toContain('not nothing');
    expect(problem(['row_count > 0']).message).toContain('not a list');
    expect(problem('   ').message).toContain('A check is empty');
  });

  it('collects the problems of every item and keeps the good checks', () => {
    const { checks, diagnostics } = parse('row_count > 0', 'bogus(x) = 1', { 'row_count > 0': { nam: 'x', warn: '< 3' } }, 'max(x) < 5');
    expect(checks.map((c) => c.text)).toEqual(['row_count > 0', 'max(x) < 5']);
    expect(diagnostics.map((d) => d.location?.file)).toEqual([at(1), atKey(2, 'row_count > 0', 'nam'), atKey(2, 'row_count > 0', 'warn')]);
    expect(diagnostics[1]?.message).toContain('Did you mean `name`?');
  });
});

describe('positions in real YAML', () => {
  it('reads the YAML forms and points at the line of the item, key or value', () => {
    const yaml = [
      'ports:',
      '  - name: orders',
      '    checks:',
      '      - row_count > 0',
      '      - mising_count(id) = 0',
      '      - invalid_count(status) = 0:',
      '          valid_valuez: [a, b]',
      '      - row_count: { warn: < 1000, fail: = zero }',
      '      - missing_percent(email): { warn: "> 1", fail: "> 5" }',
      '      - sql: select * from orders where amount < 0',
    ].join('\n');
    const { value, file } = parseYaml(FILE, yaml);
    const raw = (value as { ports: { checks: unknown[] }[] }).ports[0]?.checks ?? [];
    const { checks, diagnostics } = parseChecks(raw, file, PATH);
    expect(checks.map((c) => [c.type, c.location.line, c.location.column])).toEqual([
      ['metric', 4, 9],
      ['metric', 9, 9],
      ['sql', 10, 9],
    ]);
    expect(checks[1]).toMatchObject({ levels: { warn: { op: '>', value: 1 }, fail: { op: '>', value: 5 } } });
    expect(diagnostics.map((d) => [d.location?.line, d.location?.column])).toEqual([
      [5, 9],
      [7, 11],
      [8, 42],
    ]);
  });
});

describe('implied checks', () => {
  const columns: ColumnSpec[] = [
    { name: 'order_id', required: true, unique: true },
    { name: 'status', allowed_values: ['delivered', 'failed'] },
    { name: 'note' },
  ];

  it('required, unique and allowed values each imply a check at the column', () => {
    const checks = impliedChecks(columns, 'order_id', specFile(FILE), ['ports', 0]);
    expect(checks.map((c) => [c.name, c.text, c.location.file, c.implied])).toEqual([
      ['contract: order_id is required', 'missing_count(order_id) = 0', `${FILE}#ports.0.columns.0`, true],
      ['contract: order_id is unique', 'duplicate_count(order_id) = 0', `${FILE}#ports.0.columns.0`, true],
      ['contract: status has allowed values', 'invalid_count(status) = 0', `${FILE}#ports.0.columns.1`, true],
    ]);
    expect(checks.map((c) => c.metric)).toEqual([
      { kind: 'missing_count', column: 'order_id' },
      { kind: 'duplicate_count', columns: ['order_id'] },
      { kind: 'invalid_count', column: 'status', validity: { values: ['delivered', 'failed'] } },
    ]);
    expect(checks.every((c) => c.levels.fail?.op === '!=' && c.levels.warn === undefined)).toBe(true);
  });

  it('the grain implies a duplicates check unless a key column is unique on its own', () => {
    const grain = impliedChecks([{ name: 'day' }, { name: 'hub_id' }], ['day', 'hub_id'], specFile(FILE), ['ports', 1]);
    expect(grain).toEqual([
      {
        type: 'metric',
        text: 'duplicate_count(day, hub_id) = 0',
        name: 'contract: grain (day, hub_id)',
        location: { file: `${FILE}#ports.1.unique_key`, line: 1, column: 1 },
        implied: true,
        metric: { kind: 'duplicate_count', columns: ['day', 'hub_id'] },
        levels: { fail: { op: '!=', value: 0 } },
      },
    ]);
    expect(impliedChecks(columns, ['order_id', 'status'], specFile(FILE), ['ports', 0]).some((c) => c.name.startsWith('contract: grain'))).toBe(false);
    expect(impliedChecks([], undefined, specFile(FILE), ['ports', 0])).toEqual([]);
  });

  it('an implied check has the key of the same check written by hand', () => {
    const [required] = impliedChecks(columns, undefined, specFile(FILE), ['ports', 0]);
    if (required === undefined) throw new Error('no implied check');
    expect(checkKey(required)).toBe(checkKey(one('missing_count(order_id) = 0')));
    expect(checkKey(required)).not.toBe(checkKey(one('missing_count(order_id) < 5')));
  });
});

describe('metricKey', () => {
  it('is stable, and ignores order that does not change the meaning', () => {
    expect(metricKey({ kind: 'row_count' })).toBe('row_count');
    expect(metricKey({ kind: 'missing_count', column: 'email' })).toBe('missing_count(email)');
    expect(metricKey({ kind: 'percentile', column: 'amount', fraction: 0.95 })).toBe('percentile(amount,0.95)');
    expect(metricKey({ kind: 'invalid_count', column: 'status', validity: { values: ['b', 'a'] } })).toBe('invalid_count(status|values=a,b)');
    expect(metricKey({ kind: 'duplicate_count', columns: ['b', 'a'] })).toBe(metricKey({ kind: 'duplicate_count', columns: ['a', 'b'] }));
    const parsed = (text: string): string => {
      const check = one(text);
      return check.type === 'metric' ? metricKey(check.metric) : '';
    };
    expect(parsed('missing_count(email) = 0')).toBe(parsed('missing_count( email ) < 3'));
  });

  it('tells different metrics apart, validity included', () => {
    const key = (validity: Metric & { kind: 'invalid_count' }): string => metricKey(validity);
    const keys = [
      key({ kind: 'invalid_count', column: 'status', validity: { values: ['a', 'b'] } }),
      key({ kind: 'invalid_count', column: 'status', validity: { values: ['a', 'c'] } }),
      key({ kind: 'invalid_count', column: 'status', validity: { values: ['a,b'] } }),
      key({ kind: 'invalid_count', column: 'status', validity: { values: [1] } }),
      key({ kind: 'invalid_count', column: 'status', validity: { values: ['1'] } }),
      key({ kind: 'invalid_count', column: 'status', validity: { values: [true] } }),
      key({ kind: 'invalid_count', column: 'status', validity: { values: ['true'] } }),
      key({ kind: 'invalid_count', column: 'status', validity: { min: 0 } }),
      key({ kind: 'invalid_count', column: 'status', validity: { max: 0 } }),
      key({ kind: 'invalid_count', column: 'status', validity: { regex: '^a' } }),
      key({ kind: 'invalid_count', column: 'status', validity: { length: 2 } }),
      key({ kind: 'invalid_count', column: 'status', validity: { length: { min: 2 } } }),
      key({ kind: 'invalid_count', column: 'other', validity: { values: ['a', 'b'] } }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(metricKey({ kind: 'missing_count', column: 'x' })).not.toBe(metricKey({ kind: 'missing_percent', column: 'x' }));
    expect(metricKey({ kind: 'percentile', column: 'x', fraction: 0.5 })).not.toBe(metricKey({ kind: 'percentile', column: 'x', fraction: 0.9 }));
  });
});
