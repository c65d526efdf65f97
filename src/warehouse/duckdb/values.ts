/**
 * The one place where DuckDB values become JSON-safe values. Decisions (also in the
 * folder's README):
 * - integers of any width are numbers while they are safe integers, strings beyond;
 * - DECIMAL is a number when its width is at most 15 digits (every such value survives
 *   a double exactly), a string otherwise, so one column never mixes the two;
 * - NaN and ±Infinity become the strings "NaN", "Infinity", "-Infinity" (PostgreSQL's
 *   spelling), because null would be mistaken for SQL NULL;
 * - TIMESTAMP is ISO without a zone, TIMESTAMPTZ is ISO in UTC with "Z";
 * - MAP is an array of `{ key, value }`: keys need not be strings, and object keys would
 *   lose their order;
 * - BLOB is base64; INTERVAL, UUID, TIME, BIT and anything unknown are DuckDB's text.
 */
import {
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBUnionValue,
  DuckDBVariantValue,
  type DuckDBResultReader,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { JsonValue, Row } from '../warehouse.js';

const maxExactDecimalWidth = 15;

/** Rows of a read result, keys in select order (a repeated name gets a `:1`, `:2` suffix rather than hiding the first). */
export function rowsOf(reader: DuckDBResultReader): Row[] {
  const names = reader.deduplicatedColumnNames();
  return reader.getRows().map((values) => {
    const row: Row = {};
    names.forEach((name, index) => {
      // defineProperty, so that a column named "__proto__" stays a column.
      Object.defineProperty(row, name, { value: toJsonValue(values[index] ?? null), enumerable: true, writable: true, configurable: true });
    });
    return row;
  });
}

export function toJsonValue(value: DuckDBValue): JsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return safeNumber(value) ?? value.toString();
  if (value instanceof DuckDBDecimalValue) return value.width <= maxExactDecimalWidth ? Number(value.toString()) : value.toString();
  if (value instanceof DuckDBDateValue) return dateText(value);
  if (value instanceof DuckDBTimestampTZValue) return value.isFinite ? `${isoLocal(new DuckDBTimestampValue(value.micros).toString())}Z` : value.toString();
  if (
    value instanceof DuckDBTimestampValue ||
    value instanceof DuckDBTimestampSecondsValue ||
    value instanceof DuckDBTimestampMillisecondsValue ||
    value instanceof DuckDBTimestampNanosecondsValue
  ) {
    return isoLocal(value.toString());
  }
  if (value instanceof DuckDBBlobValue) return Buffer.from(value.bytes).toString('base64');
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return value.items.map(toJsonValue);
  if (value instanceof DuckDBStructValue) {
    const object: Record<string, JsonValue> = {};
    for (const [key, entry] of Object.entries(value.entries)) {
      Object.defineProperty(object, key, { value: toJsonValue(entry), enumerable: true, writable: true, configurable: true });
    }
    return object;
  }
  if (value instanceof DuckDBMapValue) return value.entries.map((entry) => ({ key: toJsonValue(entry.key), value: toJsonValue(entry.value) }));
  if (value instanceof DuckDBUnionValue) return { tag: value.tag, value: toJsonValue(value.value) };
  if (value instanceof DuckDBVariantValue) return toJsonValue(value.value);
  return value.toString();
}

function safeNumber(value: bigint): number | undefined {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}

function dateText(value: DuckDBDateValue): string {
  // node-api prints infinite dates as far-future calendar dates; DuckDB and PostgreSQL say infinity.
  if (value.days === DuckDBDateValue.PosInf.days) return 'infinity';
  if (value.days === DuckDBDateValue.NegInf.days) return '-infinity';
  return value.toString();
}

/** DuckDB's `2024-01-02 03:04:05.123` as ISO `2024-01-02T03:04:05.123`; `infinity` stays. */
function isoLocal(text: string): string {
  return text.replace(/^(-?\d+-\d\d-\d\d) /, '$1T');
}
