export {
  WarehouseError,
  canStream,
  type StreamedResult,
  type StreamingSession,
  type ColumnInfo,
  type Dialect,
  type DuckDBWarehouseConfig,
  type JsonValue,
  type LoadColumn,
  type PostgresWarehouseConfig,
  type RelationInfo,
  type Row,
  type Session,
  type Warehouse,
  type WarehouseConfig,
  type WarehouseErrorCode,
} from './warehouse.js';
export { openWarehouse } from './open.js';
export { duckdbDialect } from './duckdb/dialect.js';
export { postgresDialect } from './postgres/dialect.js';
