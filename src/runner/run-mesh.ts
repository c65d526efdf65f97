import { availableParallelism } from 'node:os';
import type { MeshGraph, MeshNode } from '../compiler/index.js';
import type { Mesh } from '../spec/index.js';
import { portPolicies, requestGrants, specGrants } from '../access/index.js';
import { SqlAccessStore, SqlStateStore, STATE_SCHEMA, type AccessRequest, type NodeResult, type StateStore } from '../state/index.js';
import { syncPortViews } from './port-views.js';
import type { Session, Warehouse } from '../warehouse/index.js';
import { buildModel } from './build-model.js';
import { buildSnapshot } from './build-snapshot.js';
import { buildSource } from './build-source.js';
import { BuildFailure, type BuildContext, type BuildOutcome } from './context.js';
import { checkProblem } from './audit.js';
import { evaluateChecks } from './evaluate-checks.js';
import type { RunEvent, RunSummary } from './events.js';
import { toDiagnostic, type ModelStatementOrigin } from './failure.js';
import { storageTrouble } from './storage.js';
import { warehousePath } from './warehouse-lock.js';
import { productSchema, RAW_SCHEMA, VERSIONS_SCHEMA } from './layout.js';
import { beginPublishTogether, buildPort, dropStrayVersions, settlePublishTogether } from './publish-port.js';
import { schedule } from './schedule.js';
import { selectNodes } from './select.js';

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
}

/** Opens the state store kept in the warehouse, creating its tables on first use. */
export async function openState(warehouse: Warehouse): Promise<StateStore> {
  const state = new SqlStateStore(warehouse, warehouse.dialect);
  await state.migrate();
  return state;
}

/** Access requests approved so far (the grants they give apply to models as to people). */
async function approvedRequests(warehouse: Warehouse): Promise<AccessRequest[]> {
  const session = await warehouse.connect();
  try {
    const store = new SqlAccessStore(session, warehouse.dialect);
    await store.migrate();
    return await store.accessRequests({ status: 'approved' });
  } finally {
    await session.close();
  }
}

