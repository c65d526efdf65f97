/** Opens a PostgreSQL database as a `Warehouse`: a pool of at most `maxSessions` connections. */
import pg from 'pg';
import type { ColumnInfo, JsonValue, LoadColumn, PostgresWarehouseConfig, RelationInfo, Row, Session, Warehouse } from '../warehouse.js';
import { postgresDialect } from './dialect.js';
import { openError } from './errors.js';
import { copySql, createSql, csvChunks } from './load.js';
import { PostgresSession } from './session.js';
import { textTypes } from './values.js';

const defaultMaxSessions = 10;

export async function openPostgres(config: PostgresWarehouseConfig): Promise<Warehouse> {
  const settings: pg.PoolConfig = {
    connectionString: config.url,
    max: config.maxSessions ?? defaultMaxSessions,
    types: textTypes,
    application_name: 'tessera',
  };
  const pool = new pg.Pool(settings);
  // An idle connection the server dropped: the pool discards it and opens another when needed.
  pool.on('error', () => undefined);
  const warehouse = new PostgresWarehouse(pool, config.url, config.readOnly === true);
  try {
    await warehouse.open();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw openError(error, config.url);
  }
  return warehouse;
}

class PostgresWarehouse implements Warehouse {
  readonly dialect = postgresDialect;
  readonly readOnly: boolean;
  private readonly pool: pg.Pool;
  private readonly url: string;
  private readonly sessions = new Set<PostgresSession>();
  private main: PostgresSession | undefined;
  private closed = false;

  constructor(pool: pg.Pool, url: string, readOnly: boolean) {
    this.pool = pool;
    this.url = url;
    this.readOnly = readOnly;
  }

  async open(): Promise<void> {
    this.main = await this.session();
  }

  execute(sql: string): Promise<void> {
    return this.mainSession().execute(sql);
  }

  query(sql: string): Promise<Row[]> {
    return this.mainSession().query(sql);
  }

  transaction<T>(work: (session: Session) => Promise<T>): Promise<T> {
    return this.mainSession().transaction(work);
  }

  relations(schema?: string): Promise<RelationInfo[]> {
    return this.mainSession().relations(schema);
  }

  columns(schema: string, name: string): Promise<ColumnInfo[]> {
    return this.mainSession().columns(schema, name);
  }

  async connect(): Promise<Session> {
    if (this.closed) throw new Error('connect() called on a closed warehouse.');
    return this.session();
  }

  /**
   * On a session of its own, in one transaction: a failed load leaves the table as it
   * was (or absent), never half filled.
   */
  async load(schema: string, name: string, columns: readonly LoadColumn[], batches: AsyncIterable<readonly (readonly JsonValue[])[]>, options?: { readonly append?: boolean }): Promise<number> {
    if (this.closed) throw new Error('load() called on a closed warehouse.');
    if (this.readOnly) throw new Error('load() called on a read-only warehouse.');
    const session = await this.session();
    try {
      return await session.transaction(async (tx) => {
        await tx.execute(createSql(schema, name, columns, options?.append === true));
        return tx.copyIn(copySql(schema, name, columns), csvChunks(columns, batches));
      });
    } finally {
      await session.close();
    }
  }

  /** `load()` from CSV text, in one transaction on a session of its own. */
  async loadCsv(schema: string, name: string, columns: readonly LoadColumn[], csv: AsyncIterable<string | Buffer>): Promise<number> {
    if (this.closed) throw new Error('loadCsv() called on a closed warehouse.');
    if (this.readOnly) throw new Error('loadCsv() called on a read-only warehouse.');
    const session = await this.session();
    try {
      return await session.transaction(async (tx) => {
        await tx.execute(createSql(schema, name, columns, false));
        return tx.copyIn(copySql(schema, name, columns), csv);
      });
    } finally {
      await session.close();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const session of [...this.sessions]) await session.close().catch(() => undefined);
    await this.pool.end();
  }

  private mainSession(): PostgresSession {
    if (this.main === undefined) throw new Error('The PostgreSQL warehouse is not open.');
    return this.main;
  }

  private async session(): Promise<PostgresSession> {
    const client = await this.pool.connect().catch((error: unknown) => {
      throw openError(error, this.url);
    });
    try {
      const options = { readOnly: this.readOnly, cancel: (pid: number) => { this.cancel(pid); } };
      const session: PostgresSession = await PostgresSession.on(client, options, (destroy) => {
        this.sessions.delete(session);
        client.release(destroy);
      });
      this.sessions.add(session);
      return session;
    } catch (error) {
      client.release(true);
      throw error;
    }
  }

  /**
   * Cancels what the server process `pid` is running, from a connection outside the
   * pool (the pool may be full, and the session's own connection is busy).
   */
  private cancel(pid: number): void {
    const client = new pg.Client({ connectionString: this.url, application_name: 'tessera cancel' });
    client.on('error', () => undefined);
    void client
      .connect()
      .then(() => client.query('SELECT pg_cancel_backend($1)', [pid]))
      .catch(() => undefined)
      .finally(() => void client.end().catch(() => undefined));
  }
}
