/** A `Session` on one PostgreSQL connection (a client of the warehouse's pool). */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import Cursor from 'pg-cursor';
import type { ColumnInfo, JsonValue, RelationInfo, Row, StreamedResult, StreamingSession } from '../warehouse.js';
import { columnsSql, relationsSql } from './catalog.js';
import { sqlError } from './errors.js';
import { inTransaction } from '../transaction.js';
import { columnNames, rowsOf, textTypes, toJsonValue, typeName } from './values.js';

/** Rows fetched per `next()` of a stream (DuckDB's chunk size). */
const streamChunk = 2048;

/** What a session and the sessions handed to its transactions share. */
interface ClientState {
  readonly client: pg.PoolClient;
  /** The server process behind the client, which a cancel request names. */
  readonly pid: number;
  /** Sends a cancel for `pid` on a connection of its own (the client itself is busy). */
  readonly cancel: (pid: number) => void;
  inTransaction: boolean;
  closed: boolean;
  /** Set when the connection failed: it goes back to the pool only to be destroyed. */
  broken: boolean;
  /** Statements sent and not yet answered; an interrupt with none running does nothing. */
  running: number;
  /** The cursor of a stream not read to its end; any other statement closes it first. */
  cursor: Cursor | undefined;
}

export class PostgresSession implements StreamingSession {
  private readonly state: ClientState;
  /** Undefined for the session a transaction hands to its work: that one does not own the connection. */
  private readonly onClose: ((destroy: boolean) => void) | undefined;

  private constructor(state: ClientState, onClose: ((destroy: boolean) => void) | undefined) {
    this.state = state;
    this.onClose = onClose;
  }

  /**
   * A session on a client fresh from the pool. Sessions run in UTC, so timestamptz
   * values print as UTC and `timestamp` arithmetic does not depend on the server; a
   * read-only warehouse's sessions start every transaction read-only.
   */
  static async on(client: pg.PoolClient, options: { readonly readOnly: boolean; readonly cancel: (pid: number) => void }, onClose: (destroy: boolean) => void): Promise<PostgresSession> {
    const { readOnly, cancel } = options;
    const setup = `SET TimeZone = 'UTC';${readOnly ? ' SET default_transaction_read_only = on;' : ''} SELECT pg_backend_pid() AS pid`;
    const results = (await client.query(setup)) as unknown as pg.QueryResult<{ pid: string }>[];
    const pid = Number(results.at(-1)?.rows[0]?.pid);
    const state: ClientState = { client, pid, cancel, inTransaction: false, closed: false, broken: false, running: 0, cursor: undefined };
    // A connection lost while checked out: it goes back to the pool only to be destroyed.
    // Removed again on close, since the pool hands the client to later sessions.
    const lost = (): void => {
      state.broken = true;
    };
    client.on('error', lost);
    return new PostgresSession(state, (destroy) => {
      client.removeListener('error', lost);
      onClose(destroy);
    });
  }

  async execute(sql: string): Promise<void> {
    await this.run(sql, (client) => client.query(sql));
  }

  async query(sql: string): Promise<Row[]> {
    const answer = await this.run(sql, (client) => client.query({ text: sql, rowMode: 'array' }));
    // Several statements answer with one result each; the last one is the query's.
    const result = (Array.isArray(answer) ? answer.at(-1) : answer) as pg.QueryResult<unknown[]> | undefined;
    return result === undefined ? [] : rowsOf(result.fields, result.rows);
  }

