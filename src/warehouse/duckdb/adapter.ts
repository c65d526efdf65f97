/** Opens a DuckDB database as a `Warehouse`. */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBWarehouseConfig, JsonValue, LoadColumn, Row, Session, Warehouse, ColumnInfo, RelationInfo } from '../warehouse.js';
import { duckdbDialect } from './dialect.js';
import { openError } from './errors.js';
import { appendRows } from './load.js';
import { DuckDBSession } from './session.js';

export async function openDuckDB(config: DuckDBWarehouseConfig): Promise<Warehouse> {
  const readOnly = config.readOnly === true;
  if (!readOnly && !config.path.startsWith(':memory:')) {
    await mkdir(dirname(config.path), { recursive: true }).catch((error: unknown) => {
      throw openError(error, config.path);
    });
  }
  const instance = await DuckDBInstance.create(config.path, instanceOptions(config)).catch((error: unknown) => {
    throw openError(error, config.path);
  });
  try {
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll('SELECT current_database()');
    const database = reader.getRows()[0]?.[0];
    if (typeof database !== 'string') throw new Error('DuckDB did not name its current database');
    return new DuckDBWarehouse(instance, database, DuckDBSession.on(connection, database), readOnly);
  } catch (error) {
    instance.closeSync();
    throw openError(error, config.path);
  }
}

function instanceOptions(config: DuckDBWarehouseConfig): Record<string, string> {
  // Extensions that are not built in cannot be downloaded here; failing to load one
  // should say so at once rather than after a network timeout.
  const options: Record<string, string> = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' };
  if (config.threads !== undefined) options.threads = String(config.threads);
  if (config.memoryLimit !== undefined) options.memory_limit = config.memoryLimit;
  if (config.readOnly === true) options.access_mode = 'READ_ONLY';
  return options;
}

class DuckDBWarehouse implements Warehouse {
  readonly dialect = duckdbDialect;
  readonly readOnly: boolean;
  private readonly instance: DuckDBInstance;
  private readonly database: string;
  private readonly main: DuckDBSession;
  private readonly sessions = new Set<DuckDBSession>();
  private closed = false;

  constructor(instance: DuckDBInstance, database: string, main: DuckDBSession, readOnly: boolean) {
    this.instance = instance;
    this.database = database;
    this.main = main;
    this.readOnly = readOnly;
  }

  execute(sql: string): Promise<void> {
    return this.main.execute(sql);
  }

  query(sql: string): Promise<Row[]> {
    return this.main.query(sql);
  }

  transaction<T>(work: (session: Session) => Promise<T>): Promise<T> {
    return this.main.transaction(work);
  }

  relations(schema?: string): Promise<RelationInfo[]> {
    return this.main.relations(schema);
  }

  columns(schema: string, name: string): Promise<ColumnInfo[]> {
    return this.main.columns(schema, name);
  }

  /**
   * DuckDB's own protections, for the rest of this instance's life (they cannot be
   * undone): files only under the given directories, no network, no extension loading.
   */
  async sandbox(allowedDirectories: readonly string[]): Promise<void> {
    const list = allowedDirectories.map((dir) => duckdbDialect.literal(dir.endsWith('/') ? dir : `${dir}/`)).join(', ');
    await this.main.execute(`SET allowed_directories = [${list}]; SET enable_external_access = false; SET allow_community_extensions = false`);
  }

  /** Bulk loads go through DuckDB's appender on a connection of their own (load.ts). */
  load(schema: string, name: string, columns: readonly LoadColumn[], batches: AsyncIterable<readonly (readonly JsonValue[])[]>, options?: { readonly append?: boolean }): Promise<number> {
    if (this.closed) return Promise.reject(new Error('load() called on a closed warehouse.'));
    return appendRows(this.instance, this.database, schema, name, columns, batches, options);
  }

  async connect(): Promise<Session> {
    if (this.closed) throw new Error('connect() called on a closed warehouse.');
    const connection = await this.instance.connect();
    const session: DuckDBSession = DuckDBSession.on(connection, this.database, () => this.sessions.delete(session));
    this.sessions.add(session);
    return session;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const session of [...this.sessions]) await session.close();
    await this.main.close();
    this.instance.closeSync();
  }
}
