import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { MeshSpec } from '../spec/index.js';
import { openWarehouse, WarehouseError, type Warehouse } from '../warehouse/index.js';
import { tesseraDir } from '../workspace/index.js';
import { openTrouble, storageTrouble, type StorageTrouble } from './storage.js';

/** Who holds the warehouse, written next to it so that a second process can say so. */
interface Holder {
  readonly pid: number;
  readonly command: string;
  readonly startedAt: string;
}

/** The warehouse is in use by another process; the message names it. */
export class WarehouseBusyError extends Error {
  constructor(
    message: string,
    readonly holderPid?: number,
  ) {
    super(message);
    this.name = 'WarehouseBusyError';
  }
}

/**
 * The warehouse cannot be opened for a reason of the machine (no permission, a full or
 * read-only disk, a damaged file): the message says which, and what to do without
 * losing the file. A kind of busy error so that every command that opens a warehouse
 * prints it as it is, with exit 1.
 */
export class WarehouseUnavailableError extends WarehouseBusyError {
  constructor(readonly trouble: StorageTrouble) {
    super(`${trouble.message}\nhint: ${trouble.hint}`);
    this.name = 'WarehouseUnavailableError';
  }
}

/**
 * A mesh's PostgreSQL warehouse. Many processes share one server, so there is no holder
 * note as for a DuckDB file; what can go wrong is the URL's variable (unset) or the
 * server (unreachable, refusing the login), said in one message without a stack.
 */
async function openPostgresWarehouse(
  spec: Extract<NonNullable<MeshSpec['warehouse']>, { type: 'postgres' }>,
  readOnly: boolean,
  env: NodeJS.ProcessEnv,
): Promise<{ warehouse: Warehouse; path: string; release: () => Promise<void>; empty: boolean }> {
  const variable = spec.url_env;
  // The loader refuses this already; a spec built in code may still lack it.
  if (variable === undefined) throw new WarehouseBusyError('The PostgreSQL warehouse names no `url_env`.\nhint: Add `url_env: TESSERA_WAREHOUSE_URL` under `warehouse:` in tessera.yaml and set that variable to the URL.');
  const url = env[variable]?.trim() ?? '';
  if (url === '') {
    throw new WarehouseBusyError(
      `The PostgreSQL warehouse's URL comes from the environment variable ${variable}, which is ${env[variable] === undefined ? 'not set' : 'empty'}.\nhint: Set ${variable}=postgres://user:password@host:5432/database where Tessera runs (keep it out of the repository).`,
    );
  }
  let warehouse: Warehouse;
  try {
    warehouse = await openWarehouse({ type: 'postgres', url, readOnly, ...(spec.max_sessions === undefined ? {} : { maxSessions: spec.max_sessions }) });
  } catch (error) {
    if (!(error instanceof WarehouseError)) throw error;
    throw new WarehouseBusyError(`${error.message}\nhint: Check that the server is running and reachable, and that the URL in ${variable} names the right host, port, database, user and password.`);
  }
  return { warehouse, path: `postgres (${variable})`, release: () => warehouse.close(), empty: false };
}

export function warehousePath(root: string, spec: MeshSpec): string {
  const configured = spec.warehouse?.type === 'duckdb' ? spec.warehouse.path : undefined;
  return configured === undefined ? join(tesseraDir(root), 'warehouse.duckdb') : resolve(root, configured);
}

function holderFile(path: string): string {
  return `${path}.holder.json`;
}

/**
 * Opens the mesh's warehouse. A writer leaves a note of who it is next to the file,
 * so that a second writer gets "in use by `tessera run` (pid 123, since …)" rather
 * than the engine's lock message.
 */
export async function openMeshWarehouse(
  root: string,
  spec: MeshSpec,
  options: { readOnly?: boolean; command: string; env?: NodeJS.ProcessEnv },
): Promise<{ warehouse: Warehouse; path: string; release: () => Promise<void>; empty: boolean }> {
  if (spec.warehouse?.type === 'postgres') return openPostgresWarehouse(spec.warehouse, options.readOnly === true, options.env ?? process.env);
  const path = warehousePath(root, spec);
  if (options.readOnly && !existsSync(path)) {
    // Nothing has run yet: readers see an empty warehouse rather than an error about a missing file.
    const warehouse = await openWarehouse({ type: 'duckdb', path: ':memory:' });
    return { warehouse, path, release: () => warehouse.close(), empty: true };
  }
  if (!options.readOnly) {
    try {
      await createIfMissing(path);
    } catch (error) {
      throw new WarehouseUnavailableError(openTrouble(error, path));
    }
  }
  let warehouse: Warehouse;
  try {
    warehouse = await openWarehouse({
      type: 'duckdb',
      path,
      readOnly: options.readOnly ?? false,
      ...(spec.warehouse?.threads === undefined ? {} : { threads: spec.warehouse.threads }),
      ...(spec.warehouse?.memory_limit === undefined ? {} : { memoryLimit: spec.warehouse.memory_limit }),
    });
  } catch (error) {
    if (error instanceof WarehouseError && error.code === 'warehouse/locked') throw busy(path, root, error.holderPid);
    if (error instanceof WarehouseError || storageTrouble(error, path) !== undefined) throw new WarehouseUnavailableError(openTrouble(error, path));
    throw error;
  }
  if (options.readOnly) return { warehouse, path, release: () => warehouse.close(), empty: false };
  const note: Holder = { pid: process.pid, command: options.command, startedAt: new Date().toISOString() };
  try {
    writeFileSync(holderFile(path), `${JSON.stringify(note)}\n`);
  } catch (error) {
    await warehouse.close();
    throw new WarehouseUnavailableError(openTrouble(error, path));
  }
  return {
    warehouse,
    path,
    empty: false,
    release: async () => {
      await warehouse.close();
      if (readHolder(path)?.pid === process.pid) rmSync(holderFile(path), { force: true });
    },
  };
}

/**
 * Creates a new database file under another name and moves it into place once
 * DuckDB has written it: a process killed while DuckDB creates a file leaves a
 * partial header that no later open accepts, so the real name must only ever
 * hold a complete file.
 */
async function createIfMissing(path: string): Promise<void> {
  if (existsSync(path)) return;
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const prefix = `${basename(path)}.creating-`;
  for (const stale of readdirSync(dir).filter((f) => f.startsWith(prefix))) rmSync(join(dir, stale), { force: true });
  const temporary = `${path}.creating-${process.pid}`;
  const fresh = await openWarehouse({ type: 'duckdb', path: temporary });
  await fresh.execute('CHECKPOINT');
  await fresh.close();
  rmSync(`${temporary}.wal`, { force: true });
  renameSync(temporary, path);
}

function readHolder(path: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(holderFile(path), 'utf8')) as Holder;
  } catch {
    return undefined;
  }
}

function busy(path: string, root: string, pid: number | undefined): WarehouseBusyError {
  const shown = path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
  const holder = readHolder(path);
  if (holder && (pid === undefined || holder.pid === pid)) {
    const minutes = Math.max(0, Math.round((Date.now() - Date.parse(holder.startedAt)) / 60_000));
    return new WarehouseBusyError(
      `The warehouse ${shown} is in use by \`${holder.command}\` (pid ${holder.pid}, started ${holder.startedAt}, ${minutes} min ago). Wait for it to finish, or stop it with \`kill ${holder.pid}\`.`,
      holder.pid,
    );
  }
  return new WarehouseBusyError(
    `The warehouse ${shown} is in use by another process${pid === undefined ? '' : ` (pid ${pid})`}, which is not a tessera run; only one process can write to an embedded DuckDB file. Close it and try again.`,
    pid,
  );
}
