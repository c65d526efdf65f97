/**
 * The node queue that spreads a run over `tessera worker` processes, in the state schema
 * of a PostgreSQL warehouse. The run enqueues a node when it may start; a worker leases
 * it with `FOR UPDATE SKIP LOCKED` (so two workers never take the same row and never wait
 * on each other), keeps the lease by heartbeats, and writes the outcome back. A lease
 * whose worker stopped heartbeating expires and the node is leased again. Every time is
 * the database's clock (`now()`), never a worker's: machines disagree about the time.
 */
import type { Dialect, Row, Session } from '../warehouse/index.js';
import { STATE_SCHEMA } from './sql-state-store.js';
import { StateTables, underLock } from './state-tables.js';
import { num, text, utc } from './values.js';

/** A node leased this many times without an outcome is given up: it may be what kills its workers. */
export const MAX_ATTEMPTS = 3;

/** The database's time, as the state schema keeps timestamps (UTC, no zone). */
const NOW = `(now() AT TIME ZONE 'UTC')`;

export type LeaseStatus = 'ready' | 'leased' | 'done' | 'failed';

/** What a worker needs of the run to build a node as the run would. */
export interface LeaseContext {
  /** The run's clock, ISO. */
  readonly now: string;
  readonly fullRefresh: boolean;
}

export interface Lease {
  readonly runId: number;
  readonly nodeId: string;
  /** 1 for the first lease, 2 when a worker died holding it, … */
  readonly attempt: number;
  /** The node as the run's mesh has it (`nodeDigest`). */
  readonly digest: string;
  readonly context: LeaseContext;
}

/** A node of a run whose outcome came back (or whose workers kept dying). */
export interface Settled {
  readonly nodeId: string;
  readonly status: 'done' | 'failed';
  readonly worker: string;
  readonly attempts: number;
  /** The worker's JSON outcome; undefined when the node was given up after `MAX_ATTEMPTS` lost leases. */
  readonly outcome?: unknown;
}

export interface WorkerRecord {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly concurrency: number;
  readonly leaseMs: number;
  readonly startedAt: string;
  readonly heartbeatAt: string;
  /** Heartbeat within its lease. */
  readonly alive: boolean;
  readonly leases: readonly { readonly runId: number; readonly nodeId: string; readonly attempt: number; readonly leaseUntil: string }[];
}

export class LeaseStore extends StateTables {
  constructor(
    session: Session,
    dialect: Dialect,
    /**
     * SQL: whether the run whose id is the given expression is still held by its process.
     * A run's process that died leaves queued nodes no one waits for: they are never
     * leased (another run may hold their product by now) and are pruned.
     */
    private readonly runAlive: (runId: string) => string,
  ) {
    if (dialect.name !== 'postgres') throw new Error('node leases need PostgreSQL (FOR UPDATE SKIP LOCKED)');
    super(session, dialect);
  }

  /** Creates the tables once, also when several processes start together (CREATE … IF NOT EXISTS races on PostgreSQL). */
  async migrate(): Promise<void> {
    await this.serial((s) =>
      underLock(s, this.dialect, 'migrate', async (tx) => {
        await tx.execute(`${this.dialect.createSchema(STATE_SCHEMA)};
          CREATE TABLE IF NOT EXISTS ${this.t('node_leases')} (
            run_id INTEGER NOT NULL, node_id VARCHAR NOT NULL, status VARCHAR NOT NULL, worker VARCHAR, lease_until TIMESTAMP,
            attempts INTEGER NOT NULL DEFAULT 0, digest VARCHAR, context VARCHAR, outcome VARCHAR, reported BOOLEAN NOT NULL DEFAULT FALSE,
            queued_at TIMESTAMP NOT NULL, leased_at TIMESTAMP, finished_at TIMESTAMP, PRIMARY KEY (run_id, node_id));
          CREATE INDEX IF NOT EXISTS node_leases_open ON ${this.t('node_leases')} (queued_at) WHERE status IN ('ready', 'leased');
          CREATE INDEX IF NOT EXISTS node_leases_unreported ON ${this.t('node_leases')} (run_id) WHERE NOT reported;
          CREATE TABLE IF NOT EXISTS ${this.t('workers')} (
            id VARCHAR PRIMARY KEY, host VARCHAR, pid INTEGER, concurrency INTEGER, lease_ms INTEGER,
            started_at TIMESTAMP, heartbeat_at TIMESTAMP);`);
      }),
    );
  }

  // --- workers -------------------------------------------------------------------------

