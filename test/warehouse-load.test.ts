/**
 * DuckDB's bulk path, `Warehouse.load()` through the Appender: a table made with the
 * given columns and filled from batches (values as ingestion hands them: numbers,
 * booleans, exact text for decimals and timestamps, `\x` hex for bytes, ISO 8601
 * durations for intervals), replaced or appended to; a value a column cannot hold is an
 * error naming the row, the column and the value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, WarehouseError, type JsonValue, type Warehouse } from '../src/warehouse/index.js';

async function* batches(...list: JsonValue[][][]): AsyncGenerator<JsonValue[][]> {
  // As a source does: each batch arrives after a wait.
  for (const batch of list) yield await Promise.resolve(batch);
}

describe('DuckDB load()', () => {
  let warehouse: Warehouse;
  beforeAll(async () => {
    warehouse = await openWarehouse({ type: 'duckdb', path: ':memory:' });
  });
  afterAll(async () => {
    await warehouse.close();
  });

  const columns = [
    { name: 'id', type: 'BIGINT' },
    { name: 'amount', type: 'DECIMAL(12,2)' },
    { name: 'ok', type: 'BOOLEAN' },
    { name: 'seen_at', type: 'TIMESTAMP WITH TIME ZONE' },
    { name: 'bytes', type: 'BLOB' },
    { name: 'span', type: 'INTERVAL' },
    { name: 'doc', type: 'JSON' },
    { name: 'ratio', type: 'DOUBLE' },
  ];

  it('creates the table and loads every batch, keeping decimals, timestamps and large integers exact', async () => {
    const load = warehouse.load?.bind(warehouse);
    if (!load) throw new Error('DuckDB has a bulk path');
    const rows = await load('raw', 'loaded', columns, batches(
      [[1, '1234567890.25', true, '2026-01-02 03:04:05.123456+00', '\\x00ff', 'P1Y2M3DT4H5M6.5S', '{"a":1}', 0.5]],
      [['9007199254740993', null, false, '2026-01-02T05:04:05+02:00', null, 'P-1DT2H', null, 'NaN'], [3, '-0.01', null, '2026-01-02 05:04:05-03:30', '\\x', 'PT0S', '[1,2]', null]],
    ));
    expect(rows).toBe(3);
    expect(await warehouse.query(`SELECT CAST(id AS VARCHAR) AS id, CAST(amount AS VARCHAR) AS amount, ok, CAST(seen_at AT TIME ZONE 'UTC' AS VARCHAR) AS seen_at, hex(bytes) AS bytes,
      CAST(span AS VARCHAR) AS span, CAST(doc AS VARCHAR) AS doc, CAST(ratio AS VARCHAR) AS ratio FROM raw.loaded ORDER BY id`)).toEqual([
      { id: '1', amount: '1234567890.25', ok: true, seen_at: '2026-01-02 03:04:05.123456', bytes: '00FF', span: '1 year 2 months 3 days 04:05:06.5', doc: '{"a":1}', ratio: '0.5' },
      { id: '3', amount: '-0.01', ok: null, seen_at: '2026-01-02 08:34:05', bytes: '', span: '00:00:00', doc: '[1,2]', ratio: null },
      { id: '9007199254740993', amount: null, ok: false, seen_at: '2026-01-02 03:04:05', bytes: null, span: '-1 day 02:00:00', doc: null, ratio: 'nan' },
    ]);
    expect((await warehouse.columns('raw', 'loaded')).map((c) => c.type)).toEqual(columns.map((c) => c.type));
  });

  it('replaces the table, or appends to it when asked', async () => {
    const load = warehouse.load?.bind(warehouse);
    if (!load) throw new Error('DuckDB has a bulk path');
    const two = [{ name: 'id', type: 'INTEGER' }];
    await load('raw', 'kept', two, batches([[1], [2]]));
    await load('raw', 'kept', two, batches([[3]]), { append: true });
    expect(await warehouse.query('SELECT id FROM raw.kept ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    await load('raw', 'kept', two, batches([[4]]));
    expect(await warehouse.query('SELECT id FROM raw.kept')).toEqual([{ id: 4 }]);
  });

  it('names the row, the column and the value that a column cannot hold', async () => {
    const load = warehouse.load?.bind(warehouse);
    if (!load) throw new Error('DuckDB has a bulk path');
    const error = await load('raw', 'bad', [{ name: 'id', type: 'INTEGER' }, { name: 'day', type: 'DATE' }], batches([[1, '2026-01-01'], [2, 'someday']])).then(
      () => expect.fail('expected a rejection'),
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(WarehouseError);
    expect((error as WarehouseError).message).toMatch(/^Row 2 could not be loaded into raw\.bad: column day \(DATE\) cannot hold "someday"/);
  });
});
