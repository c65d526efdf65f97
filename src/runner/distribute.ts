/**
 * The run's side of spreading a run over `tessera worker` processes: a node that may start
 * is queued in the state store instead of built here, and its outcome comes back from
 * whichever worker leased it, as the same node attempt a local build gives. The run keeps
 * everything else (the schedule, the records, `publish: together`).
 */
import type { MeshNode } from '../compiler/index.js';
import { LeaseStore, MAX_ATTEMPTS, type LeaseContext, type Settled } from '../state/index.js';
import type { Session, Warehouse } from '../warehouse/index.js';
import { nodeDigest, type NodeAttempt } from './build-node.js';
import { runAliveSql } from './coordination/index.js';

/** `auto`: spread the run when a worker is alive (PostgreSQL only); `local`: never; `required`: always, or refuse to start. */
export type WorkersMode = 'auto' | 'local' | 'required';

/** How often the run asks the queue what came back; one query for all of the run's waiting nodes. */
const POLL_MS = 25;
/** How often it checks that some worker is still alive to build what waits. */
const STRANDED_CHECK_MS = 1000;

/** The run was told to use workers and cannot: the message says why and what to do. */
export class NoWorkersError extends Error {
  readonly code = 'run/no-workers';
  constructor(message: string) {
    super(message);
    this.name = 'NoWorkersError';
  }
}

/**
 * Whether the run is spread over workers: undefined to build here. Workers share the
 * state store, so they exist only with a PostgreSQL warehouse.
 */
export async function openDistribution(warehouse: Warehouse, mode: WorkersMode): Promise<RemoteBuilds | undefined> {
  if (mode === 'local') return undefined;
  if (warehouse.dialect.name !== 'postgres') {
    if (mode === 'required') throw new NoWorkersError('Workers need a shared PostgreSQL warehouse (`warehouse: { type: postgres, url_env: … }` in tessera.yaml); this mesh uses an embedded DuckDB file, which one process builds. Run without --workers.');
    return undefined;
  }
  const session = await warehouse.connect();
  try {
    const store = new LeaseStore(session, warehouse.dialect, runAliveSql);
    await store.migrate();
    const alive = (await store.workers()).filter((w) => w.alive);
    if (alive.length > 0) return new RemoteBuilds(session, store, alive.reduce((sum, w) => sum + w.concurrency, 0));
    if (mode === 'required') throw new NoWorkersError('No `tessera worker` is alive on this warehouse (none has sent a heartbeat within its lease). Start one (`tessera worker --dir <mesh>`), or run with --local to build here.');
  } catch (error) {
    await session.close();
    throw error;
  }
  await session.close();
  return undefined;
}

/** The nodes of one run that workers build. */
export class RemoteBuilds {
  private runId = 0;
  private context: LeaseContext = { now: '', fullRefresh: false };
  private readonly waiting = new Map<string, { node: MeshNode; done: (attempt: NodeAttempt | undefined) => void }>();
  private queued: { nodeId: string; digest: string }[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastStrandedCheck = 0;
  private stopped = false;
  private stranded = false;

  constructor(
    private readonly session: Session,
    private readonly store: LeaseStore,
    /** Nodes the live workers build at once, together. */
    readonly slots: number,
  ) {}

  start(runId: number, context: LeaseContext): void {
    this.runId = runId;
    this.context = context;
  }

  /** Has a worker build `node`; undefined when the run stopped before a worker leased it (it never started). */
  build(node: MeshNode): Promise<NodeAttempt | undefined> {
    if (this.stranded) return Promise.resolve(noWorker(node));
    if (this.stopped) return Promise.resolve(undefined);
    return new Promise((done) => {
      this.waiting.set(node.id, { node, done });
      // Nodes that become ready together are queued in one insert.
      this.queued.push({ nodeId: node.id, digest: nodeDigest(node) });
      this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
      this.timer ??= setTimeout(() => void this.poll(), POLL_MS);
    });
  }

  /** The run stops: nothing more is queued, and what no worker leased yet is taken back (it never started). */
  async withdraw(): Promise<void> {
    this.stopped = true;
    await this.flushing;
    for (const nodeId of await this.store.withdraw(this.runId)) this.resolve(nodeId, undefined);
  }

  /** At the run's end: anything still queued or leased no longer belongs to a run (a late outcome is refused). */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    try {
      await this.flushing;
      if (this.runId > 0) await this.store.withdraw(this.runId);
      await this.store.prune();
    } finally {
      await this.session.close();
    }
  }