  async stream(sql: string, params: readonly (string | null)[]): Promise<StreamedResult> {
    // A cursor (a portal read a chunk at a time), so a large answer never sits whole in memory.
    const { rows, fields, cursor } = await this.run(sql, async (client) => {
      const opened = client.query(new Cursor<unknown[]>(sql, [...params], { rowMode: 'array', types: textTypes }));
      this.state.cursor = opened;
      return { ...(await readChunk(opened)), cursor: opened };
    });
    const names = columnNames(fields);
    let pending: unknown[][] | undefined = rows;
    let done = rows.length < streamChunk;
    const convert = (chunk: unknown[][]): JsonValue[][] =>
      chunk.map((row) => fields.map((field, index) => toJsonValue(row[index], field)));
    const finish = async (): Promise<void> => {
      done = true;
      if (this.state.cursor === cursor) this.state.cursor = undefined;
      await cursor.close().catch(() => undefined);
    };
    if (done) await finish();
    return {
      columns: names.map((name, index) => {
        const field = fields[index];
        return { name, type: field === undefined ? 'text' : typeName(field) };
      }),
      next: async () => {
        if (pending !== undefined) {
          const chunk = pending;
          pending = undefined;
          return chunk.length === 0 ? undefined : convert(chunk);
        }
        if (done || this.state.cursor !== cursor) return undefined;
        const more = await this.run(sql, async () => (await readChunk(cursor)).rows, true).catch(async (error: unknown) => {
          await finish();
          throw error;
        });
        if (more.length < streamChunk) await finish();
        return more.length === 0 ? undefined : convert(more);
      },
    };
  }

  interrupt(): void {
    if (!this.state.closed && this.state.running > 0) this.state.cancel(this.state.pid);
  }

  async transaction<T>(work: (session: PostgresSession) => Promise<T>): Promise<T> {
    return inTransaction(this.state, (sql) => this.execute(sql), new PostgresSession(this.state, undefined), work);
  }


  /** Runs `COPY … FROM STDIN` (`sql`) fed with `chunks` of its text; returns the rows copied. */
  async copyIn(sql: string, chunks: AsyncIterable<string | Buffer>): Promise<number> {
    return this.run(sql, async (client) => {
      const copy = client.query(copyFrom(sql));
      await pipeline(Readable.from(chunks), copy);
      return copy.rowCount;
    });
  }

  async relations(schema?: string): Promise<RelationInfo[]> {
    const rows = await this.query(relationsSql(schema));
    return rows.map((row) => ({ schema: text(row.schema), name: text(row.name), kind: row.kind === 'view' ? 'view' : 'table' }));
  }

  async columns(schema: string, name: string): Promise<ColumnInfo[]> {
    const rows = await this.query(columnsSql(schema, name));
    return rows.map((row) => ({ name: text(row.name), type: text(row.type), nullable: row.nullable === true }));
  }

  async close(): Promise<void> {
    if (this.onClose === undefined) throw new Error('close() called on the session of a transaction: close the session that began it.');
    const state = this.state;
    if (state.closed) return;
    state.closed = true;
    // The client goes back to the pool as a fresh connection would be: no temp tables,
    // settings, prepared statements or advisory locks left for the next session.
    let reusable = !state.broken && !state.inTransaction && state.running === 0;
    if (reusable) {
      await this.closeCursor();
      reusable = await state.client.query('DISCARD ALL').then(
        () => true,
        () => false,
      );
    }
    this.onClose(!reusable);
  }

  /**
   * Runs one round trip on the client and maps its errors. A statement closes an
   * unfinished stream first (as a new statement does on DuckDB); a stream's own reads
   * (`ownCursor`) keep it.
   */
  private async run<T>(sql: string, send: (client: pg.PoolClient) => Promise<T>, ownCursor = false): Promise<T> {
    const state = this.state;
    if (state.closed) throw new Error('This warehouse session is closed.');
    if (!ownCursor) await this.closeCursor();
    state.running++;
    try {
      return await send(state.client);
    } catch (error) {
      throw sqlError(error, sql);
    } finally {
      state.running--;
    }
  }

  private async closeCursor(): Promise<void> {
    const cursor = this.state.cursor;
    this.state.cursor = undefined;
    if (cursor !== undefined) await cursor.close().catch(() => undefined);
  }
}

function readChunk(cursor: Cursor<unknown[]>): Promise<{ rows: unknown[][]; fields: pg.FieldDef[] }> {
  return new Promise((resolve, reject) => {
    cursor.read(streamChunk, (error, rows, result) => {
      if (error) reject(error);
      else resolve({ rows, fields: result.fields });
    });
  });
}

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}
