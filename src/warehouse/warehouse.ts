/**
 * The warehouse boundary: the few things Tessera asks of an engine. Engines differ
 * in SQL text (behind `Dialect`, pure) and in how they connect (behind `Session`).
 */

/** A value as Tessera hands it on: JSON-safe, converted in one place per adapter. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type Row = Record<string, JsonValue>;

export interface ColumnInfo {
  readonly name: string;
  /** The engine's canonical spelling, e.g. INTEGER, DECIMAL(12,2), VARCHAR[]. */
  readonly type: string;
  readonly nullable: boolean;
}

export interface RelationInfo {
  readonly schema: string;
  readonly name: string;
  readonly kind: 'table' | 'view';
}

/** One connection: statements on it run one after another. */
export interface Session {
  /** Runs one or more statements, ignoring results. */
  execute(sql: string): Promise<void>;
  /** Runs a query and returns its rows as JSON-safe objects, columns in select order. */
  query(sql: string): Promise<Row[]>;
  /** Runs `work` in one transaction on this session: commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (session: Session) => Promise<T>): Promise<T>;
  /** Tables and views of a schema, or of every user schema when none is given. */
  relations(schema?: string): Promise<RelationInfo[]>;
  /** Columns of a table or view in declared order; empty when it does not exist. */
  columns(schema: string, name: string): Promise<ColumnInfo[]>;
  close(): Promise<void>;
}

/** A result read a chunk at a time, so a large answer never sits whole in memory. */
export interface StreamedResult {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  /** The next rows (values in column order), or undefined at the end. */
  next(): Promise<JsonValue[][] | undefined>;
}

/** A session that can stream a parameterised query and be interrupted (consumer queries need both). */
export interface StreamingSession extends Session {
  /** Runs one query with `$1`… bound to `params` (text, cast by the engine to what the query expects). */
  stream(sql: string, params: readonly (string | null)[]): Promise<StreamedResult>;
  /** Stops the statement running on this session now; it fails with an interruption error. */
  interrupt(): void;
}

export function canStream(session: Session): session is StreamingSession {
  return typeof (session as Partial<StreamingSession>).stream === 'function' && typeof (session as Partial<StreamingSession>).interrupt === 'function';
}

/** SQL text that differs between engines. Pure: writes strings, runs nothing. */
export interface Dialect {
  readonly name: string;
  /** A quoted identifier. */
  ident(name: string): string;
  /** A schema-qualified, quoted name. */
  table(schema: string, name: string): string;
  /** A literal; strings are quoted and escaped. */
  literal(value: string | number | boolean | null): string;
  /** A TIMESTAMP literal (UTC, no time zone). */
  timestamp(at: Date): string;
  createSchema(schema: string): string;
  /** Makes bare table names in later statements of the session resolve in `schema`. */
  setSearchPath(schema: string): string;
  /** CREATE [OR REPLACE] TABLE target AS select. */
  createTableAs(schema: string, name: string, select: string, options?: { readonly replace?: boolean }): string;
  /**
   * `createTableAs` split around its SELECT, for model SQL whose errors must point at the
   * model's own lines: `prefix + select + suffix`, with no line break in the prefix.
   */
  createTableAsParts(schema: string, name: string, options?: { readonly replace?: boolean }): { readonly prefix: string; readonly suffix: string };
  /** CREATE OR REPLACE VIEW with an explicit column list, so the view never gains columns silently. */
  createView(schema: string, name: string, columns: readonly string[], fromSchema: string, fromTable: string): string;
  /**
   * CREATE OR REPLACE VIEW whose columns are expressions over one table, named in order
   * (the consumer-facing relation of a port, with its masks applied).
   */
  createProjectionView(schema: string, name: string, columns: readonly { readonly name: string; readonly expression: string }[], fromSchema: string, fromTable: string): string;
  /**
   * A column as consumers without clearance see it: `hash` (salted SHA-256, stable, so it
   * still joins), `mask` (first character kept; an e-mail keeps its domain; dates keep the
   * year) or `remove` (NULL of the column's type).
   */
  maskColumn(column: string, type: string, masking: 'hash' | 'mask' | 'remove', salt: string): string;
  dropTable(schema: string, name: string): string;
  dropView(schema: string, name: string): string;
  /**
   * A table expression reading files (CSV, Parquet, JSON) at an absolute path or glob, or
   * undefined when the engine cannot read files itself.
   */
  readFiles?(format: 'csv' | 'parquet' | 'json', path: string, options: Readonly<Record<string, string | number | boolean>>): string;
  /**
   * A contract's type (contracts use DuckDB's names) as this engine writes it in SQL, e.g.
   * in a CAST; checked, since it comes from YAML.
   */
  typeName(type: string): string;
  /** A one-row query whose column i is the canonical spelling of types[i] (as `columns()` reports types). */
  canonicalTypes(types: readonly string[]): string;
  /** A boolean expression: the whole text of `expression` matches the regular expression `pattern`. */
  regexFullMatch(expression: string, pattern: string): string;
  /** An aggregate: the continuous percentile `fraction` (0–1) of `expression`. */
  percentile(expression: string, fraction: number): string;
  /** A one-row query: `row_count` of a table and `row_width`, its estimated bytes per row (NULL when unknown). */
  tableStats(schema: string, name: string): string;
  /**
   * A one-row query over a table's content in one scan: `n` (its rows), and `hash_sum` and
   * `hash_xor` (text): a sum and an xor of one hash per row, which do not depend on row
   * order (the sum also counts duplicate rows). Equal content gives equal values.
   */
  contentDigest(schema: string, name: string): string;
  /**
   * A statement that, run inside a transaction, makes every other process that runs it
   * with the same `name` wait until this transaction ends (PostgreSQL's transaction-level
   * advisory lock), or undefined when the engine has one writer at a time and needs none.
   */
  exclusiveLock(name: string): string | undefined;
}

