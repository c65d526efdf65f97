import { availableParallelism } from 'node:os';
import type { MeshGraph, MeshNode } from '../compiler/index.js';
import { isDatabaseSource, type Mesh } from '../spec/index.js';
import { SqlCursorStore, SqlStateStore, STATE_SCHEMA, type NodeResult, type StateStore } from '../state/index.js';
import { syncPortViews } from './port-views.js';
import type { Session, Warehouse } from '../warehouse/index.js';
import type { BuildContext } from './context.js';
import { attemptNode, attemptResult, modelAccess, type NodeAttempt } from './build-node.js';
import { openDistribution, type RemoteBuilds, type WorkersMode } from './distribute.js';
import type { RunEvent, RunSummary } from './events.js';
import { storageTrouble } from './storage.js';
import { warehousePath } from './warehouse-lock.js';
import { portOfVersionTable, productSchema, RAW_SCHEMA, VERSIONS_SCHEMA } from './layout.js';
import { beginPublishTogether, dropStrayVersions, settlePublishTogether } from './publish-port.js';
import { schedule } from './schedule.js';
import { selectNodes } from './select.js';
import { openCoordinator, thisProcess, type RunCoordinator } from './coordination/index.js';
import { applyEngineGrants, enginesHaveRoles } from './engine-grants.js';

export interface RunOptions {
  readonly root: string;
  readonly mesh: Mesh;
  readonly graph: MeshGraph;
  readonly warehouse: Warehouse;
  readonly select?: readonly string[];
  /** Nodes built at once (default: the number of cores, at least 2). */
  readonly concurrency?: number;
  readonly fullRefresh?: boolean;
  /** The run's clock (default: now); tests pass their own. */
  readonly now?: Date;
  readonly onEvent?: (event: RunEvent) => void;
  readonly onStatement?: (sql: string) => void;
  /**
   * Stops the run early (a signal, a shutdown): no node starts after it is aborted,
   * the nodes building finish, the rest are recorded as not built and the run as
   * `abandoned`. Its reason (`signal.reason`, a string) is recorded with each node left.
   */
  readonly signal?: AbortSignal;
  /** The command this run is, as another run that finds its products locked is told (default `tessera run`). */
  readonly command?: string;
  /**
   * Who builds the nodes (default `auto`): `tessera worker` processes when one is alive
   * on a PostgreSQL warehouse, else this process; `local` always this process;
   * `required` workers or the run does not start (`NoWorkersError`).
   */
  readonly workers?: WorkersMode;
}

/** Opens the state store kept in the warehouse, creating its tables on first use. */
export async function openState(warehouse: Warehouse): Promise<StateStore> {
  const state = new SqlStateStore(warehouse, warehouse.dialect);
  await state.migrate();
  return state;
}

/** Builds the selected part of the mesh: sources, models, snapshots, then ports through write-audit-publish. */
export async function runMesh(options: RunOptions): Promise<RunSummary> {
  const selected = selectNodes(options.graph, options.mesh, options.select ?? []);
  const remote = await openDistribution(options.warehouse, options.workers ?? 'auto');
  try {
    const coordinator = await openCoordinator(options.warehouse);
    try {
      // A product is built by one run at a time: all of the selection's products, or the run does not start.
      await coordinator.lockProducts([...new Set(selected.map((id) => options.graph.nodes.get(id)?.product ?? ''))].filter(Boolean), thisProcess(options.command ?? 'tessera run'));
      return await runLocked(options, selected, coordinator, remote);
    } finally {
      await coordinator.release();
    }
  } finally {
    await remote?.close();
  }
}

/**
 * Recovers what dead runs left: runs recorded as running whose process is gone become
 * abandoned, and version tables no record publishes are dropped, for the products this
 * run holds (another live run may be writing the others').
 */
async function recover(warehouse: Warehouse, graph: MeshGraph, state: StateStore, coordinator: RunCoordinator): Promise<{ abandoned: number[]; strayTables: string[] }> {
  const abandoned = await state.abandonUnfinishedRuns(coordinator.exclusive ? undefined : (ids) => coordinator.alive(ids));
  const mine = (table: string): boolean => {
    if (coordinator.exclusive) return true;
    const port = portOfVersionTable(table)?.port;
    const product = port === undefined ? undefined : graph.nodes.get(`port:${port}`)?.product;
    return product !== undefined && coordinator.holds(product);
  };
  const strayTables = await dropStrayVersions(warehouse, warehouse.dialect, state, mine);
  return { abandoned, strayTables };
}

