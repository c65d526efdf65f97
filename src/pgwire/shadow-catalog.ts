/**
 * The shadow catalog: PostgreSQL's `pg_catalog` and `information_schema`, as psql and BI
 * tools read them, built from the relations one caller may see and nothing else.
 *
 * One in-memory DuckDB instance per catalog holds
 * - the caller's schemas with EMPTY tables and views of the given columns and types;
 * - `tessera_pg`: tables shaped like PostgreSQL's catalogs (pg_class, pg_namespace,
 *   pg_attribute, pg_type, pg_description, pg_database, pg_roles, … some empty), filled
 *   from the given relations with PostgreSQL's type OIDs;
 * - `tessera_is`: information_schema's tables, columns, schemata, views;
 * - macros for the PostgreSQL functions that clients call (format_type,
 *   pg_get_userbyid, obj_description, pg_table_is_visible, version, …).
 * Then it is locked (`enable_external_access=false`, `lock_configuration=true`).
 *
 * A catalog query's text is rewritten before it runs: `pg_catalog.X` and bare `pg_X`
 * relations → `tessera_pg.X`, `information_schema.X` → `tessera_is.X`,
 * `OPERATOR(pg_catalog.~)` → `~` (and regex operators get PostgreSQL's partial-match
 * meaning), `COLLATE …` dropped, `pg_catalog.` dropped before functions and types.
 * DuckDB's own pg_catalog emulation is never read: its OIDs are DuckDB's and it lists
 * engine views.
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { PgQueryError, serverVersion, type PgColumn, type PgResult } from './server.js';
import { codeTokens, tokenize, type Token } from './sql-text.js';
import { codecFor, pgTypes } from './types.js';

export interface ShadowColumn {
  readonly name: string;
  /** Engine type spelling (DuckDB's), e.g. BIGINT, DECIMAL(12,2), VARCHAR[]. */
  readonly type: string;
  readonly nullable: boolean;
  readonly description?: string;
}

export interface ShadowRelation {
  readonly schema: string;
  readonly name: string;
  readonly kind: 'view' | 'table';
  readonly description?: string;
  readonly columns: readonly ShadowColumn[];
}

export interface ShadowCatalogOptions {
  /** The database name clients connected to (pg_database, current_database()); default `mesh`. */
  readonly database?: string;
  /** The caller's name (current_user, pg_roles); default `tessera`. */
  readonly user?: string;
}

const shadowPg = 'tessera_pg';
const shadowIs = 'tessera_is';
const owner = 'tessera';

/** Functions that make a relation-less SELECT a catalog query. */
const catalogFunctions = new Set([
  'version',
  'current_database',
  'current_schema',
  'current_schemas',
  'current_setting',
  'current_catalog',
  'current_user',
  'session_user',
  'format_type',
  'obj_description',
  'col_description',
  'shobj_description',
  'has_table_privilege',
  'has_schema_privilege',
  'has_database_privilege',
  'has_column_privilege',
  'has_any_column_privilege',
  'quote_ident',
  'array_to_string',
]);

/** Table functions allowed in the FROM clause of a catalog query. */
const catalogTableFunctions = new Set(['unnest', 'generate_series', 'generate_subscripts']);

/** The PostgreSQL spelling of each type, for format_type and information_schema. */
const typeNames: Readonly<Record<number, string>> = {
  16: 'boolean',
  17: 'bytea',
  20: 'bigint',
  21: 'smallint',
  23: 'integer',
  25: 'text',
  114: 'json',
  700: 'real',
  701: 'double precision',
  1043: 'character varying',
  1082: 'date',
  1083: 'time without time zone',
  1114: 'timestamp without time zone',
  1184: 'timestamp with time zone',
  1186: 'interval',
  1266: 'time with time zone',
  1700: 'numeric',
  2950: 'uuid',
  1000: 'boolean[]',
  1001: 'bytea[]',
  1005: 'smallint[]',
  1007: 'integer[]',
  1009: 'text[]',
  1015: 'character varying[]',
  1016: 'bigint[]',
  1021: 'real[]',
  1022: 'double precision[]',
  1115: 'timestamp without time zone[]',
  1182: 'date[]',
  1183: 'time without time zone[]',
  1185: 'timestamp with time zone[]',
  1187: 'interval[]',
  1231: 'numeric[]',
  2951: 'uuid[]',
  199: 'json[]',
};

const namespaceOids = { pg_catalog: 11, public: 2200, information_schema: 13_000 } as const;
const relationOidBase = 16_384;
const pgClassOid = 1259;
const heapAm = 2;

interface Table {
  readonly name: string;
  readonly columns: string;
  readonly rows: readonly (readonly unknown[])[];
}

