import { openDuckDB } from './duckdb/adapter.js';
import type { Warehouse, WarehouseConfig } from './warehouse.js';

/** Opens the warehouse a mesh is configured with. */
export async function openWarehouse(config: WarehouseConfig): Promise<Warehouse> {
  // DuckDB is the only engine so far; the next one adds a branch on `config.type`.
  return openDuckDB(config);
}
