/**
 * The reader of the crash-safety test (test/crash-safety.test.ts): opens a mesh's
 * DuckDB file read-only after its writer was killed and lists every way in which
 * what a consumer can see breaks write-audit-publish. A port must be either absent
 * (no view, no published version) or serve exactly one complete, audited version.
 */
import { existsSync } from 'node:fs';
import { openWarehouse, type JsonValue, type Row, type Session } from '../../src/warehouse/index.js';

/** Three numbers (as text) that tell one input's rows from another's; null where a port does not carry one. */
export type Checksum = readonly [string | null, string | null, string | null];

export interface CrashPort {
  /** `<domain>.<table>`. */
  readonly port: string;
  /** A select list of three expressions, cast to VARCHAR, computed over the port's rows. */
  readonly checksum: string;
  /** What the checksum of a version built from input `input` must be; undefined: any content (e.g. a history). */
  expected(input: number): Checksum | undefined;
  /** The contract's columns, in order, when the view must list exactly these. */
  readonly columns?: readonly string[];
}

export interface RunRow {
  readonly id: number;
  readonly status: string;
}

export interface VersionRow {
  readonly port: string;
  readonly version: number;
  readonly runId: number;
  readonly table: string;
  readonly status: string;
  readonly current: boolean;
  readonly rows: number;
  readonly columns: string;
  readonly audit: string;
}

/** What the reader saw in the warehouse after a kill. */
export interface Inspection {
  /** False when the killed run had not even created the database file. */
  readonly exists: boolean;
  readonly runs: readonly RunRow[];
  readonly versions: readonly VersionRow[];
  /** Tables in tessera_versions. */
  readonly versionTables: readonly string[];
  /** Tables in tessera_versions that no 'published' record keeps: staging tables of a run that was stopped. */
  readonly strayTables: readonly string[];
  /** Everything that breaks the guarantee, one message each; empty when the warehouse is consistent. */
  readonly problems: readonly string[];
}

const VERSIONS_SCHEMA = 'tessera_versions';
const STATE_SCHEMA = 'tessera_state';

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

async function checksumOf(session: Session, relation: string, select: string): Promise<Checksum> {
  const [row] = await session.query(`SELECT ${select} FROM ${relation}`);
  const values = Object.values(row ?? {}).map((v) => (v === null ? null : text(v)));
  return [values[0] ?? null, values[1] ?? null, values[2] ?? null];
}

/** Whether a view's SQL (as DuckDB prints it back, identifiers quoted only where needed) selects from that version table alone. */
function readsOnly(sql: string, table: string): boolean {
  const name = (id: string): string => {
    const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return `(?:${escaped}|"${escaped}")`;
  };
  return new RegExp(`\\bFROM\\s+${name(VERSIONS_SCHEMA)}\\.${name(table)}\\s*;?\\s*$`, 'i').test(sql);
}

function same(a: Checksum, b: Checksum): boolean {
  return a.every((v, i) => v === b[i]);
}

/**
 * Opens `path` read-only (the writer must be gone: DuckDB lets no other process in
 * while one holds the file) and checks every port. `inputOfRun` says which input the
 * run with that id read (undefined for a run no child of the test started).
 */