/** Answers catalog queries from the relations one caller may see. */
export class ShadowCatalog {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly relationNames: ReadonlySet<string>,
    private readonly user: string,
  ) {}

  /**
   * Builds the catalog: one in-memory DuckDB instance (a few MB; about 1 KB more per
   * column), reused by every query. Call `close()` when the caller's session ends.
   */
  static async create(relations: readonly ShadowRelation[], options: ShadowCatalogOptions = {}): Promise<ShadowCatalog> {
    const instance = await DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      threads: '1',
      memory_limit: '64MB',
    });
    const connection = await instance.connect();
    try {
      const statements = buildStatements(relations, options);
      for (let i = 0; i < statements.length; i += 200) await connection.run(statements.slice(i, i + 200).join(';\n'));
      const { pg, is } = buildTables(relations, options);
      for (const [schema, tables] of [
        [shadowPg, pg],
        [shadowIs, is],
      ] as const) {
        for (const entry of tables) await appendRows(connection, schema, entry);
      }
      await connection.run('SET enable_external_access = false');
      await connection.run('SET lock_configuration = true');
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      throw error;
    }
    connection.closeSync();
    return new ShadowCatalog(instance, new Set(relations.map((relation) => `${relation.schema}.${relation.name}`.toLowerCase())), options.user ?? owner);
  }

  /**
   * True when the statement is a SELECT that reads only `pg_catalog.*`,
   * `information_schema.*` or `pg_*` relations, or reads no relation and calls a
   * catalog function (version(), current_schema(), format_type() …).
   */
  isCatalogQuery(sql: string): boolean {
    return classify(sql, this.relationNames);
  }

  /** Runs a catalog query in the shadow catalog; `params` are text values for `$n`. */
  async query(sql: string, params: readonly (string | null)[] = [], signal?: AbortSignal): Promise<PgResult> {
    if (!this.isCatalogQuery(sql)) throw new PgQueryError('42501', 'not a catalog query');
    const rewritten = rewriteCatalogSql(sql, this.user);
    const connection = await this.instance.connect();
    const onAbort = (): void => {
      connection.interrupt();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      let reader;
      if (params.length > 0) {
        const prepared = await connection.prepare(rewritten);
        bindText(prepared, params);
        reader = await prepared.runAndReadAll();
      } else {
        reader = await connection.runAndReadAll(rewritten);
      }
      const names = reader.columnNames();
      const types = reader.columnTypes();
      const columns: PgColumn[] = names.map((name, i) => ({ name, type: types[i]?.toString() ?? 'VARCHAR' }));
      return { columns, rows: reader.getRowsJson() };
    } catch (error) {
      if (signal?.aborted) throw new PgQueryError('57014', 'canceling statement due to user request');
      const message = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
      throw new PgQueryError('42000', `catalog query failed: ${message}`);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      connection.closeSync();
    }
  }

  /** Columns of a catalog query without its rows (runs it with LIMIT 0 semantics). */
  async describe(sql: string, params: readonly (string | null)[] = []): Promise<readonly PgColumn[]> {
    const result = await this.query(`SELECT * FROM (${stripSemicolon(sql)}) AS described LIMIT 0`, params);
    return result.columns;
  }

  close(): void {
    this.instance.closeSync();
  }
}

function stripSemicolon(sql: string): string {
  return sql.replace(/;\s*$/, '');
}

function bindText(prepared: DuckDBPreparedStatement, params: readonly (string | null)[]): void {
  params.forEach((value, i) => {
    if (value === null) prepared.bindNull(i + 1);
    else prepared.bindVarchar(i + 1, value);
  });
}

// ---- classification ----

const relationKeywords = new Set(['from', 'join']);
const clauseEnd = new Set(['where', 'group', 'order', 'limit', 'having', 'union', 'except', 'intersect', 'on', 'using', 'window', 'offset', 'fetch', 'for', 'qualify', 'natural', 'inner', 'left', 'right', 'full', 'cross', 'join', 'lateral']);

function wordOf(token: Token | undefined): string | undefined {
  if (!token) return undefined;
  if (token.kind === 'word') return token.value;
  if (token.kind === 'ident') return token.value.toLowerCase();
  return undefined;
}

function classify(sql: string, given: ReadonlySet<string>): boolean {
  const tokens = codeTokens(sql);
  const first = wordOf(tokens[0]);
  if (first !== 'select' && first !== 'with' && tokens[0]?.text !== '(') return false;
  if (tokens.some((token) => token.text === ';')) return false;
  const ctes = new Set<string>();
  for (let i = 0; i + 2 < tokens.length; i++) {
    const name = wordOf(tokens[i]);
    if (name !== undefined && wordOf(tokens[i + 1]) === 'as' && tokens[i + 2]?.text === '(') ctes.add(name);
    if (name !== undefined && tokens[i + 1]?.text === '(' && (first === 'with' || wordOf(tokens[i - 1]) === 'with' || tokens[i - 1]?.text === ',')) {
      // name (cols) AS (
      let depth = 0;
      let j = i + 1;
      for (; j < tokens.length; j++) {
        if (tokens[j]?.text === '(') depth++;
        else if (tokens[j]?.text === ')' && --depth === 0) break;
      }
      if (wordOf(tokens[j + 1]) === 'as') ctes.add(name);
    }
  }
  let relations = 0;
  let catalogRelations = 0;
  let catalogCalls = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const word = wordOf(token);
    if (token?.kind === 'word' && (word === 'current_user' || word === 'session_user' || word === 'current_catalog')) catalogCalls++;
    if (word !== undefined && tokens[i + 1]?.text === '(' && (catalogFunctions.has(word) || word.startsWith('pg_'))) catalogCalls++;
    if (token?.kind !== 'word' || !relationKeywords.has(token.value)) continue;
    // FROM a [AS x], b, c  |  JOIN a
    let j = i + 1;
    while (j < tokens.length) {
      if (wordOf(tokens[j]) === 'lateral' || wordOf(tokens[j]) === 'only') j++;
      if (tokens[j]?.text === '(') break; // subquery: its own FROMs are seen in turn
      const parts: string[] = [];
      while (j < tokens.length) {
        const part = wordOf(tokens[j]);
        if (part === undefined) break;
        parts.push(part);
        if (tokens[j + 1]?.text !== '.') break;
        j += 2;
      }
      if (parts.length === 0) return false; // FROM something unexpected
      j++;
      relations++;
      const last = parts[parts.length - 1] ?? '';
      const schema = parts.length >= 2 ? parts[parts.length - 2] : undefined;
      if (tokens[j]?.text === '(') {
        // table function
        if (!(catalogTableFunctions.has(last) || last.startsWith('pg_')) || (schema !== undefined && schema !== 'pg_catalog')) return false;
        catalogRelations++;
      } else if (schema === 'pg_catalog' || schema === 'information_schema') {
        catalogRelations++;
      } else if (schema === undefined && (last.startsWith('pg_') || ctes.has(last))) {
        if (last.startsWith('pg_')) catalogRelations++;
        else relations--;
      } else {
        return false;
      }
      if (given.has(`${schema ?? ''}.${last}`)) return false;
      // skip alias / column aliases up to a comma at this level or the clause's end
      let depth = 0;
      for (; j < tokens.length; j++) {
        const text = tokens[j]?.text;
        if (text === '(') depth++;
        else if (text === ')') {
          if (depth === 0) break;
          depth--;
        } else if (depth === 0 && (text === ',' || clauseEnd.has(wordOf(tokens[j]) ?? '') || (tokens[j]?.kind === 'word' && relationKeywords.has(tokens[j]?.value ?? '')))) break;
      }
      if (tokens[j]?.text === ',' && token.value === 'from') {
        j++;
        continue;
      }
      break;
    }
  }
  return catalogRelations > 0 ? catalogRelations === relations : relations === 0 && catalogCalls > 0;
}

