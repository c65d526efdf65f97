/**
 * PL/pgSQL text that replaces a relation others depend on. PostgreSQL has no
 * `CREATE OR REPLACE TABLE`, and `CREATE OR REPLACE VIEW` cannot drop or retype
 * columns; dropping the old relation would drop every view over it (a port's masked
 * view, a consumer's own view). So the views that depend on it, directly or through
 * other views, are written down (definition, options, owner, grants, comment), the
 * relation is dropped and made again, and they are recreated in dependency order,
 * all inside the statement's transaction. The relation's own owner, grants and
 * comment are kept too. Pure: writes text, runs nothing.
 */
import { stringLiteral } from '../sql-text.js';

/**
 * Statements (rows of `sql_text`, to run in order of `depth` then `step`) that
 * recreate what `target` (a regclass variable) carries and what depends on it.
 */
function restoreQuery(target: string): string {
  const name = 'c.oid::regclass';
  const kind = "CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END";
  return `WITH RECURSIVE dependents(oid, depth) AS (
      SELECT ${target}::oid, 0
      UNION
      SELECT r.ev_class, dependents.depth + 1 FROM dependents
      JOIN pg_depend d ON d.refobjid = dependents.oid AND d.refclassid = 'pg_class'::regclass AND d.classid = 'pg_rewrite'::regclass
      JOIN pg_rewrite r ON r.oid = d.objid
      WHERE r.ev_class <> dependents.oid
    ), ordered AS (SELECT oid, max(depth) AS depth FROM dependents GROUP BY oid)
    SELECT depth, step, sql_text FROM (
      SELECT o.depth, 0 AS step, format('CREATE %s %s%s AS %s', ${kind}, ${name},
          CASE WHEN c.reloptions IS NULL THEN '' ELSE format(' WITH (%s)', array_to_string(c.reloptions, ', ')) END,
          rtrim(pg_get_viewdef(c.oid), ';')) AS sql_text
        FROM ordered o JOIN pg_class c ON c.oid = o.oid WHERE o.depth > 0 AND c.relkind IN ('v', 'm')
      UNION ALL
      SELECT o.depth, 1, format('ALTER %s %s OWNER TO %I', ${kind}, ${name}, pg_get_userbyid(c.relowner))
        FROM ordered o JOIN pg_class c ON c.oid = o.oid WHERE c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)
      UNION ALL
      SELECT o.depth, 2, format('GRANT %s ON %s TO %s%s', a.privilege_type, ${name},
          CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
          CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
        FROM ordered o JOIN pg_class c ON c.oid = o.oid, aclexplode(c.relacl) a WHERE a.grantee <> c.relowner
      UNION ALL
      SELECT o.depth, 3, format('COMMENT ON %s %s IS %L', ${kind}, ${name}, d.description)
        FROM ordered o JOIN pg_class c ON c.oid = o.oid
        JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
    ) AS s`;
}

/** `body` between dollar quotes whose tag it does not contain. */
function dollarQuoted(body: string): string {
  let tag = '$tessera$';
  for (let n = 1; body.includes(tag); n++) tag = `$tessera${n}$`;
  return `${tag}\n${body}\n${tag}`;
}

// Prefixed names: a PL/pgSQL variable must not share a name with a column it queries.
const declarations = `tessera_target regclass;
  tessera_restore text[] := '{}';
  tessera_statement text;`;

/**
 * PL/pgSQL steps: when `qualified` exists, note what must be restored and run `drop`;
 * then run `create` and restore. `drop` and `create` are PL/pgSQL statements.
 */
function replaceSteps(qualified: string, drop: string, create: string): string {
  return `tessera_target := to_regclass(${stringLiteral(qualified)});
  IF tessera_target IS NOT NULL THEN
    SELECT coalesce(array_agg(q.sql_text ORDER BY q.depth, q.step), '{}') INTO tessera_restore FROM (${restoreQuery('tessera_target')}) AS q;
    ${drop}
  END IF;
  ${create}
  FOREACH tessera_statement IN ARRAY tessera_restore LOOP
    EXECUTE tessera_statement;
  END LOOP;`;
}

/**
 * Moves the freshly built `next` (same schema) into the place of `qualified`,
 * keeping the views over the old table.
 */
export function swapTable(qualified: string, next: string, name: string): string {
  const steps = replaceSteps(qualified, `DROP TABLE ${qualified} CASCADE;`, `ALTER TABLE ${next} RENAME TO ${name};`);
  return `DO ${dollarQuoted(`DECLARE\n  ${declarations}\nBEGIN\n  ${steps}\nEND`)}`;
}

/**
 * `CREATE OR REPLACE VIEW`, falling back to drop and create (keeping dependent views,
 * grants and comments) when the new view drops, renames or retypes a column.
 */
export function replaceView(qualified: string, definition: string): string {
  const steps = replaceSteps(qualified, `DROP VIEW ${qualified} CASCADE;`, `CREATE VIEW ${qualified} ${definition};`);
  return `DO ${dollarQuoted(`DECLARE
  ${declarations}
BEGIN
  CREATE OR REPLACE VIEW ${qualified} ${definition};
EXCEPTION WHEN invalid_table_definition THEN
  ${steps}
END`)}`;
}
