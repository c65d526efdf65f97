/**
 * Bulk loading by `COPY … FROM STDIN` in CSV: rows become CSV text a batch at a time,
 * so a large source streams through and never sits whole in memory.
 */
import type { JsonValue, LoadColumn } from '../warehouse.js';
import { ident, postgresType, table } from './dialect.js';

/** The statements that make the target table: replaced, or kept when appending. */
export function createSql(schema: string, name: string, columns: readonly LoadColumn[], append: boolean): string {
  if (columns.length === 0) throw new Error(`load ${schema}.${name}: a table needs at least one column`);
  const list = columns.map((column) => `${ident(column.name)} ${postgresType(column.type)}`).join(', ');
  const create = `CREATE TABLE ${append ? 'IF NOT EXISTS ' : ''}${table(schema, name)} (${list})`;
  return append ? create : `DROP TABLE IF EXISTS ${table(schema, name)}; ${create}`;
}

export function copySql(schema: string, name: string, columns: readonly LoadColumn[]): string {
  return `COPY ${table(schema, name)} (${columns.map((column) => ident(column.name)).join(', ')}) FROM STDIN WITH (FORMAT csv)`;
}

/** CSV text, one string per batch. An unquoted empty field is NULL; an empty string is quoted. */
export async function* csvChunks(columns: readonly LoadColumn[], batches: AsyncIterable<readonly (readonly JsonValue[])[]>): AsyncGenerator<string> {
  const arrays = columns.map((column) => /\]\s*$/.test(column.type));
  for await (const batch of batches) {
    let text = '';
    for (const row of batch) {
      if (row.length !== columns.length) throw new Error(`load: a row has ${row.length} values for ${columns.length} columns`);
      text += `${row.map((value, index) => field(value, arrays[index] === true)).join(',')}\n`;
    }
    if (text !== '') yield text;
  }
}

function field(value: JsonValue, arrayColumn: boolean): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : quoted(String(value));
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'string') return quoted(value);
  if (Array.isArray(value) && arrayColumn) return quoted(arrayLiteral(value));
  return quoted(JSON.stringify(value));
}

function quoted(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** A JSON array as PostgreSQL's array text (`{1,"a b",NULL}`), for columns of an array type. */
function arrayLiteral(values: readonly JsonValue[]): string {
  const items = values.map((value) => {
    if (value === null) return 'NULL';
    if (Array.isArray(value)) return arrayLiteral(value);
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  });
  return `{${items.join(',')}}`;
}