export async function inspectWarehouse(path: string, ports: readonly CrashPort[], inputOfRun: (runId: number) => number | undefined): Promise<Inspection> {
  if (!existsSync(path)) return { exists: false, runs: [], versions: [], versionTables: [], strayTables: [], problems: [] };
  const warehouse = await openWarehouse({ type: 'duckdb', path, readOnly: true });
  const problems: string[] = [];
  try {
    const stateTables = new Set((await warehouse.relations(STATE_SCHEMA)).map((r) => r.name));
    const runs: RunRow[] = stateTables.has('runs')
      ? (await warehouse.query(`SELECT id, status FROM ${STATE_SCHEMA}.runs ORDER BY id`)).map((r: Row) => ({ id: Number(r.id), status: text(r.status) }))
      : [];
    const versions: VersionRow[] = stateTables.has('port_versions')
      ? (await warehouse.query(`SELECT * FROM ${STATE_SCHEMA}.port_versions ORDER BY port, version`)).map((r: Row) => ({
          port: text(r.port),
          version: Number(r.version),
          runId: Number(r.run_id),
          table: text(r.table_name),
          status: text(r.status),
          current: r.is_current === true,
          rows: Number(r.row_count),
          columns: text(r.columns),
          audit: text(r.audit),
        }))
      : [];
    const relations = await warehouse.relations();
    const versionTables = relations.filter((r) => r.schema === VERSIONS_SCHEMA && r.kind === 'table').map((r) => r.name).sort();
    const existing = new Set(versionTables);
    const kept = new Set(versions.filter((v) => v.status === 'published').map((v) => v.table));
    const strayTables = versionTables.filter((t) => !kept.has(t));

    const running = runs.filter((r) => r.status === 'running');
    if (running.length > 1) problems.push(`${running.length} runs are marked running at once: ${running.map((r) => r.id).join(', ')}`);
    for (const v of versions) {
      if (v.status === 'published' && !existing.has(v.table)) problems.push(`${v.port} v${v.version} is recorded as published but its table ${VERSIONS_SCHEMA}.${v.table} is missing`);
      if (v.status === 'rejected') problems.push(`${v.port} v${v.version} was rejected by its audit (the inputs are valid): ${v.audit}`);
      if (v.current && v.status !== 'published') problems.push(`${v.port} v${v.version} is current with status ${v.status}`);
    }

    for (const spec of ports) {
      const [domain = '', table = ''] = spec.port.split('.');
      const own = versions.filter((v) => v.port === spec.port);
      const published = own.filter((v) => v.status === 'published');
      const current = own.filter((v) => v.current);
      const [view] = await warehouse.query(
        `SELECT sql FROM duckdb_views() WHERE NOT internal AND schema_name = ${literal(domain)} AND view_name = ${literal(table)}`,
      );
      const other = relations.find((r) => r.schema === domain && r.name === table && r.kind === 'table');
      if (other) problems.push(`${spec.port} is a table, not a view onto a version`);
      if (!view) {
        // Never published: nothing may claim otherwise.
        if (published.length > 0) problems.push(`${spec.port} has no view but ${published.length} published version(s): ${published.map((v) => `v${v.version}`).join(', ')}`);
        if (current.length > 0) problems.push(`${spec.port} has no view but a current version`);
        continue;
      }
      if (current.length !== 1) {
        problems.push(`${spec.port} has a view but ${current.length} current versions`);
        continue;
      }
      const [v] = current;
      if (!v) continue;
      const where = `${spec.port} v${v.version} (run ${v.runId}, ${v.table})`;
      if (!existing.has(v.table)) {
        problems.push(`${where}: the view points at a table that does not exist`);
        continue;
      }
      let audit: { passed?: unknown };
      try {
        audit = JSON.parse(v.audit) as { passed?: unknown };
      } catch {
        audit = {};
      }
      if (audit.passed !== true) problems.push(`${where}: current, but its audit did not pass: ${v.audit}`);
      const sql = text(view.sql);
      if (!readsOnly(sql, v.table)) problems.push(`${where}: the view does not read the current version's table: ${sql}`);
      const viewColumns = (await warehouse.columns(domain, table)).map((c) => c.name);
      if (JSON.stringify(viewColumns) !== v.columns) problems.push(`${where}: the view has columns ${JSON.stringify(viewColumns)}, the version records ${v.columns}`);
      if (spec.columns !== undefined && JSON.stringify(viewColumns) !== JSON.stringify(spec.columns)) {
        problems.push(`${where}: the view has columns ${JSON.stringify(viewColumns)}, the contract declares ${JSON.stringify(spec.columns)}`);
      }
      const [count] = await warehouse.query(`SELECT count(*) AS n FROM ${quote(domain)}.${quote(table)}`);
      if (Number(count?.n) !== v.rows) problems.push(`${where}: the view has ${text(count?.n)} rows, the version records ${v.rows}`);
      const fromView = await checksumOf(warehouse, `${quote(domain)}.${quote(table)}`, spec.checksum);
      const fromTable = await checksumOf(warehouse, `${quote(VERSIONS_SCHEMA)}.${quote(v.table)}`, spec.checksum);
      if (!same(fromView, fromTable)) problems.push(`${where}: the view's checksum ${JSON.stringify(fromView)} is not its table's ${JSON.stringify(fromTable)}`);
      const input = inputOfRun(v.runId);
      const expected = input === undefined ? undefined : spec.expected(input);
      if (input === undefined) problems.push(`${where}: made by run ${v.runId}, which no child of this test started`);
      else if (expected !== undefined && !same(fromView, expected)) {
        problems.push(`${where}: serves checksum ${JSON.stringify(fromView)}, but input ${input} (read by run ${v.runId}) has ${JSON.stringify(expected)}: a partial or mixed version is visible`);
      }
    }
    return { exists: true, runs, versions, versionTables, strayTables, problems };
  } finally {
    await warehouse.close();
  }
}