// ---- rewriting ----

const shadowPgTables = new Set<string>();
const shadowIsTables = new Set<string>();
const typeAliases = ['name', 'regclass', 'regtype', 'regproc', 'regprocedure', 'regnamespace', 'regrole', 'regoper', 'xid', 'cid', 'tid', 'int2vector', 'oidvector', 'aclitem', 'pg_node_tree', 'char'];

/** Rewrites a PostgreSQL catalog query into SQL that runs on the shadow catalog. */
export function rewriteCatalogSql(sql: string, user = owner): string {
  const all = tokenize(sql);
  const out: string[] = [];
  const code = all.map((token, index) => ({ token, index })).filter(({ token }) => token.kind !== 'space' && token.kind !== 'comment');
  const nextCode = new Map<number, number>();
  code.forEach(({ index }, k) => nextCode.set(index, code[k + 1]?.index ?? -1));
  const at = (index: number): Token | undefined => (index >= 0 ? all[index] : undefined);
  const after = (index: number, steps = 1): number => {
    let current = index;
    for (let s = 0; s < steps && current >= 0; s++) current = nextCode.get(current) ?? -1;
    return current;
  };
  let previousCode: Token | undefined;
  for (let i = 0; i < all.length; i++) {
    const token = all[i] as Token;
    const word = wordOf(token);
    const n1 = after(i);
    const n2 = after(i, 2);
    const n3 = after(i, 3);
    const n4 = after(i, 4);
    // OPERATOR(pg_catalog.~) → ~
    if (word === 'operator' && token.kind === 'word' && at(n1)?.text === '(' && wordOf(at(n2)) === 'pg_catalog' && at(n3)?.text === '.' && at(after(i, 5))?.text === ')') {
      const op = at(n4)?.text ?? '';
      const close = after(i, 5);
      const operand = at(after(close));
      if (regexOperators.has(op) && operand?.kind === 'string') {
        out.push(regexComparison(op, operand.value));
        previousCode = operand;
        i = after(close);
        continue;
      }
      out.push(` ${op} `);
      i = close;
      previousCode = { kind: 'op', text: op, start: 0, end: 0, value: op };
      continue;
    }
    // COLLATE name[.name] → (nothing)
    if (word === 'collate' && token.kind === 'word') {
      let j = n1;
      while (at(after(j))?.text === '.') j = after(j, 2);
      i = j;
      continue;
    }
    // pg_catalog.X / information_schema.X
    if ((word === 'pg_catalog' || word === 'information_schema') && at(n1)?.text === '.' && at(n2) && wordOf(at(n2)) !== undefined) {
      const name = wordOf(at(n2)) ?? '';
      const isCall = at(n3)?.text === '(';
      const isType = previousCode?.text === '::';
      if (word === 'pg_catalog' && (isCall || isType)) {
        out.push(isType && typeAliases.includes(name) ? aliasType(name) : (at(n2)?.text ?? name));
      } else if (word === 'pg_catalog') {
        out.push(`${shadowPg}.${shadowPgTables.has(name) ? name : `"${name}"`}`);
      } else {
        out.push(`${shadowIs}.${shadowIsTables.has(name) ? name : `"${name}"`}`);
      }
      previousCode = at(n2);
      i = n2;
      continue;
    }
    // bare pg_X relation
    if (token.kind === 'word' && word !== undefined && shadowPgTables.has(word) && previousCode?.text !== '.' && at(n1)?.text !== '(' && at(n1)?.text !== '.') {
      out.push(`${shadowPg}.${word}`);
      previousCode = token;
      continue;
    }
    // current_user, session_user: the caller
    if (token.kind === 'word' && (word === 'current_user' || word === 'session_user') && previousCode?.text !== '.' && at(n1)?.text !== '(') {
      out.push(sqlString(user));
      previousCode = token;
      continue;
    }
    // ::name, ::regclass … → the aliases defined in main
    if (previousCode?.text === '::' && token.kind === 'word' && word !== undefined && typeAliases.includes(word)) {
      out.push(aliasType(word));
      previousCode = token;
      continue;
    }
    // PostgreSQL regex operators match anywhere; DuckDB's ~ matches the whole string.
    if (token.kind === 'op' && regexOperators.has(token.text) && at(n1)?.kind === 'string') {
      out.push(regexComparison(token.text, at(n1)?.value ?? ''));
      previousCode = at(n1);
      i = n1;
      continue;
    }
    out.push(token.text);
    if (token.kind !== 'space' && token.kind !== 'comment') previousCode = token;
  }
  return aliasSetReturningFunctions(out.join(''));
}

/**
 * `FROM generate_series(…) s` names the column `s` in PostgreSQL; DuckDB names only the
 * table. Adds the column alias: `generate_series(…) s(s)`.
 */
function aliasSetReturningFunctions(sql: string): string {
  const tokens = tokenize(sql);
  const code = tokens.filter((token) => token.kind !== 'space' && token.kind !== 'comment');
  const inserts: { at: number; text: string }[] = [];
  for (let i = 0; i < code.length; i++) {
    const word = wordOf(code[i]);
    if (word === undefined || !catalogTableFunctions.has(word) || code[i + 1]?.text !== '(') continue;
    const before = wordOf(code[i - 1]);
    if (before !== 'from' && before !== 'join' && code[i - 1]?.text !== ',') continue;
    let depth = 0;
    let j = i + 1;
    for (; j < code.length; j++) {
      if (code[j]?.text === '(') depth++;
      else if (code[j]?.text === ')' && --depth === 0) break;
    }
    let k = j + 1;
    if (wordOf(code[k]) === 'as') k++;
    const alias = code[k];
    const aliasWord = wordOf(alias);
    if (!alias || aliasWord === undefined || clauseEnd.has(aliasWord) || code[k + 1]?.text === '(') continue;
    inserts.push({ at: alias.end, text: `(${alias.text})` });
  }
  let result = sql;
  for (const insert of inserts.reverse()) result = result.slice(0, insert.at) + insert.text + result.slice(insert.at);
  return result;
}

const regexOperators = new Set(['~', '!~', '~*', '!~*']);

