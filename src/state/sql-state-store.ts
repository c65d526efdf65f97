import { randomBytes } from 'node:crypto';
import type { Diagnostic } from '../diagnostics/index.js';
import type { Dialect, Row, Session } from '../warehouse/index.js';
import { num, text, utc } from './values.js';
import { underLock } from './state-tables.js';
import type { CheckOutcome, CheckRecord, NodeResult, PortVersion, PortVersionStatus, RunRecord, RunStatus, SnapshotRepair, StateStore } from './store.js';

/** The schema holding Tessera's own records, next to the data it describes. */
export const STATE_SCHEMA = 'tessera_state';

/** The state's migrations, in order; a migration once released is never edited, only followed by another. */
export const STATE_MIGRATIONS: readonly { readonly name: string; readonly sql: (t: (name: string) => string) => string }[] = [
  {
    name: 'runs, node results, port versions, check results',
    sql: (t) => `CREATE TABLE IF NOT EXISTS ${t('meta')} (key VARCHAR, value VARCHAR);
      CREATE TABLE IF NOT EXISTS ${t('runs')} (
        id INTEGER, status VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP, selector VARCHAR, pid INTEGER,
        nodes INTEGER, built INTEGER, published INTEGER, failed INTEGER, skipped INTEGER, row_count BIGINT);
      CREATE TABLE IF NOT EXISTS ${t('node_results')} (
        run_id INTEGER, node_id VARCHAR, kind VARCHAR, product VARCHAR, status VARCHAR, started_at TIMESTAMP,
        duration_ms DOUBLE PRECISION, row_count BIGINT, bytes BIGINT, error VARCHAR);
      CREATE TABLE IF NOT EXISTS ${t('port_versions')} (
        port VARCHAR, version INTEGER, run_id INTEGER, table_name VARCHAR, status VARCHAR, is_current BOOLEAN,
        created_at TIMESTAMP, row_count BIGINT, columns VARCHAR, audit VARCHAR);
      CREATE TABLE IF NOT EXISTS ${t('check_results')} (
        run_id INTEGER, node_id VARCHAR, name VARCHAR, text VARCHAR, type VARCHAR, outcome VARCHAR, value_number DOUBLE PRECISION,
        value_text VARCHAR, threshold VARCHAR, message VARCHAR, duration_ms DOUBLE PRECISION, sample VARCHAR, implied BOOLEAN, measured_at TIMESTAMP)`,
  },
  {
    name: 'warnings, run kinds, content digests, contracts, unchanged versions',
    sql: (t) => `ALTER TABLE ${t('node_results')} ADD COLUMN IF NOT EXISTS warnings VARCHAR;
      ALTER TABLE ${t('runs')} ADD COLUMN IF NOT EXISTS kind VARCHAR;
      ALTER TABLE ${t('port_versions')} ADD COLUMN IF NOT EXISTS digest VARCHAR;
      ALTER TABLE ${t('port_versions')} ADD COLUMN IF NOT EXISTS contract VARCHAR;
      ALTER TABLE ${t('node_results')} ADD COLUMN IF NOT EXISTS unchanged_version INTEGER`,
  },
  {
    name: 'check metrics, snapshot repairs',
    sql: (t) => `CREATE TABLE IF NOT EXISTS ${t('metrics')} (run_id INTEGER, node_id VARCHAR, key VARCHAR, value DOUBLE PRECISION, measured_at TIMESTAMP);
      CREATE TABLE IF NOT EXISTS ${t('snapshot_repairs')} (snapshot VARCHAR, repaired_at TIMESTAMP, action VARCHAR, reason VARCHAR, by_user VARCHAR, removed VARCHAR, adjusted INTEGER)`,
  },
];

/**
 * The state store in SQL tables of the warehouse itself (ADR 0008): a port's switch
 * and its record commit in one transaction, and there is no second engine to install.
 */