/** Builds the selected part of the mesh: sources, models, snapshots, then ports through write-audit-publish. */
export async function runMesh(options: RunOptions): Promise<RunSummary> {
  const started = performance.now();
  const { warehouse, graph } = options;
  const d = warehouse.dialect;
  const now = options.now ?? new Date();
  const selected = selectNodes(graph, options.mesh, options.select ?? []);
  const state = await openState(warehouse);
  // This process holds the warehouse: any run still marked running died, and its unpublished versions go.
  const abandoned = await state.abandonUnfinishedRuns();
  await warehouse.execute(
    [VERSIONS_SCHEMA, RAW_SCHEMA, ...new Set([...graph.products.keys()].map(productSchema)), ...new Set([...graph.products.values()].map((p) => p.domain))]
      .map((schema) => `${d.createSchema(schema)};`)
      .join('\n'),
  );
  const strayTables = await dropStrayVersions(warehouse, d, state);
  // Masks declared since the last publish hold from now on, not from the next publish.
  await syncPortViews(warehouse, d, state, graph, options.mesh);
  const access = { mesh: options.mesh, grants: [...specGrants(graph), ...requestGrants(await approvedRequests(warehouse))], policies: portPolicies(graph, options.mesh) };
  const runId = await state.startRun({ selector: (options.select ?? []).join(' '), pid: process.pid, nodes: selected.length, startedAt: now });
  options.onEvent?.({ type: 'run-started', runId, nodes: selected, abandoned, strayTables });
  beginPublishTogether(runId, options.mesh, graph, selected);

  const concurrency = Math.max(1, options.concurrency ?? Math.max(2, availableParallelism()));
  const sessions: Session[] = [];
  for (let i = 0; i < Math.min(concurrency, Math.max(1, selected.length)); i++) {
    const session = await warehouse.connect();
    sessions.push(options.onStatement ? recording(session, options.onStatement) : session);
  }
  const results: NodeResult[] = [];
  const recorder = new ResultRecorder(state, runId);
  // A full disk, a read-only file system or a damaged file fails every node after the
  // first: stop starting nodes then, and say it once (the others are recorded as stopped).
  const machine = new AbortController();
  const warehouseFile = warehousePath(options.root, options.mesh.spec);
  const stopping = options.signal ? AbortSignal.any([options.signal, machine.signal]) : machine.signal;
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
      sessions.length,
      async (id, worker) => {
        const node = graph.nodes.get(id);
        const session = sessions[worker];
        if (!node || !session) throw new Error(`no node or session for ${id}`);
        options.onEvent?.({ type: 'node-started', nodeId: id });
        const ctx: BuildContext = {
          session,
          dialect: d,
          state,
          graph,
          root: options.root,
          runId,
          now,
          fullRefresh: options.fullRefresh ?? false,
          access,
        };
        const startedAt = new Date();
        const t0 = performance.now();
        let origin: ModelStatementOrigin | undefined;
        try {
          const outcome = await build(ctx, node, (wrapped) => {
            if (node.kind === 'model') origin = { file: node.sqlFile, prefixLength: wrapped.prefixLength };
          });
          const result: NodeResult = { ...base(node), status: 'success', startedAt: startedAt.toISOString(), durationMs: performance.now() - t0, rows: outcome.rows, ...(outcome.bytes === undefined ? {} : { bytes: outcome.bytes }), ...(outcome.warnings?.length ? { warnings: outcome.warnings } : {}), ...(outcome.unchanged ? { unchanged: outcome.unchanged } : {}) };
          if (outcome.published) publishedPorts.push({ ...outcome.published, rows: outcome.rows });
          finish(result, outcome.published);
          return 'success';
        } catch (error) {
          await session.execute('ROLLBACK').catch(() => undefined);
          const trouble = storageTrouble(error, warehouseFile);
          const diagnostic = trouble ? { code: trouble.code, severity: 'error' as const, message: trouble.message, hint: trouble.hint, location: node.location } : toDiagnostic(error, node.location, origin);
          finish({ ...base(node), status: 'failed', startedAt: startedAt.toISOString(), durationMs: performance.now() - t0, error: diagnostic });
          if (STORAGE_CODES.has(diagnostic.code) && !machine.signal.aborted) machine.abort(diagnostic.message.replace(/:.*$/s, '').replace(/\.$/, '').toLowerCase());
          return 'failed';
        }
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

async function build(ctx: BuildContext, node: MeshNode, onWrapped: Parameters<typeof buildModel>[2]): Promise<BuildOutcome> {
  const outcome = await buildNode(ctx, node, onWrapped);
  // Ports audit in write-audit-publish, snapshots before their change commits (build-snapshot.ts).
  if (node.kind === 'port' || node.kind === 'feature' || node.kind === 'snapshot' || node.checks.length === 0) return outcome;
  // Checks on sources and models: `fail` fails the node (and skips what reads it), `warn` does not.
  const d = ctx.dialect;
  await ctx.session.execute(d.setSearchPath(productSchema(node.product)));
  const checks = await evaluateChecks(ctx.session, d, ctx.state, { nodeId: node.id, table: d.table(productSchema(node.product), node.name), checks: node.checks, runId: ctx.runId, now: ctx.now });
  await ctx.state.recordChecks(ctx.runId, ctx.now, checks.results, checks.metrics);
  if (checks.failed.length > 0) {
    throw new BuildFailure('check/failed', `${node.kind} \`${node.name}\` of ${node.product} was built but fails its checks: ${checks.failed.map(checkProblem).join('; ')}.`, 'Look at the sample rows (`tessera runs show <id>`), then fix the data or the check.', node.location);
  }
  return checks.warned.length === 0 ? outcome : { ...outcome, warnings: checks.warned.map((w) => `check \`${w.name}\` warns: ${w.message}`) };
}

async function buildNode(ctx: BuildContext, node: MeshNode, onWrapped: Parameters<typeof buildModel>[2]): Promise<BuildOutcome> {
  switch (node.kind) {
    case 'source':
      return buildSource(ctx, node);
    case 'model':
      return buildModel(ctx, node, onWrapped);
    case 'snapshot':
      return buildSnapshot(ctx, node);
    case 'port':
      return buildPort(ctx, node);
    case 'feature':
      return { rows: 0 };
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
