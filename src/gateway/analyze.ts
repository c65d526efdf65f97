/**
 * What a consumer's query touches, read from DuckDB's own parse tree
 * (json_serialize_sql), never from the text: every relation, every table function,
 * every function call. Pure: it walks the JSON and changes nothing but the names
 * that `rename` is asked to change.
 */

/** A relation named in FROM/JOIN, as written (lower-cased: DuckDB identifiers are case-insensitive). */
export interface NamedRelation {
  readonly catalog: string;
  readonly schema: string;
  readonly name: string;
  /** The tree node, so that the rewrite can rename it in place. */
  readonly node: Record<string, unknown>;
}

export interface QueryShape {
  readonly relations: readonly NamedRelation[];
  /** CTE names the query reads (lower-case). */
  readonly ctes: ReadonlySet<string>;
  /** Why the query is not one a consumer may run; the first reason found. */
  readonly refusal?: string;
}

/** Table functions that read nothing but their arguments. Everything else is refused. */
const PURE_TABLE_FUNCTIONS = new Set(['range', 'generate_series', 'unnest']);

/** Table-reference node types a consumer query may hold. SHOW_REF (DESCRIBE, SUMMARIZE, SHOW) and the rest are refused. */
const ALLOWED_REFS = new Set(['BASE_TABLE', 'JOIN', 'SUBQUERY', 'EMPTY', 'EXPRESSION_LIST', 'TABLE_FUNCTION', 'PIVOT']);

/**
 * Scalar functions that reach outside the query's rows: settings, the environment, files,
 * other SQL run from a string (PostgreSQL's query_to_xml, dblink), large objects,
 * the catalog, other relations, sequences. Matched on the lower-cased name.
 */
const REFUSED_FUNCTION = /^(current_setting|getenv|setseed|nextval|currval|query|query_table|read_.*|glob|sniff_csv|parquet_.*|duckdb_.*|pragma_.*|pg_.*|has_.*_privilege|sql_auto_complete|which_secret|enable_.*|disable_.*|icu_.*|current_catalog|current_database|current_schemas?|col_description|obj_description|shobj_description|format_pg_type|format_type|version|txid_current|checkpoint|force_checkpoint|export_.*|import_.*|install_.*|load_.*|json_serialize_sql|json_deserialize_sql|json_execute_serialized_sql|test_.*|stats|typeof|make_.*_secret|.*_scan|.*_to_xml.*|.*_to_xmlschema|xpath.*|xml.*|dblink.*|lo_.*|set_config|inet_.*|txid_.*|to_regclass|to_regproc.*|to_regtype|to_regrole|to_regnamespace)$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lower(value: unknown): string {
  return typeof value === 'string' ? value.toLowerCase() : '';
}

/** Reads the one statement of a json_serialize_sql result; a refusal when it is anything else. */
export function shapeOf(serialized: unknown): QueryShape {
  const relations: NamedRelation[] = [];
  const ctes = new Set<string>();
  if (!isObject(serialized) || serialized.error === true) return { relations, ctes, refusal: 'not a single SELECT' };
  const statements = serialized.statements;
  if (!Array.isArray(statements) || statements.length !== 1) return { relations, ctes, refusal: statements === undefined || (Array.isArray(statements) && statements.length === 0) ? 'empty' : 'more than one statement' };
  let refusal: string | undefined;
  const refuse = (why: string): void => {
    refusal ??= why;
  };
  // CTE names are scoped: a bare name is a CTE only where one of that name is visible, else it
  // would resolve in the catalog (pg_catalog's views are on DuckDB's search path).
  const visit = (node: unknown, scope: ReadonlySet<string>): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, scope);
      return;
    }
    if (!isObject(node)) return;
    const type = node.type;
    // A table reference: it has a sample and a location beside its type.
    if (typeof type === 'string' && 'sample' in node && 'query_location' in node && 'alias' in node) {
      if (!ALLOWED_REFS.has(type)) refuse(`a ${type} relation`);
      if (node.sample !== null && node.sample !== undefined) refuse('TABLESAMPLE');
      if (type === 'BASE_TABLE') {
        if (node.at_clause !== null && node.at_clause !== undefined) refuse('AT (time travel)');
        const relation = { catalog: lower(node.catalog_name), schema: lower(node.schema_name), name: lower(node.table_name), node };
        if (relation.catalog === '' && relation.schema === '' && scope.has(relation.name)) ctes.add(relation.name);
        else relations.push(relation);
      }
      if (type === 'TABLE_FUNCTION') {
        const fn = node.function;
        const name = isObject(fn) ? lower(fn.function_name) : '';
        if (!PURE_TABLE_FUNCTIONS.has(name) || (isObject(fn) && (lower(fn.schema) !== '' || lower(fn.catalog) !== ''))) refuse(`the table function ${name}`);
      }
    }
    if (node.class === 'FUNCTION' && typeof node.function_name === 'string') {
      const name = lower(node.function_name);
      // The parser itself qualifies some built-ins (`[1, 2]` is main.list_value); any other qualification is refused.
      if (REFUSED_FUNCTION.test(name) || !['', 'main'].includes(lower(node.schema)) || !['', 'system'].includes(lower(node.catalog))) refuse(`the function ${name}`);
    }
    let inner = scope;
    const cteMap = node.cte_map;
    if (isObject(cteMap) && Array.isArray(cteMap.map)) {
      const names: string[] = [];
      for (const entry of cteMap.map) {
        if (!isObject(entry) || typeof entry.key !== 'string') continue;
        names.push(entry.key.toLowerCase());
        // A CTE sees the ones before it and itself (recursive), not the ones after.
        visit(entry.value, new Set([...scope, ...names]));
      }
      inner = new Set([...scope, ...names]);
    }
    for (const [key, value] of Object.entries(node)) if (key !== 'cte_map' && typeof value === 'object') visit(value, inner);
  };
  visit(statements[0], new Set());
  return { relations, ctes, ...(refusal === undefined ? {} : { refusal }) };
}

/**
 * Points a relation of the tree at another schema and name (the rewrite), qualified
 * with the warehouse's catalog so that a schema named like a catalog cannot resolve
 * elsewhere.
 */
export function rename(relation: NamedRelation, catalog: string, schema: string, name: string): void {
  relation.node.catalog_name = catalog;
  relation.node.schema_name = schema;
  relation.node.table_name = name;
}