/** A column of a table that `load()` creates, typed in the warehouse's own spelling. */
export interface LoadColumn {
  readonly name: string;
  readonly type: string;
}

/** A warehouse: a default session plus as many more as parallel work needs. */
export interface Warehouse extends Session {
  readonly dialect: Dialect;
  readonly readOnly: boolean;
  /** A new session on the same database, for work in parallel. */
  connect(): Promise<Session>;
  /**
   * Turns the engine's own protections on for the rest of the process (the second wall
   * behind the gateway): no file or network access outside `allowedDirectories`.
   */
  sandbox?(allowedDirectories: readonly string[]): Promise<void>;
  /**
   * Creates `schema.name` with `columns` (replacing it unless `append`) and fills it from
   * `batches` (values in column order) by the engine's bulk path (an appender, COPY),
   * never one INSERT per row; returns the number of rows loaded. Ingestion from other
   * databases streams through it, so a large source never sits whole in memory.
   * Values that JSON has no type for come as text: DECIMAL, 64-bit integers, dates and
   * timestamps as the engine would write them, BLOB as `\x` hex, INTERVAL as an ISO 8601
   * duration (`P1DT2H`).
   */
  load?(schema: string, name: string, columns: readonly LoadColumn[], batches: AsyncIterable<readonly (readonly JsonValue[])[]>, options?: { readonly append?: boolean }): Promise<number>;
  /**
   * Like `load()`, from CSV text already written (no header, columns in order, an unquoted
   * empty field is NULL, an empty string is quoted): the engine parses it itself, so no
   * value passes through JavaScript. For engines whose bulk path reads CSV (COPY).
   */
  loadCsv?(schema: string, name: string, columns: readonly LoadColumn[], csv: AsyncIterable<string | Buffer>): Promise<number>;
}

export type WarehouseErrorCode = 'warehouse/sql' | 'warehouse/locked' | 'warehouse/open';

/** An engine error, with what Tessera can say about where it happened. */
export class WarehouseError extends Error {
  readonly code: WarehouseErrorCode;
  /** The statement that failed. */
  readonly sql?: string;
  /** Line (1-based) and column within `sql`, when the engine says. */
  readonly line?: number;
  readonly column?: number;
  /** For `warehouse/locked`: the process id holding the database, when the engine says. */
  readonly holderPid?: number;

  constructor(
    code: WarehouseErrorCode,
    message: string,
    details: { sql?: string; line?: number; column?: number; holderPid?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'WarehouseError';
    this.code = code;
    if (details.sql !== undefined) this.sql = details.sql;
    if (details.line !== undefined) this.line = details.line;
    if (details.column !== undefined) this.column = details.column;
    if (details.holderPid !== undefined) this.holderPid = details.holderPid;
  }
}

export interface DuckDBWarehouseConfig {
  readonly type: 'duckdb';
  /** Database file (absolute), or ':memory:'. */
  readonly path: string;
  readonly threads?: number;
  readonly memoryLimit?: string;
  readonly readOnly?: boolean;
}

export interface PostgresWarehouseConfig {
  readonly type: 'postgres';
  /** Connection URL (from the environment, never the repository). */
  readonly url: string;
  /** Sessions kept open at most (parallel nodes, the gateway); default 10. */
  readonly maxSessions?: number;
  /** Every session's transactions are read-only (the server refuses writes), as a read-only DuckDB open. */
  readonly readOnly?: boolean;
}

export type WarehouseConfig = DuckDBWarehouseConfig | PostgresWarehouseConfig;