  private async flush(): Promise<void> {
    const batch = this.queued.splice(0);
    this.flushing = undefined;
    if (this.stopped) {
      for (const { nodeId } of batch) this.resolve(nodeId, this.stranded ? noWorker(this.waiting.get(nodeId)?.node) : undefined);
      return;
    }
    try {
      await this.store.enqueue(this.runId, batch, this.context);
    } catch (error) {
      for (const { nodeId } of batch) this.unreachable(nodeId, error);
    }
  }

  private async poll(): Promise<void> {
    this.timer = undefined;
    try {
      for (const settled of await this.store.settled(this.runId)) {
        const wait = this.waiting.get(settled.nodeId);
        if (wait) this.resolve(settled.nodeId, attemptOf(wait.node, settled));
      }
      const now = Date.now();
      if (this.waiting.size > 0 && now - this.lastStrandedCheck >= STRANDED_CHECK_MS) {
        this.lastStrandedCheck = now;
        if (await this.store.stranded(this.runId)) this.strand();
      }
    } catch (error) {
      // The queue cannot be read (the database went away): every waiting node fails with why, and the run ends.
      for (const nodeId of [...this.waiting.keys()]) this.unreachable(nodeId, error);
    }
    if (this.waiting.size > 0) this.timer = setTimeout(() => void this.poll(), POLL_MS);
  }

  /** No worker is alive: what waits cannot be built, so it fails now rather than the run hanging. */
  private strand(): void {
    this.stopped = true;
    this.stranded = true;
    void this.store.withdraw(this.runId).catch(() => undefined);
    for (const [nodeId, { node }] of [...this.waiting]) this.resolve(nodeId, noWorker(node));
  }

  private unreachable(nodeId: string, error: unknown): void {
    const node = this.waiting.get(nodeId)?.node;
    if (!node) return;
    this.resolve(nodeId, lost(node, 'run/queue-unreachable', `Not built: the run lost the node queue in the state store (${error instanceof Error ? error.message : String(error)}).`, 'Check the PostgreSQL server, then run again.'));
  }

  private resolve(nodeId: string, attempt: NodeAttempt | undefined): void {
    const wait = this.waiting.get(nodeId);
    if (!wait) return;
    this.waiting.delete(nodeId);
    wait.done(attempt);
  }
}

function attemptOf(node: MeshNode, settled: Settled): NodeAttempt {
  if (settled.outcome !== undefined) return settled.outcome as NodeAttempt;
  return lost(
    node,
    'run/worker-lost',
    `Not built: the workers that leased it stopped ${MAX_ATTEMPTS} times without finishing it (last: ${settled.worker}); it may be what stops them (memory, a crash).`,
    'Look at the workers\' logs, or build it here with `tessera run --local --select …` to see the error.',
  );
}

function noWorker(node: MeshNode | undefined): NodeAttempt | undefined {
  if (!node) return undefined;
  return lost(node, 'run/no-workers', 'Not built: no `tessera worker` is alive to build it (none has sent a heartbeat within its lease).', 'Start a worker (`tessera worker`), or run with --local to build here.');
}

function lost(node: MeshNode, code: string, message: string, hint: string): NodeAttempt {
  return { ok: false, error: { code, severity: 'error', message, hint, location: node.location }, startedAt: new Date().toISOString(), durationMs: 0 };
}