  /** Records a worker; workers silent for a day are forgotten. */
  async register(worker: { id: string; host: string; pid: number; concurrency: number; leaseMs: number }): Promise<void> {
    const d = this.dialect;
    await this.serial((s) =>
      s.execute(`DELETE FROM ${this.t('workers')} WHERE heartbeat_at < ${NOW} - interval '1 day';
        INSERT INTO ${this.t('workers')} (id, host, pid, concurrency, lease_ms, started_at, heartbeat_at)
        VALUES (${d.literal(worker.id)}, ${d.literal(worker.host)}, ${worker.pid}, ${worker.concurrency}, ${worker.leaseMs}, ${NOW}, ${NOW})`),
    );
  }

  /** Says the worker is alive and extends every lease it holds; returns the nodes it still holds. */
  async heartbeat(workerId: string, leaseMs: number): Promise<Set<string>> {
    const d = this.dialect;
    const rows = await this.serial((s) =>
      s.query(`WITH beat AS (UPDATE ${this.t('workers')} SET heartbeat_at = ${NOW} WHERE id = ${d.literal(workerId)})
        UPDATE ${this.t('node_leases')} SET lease_until = ${NOW} + ${leaseMs} * interval '1 millisecond'
        WHERE worker = ${d.literal(workerId)} AND status = 'leased' RETURNING run_id, node_id`),
    );
    return new Set(rows.map((r) => `${num(r.run_id)}/${text(r.node_id)}`));
  }

  /** A worker stopping cleanly: gone from the list at once, not after its lease. */
  async unregister(workerId: string): Promise<void> {
    await this.serial((s) => s.execute(`DELETE FROM ${this.t('workers')} WHERE id = ${this.dialect.literal(workerId)}`));
  }

  /** Workers whose last heartbeat is within their lease, and the nodes they hold. */
  async workers(): Promise<WorkerRecord[]> {
    return this.serial((s) => readWorkers(s, this.dialect));
  }

  // --- the run's side ------------------------------------------------------------------

  /** Queues nodes of a run, ready to lease. */
  async enqueue(runId: number, nodes: readonly { nodeId: string; digest: string }[], context: LeaseContext): Promise<void> {
    if (nodes.length === 0) return;
    const d = this.dialect;
    const ctx = d.literal(JSON.stringify(context));
    const values = nodes.map((n) => `(${runId}, ${d.literal(n.nodeId)}, 'ready', ${d.literal(n.digest)}, ${ctx}, ${NOW})`);
    await this.serial((s) =>
      s.execute(`INSERT INTO ${this.t('node_leases')} (run_id, node_id, status, digest, context, queued_at) VALUES ${values.join(', ')}
        ON CONFLICT (run_id, node_id) DO UPDATE SET status = 'ready', worker = NULL, lease_until = NULL, attempts = 0, digest = EXCLUDED.digest,
        context = EXCLUDED.context, outcome = NULL, reported = FALSE, queued_at = EXCLUDED.queued_at, leased_at = NULL, finished_at = NULL`),
    );
  }

  /**
   * The run's nodes settled since the last call, each reported once. A node whose lease
   * expired `MAX_ATTEMPTS` times is settled as failed here, and no worker leases it again.
   */
  async settled(runId: number): Promise<Settled[]> {
    const rows = await this.serial((s) =>
      s.query(`UPDATE ${this.t('node_leases')} SET reported = TRUE,
          status = CASE WHEN status = 'leased' THEN 'failed' ELSE status END,
          finished_at = coalesce(finished_at, ${NOW})
        WHERE run_id = ${runId} AND NOT reported
          AND (status IN ('done', 'failed') OR (status = 'leased' AND lease_until < ${NOW} AND attempts >= ${MAX_ATTEMPTS}))
        RETURNING node_id, status, worker, attempts, outcome`),
    );
    return rows.map((r) => ({
      nodeId: text(r.node_id),
      status: r.status === 'done' ? 'done' : 'failed',
      worker: text(r.worker),
      attempts: num(r.attempts),
      ...(r.outcome === null || r.outcome === undefined ? {} : { outcome: JSON.parse(text(r.outcome)) as unknown }),
    }));
  }

  /** Nodes of the run queued and not leased yet: removed (the run stops), returned so the run records them as never started. */
  async withdraw(runId: number): Promise<string[]> {
    const rows = await this.serial((s) => s.query(`DELETE FROM ${this.t('node_leases')} WHERE run_id = ${runId} AND status = 'ready' RETURNING node_id`));
    return rows.map((r) => text(r.node_id));
  }

  /** Whether some node of the run is queued or leased while no worker is alive to build it. */
  async stranded(runId: number): Promise<boolean> {
    const [row] = await this.serial((s) =>
      s.query(`SELECT EXISTS (SELECT 1 FROM ${this.t('node_leases')} WHERE run_id = ${runId} AND status IN ('ready', 'leased'))
          AND NOT EXISTS (SELECT 1 FROM ${this.t('workers')} WHERE heartbeat_at >= ${NOW} - lease_ms * interval '1 millisecond') AS stranded`),
    );
    return row?.stranded === true;
  }