export class SqlStateStore implements StateStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly session: Session,
    private readonly dialect: Dialect,
  ) {}

  private t(name: string): string {
    return this.dialect.table(STATE_SCHEMA, name);
  }

  /** Calls on the store's own session run one at a time: a session is one connection. */
  private serial<T>(work: (session: Session) => Promise<T>, session?: Session): Promise<T> {
    if (session) return work(session);
    const next = this.queue.then(() => work(this.session));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Applies the migrations this Tessera knows and the state has not had, in order, each
   * recorded in `migrations`; in one transaction that other processes starting at the
   * same moment wait for, so each is applied once. Each is written so that it also holds
   * on a state made before migrations were recorded (IF NOT EXISTS).
   */
  async migrate(): Promise<void> {
    await this.serial((s) =>
      underLock(s, this.dialect, 'migrate', async (tx) => {
        await tx.execute(`${this.dialect.createSchema(STATE_SCHEMA)};
          CREATE TABLE IF NOT EXISTS ${this.t('migrations')} (version INTEGER, name VARCHAR, applied_at TIMESTAMP)`);
        const applied = new Set((await tx.query(`SELECT version FROM ${this.t('migrations')}`)).map((r) => num(r.version)));
        const newest = Math.max(0, ...applied);
        const known = STATE_MIGRATIONS.length;
        if (newest > known) throw new Error(`The state store was migrated by a newer Tessera (migration ${newest}); this Tessera knows ${known}. Upgrade Tessera.`);
        for (const [index, migration] of STATE_MIGRATIONS.entries()) {
          const version = index + 1;
          if (applied.has(version)) continue;
          await tx.execute(migration.sql((name) => this.t(name)));
          await tx.execute(`INSERT INTO ${this.t('migrations')} VALUES (${version}, ${this.dialect.literal(migration.name)}, ${this.dialect.timestamp(new Date())})`);
        }
      }),
    );
  }

  async secret(key: string): Promise<string> {
    const name = this.dialect.literal(`secret:${key}`);
    return this.serial(async (s) => {
      const [row] = await s.query(`SELECT value FROM ${this.t('meta')} WHERE key = ${name}`);
      if (typeof row?.value === 'string') return row.value;
      const value = randomBytes(32).toString('hex');
      await s.execute(`INSERT INTO ${this.t('meta')} VALUES (${name}, ${this.dialect.literal(value)})`);
      return value;
    });
  }

  async note(key: string): Promise<string | undefined> {
    const [row] = await this.serial((s) => s.query(`SELECT value FROM ${this.t('meta')} WHERE key = ${this.dialect.literal(`note:${key}`)}`));
    return typeof row?.value === 'string' ? row.value : undefined;
  }

  async setNote(key: string, value: string, session?: Session): Promise<void> {
    const name = this.dialect.literal(`note:${key}`);
    await this.serial(
      (s) => s.execute(`DELETE FROM ${this.t('meta')} WHERE key = ${name}; INSERT INTO ${this.t('meta')} VALUES (${name}, ${this.dialect.literal(value)})`),
      session,
    );
  }

  async startRun(run: { selector: string; pid: number; nodes: number; startedAt: Date; kind?: 'run' | 'test' }): Promise<number> {
    const d = this.dialect;
    // Two processes sharing the warehouse must not take the same next id.
    const [row] = await this.serial((s) =>
      underLock(s, d, 'runs', (tx) => tx.query(`INSERT INTO ${this.t('runs')} (id, status, started_at, finished_at, selector, pid, nodes, built, published, failed, skipped, row_count, kind)
        SELECT coalesce(max(id), 0) + 1, 'running', ${d.timestamp(run.startedAt)}, NULL, ${d.literal(run.selector)}, ${run.pid},
               ${run.nodes}, 0, 0, 0, 0, 0, ${d.literal(run.kind ?? 'run')}
        FROM ${this.t('runs')} RETURNING id`)),
    );
    return Number(row?.id);
  }

  async finishRun(id: number, summary: Parameters<StateStore['finishRun']>[1]): Promise<void> {
    const d = this.dialect;
    await this.serial((s) =>
      s.execute(`UPDATE ${this.t('runs')} SET status = ${d.literal(summary.status)}, finished_at = ${d.timestamp(summary.finishedAt)},
        built = ${summary.built}, published = ${summary.published}, failed = ${summary.failed}, skipped = ${summary.skipped},
        row_count = ${summary.rows} WHERE id = ${id}`),
    );
  }

  async abandonUnfinishedRuns(alive?: (ids: readonly number[]) => Promise<ReadonlySet<number>>): Promise<number[]> {
    if (!alive) {
      const rows = await this.serial((s) => s.query(`UPDATE ${this.t('runs')} SET status = 'abandoned' WHERE status = 'running' RETURNING id`));
      return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    }
    const running = (await this.serial((s) => s.query(`SELECT id FROM ${this.t('runs')} WHERE status = 'running'`))).map((r) => Number(r.id));
    const living = await alive(running);
    const dead = running.filter((id) => !living.has(id)).sort((a, b) => a - b);
    if (dead.length > 0) await this.serial((s) => s.execute(`UPDATE ${this.t('runs')} SET status = 'abandoned' WHERE status = 'running' AND id IN (${dead.join(', ')})`));
    return dead;
  }

  async recordNodeResults(runId: number, results: readonly NodeResult[]): Promise<void> {
    if (results.length === 0) return;
    const d = this.dialect;
    const values = results.map((r) =>
      [
        runId,
        d.literal(r.nodeId),
        d.literal(r.kind),
        d.literal(r.product),
        d.literal(r.status),
        r.startedAt === undefined ? 'NULL' : d.timestamp(new Date(r.startedAt)),
        r.durationMs,
        r.rows ?? 'NULL',
        r.bytes ?? 'NULL',
        d.literal(r.error ? JSON.stringify(r.error) : null),
        d.literal(r.warnings ? JSON.stringify(r.warnings) : null),
        r.unchanged?.version ?? 'NULL',
      ].join(', '),
    );
    await this.serial((s) =>
      s.execute(`INSERT INTO ${this.t('node_results')} (run_id, node_id, kind, product, status, started_at, duration_ms, row_count, bytes, error, warnings, unchanged_version)
        VALUES (${values.join('), (')})`),
    );
  }

  async amendNodeResults(runId: number, results: readonly NodeResult[]): Promise<void> {
    if (results.length === 0) return;
    const ids = results.map((r) => this.dialect.literal(r.nodeId)).join(', ');
    await this.serial((s) => s.execute(`DELETE FROM ${this.t('node_results')} WHERE run_id = ${runId} AND node_id IN (${ids})`));
    await this.recordNodeResults(runId, results);
  }

  async runs(options: { limit?: number } = {}): Promise<RunRecord[]> {
    const rows = await this.serial((s) =>
      s.query(`SELECT * FROM ${this.t('runs')} ORDER BY id DESC LIMIT ${Math.max(1, Math.floor(options.limit ?? 20))}`),
    );
    return rows.map(toRun);
  }

  async run(id: number): Promise<{ run: RunRecord; nodes: NodeResult[] } | undefined> {
    return this.serial(async (s) => {
      const [run] = await s.query(`SELECT * FROM ${this.t('runs')} WHERE id = ${id}`);
      if (!run) return undefined;
      const nodes = await s.query(`SELECT * FROM ${this.t('node_results')} WHERE run_id = ${id} ORDER BY started_at NULLS LAST, node_id`);
      return { run: toRun(run), nodes: nodes.map(toNodeResult) };
    });
  }

  async nextPortVersion(port: string): Promise<number> {
    const [row] = await this.serial((s) =>
      s.query(`SELECT coalesce(max(version), 0) + 1 AS next FROM ${this.t('port_versions')} WHERE port = ${this.dialect.literal(port)}`),
    );
    return Number(row?.next ?? 1);
  }

  async recordPortVersion(v: PortVersion, session?: Session): Promise<void> {
    const d = this.dialect;
    await this.serial(async (s) => {
      if (v.current) await s.execute(`UPDATE ${this.t('port_versions')} SET is_current = FALSE WHERE port = ${d.literal(v.port)} AND is_current`);
      await s.execute(`INSERT INTO ${this.t('port_versions')} (port, version, run_id, table_name, status, is_current, created_at, row_count, columns, audit, digest, contract)
        VALUES (${d.literal(v.port)}, ${v.version}, ${v.runId}, ${d.literal(v.table)},
        ${d.literal(v.status)}, ${d.literal(v.current)}, ${d.timestamp(new Date(v.createdAt))}, ${v.rows},
        ${d.literal(JSON.stringify(v.columns))}, ${d.literal(JSON.stringify(v.audit))}, ${d.literal(v.digest ?? null)},
        ${d.literal(v.contract === undefined ? null : JSON.stringify(v.contract))})`);
    }, session);
  }

  async setCurrentPortVersion(port: string, version: number, session?: Session): Promise<void> {
    const d = this.dialect;
    await this.serial(
      (s) =>
        s.execute(`UPDATE ${this.t('port_versions')} SET is_current = (version = ${version})
          WHERE port = ${d.literal(port)} AND (is_current OR version = ${version})`),
      session,
    );
  }

  async markPortVersionsDropped(port: string, versions: readonly number[], session?: Session): Promise<void> {
    if (versions.length === 0) return;
    await this.serial(
      (s) =>
        s.execute(`UPDATE ${this.t('port_versions')} SET status = 'dropped'
          WHERE port = ${this.dialect.literal(port)} AND version IN (${versions.join(', ')})`),
      session,
    );
  }

  async recordChecks(
    runId: number,
    at: Date,
    checks: readonly CheckRecord[],
    metrics: readonly { nodeId: string; key: string; value: number }[],
    session?: Session,
  ): Promise<void> {
    const d = this.dialect;
    const when = d.timestamp(at);
    await this.serial(async (s) => {
      if (checks.length > 0) {
        const rows = checks.map((c) =>
          [
            runId,
            d.literal(c.nodeId),
            d.literal(c.name),
            d.literal(c.text),
            d.literal(c.type),
            d.literal(c.outcome),
            typeof c.value === 'number' && Number.isFinite(c.value) ? c.value : 'NULL',
            d.literal(c.value === null ? null : String(c.value)),
            d.literal(c.threshold),
            d.literal(c.message),
            c.durationMs,
            d.literal(c.sample ? JSON.stringify(c.sample) : null),
            d.literal(c.implied),
            when,
          ].join(', '),
        );
        await s.execute(`INSERT INTO ${this.t('check_results')} VALUES (${rows.join('), (')})`);
      }
      const finite = metrics.filter((m) => Number.isFinite(m.value));
      if (finite.length > 0) {
        const rows = finite.map((m) => `${runId}, ${d.literal(m.nodeId)}, ${d.literal(m.key)}, ${m.value}, ${when}`);
        await s.execute(`INSERT INTO ${this.t('metrics')} VALUES (${rows.join('), (')})`);
      }
    }, session);
  }

  async metricHistory(nodeId: string, key: string, limit: number, beforeRun: number): Promise<number[]> {
    const d = this.dialect;
    const rows = await this.serial((s) =>
      s.query(`SELECT value FROM ${this.t('metrics')} WHERE node_id = ${d.literal(nodeId)} AND key = ${d.literal(key)} AND run_id < ${beforeRun}
        ORDER BY run_id DESC LIMIT ${Math.max(1, Math.floor(limit))}`),
    );
    return rows.map((r) => num(r.value));
  }

  async checkResults(runId: number): Promise<CheckRecord[]> {
    const rows = await this.serial((s) => s.query(`SELECT * FROM ${this.t('check_results')} WHERE run_id = ${runId} ORDER BY node_id, name`));
    return rows.map((r) => ({
      nodeId: text(r.node_id),
      name: text(r.name),
      text: text(r.text),
      type: text(r.type),
      outcome: text(r.outcome) as CheckOutcome,
      value: typeof r.value_number === 'number' ? r.value_number : typeof r.value_text === 'string' ? r.value_text : null,
      threshold: text(r.threshold),
      message: text(r.message),
      durationMs: num(r.duration_ms),
      ...(typeof r.sample === 'string' ? { sample: JSON.parse(r.sample) as Record<string, unknown>[] } : {}),
      implied: r.implied === true,
    }));
  }

  async recordSnapshotRepair(r: SnapshotRepair, session?: Session): Promise<void> {
    const d = this.dialect;
    await this.serial(
      (s) =>
        s.execute(`INSERT INTO ${this.t('snapshot_repairs')} VALUES (${d.literal(r.snapshot)}, ${d.timestamp(new Date(r.at))}, ${d.literal(r.action)},
          ${d.literal(r.reason)}, ${d.literal(r.by)}, ${d.literal(JSON.stringify(r.removed))}, ${r.adjusted})`),
      session,
    );
  }

  async snapshotRepairs(snapshot: string): Promise<SnapshotRepair[]> {
    const rows = await this.serial((s) => s.query(`SELECT * FROM ${this.t('snapshot_repairs')} WHERE snapshot = ${this.dialect.literal(snapshot)} ORDER BY repaired_at`));
    return rows.map((r) => ({
      snapshot: text(r.snapshot),
      at: utc(r.repaired_at) ?? '',
      action: text(r.action),
      reason: text(r.reason),
      by: text(r.by_user),
      removed: JSON.parse(text(r.removed)) as Record<string, unknown>[],
      adjusted: num(r.adjusted),
    }));
  }

  async portVersions(port?: string): Promise<PortVersion[]> {
    const where = port === undefined ? '' : `WHERE port = ${this.dialect.literal(port)}`;
    const rows = await this.serial((s) => s.query(`SELECT * FROM ${this.t('port_versions')} ${where} ORDER BY port, version`));
    return rows.map(toPortVersion);
  }
}

