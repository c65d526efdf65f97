/**
 * The one place where PostgreSQL values become JSON-safe values. The adapter asks the
 * server for text (no pg type parser runs: they would turn dates into local-time `Date`s
 * and int8 into strings) and converts here, knowing each column's type and modifier.
 * Decisions, chosen to match the DuckDB adapter's (see ../README.md):
 * - int2/int4/int8/oid are numbers while they are safe integers, strings beyond;
 * - numeric(p,s) is a number when p ≤ 15, a string otherwise (decided per column);
 *   numeric without a modifier (sum, avg) is a number below 10^15, a string beyond;
 * - NaN and ±Infinity stay the strings PostgreSQL prints;
 * - timestamp is ISO without a zone; timestamptz is ISO in UTC with "Z" (sessions run
 *   in UTC, so the server prints +00);
 * - bytea is base64; arrays are arrays; json and jsonb stay text, as DuckDB's JSON does;
 *   anything else is PostgreSQL's text.
 */
import type { CustomTypesConfig, FieldDef } from 'pg';
import type { JsonValue, Row } from '../warehouse.js';

const maxExactDecimalWidth = 15;

/** Column type ids (pg_type.oid) of the built-in types that are not left as text. */
const oid = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  float4: 700,
  float8: 701,
  numeric: 1700,
  timestamp: 1114,
  timestamptz: 1184,
} as const;

/** Array type → element type, for the built-in arrays whose elements are converted. */
const arrayElements: ReadonlyMap<number, number> = new Map([
  [1000, oid.bool],
  [1001, oid.bytea],
  [1016, oid.int8],
  [1005, oid.int2],
  [1007, oid.int4],
  [1028, oid.oid],
  [1021, oid.float4],
  [1022, oid.float8],
  [1231, oid.numeric],
  [1115, oid.timestamp],
  [1185, oid.timestamptz],
  // Text-like elements: the array is still parsed, the elements stay text.
  [1009, 25],
  [1015, 1043],
  [1014, 1042],
  [1182, 1082],
  [1183, 1083],
  [2951, 2950],
  [199, 114],
  [3807, 3802],
]);

/** Every value arrives as the server's text; conversion happens in `toJsonValue`. */
export const textTypes: CustomTypesConfig = {
  getTypeParser: (() => (value: string) => value) as CustomTypesConfig['getTypeParser'],
};

/** Type names of the built-in types a result column may have, spelled as `format_type()` does. */
const typeNames: ReadonlyMap<number, string> = new Map([
  [oid.bool, 'boolean'],
  [oid.bytea, 'bytea'],
  [oid.int8, 'bigint'],
  [oid.int2, 'smallint'],
  [oid.int4, 'integer'],
  [oid.oid, 'oid'],
  [25, 'text'],
  [114, 'json'],
  // jsonb arrives as its JSON text, as json does.
  [3802, 'json'],
  [oid.float4, 'real'],
  [oid.float8, 'double precision'],
  [1042, 'character'],
  [1043, 'character varying'],
  [1082, 'date'],
  [1083, 'time'],
  [oid.timestamp, 'timestamp without time zone'],
  [oid.timestamptz, 'timestamp with time zone'],
  [1186, 'interval'],
  [oid.numeric, 'numeric'],
  [2950, 'uuid'],
]);

/**
 * A streamed column's type by name (what consumers such as the wire protocol map to
 * their own types); numeric keeps its precision and scale, arrays end in `[]`, and
 * any other type is `text`, which is how its values arrive.
 */
export function typeName(column: ColumnType): string {
  const element = arrayElements.get(column.dataTypeID);
  if (element !== undefined) return `${typeNames.get(element) ?? 'text'}[]`;
  const name = typeNames.get(column.dataTypeID) ?? 'text';
  if (column.dataTypeID === oid.numeric && column.dataTypeModifier >= 4) {
    const packed = column.dataTypeModifier - 4;
    return `numeric(${(packed >> 16) & 0xffff},${packed & 0xffff})`;
  }
  return name;
}

/** Just what conversion needs of a result column. */
export interface ColumnType {
  readonly dataTypeID: number;
  readonly dataTypeModifier: number;
}

/** Unique keys for a result's columns: a repeated name gets `:1`, `:2` (as the DuckDB adapter does). */
export function columnNames(fields: readonly FieldDef[]): string[] {
  const seen = new Map<string, number>();
  return fields.map((field) => {
    let count = seen.get(field.name) ?? 0;
    let name = count === 0 ? field.name : `${field.name}:${count}`;
    while (count > 0 && seen.has(name)) name = `${field.name}:${++count}`;
    seen.set(field.name, count + 1);
    seen.set(name, Math.max(seen.get(name) ?? 0, 1));
    return name;
  });
}

