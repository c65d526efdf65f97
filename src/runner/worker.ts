/**
 * `tessera worker`: builds nodes of runs started elsewhere. It leases a queued node from
 * the state store, builds it exactly as the run would (`attemptNode`), and hands the
 * outcome back. Heartbeats keep its leases; when it dies they expire and another worker
 * builds the node again. A half-built port version is never published: its version
 * table and view switch commit in one transaction (write, audit, publish), and the
 * worker's sessions make PostgreSQL drop a dead worker's transaction promptly.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { MeshGraph, MeshNode } from '../compiler/index.js';
import type { Mesh } from '../spec/index.js';
import { LeaseStore, SqlStateStore, type Lease } from '../state/index.js';
import type { Session, Warehouse } from '../warehouse/index.js';
import { attemptNode, modelAccess, nodeDigest, type NodeAttempt } from './build-node.js';
import { runAliveSql } from './coordination/index.js';
import type { ModelAccess } from './port-reads.js';
import { BuildFailure } from './context.js';

export interface WorkerOptions {
  readonly root: string;
  readonly mesh: Mesh;
  readonly graph: MeshGraph;
  readonly warehouse: Warehouse;
  /** How long a lease lasts without a heartbeat; heartbeats go every third of it. */
  readonly leaseMs: number;
  /** Nodes built at once. */
  readonly concurrency: number;
  /** Once aborted, no node is leased; the nodes building finish and their outcomes are written. */
  readonly signal: AbortSignal;
  /** Loads the mesh from the folder again (it may have changed since the worker started). */
  readonly reload?: () => Promise<{ mesh: Mesh; graph: MeshGraph } | undefined>;
  readonly onEvent?: (event: WorkerEvent) => void;
}

export type WorkerEvent =
  | { readonly type: 'started'; readonly worker: string }
  | { readonly type: 'built'; readonly lease: Lease; readonly nodeId: string; readonly attempt: NodeAttempt; readonly accepted: boolean }
  | { readonly type: 'lease-lost'; readonly lease: Lease }
  | { readonly type: 'trouble'; readonly message: string };

export interface WorkerSummary {
  readonly worker: string;
  readonly built: number;
  readonly failed: number;
  /** Outcomes refused because the lease had passed to another worker. */
  readonly lost: number;
}

/** Idle workers ask for work at most this often, and at least this often. */
const IDLE_MIN_MS = 10;
const IDLE_MAX_MS = 100;
const UNREACHABLE_MS = 1000;

export async function runWorker(options: WorkerOptions): Promise<WorkerSummary> {
  const { warehouse, leaseMs } = options;
  const id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const storeSession = await warehouse.connect();
  const store = new LeaseStore(storeSession, warehouse.dialect, runAliveSql);
  const counts = { built: 0, failed: 0, lost: 0 };
  const heart = new Heartbeat(store, id, leaseMs, options.onEvent);
  try {
    await store.migrate();
    await store.register({ id, host: hostname(), pid: process.pid, concurrency: options.concurrency, leaseMs });
    options.onEvent?.({ type: 'started', worker: id });
    heart.start();
    const builder = new NodeBuilder(options, async (tx, lease) => {
      if (!(await store.holds(tx, id, lease))) {
        throw new BuildFailure('worker/lease-lost', `Worker ${id} lost its lease on ${lease.nodeId} (run ${lease.runId}) before publishing: another worker builds it now, and this version is dropped.`, 'Nothing to do: the node is built by the worker that took it over.');
      }
    });
    // While the database cannot be reached, say so once, and ask again every second rather than every few milliseconds.
    let unreachable = false;
    const leaseOne = (): Promise<Lease | undefined | 'failed'> =>
      store.lease(id, leaseMs).then(
        (leased) => {
          unreachable = false;
          return leased;
        },
        (error: unknown) => {
          if (!unreachable) options.onEvent?.({ type: 'trouble', message: `leasing failed (retrying every second): ${error instanceof Error ? error.message : String(error)}` });
          unreachable = true;
          return 'failed' as const;
        },
      );
    const slot = async (): Promise<void> => {
      const session = await openBuildSession(warehouse, leaseMs);
      try {
        let idle = IDLE_MIN_MS;
        while (!options.signal.aborted) {
          const lease = await leaseOne();
          if (lease === 'failed') {
            await pause(UNREACHABLE_MS, options.signal);
            continue;
          }
          if (!lease) {
            await pause(idle, options.signal);
            idle = Math.min(IDLE_MAX_MS, idle * 2);
            continue;
          }
          idle = IDLE_MIN_MS;
          heart.hold(lease);
          try {
            const attempt = await builder.build(session, lease);
            // Refused when the lease passed to another worker (or the outcome could not be written: the lease then expires).
            const accepted = await store.complete(id, lease, attempt.ok ? 'done' : 'failed', attempt).catch(() => false);
            if (!accepted) counts.lost++;
            else if (attempt.ok) counts.built++;
            else counts.failed++;
            options.onEvent?.({ type: 'built', lease, nodeId: lease.nodeId, attempt, accepted });
          } finally {
            heart.release(lease);
          }
        }
      } finally {
        await session.close();
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, slot));
    await store.unregister(id);
  } finally {
    heart.stop();
    await storeSession.close();
  }
  return { worker: id, ...counts };
}

