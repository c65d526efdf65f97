/**
 * What the state store says about the current mesh, cached per (mesh load, state
 * generation). While the server runs it is the only writer, and every write is a job
 * of its queue, so a job's change is what makes the cache stale: a request between
 * jobs reads no SQL at all, and the heavier reads (latest check results, latest node
 * results, port versions, freshness) happen once per change.
 * The reads the StateStore interface lacks are SQL on `tessera_state`, on a session
 * of their own so that they never interleave with the store's statements.
 */
import { freshnessReport, freshnessVerdict, type NewestValues, type PortFreshness } from '../../runner/index.js';
import { STATE_SCHEMA, type PortVersion } from '../../state/index.js';
import type { JsonValue, Row, Session } from '../../warehouse/index.js';
import type { ServerContext } from '../context.js';
import type { Catalog, ProductEntry } from './catalog.js';

export type Health = 'ok' | 'warning' | 'failing' | 'unknown';

export interface CheckResultRow {
  readonly runId: number;
  readonly nodeId: string;
  readonly name: string;
  readonly outcome: string;
  readonly value: number | string | null;
  readonly threshold: string;
  readonly message: string;
  readonly measuredAt?: string;
}

export interface Status {
  readonly runId: number;
  /** Latest node result per node: its status and run. */
  readonly nodes: ReadonlyMap<string, { readonly runId: number; readonly status: string; readonly warnings: boolean }>;
  /** Per node, the check results of the latest run that checked it. */
  readonly checks: ReadonlyMap<string, readonly CheckResultRow[]>;
  /** Published (serving or kept) versions per port, newest first. */
  readonly versions: ReadonlyMap<string, readonly PortVersion[]>;
  readonly freshness: ReadonlyMap<string, PortFreshness>;
  /** When `freshness` was measured (ms): ages move on from there. */
  readonly measuredAt: number;
  /** Health from results alone; SLA breaches are added at request time, since they depend on the clock. */
  readonly baseHealth: ReadonlyMap<string, { readonly health: Health; readonly reasons: readonly string[] }>;
  /** Per-product reads (check history, recent runs), filled on demand for this run. */
  readonly perProduct: Map<string, Promise<unknown>>;
}

export interface ProductFreshness {
  readonly lastPublished?: string;
  readonly sla?: string;
  readonly breach: boolean;
  readonly reason?: string;
}

const S = STATE_SCHEMA;

/** How stale the catalog may be while a build is running (job starts and ends show at once). */
const PROGRESS_MS = 2000;

export class StateReader {
  private session?: Promise<Session>;
  private queue: Promise<unknown> = Promise.resolve();
  /** Bumped whenever a job changes; caches remember the generation they were read at. */
  private generation = 0;
  private readonly statuses = new WeakMap<Catalog, { generation: number; status: Promise<Status> }>();
  private readonly unwatch: () => void;

  /** When a progress line last made the state stale; progress re-reads at most every PROGRESS_MS. */
  private lastProgressBump = 0;
  private progressPending = false;

  constructor(private readonly ctx: ServerContext) {
    this.unwatch = ctx.jobs.onChange((job) => {
      const statusChanged = this.jobStatuses.get(job.id) !== job.status;
      this.jobStatuses.set(job.id, job.status);
      // A job starting or ending changes what the catalog shows at once. A progress line (a node
      // finished) does too, but a build sends dozens a second: re-reading the state for each one
      // kept the API busy reading instead of answering while the mesh was being built.
      if (statusChanged) this.generation++;
      else this.progressPending = true;
    });
  }

  private readonly jobStatuses = new Map<string, string>();
  /** Newest values of data-clock columns per version table: version tables never change. */
  private readonly newestValues: NewestValues = new Map();

  /** The generation the next read is at: progress seen since the last bump counts once PROGRESS_MS have passed. */
  private current(): number {
    if (this.progressPending && Date.now() - this.lastProgressBump >= PROGRESS_MS) {
      this.progressPending = false;
      this.lastProgressBump = Date.now();
      this.generation++;
    }
    return this.generation;
  }