async function runLocked(options: RunOptions, selected: string[], coordinator: RunCoordinator, remote: RemoteBuilds | undefined): Promise<RunSummary> {
  const started = performance.now();
  const { warehouse, graph } = options;
  const d = warehouse.dialect;
  const now = options.now ?? new Date();
  const { state, abandoned, strayTables, runId } = await coordinator.serialized('run-start', async () => {
    const state = await openState(warehouse);
    await warehouse.execute(
      [VERSIONS_SCHEMA, RAW_SCHEMA, ...new Set([...graph.products.keys()].map(productSchema)), ...new Set([...graph.products.values()].map((p) => p.domain))]
        .map((schema) => `${d.createSchema(schema)};`)
        .join('\n'),
    );
    const recovered = await recover(warehouse, graph, state, coordinator);
    // Masks declared since the last publish hold from now on, not from the next publish.
    await syncPortViews(warehouse, d, state, graph, options.mesh);
    // Once per run, not per node: database sources building at once must not race to create its table.
    if (selected.some((id) => { const node = graph.nodes.get(id); return node?.kind === 'source' && isDatabaseSource(node.spec); })) await new SqlCursorStore(warehouse, d).migrate();
    const runId = await state.startRun({ selector: (options.select ?? []).join(' '), pid: process.pid, nodes: selected.length, startedAt: now });
    return { state, runId, ...recovered };
  });
  await coordinator.claimRun(runId);
  const access = await modelAccess(warehouse, options.mesh, graph);
  options.onEvent?.({ type: 'run-started', runId, nodes: selected, abandoned, strayTables });
  beginPublishTogether(runId, options.mesh, graph, selected);

  const concurrency = Math.max(1, options.concurrency ?? Math.max(2, availableParallelism()));
  const sessions: Session[] = [];
  for (let i = 0; i < Math.min(concurrency, Math.max(1, selected.length)); i++) {
    const session = await warehouse.connect();
    sessions.push(options.onStatement ? recording(session, options.onStatement) : session);
  }
  // Spread over workers, enough nodes are queued that a worker finishing one finds the next at once, not
  // after the run has seen the outcome and queued what it unblocked; the sessions here build what stays here.
  const inFlight = remote ? Math.max(sessions.length, remote.slots * 8) : sessions.length;
  const pool = new SessionPool(sessions);
  remote?.start(runId, { now: now.toISOString(), fullRefresh: options.fullRefresh ?? false });
  const together = new Set(options.mesh.products.filter((p) => p.spec.publish === 'together').map((p) => p.id));
  const results: NodeResult[] = [];
  const recorder = new ResultRecorder(state, runId);
  // A full disk, a read-only file system or a damaged file fails every node after the
  // first: stop starting nodes then, and say it once (the others are recorded as stopped).
  const machine = new AbortController();
  const warehouseFile = warehousePath(options.root, options.mesh.spec);
  const stopping = options.signal ? AbortSignal.any([options.signal, machine.signal]) : machine.signal;
  // Stopping: what no worker leased yet is taken back and never starts.
  if (remote) stopping.addEventListener('abort', () => void remote.withdraw().catch(() => undefined), { once: true });
  const publishedPorts: { port: string; version: number; rows: number }[] = [];

  const finish = (result: NodeResult, published?: { port: string; version: number }): void => {
    results.push(result);
    recorder.add(result);
    options.onEvent?.({ type: 'node-finished', result, ...(published ? { published } : {}) });
  };

  try {
    await schedule(
      graph,
      selected,
      inFlight,
      async (id) => {
        const node = graph.nodes.get(id);
        if (!node) throw new Error(`no node ${id}`);
        options.onEvent?.({ type: 'node-started', nodeId: id });
        let attempt: NodeAttempt | undefined;
        // A `publish: together` port stays here: its product's ports settle in this process at the run's end.
        if (remote && !(node.kind === 'port' && together.has(node.product))) {
          attempt = await remote.build(node);
          if (attempt === undefined) return 'stopped';
        } else {
          const session = await pool.acquire();
          try {
            const ctx: BuildContext = { session, dialect: d, state, graph, root: options.root, runId, now, fullRefresh: options.fullRefresh ?? false, access, warehouse };
            attempt = await attemptNode(ctx, node, warehouseFile);
          } finally {
            pool.release(session);
          }
        }
        const published = attempt.ok ? attempt.outcome.published : undefined;
        if (attempt.ok && published) publishedPorts.push({ ...published, rows: attempt.outcome.rows });
        finish(attemptResult(node, attempt), published);
        if (attempt.ok) return 'success';
        if (STORAGE_CODES.has(attempt.error.code) && !machine.signal.aborted) machine.abort(attempt.error.message.replace(/:.*$/s, '').replace(/\.$/, '').toLowerCase());
        return 'failed';
      },
      (id, because) => {
        const node = graph.nodes.get(id);
        if (!node) return;
        finish({
          ...base(node),
          status: 'skipped',
          durationMs: 0,
          error: { code: 'run/upstream-failed', severity: 'error', message: `Not built: ${because} failed.`, hint: `Fix ${because} first.`, location: node.location },
        });
      },
      checkOrder(graph, selected),
      stopping,
    );
  } finally {
    for (const session of sessions) await session.close();
  }
  const stopped = options.signal?.aborted ? stopReason(options.signal) : machine.signal.aborted ? stopReason(machine.signal) : undefined;
  if (stopped !== undefined) {
    const done = new Set(results.map((r) => r.nodeId));
    for (const id of selected) {
      const node = graph.nodes.get(id);
      if (!node || done.has(id)) continue;
      finish({
        ...base(node),
        status: 'skipped',
        durationMs: 0,
        error: { code: 'run/stopped', severity: 'error', message: `Not built: the run was stopped (${stopped}) before this node started.`, hint: 'Run again to build it; consumers read the last published versions meanwhile.', location: node.location },
      });
    }
  }
  // The records may fail for the reason the nodes did (a full disk): the summary is still the run's.
  let unrecorded = await recorder.flush().then(() => recorder.error, (error: unknown) => error);
  // `publish: together`: each such product's audited ports switch now, in one transaction, or none does.
  for (const { result, published } of await settlePublishTogether(warehouse, d, state, runId, results)) {
    results[results.findIndex((r) => r.nodeId === result.nodeId)] = result;
    if (published) publishedPorts.push(published);
  }
  const engineGrants = await grantPublished(options, coordinator);
  const count = (status: NodeResult['status'], ports: boolean): number => results.filter((r) => r.status === status && (r.kind === 'port') === ports).length;
  const failed = results.filter((r) => r.status === 'failed').length;
  const notStarted = results.filter((r) => r.error?.code === 'run/stopped').length;
  const summary: RunSummary = {
    runId,
    status: failed > 0 || notStarted > 0 ? 'failed' : 'success',
    ...(stopped !== undefined && notStarted > 0 ? { stopped: { reason: stopped, notStarted, abandoned: options.signal?.aborted === true } } : {}),
    nodes: selected.length,
    built: count('success', false),
    published: count('success', true) - results.filter((r) => r.unchanged !== undefined).length, // an unchanged port published nothing
    failed,
    skipped: results.filter((r) => r.status === 'skipped').length,
    rows: publishedPorts.reduce((sum, p) => sum + p.rows, 0),
    milliseconds: performance.now() - started,
    results,
    publishedPorts,
    ...(engineGrants === undefined ? {} : { engineGrants }),
  };
  // A run stopped before its end is `abandoned`: not a failure of the mesh, and not a success either.
  // A run stopped by the machine (a full disk) failed: it is not for the next run to abandon.
  const recorded = summary.stopped?.abandoned === true ? 'abandoned' : summary.status;
  try {
    await state.finishRun(runId, { ...summary, status: recorded, finishedAt: new Date(now.getTime() + summary.milliseconds) });
  } catch (error) {
    unrecorded ??= error;
  }
  if (unrecorded === undefined) return summary;
  const trouble = storageTrouble(unrecorded, warehouseFile);
  if (!trouble) throw unrecorded instanceof Error ? unrecorded : new Error('the run could not be recorded');
  return { ...summary, unrecorded: `${trouble.message} The run's own record is incomplete: \`tessera runs\` may show run ${runId} as running until the next run, which records it as abandoned.` };
}

