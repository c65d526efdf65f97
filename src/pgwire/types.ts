/**
 * From engine type spellings (DuckDB's: BIGINT, DECIMAL(12,2), VARCHAR[] …) to
 * PostgreSQL type OIDs, and from JSON-safe values to their PostgreSQL text (and, for a
 * few types, binary) wire form.
 *
 * Values follow the warehouse's JSON-safe conventions: integers and decimals are numbers
 * or strings, dates `YYYY-MM-DD`, timestamps ISO (`T` or space, TIMESTAMPTZ with `Z` or
 * an offset), BLOB base64, lists arrays, structs objects, maps `{ key, value }[]`.
 */

export interface PgType {
  /** PostgreSQL type name (for messages). */
  readonly name: string;
  readonly oid: number;
  /** pg_type.typlen: the fixed size, or -1 for variable length. */
  readonly size: number;
}

const t = (name: string, oid: number, size: number): PgType => ({ name, oid, size });

export const pgTypes = {
  bool: t('bool', 16, 1),
  bytea: t('bytea', 17, -1),
  int8: t('int8', 20, 8),
  int2: t('int2', 21, 2),
  int4: t('int4', 23, 4),
  text: t('text', 25, -1),
  json: t('json', 114, -1),
  float4: t('float4', 700, 4),
  float8: t('float8', 701, 8),
  varchar: t('varchar', 1043, -1),
  date: t('date', 1082, 4),
  time: t('time', 1083, 8),
  timestamp: t('timestamp', 1114, 8),
  timestamptz: t('timestamptz', 1184, 8),
  interval: t('interval', 1186, 16),
  timetz: t('timetz', 1266, 12),
  numeric: t('numeric', 1700, -1),
  uuid: t('uuid', 2950, 16),
} as const;

/** Array types of the scalar types that have one here. */
const arrayTypes: Readonly<Record<string, PgType>> = {
  bool: t('_bool', 1000, -1),
  bytea: t('_bytea', 1001, -1),
  int2: t('_int2', 1005, -1),
  int4: t('_int4', 1007, -1),
  text: t('_text', 1009, -1),
  int8: t('_int8', 1016, -1),
  float4: t('_float4', 1021, -1),
  float8: t('_float8', 1022, -1),
  varchar: t('_varchar', 1015, -1),
  date: t('_date', 1182, -1),
  time: t('_time', 1183, -1),
  timestamp: t('_timestamp', 1115, -1),
  timestamptz: t('_timestamptz', 1185, -1),
  interval: t('_interval', 1187, -1),
  numeric: t('_numeric', 1231, -1),
  uuid: t('_uuid', 2951, -1),
  json: t('_json', 199, -1),
};

/** How values of one engine type are written on the wire. */
export interface ColumnCodec {
  readonly type: PgType;
  /** PostgreSQL text form of a non-null value. */
  readonly text: (value: unknown) => string;
  /** Binary form of a non-null value, when the type has one here. */
  readonly binary?: (value: unknown) => Uint8Array;
}

const scalarNames: Readonly<Record<string, keyof typeof pgTypes>> = {
  BOOLEAN: 'bool',
  BOOL: 'bool',
  LOGICAL: 'bool',
  TINYINT: 'int2',
  INT1: 'int2',
  UTINYINT: 'int2',
  SMALLINT: 'int2',
  INT2: 'int2',
  SHORT: 'int2',
  USMALLINT: 'int4',
  INTEGER: 'int4',
  INT: 'int4',
  INT4: 'int4',
  SIGNED: 'int4',
  UINTEGER: 'int8',
  BIGINT: 'int8',
  INT8: 'int8',
  LONG: 'int8',
  UBIGINT: 'numeric',
  HUGEINT: 'numeric',
  UHUGEINT: 'numeric',
  INT128: 'numeric',
  VARINT: 'numeric',
  BIGNUM: 'numeric',
  NUMERIC: 'numeric',
  DECIMAL: 'numeric',
  REAL: 'float4',
  FLOAT: 'float4',
  FLOAT4: 'float4',
  DOUBLE: 'float8',
  FLOAT8: 'float8',
  'DOUBLE PRECISION': 'float8',
  VARCHAR: 'varchar',
  'CHARACTER VARYING': 'varchar',
  CHAR: 'varchar',
  BPCHAR: 'varchar',
  STRING: 'varchar',
  TEXT: 'text',
  DATE: 'date',
  TIME: 'time',
  'TIME WITH TIME ZONE': 'timetz',
  TIMETZ: 'timetz',
  TIMESTAMP: 'timestamp',
  DATETIME: 'timestamp',
  TIMESTAMP_S: 'timestamp',
  TIMESTAMP_MS: 'timestamp',
  TIMESTAMP_NS: 'timestamp',
  'TIMESTAMP WITHOUT TIME ZONE': 'timestamp',
  'TIMESTAMP WITH TIME ZONE': 'timestamptz',
  TIMESTAMPTZ: 'timestamptz',
  INTERVAL: 'interval',
  UUID: 'uuid',
  JSON: 'json',
  BLOB: 'bytea',
  BYTEA: 'bytea',
  VARBINARY: 'bytea',
  BINARY: 'bytea',
};

