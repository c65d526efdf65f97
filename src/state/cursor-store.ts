import type { Session } from '../warehouse/index.js';
import { STATE_SCHEMA } from './sql-state-store.js';
import { StateTables, underLock } from './state-tables.js';
import { num, text, utc } from './values.js';

/** A column of a database source as the source database types it (`numeric(12,2)`, `datetime`). */
export interface SourceColumnRecord {
  readonly name: string;
  readonly type: string;
  /** The warehouse type it was loaded as. */
  readonly loadedAs: string;
}

/** The last successful load of a database source. */
export interface SourceLoadRecord {
  /** The source's node id, `source:<domain>.<product>.<name>`. */
  readonly source: string;
  /** What was loaded (engine, table or query, cursor): a different origin makes the mark meaningless. */
  readonly origin: string;
  /** The high-water mark of the cursor, as the source database writes the value; absent for full loads. */
  readonly highWater?: string;
  readonly columns: readonly SourceColumnRecord[];
  readonly runId: number;
  readonly loadedAt: Date;
  readonly rows: number;
}

/**
 * Where ingestion keeps each database source's high-water mark and schema. Written in
 * the transaction that changes the loaded table (`session` of `recordLoad`), so the mark
 * moves exactly when the load is kept, and never for a load whose checks failed.
 */
export class SqlCursorStore extends StateTables {
  private table(): string {
    return this.t('source_cursors');
  }

  /** Portable SQL: the same statement works on DuckDB and PostgreSQL. */
  async migrate(): Promise<void> {
    await this.serial((s) =>
      underLock(s, this.dialect, 'migrate', (tx) => tx.execute(`${this.dialect.createSchema(STATE_SCHEMA)};
        CREATE TABLE IF NOT EXISTS ${this.table()} (
          source VARCHAR, origin VARCHAR, high_water VARCHAR, columns VARCHAR, run_id BIGINT, loaded_at TIMESTAMP, row_count BIGINT)`)),
    );
  }

  async lastLoad(source: string): Promise<SourceLoadRecord | undefined> {
    const [row] = await this.serial((s) =>
      s.query(`SELECT origin, high_water, columns, run_id, loaded_at, row_count FROM ${this.table()} WHERE source = ${this.dialect.literal(source)}`),
    );
    if (!row) return undefined;
    const highWater = row.high_water;
    return {
      source,
      origin: text(row.origin),
      ...(typeof highWater === 'string' ? { highWater } : {}),
      columns: JSON.parse(text(row.columns)) as SourceColumnRecord[],
      runId: num(row.run_id),
      loadedAt: new Date(utc(row.loaded_at) ?? 0),
      rows: num(row.row_count),
    };
  }

  /** Replaces the source's record; on `session` (a transaction) when given, else on the store's own. */
  async recordLoad(load: SourceLoadRecord, session?: Session): Promise<void> {
    const l = (v: string | number | null): string => this.dialect.literal(v);
    const write = (s: Session): Promise<void> =>
      s.execute(`DELETE FROM ${this.table()} WHERE source = ${l(load.source)};
        INSERT INTO ${this.table()} (source, origin, high_water, columns, run_id, loaded_at, row_count)
        VALUES (${l(load.source)}, ${l(load.origin)}, ${l(load.highWater ?? null)}, ${l(JSON.stringify(load.columns))}, ${load.runId}, ${this.dialect.timestamp(load.loadedAt)}, ${load.rows})`);
    if (session) await write(session);
    else await this.serial(write);
  }
}
