import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { MeshSpec } from '../spec/index.js';
import { openWarehouse, WarehouseError, type Warehouse } from '../warehouse/index.js';
import { tesseraDir } from '../workspace/index.js';

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
  options: { readOnly?: boolean; command: string },
): Promise<{ warehouse: Warehouse; path: string; release: () => Promise<void> }> {
  if (spec.warehouse?.type === 'postgres') {
    throw new WarehouseBusyError('The PostgreSQL warehouse is not supported yet; use `type: duckdb` in tessera.yaml.');
  }
  const path = warehousePath(root, spec);
  if (!options.readOnly) mkdirSync(dirname(path), { recursive: true });
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
    throw error;
  }
  if (options.readOnly) return { warehouse, path, release: () => warehouse.close() };
  const note: Holder = { pid: process.pid, command: options.command, startedAt: new Date().toISOString() };
  writeFileSync(holderFile(path), `${JSON.stringify(note)}\n`);
  return {
    warehouse,
    path,
    release: async () => {
      await warehouse.close();
      if (readHolder(path)?.pid === process.pid) rmSync(holderFile(path), { force: true });
    },
  };
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