const codecCache = new Map<string, ColumnCodec>();

/** The wire type and encoders for an engine type spelling; unknown types are text. */
export function codecFor(engineType: string): ColumnCodec {
  const key = engineType.trim().toUpperCase();
  let codec = codecCache.get(key);
  if (!codec) {
    codec = buildCodec(key);
    if (codecCache.size < 10_000) codecCache.set(key, codec);
  }
  return codec;
}

export function pgTypeOf(engineType: string): PgType {
  return codecFor(engineType).type;
}

function scalarKind(key: string): keyof typeof pgTypes | undefined {
  const base = key.replace(/\s*\(.*\)\s*$/, '');
  return scalarNames[key] ?? scalarNames[base];
}

function buildCodec(key: string): ColumnCodec {
  const list = /^(.*?)(\s*\[\d*\])+$/.exec(key);
  if (list) {
    const element = (list[1] ?? '').trim();
    const elementKind = scalarKind(element);
    const arrayType = elementKind ? arrayTypes[elementKind] : undefined;
    if (elementKind && arrayType) {
      const elementText = scalarText(elementKind);
      return { type: arrayType, text: (value) => arrayLiteral(value, elementText) };
    }
    return { type: pgTypes.json, text: jsonText };
  }
  if (/^(STRUCT|MAP|UNION|VARIANT)\b/.test(key)) return { type: pgTypes.json, text: jsonText };
  const kind = scalarKind(key);
  if (!kind) return { type: pgTypes.text, text: plainText };
  const binary = binaryEncoders[kind];
  return binary ? { type: pgTypes[kind], text: scalarText(kind), binary } : { type: pgTypes[kind], text: scalarText(kind) };
}

function scalarText(kind: keyof typeof pgTypes): (value: unknown) => string {
  switch (kind) {
    case 'bool':
      return boolText;
    case 'timestamp':
      return timestampText;
    case 'timestamptz':
      return timestamptzText;
    case 'interval':
      return intervalText;
    case 'bytea':
      return byteaText;
    case 'json':
      return (value) => (typeof value === 'string' ? value : jsonText(value));
    default:
      return plainText;
  }
}

function plainText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return jsonText(value);
}

function jsonText(value: unknown): string {
  const text = JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'bigint' ? inner.toString() : inner)) as string | undefined;
  return text ?? 'null';
}

function boolText(value: unknown): string {
  if (typeof value === 'string') return value === 'true' || value === 't' ? 't' : 'f';
  return value ? 't' : 'f';
}

function timestampText(value: unknown): string {
  if (typeof value !== 'string') return plainText(value);
  let text = value.charAt(10) === 'T' ? `${value.slice(0, 10)} ${value.slice(11)}` : value;
  if (text.endsWith('Z')) text = text.slice(0, -1);
  return text;
}

function timestamptzText(value: unknown): string {
  if (typeof value !== 'string') return plainText(value);
  let text = value.charAt(10) === 'T' ? `${value.slice(0, 10)} ${value.slice(11)}` : value;
  if (text.endsWith('Z')) text = `${text.slice(0, -1)}+00`;
  else if (/^\d{4,}-\d\d-\d\d \d\d:\d\d(:\d\d(\.\d+)?)?$/.test(text)) text += '+00';
  return text;
}

