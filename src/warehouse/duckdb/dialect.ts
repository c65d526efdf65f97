/** DuckDB's SQL text. Pure: it writes strings and runs nothing. */
import { bareSelect, checkedType, ident, standardSql, table } from '../sql-text.js';
import type { Dialect } from '../warehouse.js';

const optionKey = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Defaults that make a read predictable (CSV headers are not left to sniffing); options of the same name win. */
const readDefaults: Record<'csv' | 'parquet' | 'json', Readonly<Record<string, string | boolean>>> = {
  csv: { header: true },
  parquet: {},
  json: { format: 'auto' },
};

export function literal(value: string | number | boolean | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : `CAST('${String(value)}' AS DOUBLE)`;
  return `'${value.replaceAll("'", "''")}'`;
}

export const duckdbDialect: Dialect = {
  ...standardSql(),
  name: 'duckdb',
  literal,
  setSearchPath(schema) {
    return `SET search_path = ${literal(schema)}`;
  },
  createTableAs(schema, name, select, options) {
    return `CREATE ${options?.replace === true ? 'OR REPLACE ' : ''}TABLE ${table(schema, name)} AS\n${bareSelect(select)}`;
  },
  createTableAsParts(schema, name, options) {
    return { prefix: `CREATE ${options?.replace === true ? 'OR REPLACE ' : ''}TABLE ${table(schema, name)} AS `, suffix: '' };
  },
  createView(schema, name, columns, fromSchema, fromTable) {
    if (columns.length === 0) throw new Error(`createView ${schema}.${name}: a view needs at least one column`);
    const list = columns.map(ident).join(', ');
    return `CREATE OR REPLACE VIEW ${table(schema, name)} (${list}) AS SELECT ${list} FROM ${table(fromSchema, fromTable)}`;
  },
  createProjectionView(schema, name, columns, fromSchema, fromTable) {
    if (columns.length === 0) throw new Error(`createProjectionView ${schema}.${name}: a view needs at least one column`);
    const names = columns.map((c) => ident(c.name)).join(', ');
    const select = columns.map((c) => `${c.expression} AS ${ident(c.name)}`).join(', ');
    return `CREATE OR REPLACE VIEW ${table(schema, name)} (${names}) AS SELECT ${select} FROM ${table(fromSchema, fromTable)}`;
  },
  maskColumn(column, type, masking, salt) {
    const c = ident(column);
    const upper = type.toUpperCase();
    if (masking === 'remove') return `CAST(NULL AS ${checkedType(type)})`;
    if (masking === 'hash') return `CASE WHEN ${c} IS NULL THEN NULL ELSE left(sha256(${literal(salt)} || CAST(${c} AS VARCHAR)), 32) END`;
    if (upper === 'DATE') return `CAST(date_trunc('year', ${c}) AS DATE)`;
    if (upper.startsWith('TIMESTAMP')) return `CAST(date_trunc('year', ${c}) AS ${checkedType(type)})`;
    const text = `CAST(${c} AS VARCHAR)`;
    return `CASE WHEN ${c} IS NULL THEN NULL WHEN contains(${text}, '@') THEN left(${text}, 1) || '***@' || split_part(${text}, '@', 2) ELSE left(${text}, 1) || '***' END`;
  },
  readFiles(format, path, options) {
    for (const key of Object.keys(options)) {
      if (!optionKey.test(key)) throw new Error(`readFiles: not an option name: ${JSON.stringify(key)}`);
    }
    const given = new Set(Object.keys(options).map((key) => key.toLowerCase()));
    const defaults = Object.entries(readDefaults[format]).filter(([key]) => !given.has(key));
    const args = [...defaults, ...Object.entries(options)].map(([key, value]) => `${key} = ${literal(value)}`);
    return `read_${format}(${[literal(path), ...args].join(', ')})`;
  },
  typeName(type) {
    return checkedType(type);
  },
  canonicalTypes(types) {
    if (types.length === 0) throw new Error('canonicalTypes: no types given');
    return `SELECT ${types.map((type, index) => `typeof(CAST(NULL AS ${checkedType(type)})) AS t${index}`).join(', ')}`;
  },
  regexFullMatch(expression, pattern) {
    return `regexp_full_match(CAST(${expression} AS VARCHAR), ${literal(pattern)})`;
  },
  percentile(expression, fraction) {
    if (!(fraction > 0 && fraction < 1)) throw new Error(`percentile: fraction ${fraction} is not between 0 and 1`);
    return `quantile_cont(${expression}, ${fraction})`;
  },
  exclusiveLock() {
    // One process writes a DuckDB file at a time: there is no one to wait for.
    return undefined;
  },
  contentDigest(schema, name) {
    // Each row hashes as a whole (the row as a struct); the sum is a HUGEINT, so it does not overflow.
    return `SELECT count(*) AS n, CAST(sum(hash(tessera_row)) AS VARCHAR) AS hash_sum, CAST(bit_xor(hash(tessera_row)) AS VARCHAR) AS hash_xor FROM ${table(schema, name)} AS tessera_row`;
  },
  tableStats(schema, name) {
    // DuckDB knows a table's size on disk only after a checkpoint; estimate it from rows × column widths instead.
    // pragma_table_info reads one table; duckdb_columns() would read the whole catalog (ms per call at 1,000 tables).
    const precision = "CAST(regexp_extract(type, 'DECIMAL\\((\\d+)', 1) AS INTEGER)";
    const width = `CASE
      WHEN type IN ('BOOLEAN', 'TINYINT', 'UTINYINT') THEN 1
      WHEN type IN ('SMALLINT', 'USMALLINT') THEN 2
      WHEN type IN ('INTEGER', 'UINTEGER', 'FLOAT', 'DATE') THEN 4
      WHEN type IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIME') THEN 8
      WHEN type LIKE 'DECIMAL(%' THEN CASE WHEN ${precision} <= 4 THEN 2 WHEN ${precision} <= 9 THEN 4 WHEN ${precision} <= 18 THEN 8 ELSE 16 END
      ELSE 16 END`;
    return `SELECT (SELECT count(*) FROM ${table(schema, name)}) AS row_count,
      (SELECT sum(${width}) FROM pragma_table_info(${literal(`${ident(schema)}.${ident(name)}`)})) AS row_width`;
  },
};