/** Keeps the worker listed as alive and its leases from expiring; says when a lease was lost anyway. */
class Heartbeat {
  private readonly holding = new Map<string, Lease>();
  private readonly lost = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly store: LeaseStore,
    private readonly worker: string,
    private readonly leaseMs: number,
    private readonly onEvent: WorkerOptions['onEvent'],
  ) {}

  start(): void {
    this.timer = setTimeout(() => void this.beat(), Math.max(50, this.leaseMs / 3));
  }

  hold(lease: Lease): void {
    this.holding.set(`${lease.runId}/${lease.nodeId}`, lease);
  }

  release(lease: Lease): void {
    const key = `${lease.runId}/${lease.nodeId}`;
    this.holding.delete(key);
    this.lost.delete(key);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async beat(): Promise<void> {
    try {
      const held = await this.store.heartbeat(this.worker, this.leaseMs);
      for (const [key, lease] of this.holding) {
        if (held.has(key) || this.lost.has(key)) continue;
        this.lost.add(key);
        this.onEvent?.({ type: 'lease-lost', lease });
      }
    } catch (error) {
      this.onEvent?.({ type: 'trouble', message: `heartbeat failed: ${error instanceof Error ? error.message : String(error)}` });
    }
    if (!this.stopped) this.start();
  }
}

/** Builds leased nodes with what the run would use: the same mesh, access and clock. */
class NodeBuilder {
  private mesh: Mesh;
  private graph: MeshGraph;
  private readonly state: SqlStateStore;
  /** Per run: the grants approved when the worker first built one of its nodes. */
  private readonly access = new Map<number, Promise<ModelAccess>>();

  constructor(
    private readonly options: WorkerOptions,
    private readonly fence: (tx: Session, lease: Lease) => Promise<void>,
  ) {
    this.mesh = options.mesh;
    this.graph = options.graph;
    this.state = new SqlStateStore(options.warehouse, options.warehouse.dialect);
  }

  async build(session: Session, lease: Lease): Promise<NodeAttempt> {
    const node = await this.node(lease);
    if (!node.ok) return node.attempt;
    const { warehouse } = this.options;
    return attemptNode(
      {
        session,
        dialect: warehouse.dialect,
        state: this.state,
        graph: this.graph,
        root: this.options.root,
        runId: lease.runId,
        now: new Date(lease.context.now),
        fullRefresh: lease.context.fullRefresh,
        access: await this.accessFor(lease.runId),
        warehouse,
        fence: (tx) => this.fence(tx, lease),
      },
      node.node,
    );
  }

  /** The node as the run means it; the folder is read again once when this worker's copy differs. */
  private async node(lease: Lease): Promise<{ ok: true; node: MeshNode } | { ok: false; attempt: NodeAttempt }> {
    const same = (): MeshNode | undefined => {
      const node = this.graph.nodes.get(lease.nodeId);
      return node && nodeDigest(node) === lease.digest ? node : undefined;
    };
    let node = same();
    if (!node && this.options.reload) {
      const reloaded = await this.options.reload();
      if (reloaded) {
        this.mesh = reloaded.mesh;
        this.graph = reloaded.graph;
        this.access.clear();
      }
      node = same();
    }
    if (node) return { ok: true, node };
    const mine = this.graph.nodes.get(lease.nodeId);
    return {
      ok: false,
      attempt: {
        ok: false,
        startedAt: new Date().toISOString(),
        durationMs: 0,
        error: {
          code: 'worker/mesh-differs',
          severity: 'error',
          message: `Not built: worker ${hostname()} (pid ${process.pid}) has ${mine ? 'a different version of' : 'no'} ${lease.nodeId} in ${this.options.root}; a worker builds only the mesh the run was started with.`,
          hint: 'Update the worker\'s copy of the mesh (the same commit as the run\'s), or stop that worker.',
          ...(mine ? { location: mine.location } : {}),
        },
      },
    };
  }

  private accessFor(runId: number): Promise<ModelAccess> {
    let access = this.access.get(runId);
    if (!access) {
      access = modelAccess(this.options.warehouse, this.mesh, this.graph);
      // A worker outlives many runs: keep the newest few.
      if (this.access.size >= 8) this.access.delete(this.access.keys().next().value ?? runId);
      this.access.set(runId, access);
      access.catch(() => this.access.delete(runId));
    }
    return access;
  }
}

/**
 * A session for building: when this process dies mid-statement, PostgreSQL notices within
 * a second and rolls the statement back, and a transaction left open longer than a lease
 * (a frozen process) is ended, so the worker that takes the node over is never blocked by it.
 */
async function openBuildSession(warehouse: Warehouse, leaseMs: number): Promise<Session> {
  const session = await warehouse.connect();
  await session.execute(`SET client_connection_check_interval = '1s'; SET idle_in_transaction_session_timeout = '${Math.max(1000, Math.round(leaseMs))}ms'`);
  return session;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(finish, ms);
    function finish(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      done();
    }
    signal.addEventListener('abort', finish, { once: true });
  });
}
