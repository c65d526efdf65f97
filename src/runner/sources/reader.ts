/**
 * What ingestion asks of an application database, whatever its engine: the columns of
 * the rows to load, and those rows as a stream of batches. postgres.ts and mysql.ts
 * are the two implementations.
 */
import type { JsonValue } from '../../warehouse/index.js';
import type { LogicalType } from './type-map.js';

/** A column of the rows a source yields, typed as its database types it. */
export interface SourceColumn {
  readonly name: string;
  /** The source database's own spelling, e.g. `numeric(12,2)`, `tinyint(1)`. */
  readonly sourceType: string;
  /** Undefined when the type has no mapping (the load refuses it, naming the column). */
  readonly logical: LogicalType | undefined;
}

/** Which rows to read. */
export interface SourceSelect {
  /** Only the rows whose cursor is at or past `from` (all when absent), in cursor order. */
  readonly cursor?: { readonly column: string; readonly from?: string };
  /** Only these columns, in this order (a delete scan reads only the keys). */
  readonly only?: readonly string[];
}

export interface SourceRows {
  readonly batches: AsyncIterable<JsonValue[][]>;
  /** After the batches are read: the last cursor value seen, as the source writes it (the new high-water mark). */
  highWater(): string | undefined;
}

export interface SourceConnection {
  describe(): Promise<SourceColumn[]>;
  /** `columns` are those `describe()` gave; values are converted by their types. */
  read(columns: readonly SourceColumn[], select: SourceSelect): SourceRows;
  close(): Promise<void>;
}

/** What went wrong at the source: connecting (credentials, host), or running the read. */
export class SourceError extends Error {
  constructor(
    readonly stage: 'connect' | 'query',
    message: string,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

/**
 * The table or query as a relation to select from. The table name was checked to be
 * `name` or `schema.name` (spec) and goes unquoted, folding as the user's SQL would; the
 * parenthesis closes on its own line, so that a query ending in a `--` comment keeps it.
 */
export function sourceRelation(relation: { readonly table?: string; readonly query?: string }): string {
  const from = relation.table !== undefined ? `SELECT * FROM ${relation.table}` : (relation.query ?? '').replace(/[\s;]+$/, '');
  return `(${from}\n) AS tessera_source`;
}

/** The read of `select` over `inner` (the table or query, aliased) in one engine's quoting and placeholder. */
export function selectStatement(
  columns: readonly SourceColumn[],
  select: SourceSelect,
  inner: string,
  syntax: { readonly ident: (name: string) => string; readonly placeholder: string },
): { sql: string; params: string[]; chosen: SourceColumn[]; cursorIndex: number } {
  const picked = select.only ?? columns.map((c) => c.name);
  const chosen = picked.map((name) => columns.find((c) => c.name === name) ?? { name, sourceType: 'text', logical: { kind: 'text' as const } });
  const cursor = select.cursor;
  const from = cursor?.from;
  // At or past the mark: rows at it are read again and merged to no effect, and a row written in the same instant after the last load is not lost.
  const where = from !== undefined && cursor !== undefined ? ` WHERE ${syntax.ident(cursor.column)} >= ${syntax.placeholder}` : '';
  const order = cursor !== undefined ? ` ORDER BY ${syntax.ident(cursor.column)}` : '';
  return {
    sql: `SELECT ${chosen.map((c) => syntax.ident(c.name)).join(', ')} FROM ${inner}${where}${order}`,
    params: from === undefined ? [] : [from],
    chosen,
    cursorIndex: cursor === undefined ? -1 : chosen.findIndex((c) => c.name === cursor.column),
  };
}

/** Rows per batch handed to the warehouse: large enough to amortise a round trip, small enough to stay a few MB. */
export const BATCH_ROWS = 5_000;

/**
 * A driver value (text for most types, as the drivers are told to give) as the JSON-safe
 * value `Warehouse.load` takes: numbers for integers and floats that fit, booleans,
 * bytes as `\x` hex; exact text for DECIMAL, timestamps and 64-bit integers.
 */
export function toLoadValue(type: LogicalType | undefined, value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean' && typeof value !== 'bigint' && !Buffer.isBuffer(value)) return JSON.stringify(value);
  if (Buffer.isBuffer(value)) return type?.kind === 'blob' ? `\\x${value.toString('hex')}` : value.toString('utf8');
  switch (type?.kind) {
    case 'tinyint':
    case 'smallint':
    case 'integer':
      return typeof value === 'number' ? value : Number(value);
    case 'bigint':
    case 'ubigint': {
      const n = typeof value === 'number' ? value : Number(value);
      return Number.isSafeInteger(n) ? n : String(value);
    }
    case 'real':
    case 'double': {
      const n = typeof value === 'number' ? value : Number(value);
      // NaN and ±Infinity have no JSON number: their text goes, and the warehouse casts it.
      return Number.isFinite(n) ? n : String(value);
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      return value === 't' || value === 'true' || value === '1';
    default:
      return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? value : JSON.stringify(value);
  }
}

/**
 * The driver's chunks of rows as batches of load values, and the cursor's last non-null
 * value (the rows come in cursor order, so the last one seen is the largest).
 */
export function batched(chunks: AsyncIterable<readonly unknown[][]>, columns: readonly SourceColumn[], cursorIndex: number): SourceRows {
  let highWater: string | undefined;
  const types = columns.map((c) => c.logical);
  async function* batches(): AsyncGenerator<JsonValue[][]> {
    for await (const chunk of chunks) {
      if (chunk.length === 0) continue;
      if (cursorIndex >= 0) {
        for (let i = chunk.length - 1; i >= 0; i--) {
          const raw = chunk[i]?.[cursorIndex];
          if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'bigint') {
            highWater = String(raw);
            break;
          }
        }
      }
      yield chunk.map((row) => row.map((value, i) => toLoadValue(types[i], value)));
    }
  }
  return { batches: batches(), highWater: () => highWater };
}