function intervalText(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return plainText(value);
  const { months, days, micros } = value as { months?: unknown; days?: unknown; micros?: unknown };
  const parts: string[] = [];
  const m = Number(months ?? 0);
  const d = Number(days ?? 0);
  const years = Math.trunc(m / 12);
  const mons = m % 12;
  if (years !== 0) parts.push(`${years} year${Math.abs(years) === 1 ? '' : 's'}`);
  if (mons !== 0) parts.push(`${mons} mon${Math.abs(mons) === 1 ? '' : 's'}`);
  if (d !== 0) parts.push(`${d} day${Math.abs(d) === 1 ? '' : 's'}`);
  let us = BigInt(typeof micros === 'string' || typeof micros === 'number' || typeof micros === 'bigint' ? micros : 0);
  if (us !== 0n || parts.length === 0) {
    const negative = us < 0n;
    if (negative) us = -us;
    const hours = us / 3_600_000_000n;
    const minutes = (us / 60_000_000n) % 60n;
    const seconds = (us / 1_000_000n) % 60n;
    const fraction = us % 1_000_000n;
    const pad = (x: bigint): string => x.toString().padStart(2, '0');
    let clock = `${negative ? '-' : ''}${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
    if (fraction !== 0n) clock += `.${fraction.toString().padStart(6, '0').replace(/0+$/, '')}`;
    parts.push(clock);
  }
  return parts.join(' ');
}

function byteaText(value: unknown): string {
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (typeof value === 'string') return value.startsWith('\\x') ? value : `\\x${Buffer.from(value, 'base64').toString('hex')}`;
  return plainText(value);
}

/** A PostgreSQL array literal: `{1,2,NULL}`, `{"a b","c\"d"}`, nested lists nest. */
export function arrayLiteral(value: unknown, elementText: (value: unknown) => string): string {
  if (!Array.isArray(value)) return plainText(value);
  const items = (value as unknown[]).map((item): string => {
    if (item === null || item === undefined) return 'NULL';
    if (Array.isArray(item)) return arrayLiteral(item, elementText);
    const text = elementText(item);
    return text === '' || /[{}",\\\s]/.test(text) || text.toUpperCase() === 'NULL' ? `"${text.replace(/["\\]/g, '\\$&')}"` : text;
  });
  return `{${items.join(',')}}`;
}

// ---- binary format ----

function int(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (typeof value === 'string') return BigInt(value);
  if (typeof value === 'boolean') return value ? 1n : 0n;
  throw new TypeError('not an integer');
}

const binaryEncoders: Partial<Record<keyof typeof pgTypes, (value: unknown) => Uint8Array>> = {
  bool: (value) => Uint8Array.of(boolText(value) === 't' ? 1 : 0),
  int2: (value) => {
    const out = Buffer.allocUnsafe(2);
    out.writeInt16BE(Number(int(value)));
    return out;
  },
  int4: (value) => {
    const out = Buffer.allocUnsafe(4);
    out.writeInt32BE(Number(int(value)));
    return out;
  },
  int8: (value) => {
    const out = Buffer.allocUnsafe(8);
    out.writeBigInt64BE(int(value));
    return out;
  },
  float4: (value) => {
    const out = Buffer.allocUnsafe(4);
    out.writeFloatBE(Number(value));
    return out;
  },
  float8: (value) => {
    const out = Buffer.allocUnsafe(8);
    out.writeDoubleBE(Number(value));
    return out;
  },
  text: (value) => Buffer.from(plainText(value), 'utf8'),
  varchar: (value) => Buffer.from(plainText(value), 'utf8'),
};

/** Types whose binary parameters are understood (`typeOid` 0 means unspecified: read as text). */
export function decodeBinaryParameter(typeOid: number, bytes: Buffer): string | undefined {
  switch (typeOid) {
    case 0:
    case pgTypes.text.oid:
    case pgTypes.varchar.oid:
    case pgTypes.json.oid:
      return bytes.toString('utf8');
    case pgTypes.bool.oid:
      return bytes.length === 1 ? (bytes[0] ? 'true' : 'false') : undefined;
    case pgTypes.int2.oid:
      return bytes.length === 2 ? String(bytes.readInt16BE(0)) : undefined;
    case pgTypes.int4.oid:
      return bytes.length === 4 ? String(bytes.readInt32BE(0)) : undefined;
    case pgTypes.int8.oid:
      return bytes.length === 8 ? bytes.readBigInt64BE(0).toString() : undefined;
    case pgTypes.float4.oid:
      return bytes.length === 4 ? String(bytes.readFloatBE(0)) : undefined;
    case pgTypes.float8.oid:
      return bytes.length === 8 ? String(bytes.readDoubleBE(0)) : undefined;
    case pgTypes.uuid.oid: {
      if (bytes.length !== 16) return undefined;
      const hex = bytes.toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
    case pgTypes.bytea.oid:
      return `\\x${bytes.toString('hex')}`;
    default:
      return undefined;
  }
}