/**
 * On an engine with roles, the team roles read the views this run published: a view
 * replaced on PostgreSQL starts with no grants, so the plan is applied again (a diff,
 * empty when nothing changed). A failure leaves roles reading less, never more.
 */
async function grantPublished(options: RunOptions, coordinator: RunCoordinator): Promise<RunSummary['engineGrants']> {
  if (!enginesHaveRoles(options.warehouse)) return undefined;
  try {
    const changes = await coordinator.serialized('grants', () => applyEngineGrants(options.warehouse, options.mesh, options.graph, options.now ?? new Date()));
    return { statements: changes.statements.length };
  } catch (error) {
    return { statements: 0, error: error instanceof Error ? error.message : String(error) };
  }
}

const STORAGE_CODES = new Set(['run/disk-full', 'run/read-only', 'run/permission', 'run/damaged']);

function stopReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return typeof reason === 'string' ? reason : reason instanceof Error && reason.name !== 'AbortError' ? reason.message : 'stopped';
}

/**
 * Reference checks read other ports: audit after those are built in the same run,
 * when that creates no cycle (else the check reads the last published version).
 */
function checkOrder(graph: MeshGraph, selected: readonly string[]): Map<string, string[]> {
  const chosen = new Set(selected);
  const after = new Map<string, string[]>();
  const reaches = (from: string, to: string): boolean => {
    const stack = [from];
    const seen = new Set(stack);
    while (stack.length > 0) {
      const id = stack.pop() ?? '';
      if (id === to) return true;
      for (const next of [...(graph.nodes.get(id)?.downstream ?? []), ...[...after].filter(([, before]) => before.includes(id)).map(([n]) => n)]) {
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    return false;
  };
  for (const id of selected) {
    const node = graph.nodes.get(id);
    if (!node || node.kind === 'feature') continue;
    for (const check of node.checks) {
      if (check.type !== 'reference') continue;
      const port = `port:${check.port.domain}.${check.port.table}`;
      if (port === id || !chosen.has(port) || reaches(id, port)) continue;
      after.set(id, [...(after.get(id) ?? []), port]);
    }
  }
  return after;
}

/**
 * A session that reports every statement it runs on the data (builds, audits,
 * checks) for the benchmark's replay; Tessera's own records are left out.
 */
function recording(session: Session, onStatement: (sql: string) => void): Session {
  const own = `"${STATE_SCHEMA}".`;
  const report = (sql: string): void => {
    if (!sql.includes(own)) onStatement(sql);
  };
  const wrapped: Session = {
    execute: (sql) => {
      report(sql);
      return session.execute(sql);
    },
    query: (sql) => {
      report(sql);
      return session.query(sql);
    },
    transaction: (work) => session.transaction((tx) => work(recording(tx, onStatement))),
    relations: (schema) => session.relations(schema),
    columns: (schema, name) => session.columns(schema, name),
    close: () => session.close(),
  };
  return wrapped;
}

function base(node: MeshNode): Pick<NodeResult, 'nodeId' | 'kind' | 'product'> {
  return { nodeId: node.id, kind: node.kind, product: node.product };
}

/** The run's sessions, one per node building here at a time (a session is one connection). */
class SessionPool {
  private readonly free: Session[];
  private readonly waiting: ((session: Session) => void)[] = [];

  constructor(sessions: readonly Session[]) {
    this.free = [...sessions];
  }

  acquire(): Promise<Session> {
    const session = this.free.pop();
    return session ? Promise.resolve(session) : new Promise((take) => this.waiting.push(take));
  }

  release(session: Session): void {
    const next = this.waiting.shift();
    if (next) next(session);
    else this.free.push(session);
  }
}

/** Writes node results in batches: one insert per few hundred milliseconds, not one per node. */
class ResultRecorder {
  private pending: NodeResult[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly state: StateStore,
    private readonly runId: number,
  ) {}

  /** The first write that failed (a full disk); later batches are still tried. */
  error: unknown;

  add(result: NodeResult): void {
    this.pending.push(result);
    this.timer ??= setTimeout(() => void this.flush(), 250);
  }

  /** Never rejects: a failed write is kept in `error` for the run's end, not thrown from a timer. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0);
    this.writing = this.writing
      .then(() => this.state.recordNodeResults(this.runId, batch))
      .catch((error: unknown) => {
        this.error ??= error;
      });
    await this.writing;
  }
}
