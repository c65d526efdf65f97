import type { MeshGraph, MeshNode } from '../compiler/index.js';
import type { Mesh } from '../spec/index.js';
import type { CheckRecord, StateStore } from '../state/index.js';
import type { Warehouse } from '../warehouse/index.js';
import { evaluateChecks } from './evaluate-checks.js';
import { productSchema, RAW_SCHEMA, rawView } from './layout.js';
import { syncPortViews } from './port-views.js';
import { openState } from './run-mesh.js';
import { selectNodes } from './select.js';

export interface TestedNode {
  readonly nodeId: string;
  readonly kind: MeshNode['kind'];
  /** The table or view checked, or undefined when there is nothing to check yet. */
  readonly table?: string;
  readonly results: readonly CheckRecord[];
  /** Why it was not checked (never built or published). */
  readonly missing?: string;
  /** For a port: the published version that was checked, and the run that published it. */
  readonly published?: { readonly version: number; readonly runId: number };
  /**
   * For a port: a newer version that a run's audit rejected, so consumers (and this
   * test) still read the published one; with the checks that failed it.
   */
  readonly rejected?: { readonly version: number; readonly runId: number; readonly failed: readonly CheckRecord[] };
}

export interface TestSummary {
  readonly runId: number;
  readonly status: 'success' | 'failed';
  readonly nodes: readonly TestedNode[];
  readonly passed: number;
  readonly warned: number;
  readonly failed: number;
  readonly milliseconds: number;
}

/**
 * Which version of a port `tessera test` checks (the published one), and the newest
 * version a run rejected since: its audit failed, so consumers never saw it, but the
 * user who just ran should hear of it from `test` too.
 */
async function versionsTested(state: StateStore, port: string, nodeId: string): Promise<Pick<TestedNode, 'published' | 'rejected'>> {
  const versions = await state.portVersions(port);
  const current = versions.find((v) => v.current);
  const rejected = versions
    .filter((v) => v.status === 'rejected' && (current === undefined || v.version > current.version))
    .sort((a, b) => b.version - a.version)[0];
  const failed = rejected ? (await state.checkResults(rejected.runId)).filter((r) => r.nodeId === nodeId && (r.outcome === 'fail' || r.outcome === 'error')) : [];
  return {
    ...(current ? { published: { version: current.version, runId: current.runId } } : {}),
    ...(rejected ? { rejected: { version: rejected.version, runId: rejected.runId, failed } } : {}),
  };
}

/**
 * Runs the checks of the selected nodes on what is there now, without building:
 * ports on their published view, sources, models and snapshots on their tables.
 * Results and metrics are recorded as a run of kind `test`.
 */
export async function testMesh(options: { mesh: Mesh; graph: MeshGraph; warehouse: Warehouse; select?: readonly string[]; now?: Date }): Promise<TestSummary> {
  const started = performance.now();
  const { warehouse, graph } = options;
  const d = warehouse.dialect;
  const now = options.now ?? new Date();
  const state = await openState(warehouse);
  await syncPortViews(warehouse, d, state, graph, options.mesh);
  const selected = selectNodes(graph, options.mesh, options.select ?? [])
    .map((id) => graph.nodes.get(id))
    .filter((n): n is Exclude<MeshNode, { kind: 'feature' }> => n !== undefined && n.kind !== 'feature' && n.checks.length > 0);
  const runId = await state.startRun({ selector: (options.select ?? []).join(' '), pid: process.pid, nodes: selected.length, startedAt: now, kind: 'test' });
  const tested: TestedNode[] = [];
  for (const node of selected) {
    const [schema, name] = node.kind === 'port' ? [RAW_SCHEMA, rawView(node.domain, node.table)] : [productSchema(node.product), node.name];
    if ((await warehouse.columns(schema, name)).length === 0) {
      tested.push({ nodeId: node.id, kind: node.kind, results: [], missing: node.kind === 'port' ? 'never published: `tessera run` publishes it' : 'never built: `tessera run` builds it' });
      continue;
    }
    await warehouse.execute(d.setSearchPath(productSchema(node.product)));
    const outcome = await evaluateChecks(warehouse, d, state, { nodeId: node.id, table: d.table(schema, name), checks: node.checks, runId, now });
    await state.recordChecks(runId, now, outcome.results, outcome.metrics);
    tested.push({ nodeId: node.id, kind: node.kind, table: `${schema}.${name}`, results: outcome.results, ...(node.kind === 'port' ? await versionsTested(state, `${node.domain}.${node.table}`, node.id) : {}) });
  }
  const all = tested.flatMap((t) => t.results);
  const failed = all.filter((r) => r.outcome === 'fail' || r.outcome === 'error').length;
  const missing = tested.filter((t) => t.missing !== undefined).length;
  const summary: TestSummary = {
    runId,
    status: failed > 0 || missing > 0 ? 'failed' : 'success',
    nodes: tested,
    passed: all.filter((r) => r.outcome === 'pass').length,
    warned: all.filter((r) => r.outcome === 'warn').length,
    failed,
    milliseconds: performance.now() - started,
  };
  await state.finishRun(runId, { status: summary.status, built: 0, published: 0, failed: failed + missing, skipped: 0, rows: 0, finishedAt: new Date(now.getTime() + summary.milliseconds) });
  return summary;
}
