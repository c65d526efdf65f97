/**
 * Column types of application databases, mapped to the warehouse's. Pure. A source type
 * is first read into an engine-neutral `LogicalType`; each warehouse then spells it by
 * its dialect's name, so ingestion into PostgreSQL reuses everything but the spelling.
 */

export type LogicalType =
  | { readonly kind: 'boolean' | 'tinyint' | 'smallint' | 'integer' | 'bigint' | 'ubigint' | 'real' | 'double' | 'text' | 'date' | 'time' | 'timetz' | 'timestamp' | 'timestamptz' | 'json' | 'uuid' | 'blob' | 'interval' }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number };

/**
 * A PostgreSQL type as `format_type()` spells it, with its `pg_type.typtype`
 * (`e` for enums, read as text). Undefined when there is no faithful mapping.
 */
export function postgresLogicalType(formatted: string, typtype = 'b'): LogicalType | undefined {
  if (typtype === 'e') return { kind: 'text' };
  const type = formatted.toLowerCase().trim();
  if (type.endsWith('[]')) return undefined;
  const numeric = /^numeric\((\d+),(\d+)\)$/.exec(type);
  if (numeric) return decimal(Number(numeric[1]), Number(numeric[2]));
  // No declared precision: any number of digits, which no fixed DECIMAL holds (DuckDB's own PostgreSQL reader makes it DOUBLE too).
  if (type === 'numeric') return { kind: 'double' };
  const base = type.replace(/\(\d+\)/, '');
  const known: Record<string, LogicalType['kind']> = {
    boolean: 'boolean',
    smallint: 'smallint',
    integer: 'integer',
    bigint: 'bigint',
    real: 'real',
    'double precision': 'double',
    text: 'text',
    'character varying': 'text',
    character: 'text',
    '"char"': 'text',
    name: 'text',
    citext: 'text',
    date: 'date',
    'time without time zone': 'time',
    'time with time zone': 'timetz',
    'timestamp without time zone': 'timestamp',
    'timestamp with time zone': 'timestamptz',
    json: 'json',
    jsonb: 'json',
    uuid: 'uuid',
    bytea: 'blob',
    interval: 'interval',
    oid: 'bigint',
  };
  const kind = known[base];
  return kind === undefined || kind === 'decimal' ? undefined : { kind };
}

/**
 * A MySQL or MariaDB type as `mysql.ts` spells it from the result's field metadata
 * (`decimal(12,2)`, `tinyint(1)`, `int unsigned`, `datetime`, `varchar`, `blob`, …).
 */
export function mysqlLogicalType(spelled: string): LogicalType | undefined {
  const type = spelled.toLowerCase().trim();
  const dec = /^decimal\((\d+),(\d+)\)( unsigned)?$/.exec(type);
  if (dec) return decimal(Number(dec[1]), Number(dec[2]));
  // MySQL's convention for booleans: BOOLEAN is tinyint(1); bit(1) is the other common one.
  if (type === 'tinyint(1)' || type === 'tinyint(1) unsigned' || type === 'bit(1)') return { kind: 'boolean' };
  const unsigned = type.endsWith(' unsigned');
  const base = type.replace(/ unsigned$/, '').replace(/\(\d+\)$/, '');
  const ints: Record<string, readonly [LogicalType['kind'], LogicalType['kind']]> = {
    tinyint: ['tinyint', 'smallint'],
    smallint: ['smallint', 'integer'],
    mediumint: ['integer', 'integer'],
    int: ['integer', 'bigint'],
    bigint: ['bigint', 'ubigint'],
    year: ['smallint', 'smallint'],
  };
  const int = ints[base];
  if (int) return { kind: unsigned ? int[1] : int[0] } as LogicalType;
  const known: Record<string, LogicalType['kind']> = {
    float: 'real',
    double: 'double',
    varchar: 'text',
    char: 'text',
    text: 'text',
    enum: 'text',
    set: 'text',
    json: 'json',
    date: 'date',
    time: 'time',
    datetime: 'timestamp',
    // Read with the session's time zone set to UTC, so the wall time read is the instant in UTC.
    timestamp: 'timestamp',
    blob: 'blob',
    binary: 'blob',
    varbinary: 'blob',
    uuid: 'uuid',
  };
  const kind = known[base];
  return kind === undefined || kind === 'decimal' ? undefined : { kind };
}

function decimal(precision: number, scale: number): LogicalType {
  return { kind: 'decimal', precision, scale };
}

const DUCKDB: Record<Exclude<LogicalType['kind'], 'decimal'>, string> = {
  boolean: 'BOOLEAN',
  tinyint: 'TINYINT',
  smallint: 'SMALLINT',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  ubigint: 'UBIGINT',
  real: 'FLOAT',
  double: 'DOUBLE',
  text: 'VARCHAR',
  date: 'DATE',
  time: 'TIME',
  timetz: 'TIME WITH TIME ZONE',
  timestamp: 'TIMESTAMP',
  timestamptz: 'TIMESTAMP WITH TIME ZONE',
  json: 'JSON',
  uuid: 'UUID',
  blob: 'BLOB',
  interval: 'INTERVAL',
};

const POSTGRES: Record<Exclude<LogicalType['kind'], 'decimal'>, string> = {
  boolean: 'boolean',
  tinyint: 'smallint',
  smallint: 'smallint',
  integer: 'integer',
  bigint: 'bigint',
  ubigint: 'numeric(20,0)',
  real: 'real',
  double: 'double precision',
  text: 'text',
  date: 'date',
  time: 'time without time zone',
  timetz: 'time with time zone',
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
  json: 'jsonb',
  uuid: 'uuid',
  blob: 'bytea',
  interval: 'interval',
};

/** The warehouses ingestion can spell types for, by dialect name. */
export const INGESTION_DIALECTS = ['duckdb', 'postgres'] as const;

/**
 * The type of a column in the warehouse whose dialect is `dialect`, or why there is none.
 * DuckDB's DECIMAL stops at 38 digits; PostgreSQL's numeric does not.
 */
export function warehouseType(type: LogicalType, dialect: string): { type: string } | { problem: string } {
  if (dialect !== 'duckdb' && dialect !== 'postgres') return { problem: `the ${dialect} warehouse has no type mapping for ingestion (known: ${INGESTION_DIALECTS.join(', ')})` };
  if (type.kind === 'decimal') {
    if (dialect === 'postgres') return { type: `numeric(${type.precision},${type.scale})` };
    if (type.precision > 38) return { problem: `DuckDB's DECIMAL holds at most 38 digits, and this one has ${type.precision}` };
    return { type: `DECIMAL(${type.precision},${type.scale})` };
  }
  return { type: (dialect === 'duckdb' ? DUCKDB : POSTGRES)[type.kind] };
}