  /** Queries on this reader's own session, one at a time (a session is one connection). */
  query(sql: string): Promise<Row[]> {
    const next = this.queue.then(async () => {
      this.session ??= this.ctx.warehouse.connect();
      return (await this.session).query(sql);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    this.unwatch();
    await this.queue;
    if (this.session) await (await this.session).close();
  }

  /** The newest run's id (0 before any). */
  private async latestRunId(): Promise<number> {
    const rows = await this.query(`SELECT coalesce(max(id), 0) AS id FROM ${S}.runs`);
    return Number(rows[0]?.id ?? 0);
  }

  status(catalog: Catalog): Promise<Status> {
    const generation = this.current();
    const cached = this.statuses.get(catalog);
    if (cached?.generation === generation) return cached.status;
    const status = this.latestRunId().then((runId) => this.load(catalog, runId));
    this.statuses.set(catalog, { generation, status });
    status.catch(() => {
      if (this.statuses.get(catalog)?.status === status) this.statuses.delete(catalog);
    });
    return status;
  }

  private async load(catalog: Catalog, runId: number): Promise<Status> {
    // A window in a subquery, not QUALIFY: PostgreSQL has no QUALIFY.
    const nodeRows = await this.query(`SELECT node_id, run_id, status, warnings FROM (
        SELECT node_id, run_id, status, warnings, row_number() OVER (PARTITION BY node_id ORDER BY run_id DESC) AS recency FROM ${S}.node_results
      ) AS latest WHERE recency = 1`);
    const nodes = new Map(nodeRows.map((r) => [text(r.node_id), { runId: Number(r.run_id), status: text(r.status), warnings: hasWarnings(r.warnings) }]));
    const checkRows = await this.query(`SELECT c.run_id, c.node_id, c.name, c.outcome, c.value_number, c.value_text, c.threshold, c.message, c.measured_at
      FROM ${S}.check_results AS c
      JOIN (SELECT node_id, max(run_id) AS run_id FROM ${S}.check_results GROUP BY node_id) AS l ON c.node_id = l.node_id AND c.run_id = l.run_id
      ORDER BY c.node_id, c.name`);
    const checks = new Map<string, CheckResultRow[]>();
    for (const row of checkRows) {
      const result = toCheckResult(row);
      const list = checks.get(result.nodeId) ?? [];
      list.push(result);
      checks.set(result.nodeId, list);
    }
    const all = await this.ctx.state.portVersions();
    const versions = new Map<string, PortVersion[]>();
    for (const v of all) {
      if (v.status !== 'published') continue;
      const list = versions.get(v.port) ?? [];
      list.unshift(v);
      versions.set(v.port, list);
    }
    const measuredAt = Date.now();
    const session = await (this.session ??= this.ctx.warehouse.connect());
    // freshnessReport reads port tables for data ages: run it in this reader's queue too.
    const report = await this.enqueue(() => freshnessReport(session, this.ctx.warehouse.dialect, all, catalog.mesh, catalog.graph, new Date(measuredAt), this.newestValues));
    const freshness = new Map(report.map((f) => [f.port, f]));
    const baseHealth = new Map<string, { health: Health; reasons: string[] }>();
    for (const entry of catalog.products.values()) baseHealth.set(entry.id, healthOf(entry, nodes, checks, versions));
    return { runId, nodes, checks, versions, freshness, measuredAt, baseHealth, perProduct: new Map() };
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function healthOf(
  entry: ProductEntry,
  nodes: Status['nodes'],
  checks: Status['checks'],
  versions: Status['versions'],
): { health: Health; reasons: string[] } {
  const failing: string[] = [];
  const warning: string[] = [];
  let seen = false;
  for (const node of entry.nodes) {
    if (node.kind === 'feature') continue;
    const result = nodes.get(node.id);
    if (result) {
      seen = true;
      if (result.status === 'failed') failing.push(`${node.id} failed in run ${result.runId}`);
      else if (result.status === 'skipped') warning.push(`${node.id} was skipped in run ${result.runId}`);
      else if (result.warnings) warning.push(`${node.id} built with warnings in run ${result.runId}`);
    }
    for (const check of checks.get(node.id) ?? []) {
      seen = true;
      if (check.outcome === 'fail' || check.outcome === 'error') failing.push(`check ${check.name} on ${node.id}: ${check.outcome}`);
      else if (check.outcome === 'warn') warning.push(`check ${check.name} on ${node.id}: warn`);
    }
    if (node.kind === 'port' && versions.has(`${node.domain}.${node.table}`)) seen = true;
  }
  if (failing.length > 0) return { health: 'failing', reasons: [...failing, ...warning] };
  if (warning.length > 0) return { health: 'warning', reasons: warning };
  return { health: seen ? 'ok' : 'unknown', reasons: [] };
}

/** A port's SLA as of now: the ages measured with the status, moved on by the time since. */
export function portFreshness(status: Status, port: string, now: number): ProductFreshness | undefined {
  const f = status.freshness.get(port);
  if (!f) {
    const current = status.versions.get(port)?.find((v) => v.current);
    return current ? { lastPublished: current.createdAt, breach: false } : undefined;
  }
  // The same rule as `tessera sla`, with the ages moved on by the time since they were measured.
  const verdict = freshnessVerdict(f, now - status.measuredAt);
  return { ...(f.publishedAt === undefined ? {} : { lastPublished: f.publishedAt }), sla: f.sla, breach: verdict.breach, reason: verdict.reason };
}

/** A product's freshness: its latest publication, and the first SLA breach among its ports. */
export function productFreshness(entry: ProductEntry, status: Status, now: number): ProductFreshness {
  let lastPublished: string | undefined;
  let sla: string | undefined;
  let breach: ProductFreshness | undefined;
  for (const port of entry.ports) {
    const f = portFreshness(status, `${port.domain}.${port.table}`, now);
    if (!f) continue;
    if (f.lastPublished !== undefined && (lastPublished === undefined || f.lastPublished > lastPublished)) lastPublished = f.lastPublished;
    sla ??= f.sla;
    if (f.breach && !breach) breach = f;
  }
  return {
    ...(lastPublished === undefined ? {} : { lastPublished }),
    ...(sla === undefined ? {} : { sla }),
    breach: breach !== undefined,
    ...(breach?.reason === undefined ? {} : { reason: breach.reason }),
  };
}

/** Health with the clock: an SLA breach turns an ok product into a warning. */
export function productHealth(entry: ProductEntry, status: Status, now: number): { health: Health; reasons: string[]; freshness: ProductFreshness } {
  const base = status.baseHealth.get(entry.id) ?? { health: 'unknown' as const, reasons: [] };
  const freshness = productFreshness(entry, status, now);
  if (freshness.breach && base.health !== 'unknown') {
    return { health: base.health === 'failing' ? 'failing' : 'warning', reasons: [...base.reasons, `SLA: ${freshness.reason ?? 'breached'}`], freshness };
  }
  return { health: base.health, reasons: [...base.reasons], freshness };
}

export function toCheckResult(row: Row): CheckResultRow {
  const measuredAt = utc(row.measured_at);
  return {
    runId: Number(row.run_id),
    nodeId: text(row.node_id),
    name: text(row.name),
    outcome: text(row.outcome),
    value: typeof row.value_number === 'number' ? row.value_number : typeof row.value_text === 'string' ? row.value_text : null,
    threshold: text(row.threshold),
    message: text(row.message),
    ...(measuredAt === undefined ? {} : { measuredAt }),
  };
}

export function text(value: JsonValue | undefined): string {
  if (typeof value === 'string') return value;
  return value === null || value === undefined ? '' : JSON.stringify(value);
}

/** State timestamps are UTC without a zone; say so. */
export function utc(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? `${value.replace(' ', 'T')}Z` : undefined;
}

function hasWarnings(value: JsonValue | undefined): boolean {
  if (typeof value !== 'string') return false;
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) && parsed.length > 0;
  } catch {
    return false;
  }
}
