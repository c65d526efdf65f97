import { openDuckDB } from './duckdb/adapter.js';
import { openPostgres } from './postgres/adapter.js';
import type { Warehouse, WarehouseConfig } from './warehouse.js';

/** Opens the warehouse a mesh is configured with. */
export async function openWarehouse(config: WarehouseConfig): Promise<Warehouse> {
  return config.type === 'postgres' ? openPostgres(config) : openDuckDB(config);
}
