import type { Mesh } from '../../spec/index.js';
import type { StateStore } from '../../state/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from './context.js';

/**
 * Opens the mesh's warehouse for one command and closes it after. When another
 * process holds it, says who (exit 1) instead of showing the engine's lock error.
 */
export async function withWarehouse<T>(
  context: CommandContext,
  root: string,
  mesh: Mesh,
  options: { readOnly: boolean; command: string },
  work: (warehouse: Warehouse, info: { path: string; empty: boolean }) => Promise<T>,
): Promise<T | undefined> {
  const { openMeshWarehouse, WarehouseBusyError } = await import('../../runner/index.js');
  const { WarehouseError } = await import('../../warehouse/index.js');
  let opened;
  try {
    opened = await openMeshWarehouse(root, mesh.spec, options);
  } catch (error) {
    if (error instanceof WarehouseBusyError || error instanceof WarehouseError) {
      context.output.err(`error: ${error.message}`);
      if (error instanceof WarehouseError) context.output.err('hint: the warehouse file cannot be opened; if it is damaged, move it away and run `tessera run` to rebuild it from the sources.');
      context.setExit(ExitCode.failed);
      return undefined;
    }
    throw error;
  }
  try {
    return await work(opened.warehouse, { path: opened.path, empty: opened.empty });
  } finally {
    await opened.release();
  }
}

/** The state store of a warehouse opened read-only: undefined when nothing has run yet. */
export async function readState(warehouse: Warehouse): Promise<StateStore | undefined> {
  const { SqlStateStore, STATE_SCHEMA } = await import('../../state/index.js');
  const relations = await warehouse.relations(STATE_SCHEMA);
  if (!relations.some((r) => r.name === 'runs')) return undefined;
  return new SqlStateStore(warehouse, warehouse.dialect);
}
