import { openDuckDB } from './duckdb/adapter.js';
import type { Warehouse, WarehouseConfig } from './warehouse.js';

/** Opens the warehouse a mesh is configured with. */
export async function openWarehouse(config: WarehouseConfig): Promise<Warehouse> {
  if (config.type === 'postgres') throw new Error('The PostgreSQL adapter is being built (issue 15).');
  return openDuckDB(config);
}
