/**
 * Queries on DuckDB's catalog. They name the database the warehouse opened, because the
 * catalog functions also list the `system` and `temp` catalogs and any attached database.
 */
import { literal } from './dialect.js';

export function relationsSql(database: string, schema?: string): string {
  const where = `database_name = ${literal(database)} AND NOT internal AND NOT temporary${schema === undefined ? '' : ` AND schema_name = ${literal(schema)}`}`;
  return `SELECT schema_name AS "schema", table_name AS "name", 'table' AS "kind" FROM duckdb_tables() WHERE ${where}
UNION ALL
SELECT schema_name, view_name, 'view' FROM duckdb_views() WHERE ${where}
ORDER BY 1, 2`;
}

export function columnsSql(database: string, schema: string, name: string): string {
  return `SELECT column_name AS "name", data_type AS "type", is_nullable AS "nullable" FROM duckdb_columns()
WHERE database_name = ${literal(database)} AND schema_name = ${literal(schema)} AND table_name = ${literal(name)} AND NOT internal
ORDER BY column_index`;
}