  /** Rows of runs that ended: the queue keeps the last week (who built what), then forgets; what dead runs left queued goes now. */
  async prune(): Promise<void> {
    await this.serial((s) =>
      s.execute(`DELETE FROM ${this.t('node_leases')} WHERE (reported AND queued_at < ${NOW} - interval '7 days')
        OR (status IN ('ready', 'leased') AND NOT ${this.runAlive('run_id')})`),
    );
  }

  // --- the worker's side ---------------------------------------------------------------

  /** Leases the oldest ready node (or one whose lease expired), or undefined when there is none. */
  async lease(workerId: string, leaseMs: number): Promise<Lease | undefined> {
    const d = this.dialect;
    const [row] = await this.serial((s) =>
      s.query(`UPDATE ${this.t('node_leases')} AS l SET status = 'leased', worker = ${d.literal(workerId)}, attempts = l.attempts + 1,
          leased_at = ${NOW}, lease_until = ${NOW} + ${leaseMs} * interval '1 millisecond'
        FROM (SELECT run_id, node_id FROM ${this.t('node_leases')}
              WHERE (status = 'ready' OR (status = 'leased' AND lease_until < ${NOW} AND attempts < ${MAX_ATTEMPTS})) AND ${this.runAlive('run_id')}
              ORDER BY queued_at, run_id, node_id LIMIT 1 FOR UPDATE SKIP LOCKED) AS c
        WHERE l.run_id = c.run_id AND l.node_id = c.node_id
        RETURNING l.run_id, l.node_id, l.attempts, l.digest, l.context`),
    );
    if (!row) return undefined;
    return { runId: num(row.run_id), nodeId: text(row.node_id), attempt: num(row.attempts), digest: text(row.digest), context: JSON.parse(text(row.context)) as LeaseContext };
  }

  /**
   * Whether `workerId` still holds `lease`, asked inside the transaction that publishes the
   * node's work (`tx`): the row stays locked until that transaction ends, so the lease
   * cannot pass to another worker between this answer and the commit.
   */
  async holds(tx: Session, workerId: string, lease: Lease): Promise<boolean> {
    const d = this.dialect;
    const rows = await tx.query(`SELECT node_id FROM ${this.t('node_leases')}
      WHERE run_id = ${lease.runId} AND node_id = ${d.literal(lease.nodeId)} AND worker = ${d.literal(workerId)}
        AND attempts = ${lease.attempt} AND status = 'leased' FOR UPDATE`);
    return rows.length > 0;
  }

  /**
   * Writes a node's outcome, if the worker still holds that lease: a worker that stalled
   * past its lease lost the node to another, and its late outcome is not the node's.
   */
  async complete(workerId: string, lease: Lease, status: 'done' | 'failed', outcome: unknown): Promise<boolean> {
    const d = this.dialect;
    const rows = await this.serial((s) =>
      s.query(`UPDATE ${this.t('node_leases')} SET status = ${d.literal(status)}, outcome = ${d.literal(JSON.stringify(outcome))}, finished_at = ${NOW}, lease_until = NULL
        WHERE run_id = ${lease.runId} AND node_id = ${d.literal(lease.nodeId)} AND worker = ${d.literal(workerId)}
          AND attempts = ${lease.attempt} AND status = 'leased' RETURNING node_id`),
    );
    return rows.length > 0;
  }
}

/** The workers and their leases, for `GET /api/workers`; none when no worker ever ran (or the warehouse has no queue). */
export async function readWorkers(session: Session, d: Dialect): Promise<WorkerRecord[]> {
  if (d.name !== 'postgres' || !(await session.relations(STATE_SCHEMA)).some((r) => r.name === 'workers')) return [];
  const t = (name: string): string => d.table(STATE_SCHEMA, name);
  const workers = await session.query(`SELECT id, host, pid, concurrency, lease_ms, started_at, heartbeat_at,
      heartbeat_at >= ${NOW} - lease_ms * interval '1 millisecond' AS alive FROM ${t('workers')} ORDER BY started_at, id`);
  const leases = await session.query(`SELECT worker, run_id, node_id, attempts, lease_until FROM ${t('node_leases')} WHERE status = 'leased' ORDER BY leased_at`);
  return workers.map((w: Row) => ({
    id: text(w.id),
    host: text(w.host),
    pid: num(w.pid),
    concurrency: num(w.concurrency),
    leaseMs: num(w.lease_ms),
    startedAt: utc(w.started_at) ?? '',
    heartbeatAt: utc(w.heartbeat_at) ?? '',
    alive: w.alive === true,
    leases: leases
      .filter((l) => l.worker === w.id)
      .map((l) => ({ runId: num(l.run_id), nodeId: text(l.node_id), attempt: num(l.attempts), leaseUntil: utc(l.lease_until) ?? '' })),
  }));
}
