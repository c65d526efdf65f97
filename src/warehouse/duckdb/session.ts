/** A `Session` on one DuckDB connection. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnInfo, JsonValue, RelationInfo, Row, StreamedResult, StreamingSession } from '../warehouse.js';
import { columnsSql, relationsSql } from './catalog.js';
import { sqlError } from './errors.js';
import { inTransaction } from '../transaction.js';
import { rowsOf, toJsonValue } from './values.js';

/** What a session and the sessions handed to its transactions share. */
interface ConnectionState {
  readonly connection: DuckDBConnection;
  /** The catalog the warehouse opened; `relations()` and `columns()` look only there. */
  readonly database: string;
  inTransaction: boolean;
  closed: boolean;
}

export class DuckDBSession implements StreamingSession {
  private readonly state: ConnectionState;
  /** Undefined for the session a transaction hands to its work: that one does not own the connection. */
  private readonly onClose: (() => void) | undefined;

  private constructor(state: ConnectionState, onClose: (() => void) | undefined) {
    this.state = state;
    this.onClose = onClose;
  }

  static on(connection: DuckDBConnection, database: string, onClose: () => void = () => undefined): DuckDBSession {
    return new DuckDBSession({ connection, database, inTransaction: false, closed: false }, onClose);
  }

  async execute(sql: string): Promise<void> {
    const connection = this.connection();
    try {
      await connection.run(sql);
    } catch (error) {
      throw sqlError(error, sql);
    }
  }

  async query(sql: string): Promise<Row[]> {
    const connection = this.connection();
    try {
      return rowsOf(await connection.runAndReadAll(sql));
    } catch (error) {
      throw sqlError(error, sql);
    }
  }

  async stream(sql: string, params: readonly (string | null)[]): Promise<StreamedResult> {
    const connection = this.connection();
    try {
      const result = await connection.stream(sql, [...params]);
      const names = result.deduplicatedColumnNames();
      const types = result.columnTypes().map((t) => t.toString());
      return {
        columns: names.map((name, i) => ({ name, type: types[i] ?? 'VARCHAR' })),
        next: async () => {
          try {
            const chunk = await result.fetchChunk();
            if (!chunk || chunk.rowCount === 0) return undefined;
            return chunk.getRows().map((row) => row.map(toJsonValue));
          } catch (error) {
            throw sqlError(error, sql);
          }
        },
      };
    } catch (error) {
      throw sqlError(error, sql);
    }
  }

  interrupt(): void {
    if (!this.state.closed) this.state.connection.interrupt();
  }

  async transaction<T>(work: (session: StreamingSession) => Promise<T>): Promise<T> {
    return inTransaction(this.state, (sql) => this.execute(sql), new DuckDBSession(this.state, undefined), work);
  }


  async relations(schema?: string): Promise<RelationInfo[]> {
    const rows = await this.query(relationsSql(this.state.database, schema));
    return rows.map((row) => ({ schema: text(row.schema), name: text(row.name), kind: row.kind === 'view' ? 'view' : 'table' }));
  }

  async columns(schema: string, name: string): Promise<ColumnInfo[]> {
    const rows = await this.query(columnsSql(this.state.database, schema, name));
    return rows.map((row) => ({ name: text(row.name), type: text(row.type), nullable: row.nullable === true }));
  }

  close(): Promise<void> {
    if (this.onClose === undefined) {
      return Promise.reject(new Error('close() called on the session of a transaction: close the session that began it.'));
    }
    if (!this.state.closed) {
      this.state.closed = true;
      this.state.connection.closeSync();
      this.onClose();
    }
    return Promise.resolve();
  }

  private connection(): DuckDBConnection {
    if (this.state.closed) throw new Error('This warehouse session is closed.');
    return this.state.connection;
  }
}

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}