function toRun(row: Row): RunRecord {
  const finishedAt = utc(row.finished_at);
  return {
    id: num(row.id),
    kind: row.kind === 'test' ? 'test' : 'run',
    status: text(row.status) as RunStatus,
    startedAt: utc(row.started_at) ?? '',
    ...(finishedAt === undefined ? {} : { finishedAt }),
    selector: text(row.selector),
    pid: num(row.pid),
    nodes: num(row.nodes),
    built: num(row.built),
    published: num(row.published),
    failed: num(row.failed),
    skipped: num(row.skipped),
    rows: num(row.row_count),
  };
}

function toNodeResult(row: Row): NodeResult {
  const startedAt = utc(row.started_at);
  return {
    nodeId: text(row.node_id),
    kind: text(row.kind),
    product: text(row.product),
    status: text(row.status) as NodeResult['status'],
    ...(startedAt === undefined ? {} : { startedAt }),
    durationMs: num(row.duration_ms),
    ...(row.row_count === null ? {} : { rows: num(row.row_count) }),
    ...(row.bytes === null ? {} : { bytes: num(row.bytes) }),
    ...(typeof row.error === 'string' ? { error: JSON.parse(row.error) as Diagnostic } : {}),
    ...(typeof row.warnings === 'string' ? { warnings: JSON.parse(row.warnings) as string[] } : {}),
    ...(row.unchanged_version === null || row.unchanged_version === undefined ? {} : { unchanged: { version: num(row.unchanged_version) } }),
  };
}

function toPortVersion(row: Row): PortVersion {
  return {
    port: text(row.port),
    version: num(row.version),
    runId: num(row.run_id),
    table: text(row.table_name),
    status: text(row.status) as PortVersionStatus,
    current: row.is_current === true,
    createdAt: utc(row.created_at) ?? '',
    rows: num(row.row_count),
    columns: JSON.parse(text(row.columns)) as string[],
    audit: JSON.parse(text(row.audit)) as unknown,
    ...(typeof row.digest === 'string' ? { digest: row.digest } : {}),
    ...(typeof row.contract === 'string' ? { contract: JSON.parse(row.contract) as unknown } : {}),
  };
}
