/**
 * Building one node, as the run does it in its own process and as `tessera worker` does
 * it for a run elsewhere: the same build, the same access, the same diagnostics, so a
 * node's result does not depend on which process built it.
 */
import { createHash } from 'node:crypto';
import type { MeshGraph, MeshNode } from '../compiler/index.js';
import type { Diagnostic } from '../diagnostics/index.js';
import { isDatabaseSource, type Mesh } from '../spec/index.js';
import { portPolicies, requestGrants, specGrants } from '../access/index.js';
import { SqlAccessStore, type AccessRequest, type NodeResult } from '../state/index.js';
import type { Warehouse } from '../warehouse/index.js';
import { buildModel } from './build-model.js';
import { buildSnapshot } from './build-snapshot.js';
import { buildSource } from './build-source.js';
import { BuildFailure, type BuildContext, type BuildOutcome } from './context.js';
import { checkProblem } from './audit.js';
import { evaluateChecks } from './evaluate-checks.js';
import { toDiagnostic, type ModelStatementOrigin } from './failure.js';
import { storageTrouble } from './storage.js';
import { productSchema } from './layout.js';
import { buildPort } from './publish-port.js';
import type { ModelAccess } from './port-reads.js';

/** One try at building a node: what it built, or why not. JSON as it is, so a worker can hand it to the run. */
export type NodeAttempt =
  | { readonly ok: true; readonly outcome: BuildOutcome; readonly startedAt: string; readonly durationMs: number }
  | { readonly ok: false; readonly error: Diagnostic; readonly startedAt: string; readonly durationMs: number };

/** Builds `node`; never throws for what a build can hit (engine errors, failed checks, a full disk). */
export async function attemptNode(ctx: BuildContext, node: MeshNode, warehouseFile?: string): Promise<NodeAttempt> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  let origin: ModelStatementOrigin | undefined;
  try {
    const outcome = await build(ctx, node, (wrapped) => {
      if (node.kind === 'model') origin = { file: node.sqlFile, prefixLength: wrapped.prefixLength };
    });
    return { ok: true, outcome, startedAt, durationMs: performance.now() - t0 };
  } catch (error) {
    await ctx.session.execute('ROLLBACK').catch(() => undefined);
    const trouble = storageTrouble(error, warehouseFile);
    const diagnostic = trouble ? { code: trouble.code, severity: 'error' as const, message: trouble.message, hint: trouble.hint, location: node.location } : toDiagnostic(error, node.location, origin);
    return { ok: false, error: diagnostic, startedAt, durationMs: performance.now() - t0 };
  }
}

/** The node result an attempt records, wherever it was built. */
export function attemptResult(node: MeshNode, attempt: NodeAttempt): NodeResult {
  const base = { nodeId: node.id, kind: node.kind, product: node.product, startedAt: attempt.startedAt, durationMs: attempt.durationMs };
  if (!attempt.ok) return { ...base, status: 'failed', error: attempt.error };
  const { outcome } = attempt;
  return {
    ...base,
    status: 'success',
    rows: outcome.rows,
    ...(outcome.bytes === undefined ? {} : { bytes: outcome.bytes }),
    ...(outcome.warnings?.length ? { warnings: outcome.warnings } : {}),
    ...(outcome.unchanged ? { unchanged: outcome.unchanged } : {}),
    ...(outcome.ingested ? { ingested: outcome.ingested } : {}),
  };
}

/** What models may read of other products' ports in a run: the spec's grants plus the approved requests. */
export async function modelAccess(warehouse: Warehouse, mesh: Mesh, graph: MeshGraph): Promise<ModelAccess> {
  return { mesh, grants: [...specGrants(graph), ...requestGrants(await approvedRequests(warehouse))], policies: portPolicies(graph, mesh) };
}

/**
 * What a node is, as a build sees it, whatever folder it was loaded from: a worker whose
 * copy of the mesh differs from the run's must not build its own idea of the node.
 */
export function nodeDigest(node: MeshNode): string {
  const json = JSON.stringify(node, (key, value: unknown) => (key === 'location' || key === 'sqlFile' || key === 'downstream' ? undefined : value));
  return createHash('sha256').update(json).digest('hex').slice(0, 32);
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

async function build(ctx: BuildContext, node: MeshNode, onWrapped: Parameters<typeof buildModel>[2]): Promise<BuildOutcome> {
  const outcome = await buildNode(ctx, node, onWrapped);
  // Ports audit in write-audit-publish, snapshots before their change commits (build-snapshot.ts),
  // database sources before their load and high-water mark commit (sources/build.ts).
  if (node.kind === 'port' || node.kind === 'feature' || node.kind === 'snapshot' || node.checks.length === 0) return outcome;
  if (node.kind === 'source' && isDatabaseSource(node.spec)) return outcome;
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
