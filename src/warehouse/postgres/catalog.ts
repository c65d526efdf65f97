/**
 * Queries on PostgreSQL's catalog behind `relations()` and `columns()`. Only user
 * schemas count: not pg_catalog, information_schema, TOAST or temporary schemas.
 */
import { canonicalSpelling, literal } from './dialect.js';

const userSchema = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

export function relationsSql(schema?: string): string {
  return `SELECT n.nspname AS "schema", c.relname AS "name", CASE WHEN c.relkind IN ('v', 'm') THEN 'view' ELSE 'table' END AS "kind"
FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm') AND ${userSchema}${schema === undefined ? '' : ` AND n.nspname = ${literal(schema)}`}
ORDER BY 1, 2`;
}

/** Types as `Dialect.canonicalTypes()` spells them (format_type's spelling, varchar as text). */
export function columnsSql(schema: string, name: string): string {
  return `SELECT a.attname AS "name", ${canonicalSpelling('format_type(a.atttypid, a.atttypmod)')} AS "type", NOT a.attnotnull AS "nullable"
FROM pg_attribute AS a JOIN pg_class AS c ON c.oid = a.attrelid JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = ${literal(schema)} AND c.relname = ${literal(name)} AND c.relkind IN ('r', 'p', 'f', 'v', 'm')
  AND a.attnum > 0 AND NOT a.attisdropped AND ${userSchema}
ORDER BY a.attnum`;
}