/** `~ 'p'` in PostgreSQL matches anywhere in the string; DuckDB's `~` must match it all. */
function regexComparison(op: string, pattern: string): string {
  const negate = op.startsWith('!');
  const insensitive = op.endsWith('*');
  return ` ${negate ? '!~' : '~'} ${sqlString(`(?s${insensitive ? 'i' : ''}).*(?:${pattern}).*`)}`;
}

function aliasType(name: string): string {
  return name === 'char' ? 'varchar' : `main.pg_${name}`;
}

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Fills a shadow table through DuckDB's appender (a VALUES list of thousands of rows binds slowly). */
async function appendRows(connection: DuckDBConnection, schema: string, entry: Table): Promise<void> {
  if (entry.rows.length === 0) return;
  const types = entry.columns.split(',').map((column) => column.trim().split(/\s+/)[1] ?? 'VARCHAR');
  const appender = await connection.createAppender(entry.name, schema);
  for (const row of entry.rows) {
    types.forEach((type, i) => {
      const value = row[i];
      if (value === null || value === undefined) appender.appendNull();
      else if (type === 'BIGINT') appender.appendBigInt(BigInt(value as number));
      else if (type === 'INTEGER') appender.appendInteger(value as number);
      else if (type === 'SMALLINT') appender.appendSmallInt(value as number);
      else if (type === 'REAL') appender.appendFloat(value as number);
      else if (type === 'BOOLEAN') appender.appendBoolean(value as boolean);
      else if (type === 'VARCHAR') appender.appendVarchar(typeof value === 'string' ? value : JSON.stringify(value));
      else throw new Error(`shadow catalog: no appender for a non-null ${type} in ${entry.name}`);
    });
    appender.endRow();
  }
  appender.closeSync();
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

// ---- building ----

function table(name: string, columns: string, rows: readonly (readonly unknown[])[] = []): Table {
  return { name, columns, rows };
}

function buildTables(relations: readonly ShadowRelation[], options: ShadowCatalogOptions): { pg: Table[]; is: Table[] } {
  const database = options.database ?? 'mesh';
  const user = options.user ?? owner;
  const schemas = [...new Set(relations.map((relation) => relation.schema))].sort();
  const namespaceOid = new Map<string, number>([
    ['pg_catalog', namespaceOids.pg_catalog],
    ['information_schema', namespaceOids.information_schema],
  ]);
  if (schemas.includes('public')) namespaceOid.set('public', namespaceOids.public);
  let nextOid = relationOidBase;
  for (const schema of schemas) if (!namespaceOid.has(schema)) namespaceOid.set(schema, nextOid++);
  const classRows: unknown[][] = [];
  const attributeRows: unknown[][] = [];
  const descriptionRows: unknown[][] = [];
  const isTables: unknown[][] = [];
  const isColumns: unknown[][] = [];
  const isViews: unknown[][] = [];
  const pgTables: unknown[][] = [];
  const pgViews: unknown[][] = [];
  for (const relation of relations) {
    const oid = nextOid++;
    const kind = relation.kind === 'view' ? 'v' : 'r';
    const nsp = namespaceOid.get(relation.schema) ?? namespaceOids.public;
    // oid, relname, relnamespace, reltype, reloftype, relowner, relam, relfilenode, reltablespace, relpages, reltuples, relallvisible, reltoastrelid,
    // relhasindex, relisshared, relpersistence, relkind, relnatts, relchecks, relhasrules, relhastriggers, relhassubclass, relrowsecurity,
    // relforcerowsecurity, relispopulated, relreplident, relispartition, relrewrite, relfrozenxid, relminmxid, relacl, reloptions, relpartbound
    classRows.push([oid, relation.name, nsp, 0, 0, 10, kind === 'r' ? heapAm : 0, 0, 0, 0, -1, 0, 0, false, false, 'p', kind, relation.columns.length, 0, kind === 'v', false, false, false, false, true, 'd', false, 0, 0, 0, null, null, null]);
    if (relation.description !== undefined) descriptionRows.push([oid, pgClassOid, 0, relation.description]);
    relation.columns.forEach((column, index) => {
      const codec = codecFor(column.type);
      const typmod = typeModifier(column.type);
      // attrelid, attname, atttypid, attstattarget, attlen, attnum, attndims, attcacheoff, atttypmod, attbyval, attalign, attstorage, attcompression,
      // attnotnull, atthasdef, atthasmissing, attidentity, attgenerated, attisdropped, attislocal, attinhcount, attcollation, attacl, attoptions, attfdwoptions, attmissingval
      attributeRows.push([oid, column.name, codec.type.oid, -1, codec.type.size, index + 1, codec.type.name.startsWith('_') ? 1 : 0, -1, typmod, codec.type.size > 0 && codec.type.size <= 8, 'i', codec.type.size > 0 ? 'p' : 'x', '', !column.nullable, false, false, '', '', false, true, 0, 0, null, null, null, null]);
      if (column.description !== undefined) descriptionRows.push([oid, pgClassOid, index + 1, column.description]);
      const dataType = typeNames[codec.type.oid] ?? 'text';
      const precision = /^\s*(?:DECIMAL|NUMERIC)\s*\(\s*(\d+)\s*(?:,\s*(\d+))?/i.exec(column.type);
      isColumns.push([database, relation.schema, relation.name, column.name, index + 1, null, column.nullable ? 'YES' : 'NO', dataType.endsWith('[]') ? 'ARRAY' : dataType, null, null, precision ? Number(precision[1]) : null, precision ? 10 : null, precision ? Number(precision[2] ?? 0) : null, null, database, 'pg_catalog', codec.type.name, 'NO', 'NO', column.description ?? null]);
    });
    isTables.push([database, relation.schema, relation.name, relation.kind === 'view' ? 'VIEW' : 'BASE TABLE', null, null, null, null, null, 'NO', 'NO', null]);
    if (relation.kind === 'view') {
      isViews.push([database, relation.schema, relation.name, null, 'NONE', 'NO', 'NO', 'NO', 'NO', 'NO']);
      pgViews.push([relation.schema, relation.name, owner, null]);
    } else {
      pgTables.push([relation.schema, relation.name, owner, null, false, false, false, false]);
    }
  }
  const namespaceRows = [...namespaceOid.entries()].map(([name, oid]) => [oid, name, 10, null]);
  const typeRows = Object.values(pgTypes).map((type) => typeRow(type.oid, type.name, type.size));
  for (const [oid, name] of Object.entries(typeNames)) {
    if (name.endsWith('[]')) typeRows.push(typeRow(Number(oid), `_${pgTypeName(Number(oid))}`, -1));
  }
  const pg: Table[] = [
    table('pg_namespace', 'oid BIGINT, nspname VARCHAR, nspowner BIGINT, nspacl VARCHAR[]', namespaceRows),
    table(
      'pg_class',
      'oid BIGINT, relname VARCHAR, relnamespace BIGINT, reltype BIGINT, reloftype BIGINT, relowner BIGINT, relam BIGINT, relfilenode BIGINT, reltablespace BIGINT, relpages INTEGER, reltuples REAL, relallvisible INTEGER, reltoastrelid BIGINT, relhasindex BOOLEAN, relisshared BOOLEAN, relpersistence VARCHAR, relkind VARCHAR, relnatts SMALLINT, relchecks SMALLINT, relhasrules BOOLEAN, relhastriggers BOOLEAN, relhassubclass BOOLEAN, relrowsecurity BOOLEAN, relforcerowsecurity BOOLEAN, relispopulated BOOLEAN, relreplident VARCHAR, relispartition BOOLEAN, relrewrite BIGINT, relfrozenxid BIGINT, relminmxid BIGINT, relacl VARCHAR[], reloptions VARCHAR[], relpartbound VARCHAR',
      classRows,
    ),
    table(
      'pg_attribute',
      'attrelid BIGINT, attname VARCHAR, atttypid BIGINT, attstattarget INTEGER, attlen SMALLINT, attnum SMALLINT, attndims INTEGER, attcacheoff INTEGER, atttypmod INTEGER, attbyval BOOLEAN, attalign VARCHAR, attstorage VARCHAR, attcompression VARCHAR, attnotnull BOOLEAN, atthasdef BOOLEAN, atthasmissing BOOLEAN, attidentity VARCHAR, attgenerated VARCHAR, attisdropped BOOLEAN, attislocal BOOLEAN, attinhcount INTEGER, attcollation BIGINT, attacl VARCHAR[], attoptions VARCHAR[], attfdwoptions VARCHAR[], attmissingval VARCHAR',
      attributeRows,
    ),
    table(
      'pg_type',
      'oid BIGINT, typname VARCHAR, typnamespace BIGINT, typowner BIGINT, typlen SMALLINT, typbyval BOOLEAN, typtype VARCHAR, typcategory VARCHAR, typispreferred BOOLEAN, typisdefined BOOLEAN, typdelim VARCHAR, typrelid BIGINT, typelem BIGINT, typarray BIGINT, typinput VARCHAR, typoutput VARCHAR, typreceive VARCHAR, typsend VARCHAR, typmodin VARCHAR, typmodout VARCHAR, typanalyze VARCHAR, typalign VARCHAR, typstorage VARCHAR, typnotnull BOOLEAN, typbasetype BIGINT, typtypmod INTEGER, typndims INTEGER, typcollation BIGINT, typdefaultbin VARCHAR, typdefault VARCHAR, typacl VARCHAR[]',
      typeRows,
    ),
    table('pg_description', 'objoid BIGINT, classoid BIGINT, objsubid INTEGER, description VARCHAR', descriptionRows),
    table('pg_shdescription', 'objoid BIGINT, classoid BIGINT, description VARCHAR'),
    table(
      'pg_database',
      'oid BIGINT, datname VARCHAR, datdba BIGINT, encoding INTEGER, datlocprovider VARCHAR, datistemplate BOOLEAN, datallowconn BOOLEAN, datconnlimit INTEGER, datfrozenxid BIGINT, datminmxid BIGINT, dattablespace BIGINT, datcollate VARCHAR, datctype VARCHAR, daticulocale VARCHAR, datcollversion VARCHAR, datacl VARCHAR[]',
      [[1, database, 10, 6, 'c', false, true, -1, 0, 0, 1663, 'C', 'C', null, null, null]],
    ),
    table(
      'pg_roles',
      'rolname VARCHAR, rolsuper BOOLEAN, rolinherit BOOLEAN, rolcreaterole BOOLEAN, rolcreatedb BOOLEAN, rolcanlogin BOOLEAN, rolreplication BOOLEAN, rolconnlimit INTEGER, rolpassword VARCHAR, rolvaliduntil TIMESTAMPTZ, rolbypassrls BOOLEAN, rolconfig VARCHAR[], oid BIGINT',
      [[user, false, true, false, false, true, false, -1, '********', null, false, null, 10]],
    ),
    table('pg_user', 'usename VARCHAR, usesysid BIGINT, usecreatedb BOOLEAN, usesuper BOOLEAN, userepl BOOLEAN, usebypassrls BOOLEAN, passwd VARCHAR, valuntil TIMESTAMPTZ, useconfig VARCHAR[]', [[user, 10, false, false, false, false, '********', null, null]]),
    table('pg_auth_members', 'oid BIGINT, roleid BIGINT, member BIGINT, grantor BIGINT, admin_option BOOLEAN'),
    table('pg_am', 'oid BIGINT, amname VARCHAR, amhandler VARCHAR, amtype VARCHAR', [[heapAm, 'heap', 'heap_tableam_handler', 't']]),
    table('pg_tablespace', 'oid BIGINT, spcname VARCHAR, spcowner BIGINT, spcacl VARCHAR[], spcoptions VARCHAR[]', [[1663, 'pg_default', 10, null, null]]),
    table('pg_tables', 'schemaname VARCHAR, tablename VARCHAR, tableowner VARCHAR, tablespace VARCHAR, hasindexes BOOLEAN, hasrules BOOLEAN, hastriggers BOOLEAN, rowsecurity BOOLEAN', pgTables),
    table('pg_views', 'schemaname VARCHAR, viewname VARCHAR, viewowner VARCHAR, definition VARCHAR', pgViews),
    table('pg_matviews', 'schemaname VARCHAR, matviewname VARCHAR, matviewowner VARCHAR, tablespace VARCHAR, hasindexes BOOLEAN, ispopulated BOOLEAN, definition VARCHAR'),
    table('pg_index', 'indexrelid BIGINT, indrelid BIGINT, indnatts SMALLINT, indnkeyatts SMALLINT, indisunique BOOLEAN, indnullsnotdistinct BOOLEAN, indisprimary BOOLEAN, indisexclusion BOOLEAN, indimmediate BOOLEAN, indisclustered BOOLEAN, indisvalid BOOLEAN, indcheckxmin BOOLEAN, indisready BOOLEAN, indislive BOOLEAN, indisreplident BOOLEAN, indkey INTEGER[], indcollation BIGINT[], indclass BIGINT[], indoption INTEGER[], indexprs VARCHAR, indpred VARCHAR'),
    table('pg_inherits', 'inhrelid BIGINT, inhparent BIGINT, inhseqno INTEGER, inhdetachpending BOOLEAN'),
    table('pg_constraint', 'oid BIGINT, conname VARCHAR, connamespace BIGINT, contype VARCHAR, condeferrable BOOLEAN, condeferred BOOLEAN, convalidated BOOLEAN, conrelid BIGINT, contypid BIGINT, conindid BIGINT, conparentid BIGINT, confrelid BIGINT, confupdtype VARCHAR, confdeltype VARCHAR, confmatchtype VARCHAR, conislocal BOOLEAN, coninhcount INTEGER, connoinherit BOOLEAN, conkey SMALLINT[], confkey SMALLINT[], conpfeqop BIGINT[], conppeqop BIGINT[], conffeqop BIGINT[], confdelsetcols SMALLINT[], conexclop BIGINT[], conbin VARCHAR'),
    table('pg_attrdef', 'oid BIGINT, adrelid BIGINT, adnum SMALLINT, adbin VARCHAR'),
    table('pg_trigger', 'oid BIGINT, tgrelid BIGINT, tgparentid BIGINT, tgname VARCHAR, tgfoid BIGINT, tgtype SMALLINT, tgenabled VARCHAR, tgisinternal BOOLEAN, tgconstrrelid BIGINT, tgconstrindid BIGINT, tgconstraint BIGINT, tgdeferrable BOOLEAN, tginitdeferred BOOLEAN, tgnargs SMALLINT, tgattr SMALLINT[], tgargs VARCHAR, tgqual VARCHAR, tgoldtable VARCHAR, tgnewtable VARCHAR'),
    table('pg_policy', 'oid BIGINT, polname VARCHAR, polrelid BIGINT, polcmd VARCHAR, polpermissive BOOLEAN, polroles BIGINT[], polqual VARCHAR, polwithcheck VARCHAR'),
    table('pg_rewrite', 'oid BIGINT, rulename VARCHAR, ev_class BIGINT, ev_type VARCHAR, ev_enabled VARCHAR, is_instead BOOLEAN, ev_qual VARCHAR, ev_action VARCHAR'),
    table('pg_statistic_ext', 'oid BIGINT, stxrelid BIGINT, stxname VARCHAR, stxnamespace BIGINT, stxowner BIGINT, stxstattarget INTEGER, stxkeys SMALLINT[], stxkind VARCHAR[], stxexprs VARCHAR'),
    table('pg_publication', 'oid BIGINT, pubname VARCHAR, pubowner BIGINT, puballtables BOOLEAN, pubinsert BOOLEAN, pubupdate BOOLEAN, pubdelete BOOLEAN, pubtruncate BOOLEAN, pubviaroot BOOLEAN'),
    table('pg_publication_rel', 'oid BIGINT, prpubid BIGINT, prrelid BIGINT, prqual VARCHAR, prattrs SMALLINT[]'),
    table('pg_publication_namespace', 'oid BIGINT, pnpubid BIGINT, pnnspid BIGINT'),
    table('pg_partitioned_table', 'partrelid BIGINT, partstrat VARCHAR, partnatts SMALLINT, partdefid BIGINT, partattrs SMALLINT[], partclass BIGINT[], partcollation BIGINT[], partexprs VARCHAR'),
    table('pg_foreign_table', 'ftrelid BIGINT, ftserver BIGINT, ftoptions VARCHAR[]'),
    table('pg_collation', 'oid BIGINT, collname VARCHAR, collnamespace BIGINT, collowner BIGINT, collprovider VARCHAR, collisdeterministic BOOLEAN, collencoding INTEGER, collcollate VARCHAR, collctype VARCHAR, colliculocale VARCHAR, collversion VARCHAR'),
    table('pg_proc', 'oid BIGINT, proname VARCHAR, pronamespace BIGINT, proowner BIGINT, prolang BIGINT, prokind VARCHAR, proretset BOOLEAN, prorettype BIGINT, proargtypes BIGINT[], proargnames VARCHAR[], prosrc VARCHAR'),
    table('pg_extension', 'oid BIGINT, extname VARCHAR, extowner BIGINT, extnamespace BIGINT, extrelocatable BOOLEAN, extversion VARCHAR, extconfig BIGINT[], extcondition VARCHAR[]'),
    table('pg_enum', 'oid BIGINT, enumtypid BIGINT, enumsortorder REAL, enumlabel VARCHAR'),
    table('pg_range', 'rngtypid BIGINT, rngsubtype BIGINT, rngmultitypid BIGINT, rngcollation BIGINT, rngsubopc BIGINT, rngcanonical VARCHAR, rngsubdiff VARCHAR'),
    table('pg_settings', 'name VARCHAR, setting VARCHAR, unit VARCHAR, category VARCHAR, short_desc VARCHAR, extra_desc VARCHAR, context VARCHAR, vartype VARCHAR, source VARCHAR, min_val VARCHAR, max_val VARCHAR, enumvals VARCHAR[], boot_val VARCHAR, reset_val VARCHAR, sourcefile VARCHAR, sourceline INTEGER, pending_restart BOOLEAN', [
      ['server_version', '15.0', null, 'Preset Options', 'Shows the server version.', null, 'internal', 'string', 'default', null, null, null, '15.0', '15.0', null, null, false],
      ['server_version_num', '150000', null, 'Preset Options', 'Shows the server version as an integer.', null, 'internal', 'integer', 'default', null, null, null, '150000', '150000', null, null, false],
      ['server_encoding', 'UTF8', null, 'Preset Options', 'Shows the server (database) character set encoding.', null, 'internal', 'string', 'default', null, null, null, 'UTF8', 'UTF8', null, null, false],
      ['max_identifier_length', '63', null, 'Preset Options', 'Shows the maximum identifier length.', null, 'internal', 'integer', 'default', null, null, null, '63', '63', null, null, false],
      ['standard_conforming_strings', 'on', null, 'Version and Platform Compatibility', "Causes '...' strings to treat backslashes literally.", null, 'user', 'bool', 'default', null, null, null, 'on', 'on', null, null, false],
      ['TimeZone', 'UTC', null, 'Client Connection Defaults', 'Sets the time zone for displaying and interpreting time stamps.', null, 'user', 'string', 'default', null, null, null, 'UTC', 'UTC', null, null, false],
    ]),
    table('pg_stat_activity', 'datid BIGINT, datname VARCHAR, pid INTEGER, usename VARCHAR, application_name VARCHAR, state VARCHAR, query VARCHAR'),
    table('type_names', 'oid BIGINT, name VARCHAR', Object.entries(typeNames).map(([oid, name]) => [Number(oid), name])),
  ];
  const is: Table[] = [
    table('schemata', 'catalog_name VARCHAR, schema_name VARCHAR, schema_owner VARCHAR, default_character_set_catalog VARCHAR, default_character_set_schema VARCHAR, default_character_set_name VARCHAR, sql_path VARCHAR', [...namespaceOid.keys()].map((name) => [database, name, owner, null, null, null, null])),
    table('tables', 'table_catalog VARCHAR, table_schema VARCHAR, table_name VARCHAR, table_type VARCHAR, self_referencing_column_name VARCHAR, reference_generation VARCHAR, user_defined_type_catalog VARCHAR, user_defined_type_schema VARCHAR, user_defined_type_name VARCHAR, is_insertable_into VARCHAR, is_typed VARCHAR, commit_action VARCHAR', isTables),
    table(
      'columns',
      'table_catalog VARCHAR, table_schema VARCHAR, table_name VARCHAR, column_name VARCHAR, ordinal_position INTEGER, column_default VARCHAR, is_nullable VARCHAR, data_type VARCHAR, character_maximum_length INTEGER, character_octet_length INTEGER, numeric_precision INTEGER, numeric_precision_radix INTEGER, numeric_scale INTEGER, datetime_precision INTEGER, udt_catalog VARCHAR, udt_schema VARCHAR, udt_name VARCHAR, is_identity VARCHAR, is_generated VARCHAR, column_comment VARCHAR',
      isColumns,
    ),
    table('views', 'table_catalog VARCHAR, table_schema VARCHAR, table_name VARCHAR, view_definition VARCHAR, check_option VARCHAR, is_updatable VARCHAR, is_insertable_into VARCHAR, is_trigger_updatable VARCHAR, is_trigger_deletable VARCHAR, is_trigger_insertable_into VARCHAR', isViews),
    table('table_constraints', 'constraint_catalog VARCHAR, constraint_schema VARCHAR, constraint_name VARCHAR, table_catalog VARCHAR, table_schema VARCHAR, table_name VARCHAR, constraint_type VARCHAR, is_deferrable VARCHAR, initially_deferred VARCHAR, enforced VARCHAR, nulls_distinct VARCHAR'),
    table('key_column_usage', 'constraint_catalog VARCHAR, constraint_schema VARCHAR, constraint_name VARCHAR, table_catalog VARCHAR, table_schema VARCHAR, table_name VARCHAR, column_name VARCHAR, ordinal_position INTEGER, position_in_unique_constraint INTEGER'),
    table('referential_constraints', 'constraint_catalog VARCHAR, constraint_schema VARCHAR, constraint_name VARCHAR, unique_constraint_catalog VARCHAR, unique_constraint_schema VARCHAR, unique_constraint_name VARCHAR, match_option VARCHAR, update_rule VARCHAR, delete_rule VARCHAR'),
    table('routines', 'specific_catalog VARCHAR, specific_schema VARCHAR, specific_name VARCHAR, routine_catalog VARCHAR, routine_schema VARCHAR, routine_name VARCHAR, routine_type VARCHAR, data_type VARCHAR'),
  ];
  return { pg, is };
}

function pgTypeName(oid: number): string {
  for (const type of Object.values(pgTypes)) if (type.oid === oid) return type.name;
  const arrays: Record<number, string> = { 1000: 'bool', 1001: 'bytea', 1005: 'int2', 1007: 'int4', 1009: 'text', 1015: 'varchar', 1016: 'int8', 1021: 'float4', 1022: 'float8', 1115: 'timestamp', 1182: 'date', 1183: 'time', 1185: 'timestamptz', 1187: 'interval', 1231: 'numeric', 2951: 'uuid', 199: 'json' };
  return arrays[oid] ?? 'text';
}

function typeRow(oid: number, name: string, size: number): unknown[] {
  const isArray = name.startsWith('_');
  // oid … typacl (31 columns)
  return [oid, name, namespaceOids.pg_catalog, 10, size, size > 0 && size <= 8, 'b', isArray ? 'A' : 'U', false, true, ',', 0, 0, 0, `${name}in`, `${name}out`, `${name}recv`, `${name}send`, null, null, null, 'i', isArray ? 'x' : 'p', false, 0, -1, 0, 0, null, null, null];
}

function typeModifier(engineType: string): number {
  const decimal = /^\s*(?:DECIMAL|NUMERIC)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)\s*$/i.exec(engineType);
  if (!decimal) return -1;
  return ((Number(decimal[1]) << 16) | Number(decimal[2] ?? 0)) + 4;
}

function buildStatements(relations: readonly ShadowRelation[], options: ShadowCatalogOptions): string[] {
  const statements: string[] = [];
  const database = options.database ?? 'mesh';
  // The caller's relations, empty, with their columns and types.
  for (const schema of new Set(relations.map((relation) => relation.schema))) {
    statements.push(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  }
  for (const relation of relations) {
    const name = `${quoteIdent(relation.schema)}.${quoteIdent(relation.name)}`;
    if (relation.kind === 'view') {
      const columns = relation.columns.map((column) => `CAST(NULL AS ${safeType(column.type)}) AS ${quoteIdent(column.name)}`).join(', ');
      statements.push(`CREATE VIEW ${name} AS SELECT ${columns || '1 AS "?column?"'} WHERE false`);
    } else {
      const columns = relation.columns.map((column) => `${quoteIdent(column.name)} ${safeType(column.type)}${column.nullable ? '' : ' NOT NULL'}`).join(', ');
      statements.push(`CREATE TABLE ${name} (${columns})`);
    }
  }
  // PostgreSQL-shaped catalogs (their rows are appended by create()).
  const { pg, is } = buildTables(relations, options);
  statements.push(`CREATE SCHEMA ${shadowPg}`, `CREATE SCHEMA ${shadowIs}`);
  for (const [schema, tables] of [
    [shadowPg, pg],
    [shadowIs, is],
  ] as const) {
    for (const entry of tables) {
      statements.push(`CREATE TABLE ${schema}.${entry.name} (${entry.columns})`);
    }
  }
  // Types that PostgreSQL has and DuckDB lacks, as aliases in main.
  for (const alias of typeAliases) {
    if (alias !== 'char') statements.push(`CREATE TYPE main.pg_${alias} AS VARCHAR`);
  }
  // Functions that clients call.
  const version = `PostgreSQL ${serverVersion} on x86_64-pc-linux-gnu, compiled by tessera, 64-bit`;
  const macros = [
    `version() AS ${sqlString(version)}`,
    `current_database() AS ${sqlString(database)}`,
    `current_schema() AS 'public'`,
    `current_schemas(implicit) AS CASE WHEN implicit THEN ['pg_catalog', 'public'] ELSE ['public'] END`,
    `current_setting(name) AS CASE lower(name) WHEN 'server_version_num' THEN '150000' WHEN 'server_version' THEN '15.0' WHEN 'server_encoding' THEN 'UTF8' WHEN 'client_encoding' THEN 'UTF8' WHEN 'timezone' THEN 'UTC' WHEN 'datestyle' THEN 'ISO, MDY' WHEN 'search_path' THEN '"$user", public' WHEN 'max_identifier_length' THEN '63' WHEN 'standard_conforming_strings' THEN 'on' ELSE NULL END`,
    `pg_get_userbyid(id) AS ${sqlString(owner)}`,
    `pg_encoding_to_char(id) AS 'UTF8'`,
    `pg_table_is_visible(id) AS true`,
    `pg_type_is_visible(id) AS true`,
    `pg_function_is_visible(id) AS true`,
    `format_type(id, typmod) AS CASE WHEN id = 1700 AND typmod >= 4 THEN 'numeric(' || ((typmod - 4) >> 16) || ',' || ((typmod - 4) & 65535) || ')' ELSE coalesce((SELECT name FROM ${shadowPg}.type_names WHERE oid = id), 'unknown') END`,
    `obj_description(id) AS (SELECT description FROM ${shadowPg}.pg_description WHERE objoid = id AND objsubid = 0), (id, catalog_name) AS (SELECT description FROM ${shadowPg}.pg_description WHERE objoid = id AND objsubid = 0)`,
    `col_description(id, column_number) AS (SELECT description FROM ${shadowPg}.pg_description WHERE objoid = id AND objsubid = column_number)`,
    `shobj_description(id, catalog_name) AS NULL::VARCHAR`,
    `pg_get_expr(expr, relation) AS NULL::VARCHAR, (expr, relation, pretty) AS NULL::VARCHAR`,
    `pg_get_indexdef(id) AS NULL::VARCHAR, (id, column_number, pretty) AS NULL::VARCHAR`,
    `pg_get_constraintdef(id) AS NULL::VARCHAR, (id, pretty) AS NULL::VARCHAR`,
    `pg_get_viewdef(id) AS NULL::VARCHAR, (id, pretty) AS NULL::VARCHAR`,
    `pg_get_partkeydef(id) AS NULL::VARCHAR`,
    `pg_get_statisticsobjdef_columns(id) AS NULL::VARCHAR`,
    `pg_get_ruledef(id) AS NULL::VARCHAR, (id, pretty) AS NULL::VARCHAR`,
    `pg_get_triggerdef(id) AS NULL::VARCHAR, (id, pretty) AS NULL::VARCHAR`,
    `pg_tablespace_location(id) AS ''`,
    `pg_get_function_result(id) AS NULL::VARCHAR`,
    `pg_get_function_arguments(id) AS NULL::VARCHAR`,
    `pg_get_function_identity_arguments(id) AS NULL::VARCHAR`,
    `pg_relation_size(id) AS 0::BIGINT`,
    `pg_table_size(id) AS 0::BIGINT`,
    `pg_total_relation_size(id) AS 0::BIGINT`,
    `pg_database_size(id) AS 0::BIGINT`,
    `pg_is_in_recovery() AS false`,
    `pg_relation_is_publishable(id) AS false`,
    `array_upper(list, dimension) AS len(list)`,
    `array_lower(list, dimension) AS CASE WHEN len(list) > 0 THEN 1 END`,
    `pg_backend_pid() AS 0`,
    `has_table_privilege(a, b) AS true, (a, b, c) AS true`,
    `has_schema_privilege(a, b) AS true, (a, b, c) AS true`,
    `has_database_privilege(a, b) AS true, (a, b, c) AS true`,
    `quote_ident(name) AS CASE WHEN regexp_full_match(name, '[a-z_][a-z0-9_$]*') THEN name ELSE '"' || replace(name, '"', '""') || '"' END`,
  ];
  for (const macro of macros) statements.push(`CREATE MACRO main.${macro}`);
  return statements;
}

/** The engine type if DuckDB knows its spelling; VARCHAR otherwise (the catalog still shows the mapped PostgreSQL type). */
function safeType(type: string): string {
  return /^[A-Za-z][A-Za-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?(\[\d*\])*$/.test(type.trim()) ? type.trim() : 'VARCHAR';
}

// Names of the shadow tables, for the rewriter (kept in sync with buildTables).
for (const entry of buildTables([], {}).pg) shadowPgTables.add(entry.name);
for (const entry of buildTables([], {}).is) shadowIsTables.add(entry.name);
shadowPgTables.delete('type_names');
