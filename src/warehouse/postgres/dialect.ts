/** PostgreSQL's SQL text. Pure: it writes strings and runs nothing. */
import { createHash } from 'node:crypto';
import { bareSelect, checkedType, ident as quoted, standardSql, stringLiteral } from '../sql-text.js';
import type { Dialect } from '../warehouse.js';
import { replaceView, swapTable } from './replace.js';

/** PostgreSQL keeps the first 63 bytes of a name and drops the rest without an error. */
const maxNameBytes = 63;

/**
 * A quoted name. A longer one is refused rather than cut, since two names cut alike
 * (`…__v12`, `…__v13`) would silently become one table.
 */
export function ident(name: string): string {
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > maxNameBytes) throw new Error(`PostgreSQL names are at most ${maxNameBytes} bytes, and ${JSON.stringify(name)} has ${bytes}: shorten the product, port or column name.`);
  return quoted(name);
}

export function table(schema: string, name: string): string {
  return `${ident(schema)}.${ident(name)}`;
}

export function literal(value: string | number | boolean | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : `CAST('${String(value)}' AS DOUBLE PRECISION)`;
  return stringLiteral(value);
}

/**
 * Contracts are written with DuckDB's type names (the embedded default); these are the
 * ones PostgreSQL spells differently. The rest (INTEGER, VARCHAR(20), DECIMAL(12,2),
 * TIMESTAMPTZ…) PostgreSQL reads as they are.
 */
const duckdbNames: Readonly<Record<string, string>> = {
  DOUBLE: 'double precision',
  FLOAT: 'real',
  TINYINT: 'smallint',
  INT1: 'smallint',
  HUGEINT: 'numeric(38,0)',
  STRING: 'text',
  BLOB: 'bytea',
  DATETIME: 'timestamp',
  TIMESTAMP_S: 'timestamp(0)',
  TIMESTAMP_MS: 'timestamp(3)',
  TIMESTAMP_US: 'timestamp',
  TIMESTAMP_NS: 'timestamp',
  LOGICAL: 'boolean',
};

/** A type as PostgreSQL spells it: DuckDB-only names translated, the rest as given (after the check). */
export function postgresType(type: string): string {
  const checked = checkedType(type);
  const match = /^([A-Za-z_0-9]+)((?:\s*\[\d*\])*)$/.exec(checked);
  const translated = match === null ? undefined : duckdbNames[(match[1] ?? '').toUpperCase()];
  return translated === undefined ? checked : `${translated}${match?.[2] ?? ''}`;
}

/** The function that reads a type's modifier ("(12,2)"), by the type's base name as PostgreSQL resolves it. */
const modifierReaders: Readonly<Record<string, string>> = {
  numeric: 'numerictypmodin',
  decimal: 'numerictypmodin',
  dec: 'numerictypmodin',
  varchar: 'varchartypmodin',
  'character varying': 'varchartypmodin',
  'char varying': 'varchartypmodin',
  char: 'bpchartypmodin',
  character: 'bpchartypmodin',
  bpchar: 'bpchartypmodin',
  timestamp: 'timestamptypmodin',
  timestamptz: 'timestamptztypmodin',
  time: 'timetypmodin',
  timetz: 'timetztypmodin',
  interval: 'intervaltypmodin',
  bit: 'bittypmodin',
  varbit: 'varbittypmodin',
  'bit varying': 'varbittypmodin',
};

const typeShape = /^([A-Za-z][A-Za-z0-9_ ]*?)\s*(?:\(([0-9, ]*)\))?\s*((?:with|without)\s+time\s+zone)?\s*((?:\[\d*\]\s*)*)$/i;

/**
 * `format_type()` of a type written as text, with its modifier: `pg_typeof` and
 * `::regtype` drop the modifier (numeric(12,2) would read as numeric), so the
 * modifier goes through the type's own reader function.
 */
function formattedType(type: string): string {
  const spelled = postgresType(type);
  const shape = typeShape.exec(spelled);
  if (shape === null) return `format_type(CAST(${literal(spelled)} AS regtype), NULL)`;
  const [, base = '', args, zone, arrays = ''] = shape;
  const baseName = base.trim().toLowerCase().replace(/\s+/g, ' ');
  const zoned = zone === undefined ? '' : ` ${zone.toLowerCase().replace(/\s+/g, ' ')}`;
  const regtype = `CAST(${literal(`${baseName}${zoned}${arrays.replace(/\s+/g, '')}`)} AS regtype)`;
  if (args === undefined) return `format_type(${regtype}, NULL)`;
  const reader = modifierReaders[zoned === ' with time zone' ? `${baseName}tz` : baseName];
  if (reader === undefined) throw new Error(`Not a SQL type: ${JSON.stringify(type)} (PostgreSQL's ${baseName} takes no modifier)`);
  const values = args.split(',').map((arg) => literal(arg.trim()));
  return `format_type(${regtype}, ${reader}(CAST(ARRAY[${values.join(', ')}] AS cstring[])))`;
}

/**
 * PostgreSQL has no CREATE OR REPLACE TABLE. A replacement is built under a name of its
 * own first, so a failing SELECT leaves the old table untouched (and its error position
 * still counts in the caller's text); then it takes the old one's place, keeping the
 * views over it (replace.ts). The suffix starts on a line of its own, so that a line
 * comment ending the SELECT does not swallow it.
 */
function createTableAsParts(schema: string, name: string, options?: { readonly replace?: boolean }): { prefix: string; suffix: string } {
  if (options?.replace !== true) return { prefix: `CREATE TABLE ${table(schema, name)} AS `, suffix: '' };
  const next = `tessera_next_${createHash('sha256').update(`${schema}.${name}`).digest('hex').slice(0, 16)}`;
  return { prefix: `CREATE TABLE ${table(schema, next)} AS `, suffix: `\n;\n${swapTable(table(schema, name), table(schema, next), ident(name))}` };
}

