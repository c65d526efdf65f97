export { buildDatabaseSource } from './build.js';
export { INGESTION_DIALECTS, mysqlLogicalType, postgresLogicalType, warehouseType, type LogicalType } from './type-map.js';