/** Rows (values in column order, as text) as objects keyed by column, in select order. */
export function rowsOf(fields: readonly FieldDef[], rows: readonly (readonly unknown[])[]): Row[] {
  const names = columnNames(fields);
  return rows.map((values) => {
    const row: Row = {};
    names.forEach((name, index) => {
      const field = fields[index];
      const value = field === undefined ? null : toJsonValue(values[index], field);
      // defineProperty, so that a column named "__proto__" stays a column.
      Object.defineProperty(row, name, { value, enumerable: true, writable: true, configurable: true });
    });
    return row;
  });
}

export function toJsonValue(value: unknown, column: ColumnType): JsonValue {
  if (value === null || value === undefined) return null;
  // Every parser is the identity (textTypes), so a value is the server's text.
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const element = arrayElements.get(column.dataTypeID);
  if (element !== undefined) return parseArray(text).map((item) => arrayItem(item, element));
  return scalar(text, column.dataTypeID, column.dataTypeModifier);
}

function arrayItem(item: NestedText, element: number): JsonValue {
  if (item === null) return null;
  return Array.isArray(item) ? item.map((inner) => arrayItem(inner, element)) : scalar(item, element, -1);
}

function scalar(text: string, type: number, modifier: number): JsonValue {
  switch (type) {
    case oid.bool:
      return text === 't' || text === 'true';
    case oid.int2:
    case oid.int4:
    case oid.int8:
    case oid.oid:
      return safeInteger(text);
    case oid.float4:
    case oid.float8:
      return /^-?(Infinity|NaN)$/.test(text) ? text : Number(text);
    case oid.numeric:
      return numeric(text, modifier);
    case oid.timestamp:
      return text.replace(/^(\d+-\d\d-\d\d) /, '$1T');
    case oid.timestamptz:
      return text.replace(/^(\d+-\d\d-\d\d) /, '$1T').replace(/\+00(:00)?$/, 'Z');
    case oid.bytea:
      return text.startsWith('\\x') ? Buffer.from(text.slice(2), 'hex').toString('base64') : text;
    default:
      return text;
  }
}

function safeInteger(text: string): number | string {
  const value = BigInt(text);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : text;
}

function numeric(text: string, modifier: number): number | string {
  if (!/^-?\d/.test(text)) return text; // NaN, Infinity, -Infinity
  if (modifier >= 4) {
    // A numeric modifier packs (precision << 16 | scale) + 4.
    const precision = ((modifier - 4) >> 16) & 0xffff;
    return precision <= maxExactDecimalWidth ? Number(text) : text;
  }
  const integerDigits = text.replace(/^-/, '').split('.')[0]?.replace(/^0+/, '').length ?? 0;
  return integerDigits <= maxExactDecimalWidth ? Number(text) : text;
}

/**
 * PostgreSQL's array text (`{1,2,NULL}`, `{"a b","c\"d"}`, `{{1,2},{3,4}}`) as nested
 * arrays of element text; an unquoted NULL is null. A lower bound other than 1
 * (`[0:1]={…}`) is dropped: JSON arrays start at 0 anyway.
 */
export function parseArray(text: string): NestedText[] {
  const body = text.startsWith('[') ? text.slice(text.indexOf('=') + 1) : text;
  let index = 0;
  function list(): NestedText[] {
    const items: NestedText[] = [];
    index++; // '{'
    if (body[index] === '}') {
      index++;
      return items;
    }
    for (;;) {
      const char = body[index];
      if (char === '{') items.push(list());
      else if (char === '"') items.push(quoted());
      else items.push(bare());
      const separator = body[index++];
      if (separator === '}') return items;
      if (separator !== ',') throw new Error(`Not a PostgreSQL array: ${text}`);
    }
  }
  function quoted(): string {
    let out = '';
    index++;
    while (index < body.length && body[index] !== '"') {
      if (body[index] === '\\') index++;
      out += body[index++] ?? '';
    }
    index++;
    return out;
  }
  function bare(): string | null {
    const start = index;
    while (index < body.length && body[index] !== ',' && body[index] !== '}') index++;
    const item = body.slice(start, index).trim();
    return item.toUpperCase() === 'NULL' ? null : item;
  }
  if (body[0] !== '{') throw new Error(`Not a PostgreSQL array: ${text}`);
  return list();
}

type NestedText = string | null | NestedText[];