/**
 * The spelling `columns()` and `canonicalTypes()` both report: `format_type()`'s, except
 * that varchar without a length is spelled text. PostgreSQL treats the two as one type
 * (string functions return text, `CAST(x AS VARCHAR)` gives varchar), as DuckDB does
 * VARCHAR and TEXT, so a contract saying VARCHAR holds for either.
 */
export function canonicalSpelling(formatted: string): string {
  return `regexp_replace(${formatted}, '^character varying(?=(\\[\\])*$)', 'text')`;
}

function viewDefinition(names: string, select: string, fromSchema: string, fromTable: string): string {
  return `(${names}) AS SELECT ${select} FROM ${table(fromSchema, fromTable)}`;
}

export const postgresDialect: Dialect = {
  ...standardSql(ident),
  name: 'postgres',
  literal,
  setSearchPath(schema) {
    return `SET search_path = ${ident(schema)}`;
  },
  createTableAs(schema, name, select, options) {
    const parts = createTableAsParts(schema, name, options);
    return `${parts.prefix}\n${bareSelect(select)}${parts.suffix}`;
  },
  createTableAsParts,
  createView(schema, name, columns, fromSchema, fromTable) {
    if (columns.length === 0) throw new Error(`createView ${schema}.${name}: a view needs at least one column`);
    const list = columns.map(ident).join(', ');
    return replaceView(table(schema, name), viewDefinition(list, list, fromSchema, fromTable));
  },
  createProjectionView(schema, name, columns, fromSchema, fromTable) {
    if (columns.length === 0) throw new Error(`createProjectionView ${schema}.${name}: a view needs at least one column`);
    const names = columns.map((c) => ident(c.name)).join(', ');
    const select = columns.map((c) => `${c.expression} AS ${ident(c.name)}`).join(', ');
    return replaceView(table(schema, name), viewDefinition(names, select, fromSchema, fromTable));
  },
  maskColumn(column, type, masking, salt) {
    const c = ident(column);
    const spelled = postgresType(type);
    const lower = spelled.toLowerCase();
    if (masking === 'remove') return `CAST(NULL AS ${spelled})`;
    // The same text as DuckDB's left(sha256(salt || CAST(c AS VARCHAR)), 32), so a hashed key joins across engines.
    if (masking === 'hash') return `CASE WHEN ${c} IS NULL THEN NULL ELSE left(encode(sha256(convert_to(${literal(salt)} || CAST(${c} AS TEXT), 'UTF8')), 'hex'), 32) END`;
    if (lower === 'date') return `CAST(date_trunc('year', ${c}) AS DATE)`;
    if (lower.startsWith('timestamp')) return `CAST(date_trunc('year', ${c}) AS ${spelled})`;
    const text = `CAST(${c} AS TEXT)`;
    return `CASE WHEN ${c} IS NULL THEN NULL WHEN strpos(${text}, '@') > 0 THEN left(${text}, 1) || '***@' || split_part(${text}, '@', 2) ELSE left(${text}, 1) || '***' END`;
  },
  typeName: postgresType,
  canonicalTypes(types) {
    if (types.length === 0) throw new Error('canonicalTypes: no types given');
    return `SELECT ${types.map((type, index) => `${canonicalSpelling(formattedType(type))} AS t${index}`).join(', ')}`;
  },
  regexFullMatch(expression, pattern) {
    return `(CAST(${expression} AS TEXT) ~ ${literal(`^(?:${pattern})$`)})`;
  },
  percentile(expression, fraction) {
    if (!(fraction > 0 && fraction < 1)) throw new Error(`percentile: fraction ${fraction} is not between 0 and 1`);
    return `percentile_cont(${fraction}) WITHIN GROUP (ORDER BY ${expression})`;
  },
  exclusiveLock(name) {
    // hashtext is stable across sessions of a server; the prefix keeps Tessera's keys apart from an application's.
    return `SELECT pg_advisory_xact_lock(hashtext(${literal(`tessera:${name}`)}))`;
  },
  contentDigest(schema, name) {
    // A row's hash is the first 64 bits of the md5 of its text; sum() of bigint is numeric, so it does not overflow.
    const rowHash = "CAST(CAST('x' || substr(md5(CAST(tessera_row AS TEXT)), 1, 16) AS bit(64)) AS BIGINT)";
    return `SELECT count(*) AS n, CAST(sum(${rowHash}) AS TEXT) AS hash_sum, CAST(bit_xor(${rowHash}) AS TEXT) AS hash_xor FROM ${table(schema, name)} AS tessera_row`;
  },
  tableStats(schema, name) {
    const relation = `to_regclass(${literal(table(schema, name))})`;
    // Measured bytes once the table is big enough for page overhead not to dominate;
    // below that, an estimate from the column types (as the DuckDB dialect does).
    const estimate = `(SELECT sum(CASE WHEN ty.typlen > 0 THEN ty.typlen ELSE 16 END) FROM pg_attribute AS a JOIN pg_type AS ty ON ty.oid = a.atttypid
        WHERE a.attrelid = ${relation} AND a.attnum > 0 AND NOT a.attisdropped)`;
    return `SELECT n AS row_count,
      CAST(coalesce(CASE WHEN n >= 1000 THEN NULLIF(pg_table_size(${relation}) / n, 0) END, ${estimate}) AS BIGINT) AS row_width
      FROM (SELECT count(*) AS n FROM ${table(schema, name)}) AS counted`;
  },
};
