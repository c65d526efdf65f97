import type { MeshGraph, MeshNode, PortNode } from '../compiler/index.js';
import { diffContracts } from '../governance/index.js';
import type { Mesh, PortSpec } from '../spec/index.js';
import type { NodeResult, PortVersion, StateStore } from '../state/index.js';
import type { Dialect, Session } from '../warehouse/index.js';
import { auditProblems, auditVersion, type AuditResult } from './audit.js';
import { BuildFailure, measure, type BuildContext, type BuildOutcome } from './context.js';
import { columnMasks, type Masking } from '../access/index.js';
import { ensureRawSchema, MASK_SALT, switchPortViews } from './port-views.js';
import { KEEP_VERSIONS, productSchema, VERSIONS_SCHEMA, versionTable } from './layout.js';

/**
 * Write, audit, publish. The port's rows are written to a new version table, the
 * contract audits it, and only then does the consumer-facing view switch to it, in
 * the same transaction that records the version. Consumers never see a half-built
 * or unaudited version; a failed audit leaves them on the last good one. A version
 * whose content digest (columns and rows) equals the published version's is not
 * published: the run reports the port `unchanged`.
 */
export async function buildPort(ctx: BuildContext, node: PortNode): Promise<BuildOutcome> {
  const { dialect: d, session, state } = ctx;
  const port = `${node.domain}.${node.table}`;
  const feeding = ctx.graph.nodes.get(node.upstream[0] ?? '');
  if (!feeding) throw new Error(`port ${port} has no model`);
  const version = await state.nextPortVersion(port);
  const table = versionTable(node.domain, node.table, version);
  await session.execute(d.createTableAs(VERSIONS_SCHEMA, table, `SELECT * FROM ${d.table(productSchema(feeding.product), feeding.name)}`, { replace: true }));
  try {
    return await auditAndPublish(ctx, node, port, version, table);
  } catch (error) {
    // Whatever stopped the publish (a rejected audit, a type the engine refuses, a failed
    // switch), the version table it wrote is not served and not kept: it goes now, not at
    // the next run. A crash here leaves it to `dropStrayVersions` at the next run's start.
    await session.execute(d.dropTable(VERSIONS_SCHEMA, table)).catch(() => undefined);
    throw error;
  }
}

async function auditAndPublish(ctx: BuildContext, node: PortNode, port: string, version: number, table: string): Promise<BuildOutcome> {
  const { dialect: d, session, state } = ctx;
  await session.execute(d.setSearchPath(productSchema(node.product)));
  const audit = await auditVersion(session, d, state, node, { schema: VERSIONS_SCHEMA, name: table }, { runId: ctx.runId, now: ctx.now });
  const declared = node.spec.columns?.map((c) => c.name);
  const columns = declared ?? audit.columns.map((c) => c.name);
  const record: PortVersion = {
    port,
    version,
    runId: ctx.runId,
    table,
    status: audit.passed ? 'published' : 'rejected',
    current: audit.passed,
    createdAt: ctx.now.toISOString(),
    rows: audit.rows,
    columns,
    audit: { passed: audit.passed, schema: audit.schema, problems: auditProblems(audit), warnings: audit.checks.warned.map((w) => w.name) },
    digest: audit.digest,
    contract: node.spec,
  };
  if (!audit.passed) {
    await state.recordPortVersion(record);
    await state.recordChecks(ctx.runId, ctx.now, audit.checks.results, audit.checks.metrics);
    throw auditFailure(node, audit);
  }
  const warnings = audit.checks.warned.map((w) => `check \`${w.name}\` warns: ${w.message}`);
  // The same content as what consumers read now: publish nothing, so kept versions stay real changes.
  const current = (await state.portVersions(port)).find((v) => v.current);
  warnings.push(...breakingChanges(ctx, node, current));
  if (current?.digest === audit.digest && current.columns.join('\0') === columns.join('\0')) {
    await state.recordChecks(ctx.runId, ctx.now, audit.checks.results, audit.checks.metrics);
    await session.execute(d.dropTable(VERSIONS_SCHEMA, table));
    return { rows: audit.rows, unchanged: { version: current.version }, warnings };
  }
  const group = togetherGroups.get(ctx.runId)?.get(node.product);
  if (group) {
    // `publish: together`: audited and kept; the product's ports switch at the run's end, all or none.
    await state.recordChecks(ctx.runId, ctx.now, audit.checks.results, audit.checks.metrics);
    group.pending.push({ node, record, columns });
    return { rows: audit.rows, warnings: [...warnings, `audited; publishes when every port of ${node.product} in this run has passed (publish: together)`] };
  }
  const salt = await state.secret(MASK_SALT);
  await session.transaction(async (tx) => {
    await ctx.fence?.(tx);
    await switchPortViews(tx, d, node, { table, columns }, columnMasks(node.spec.columns), salt);
    await state.recordPortVersion(record, tx);
    await state.recordChecks(ctx.runId, ctx.now, audit.checks.results, audit.checks.metrics, tx);
  });
  await pruneVersions(state, d, session, port);
  const { bytes } = await measure(session, d, VERSIONS_SCHEMA, table);
  return { rows: audit.rows, ...(bytes === undefined ? {} : { bytes }), published: { port, version }, warnings };
}

/**
 * The warning a publish gives when the port's contract broke compatibility with the one
 * its published version was built under (a column dropped, a type changed, a column made
 * nullable, allowed values narrowed, …), naming the readers (lineage). Versions recorded
 * without their contract are not compared.
 */
function breakingChanges(ctx: BuildContext, node: PortNode, published: PortVersion | undefined): string[] {
  if (published?.contract === undefined || published.status !== 'published') return [];
  const before: PortNode = { ...node, spec: published.contract as PortSpec };
  const readers = node.downstream.flatMap((id): [string, MeshNode][] => {
    const reader = ctx.graph.nodes.get(id);
    return reader ? [[id, reader]] : [];
  });
  const base: MeshGraph = { nodes: new Map([[node.id, before]]), products: ctx.graph.products, order: [node.id] };
  const head: MeshGraph = { nodes: new Map<string, MeshNode>([[node.id, node], ...readers]), products: ctx.graph.products, order: [node.id] };
  const breaking = diffContracts({ graph: base }, { graph: head }, { today: ctx.now.toISOString().slice(0, 10) }).changes.filter((c) => c.portId === node.id && c.breaking);
  const first = breaking[0];
  if (!first) return [];
  const who = [
    ...first.downstream.map((r) => `${r.product}${r.owner ? ` (${r.owner})` : ''}`),
    ...first.features.map((f) => `${f.type} ${f.product}.${f.feature}${f.owner ? ` (${f.owner})` : ''}`),
  ];
  return [
    `contract breaks compatibility with published v${published.version}: ${breaking.map((c) => c.detail).join('; ')}. ${
      who.length > 0 ? `Readers: ${who.join(', ')}; tell them, or publish the change as a new version of the port (\`version: ${node.version + 1}\`) and deprecate this one.` : 'No product or feature reads it in this mesh.'
    }`,
  ];
}

function auditFailure(node: PortNode, audit: AuditResult): BuildFailure {
  return new BuildFailure(
    'port/audit-failed',
    `Port ${node.domain}.${node.table} was not published: ${auditProblems(audit).join('; ')}.`,
    'Consumers still read the last good version. Fix the model (or the contract, if it is what changed), then run again.',
    node.location,
  );
}

/** Keeps the newest published versions for rollback; the record goes first, so a crash leaves at worst a stray table that the next run drops. */
async function pruneVersions(state: StateStore, d: Dialect, session: Session, port: string): Promise<void> {
  const kept = (await state.portVersions(port)).filter((v) => v.status === 'published').sort((a, b) => b.version - a.version);
  const old = kept.slice(KEEP_VERSIONS).filter((v) => !v.current);
  if (old.length === 0) return;
  await state.markPortVersionsDropped(port, old.map((v) => v.version));
  for (const v of old) await session.execute(d.dropTable(VERSIONS_SCHEMA, v.table));
}

/**
 * Drops version tables that no published record keeps: left by a run that died between
 * writing and publishing (a failed publish drops its own table at once, see `buildPort`).
 * Only published versions are served or kept for rollback; a `rejected` or `dropped`
 * record, or none at all, means the table must not exist.
 */
export async function dropStrayVersions(session: Session, d: Dialect, state: StateStore, mayDrop: (table: string) => boolean = () => true): Promise<string[]> {
  const kept = new Set((await state.portVersions()).filter((v) => v.status === 'published').map((v) => v.table));
  const stray = (await session.relations(VERSIONS_SCHEMA)).filter((r) => r.kind === 'table' && !kept.has(r.name) && mayDrop(r.name));
  for (const r of stray) await session.execute(d.dropTable(VERSIONS_SCHEMA, r.name));
  return stray.map((r) => r.name);
}

/*
 * `publish: together`. The ports of such a product audit as usual while the run goes,
 * but none switches on its own: at the run's end, when every one of the product's ports
 * in the run passed (or was unchanged), all of them switch in one transaction; when any
 * failed or was skipped, none does, and consumers keep reading the versions published
 * together before. Within the run, readers of these ports read those versions too.
 */

interface PendingPublish {
  readonly node: PortNode;
  readonly record: PortVersion;
  readonly columns: readonly string[];
}

interface TogetherGroup {
  /** The product's port nodes in this run. */
  readonly ports: readonly string[];
  readonly pending: PendingPublish[];
}

/** Run id → product id → its group, for the runs going in this process. */
const togetherGroups = new Map<number, Map<string, TogetherGroup>>();

/** Called when a run starts: the products that publish together, with their ports in the run. */
export function beginPublishTogether(runId: number, mesh: Mesh, graph: MeshGraph, selected: readonly string[]): void {
  const groups = new Map<string, TogetherGroup>();
  for (const product of mesh.products) {
    if (product.spec.publish !== 'together') continue;
    const ports = selected.filter((id) => {
      const node = graph.nodes.get(id);
      return node?.kind === 'port' && node.product === product.id;
    });
    if (ports.length > 1) groups.set(product.id, { ports, pending: [] });
  }
  if (groups.size > 0) togetherGroups.set(runId, groups);
}

/** A port node's result changed by the settlement, and what it published. */
export interface SettledPort {
  readonly result: NodeResult;
  readonly published?: { readonly port: string; readonly version: number; readonly rows: number };
}

/**
 * Called when a run's nodes are done: switches each together-product's audited ports in
 * one transaction when all of its ports in the run succeeded, else drops them and marks
 * them failed (with the port that held them back). Records the changed node results.
 */
export async function settlePublishTogether(session: Session, d: Dialect, state: StateStore, runId: number, results: readonly NodeResult[]): Promise<SettledPort[]> {
  const groups = togetherGroups.get(runId);
  togetherGroups.delete(runId);
  if (!groups) return [];
  const byNode = new Map(results.map((r) => [r.nodeId, r]));
  const settled: SettledPort[] = [];
  for (const [product, group] of groups) {
    if (group.pending.length === 0) continue;
    const blocking = group.ports.filter((id) => byNode.get(id)?.status !== 'success');
    if (blocking.length === 0) {
      const salt = await state.secret(MASK_SALT);
      await session.transaction(async (tx) => {
        for (const { node, record, columns } of group.pending) {
          await switchPortViews(tx, d, node, { table: record.table, columns }, columnMasks(node.spec.columns), salt);
          await state.recordPortVersion(record, tx);
        }
      });
      for (const { node, record } of group.pending) {
        await pruneVersions(state, d, session, record.port);
        const result = byNode.get(node.id);
        if (!result) continue;
        const warnings = (result.warnings ?? []).filter((w) => !w.startsWith('audited; publishes when'));
        settled.push({ result: warnings.length > 0 ? { ...result, warnings } : withoutWarnings(result), published: { port: record.port, version: record.version, rows: record.rows } });
      }
      continue;
    }
    const held = blocking.map((id) => id.slice(id.indexOf(':') + 1)).join(', ');
    for (const { node, record } of group.pending) {
      const problem = `not published: ${product} publishes its ports together, and ${held} did not pass in this run`;
      const audit = typeof record.audit === 'object' && record.audit !== null ? record.audit : {};
      await state.recordPortVersion({ ...record, status: 'rejected', current: false, audit: { ...audit, passed: false, problems: [problem] } });
      await session.execute(d.dropTable(VERSIONS_SCHEMA, record.table)).catch(() => undefined);
      const result = byNode.get(node.id);
      if (!result) continue;
      settled.push({
        result: {
          ...withoutWarnings(result), // "publishes when every port has passed" no longer holds
          status: 'failed',
          error: {
            code: 'port/not-published-together',
            severity: 'error',
            message: `Port ${record.port} passed its audit but was not published: product ${product} publishes its ports together (\`publish: together\`), and ${held} did not pass.`,
            hint: `Consumers still read the versions ${product} published together before. Fix ${held}, then run again.`,
            location: node.location,
          },
        },
      });
    }
  }
  if (settled.length > 0) await state.amendNodeResults(runId, settled.map((s) => s.result));
  return settled;
}

function withoutWarnings(result: NodeResult): NodeResult {
  const copy: { -readonly [K in keyof NodeResult]: NodeResult[K] } = { ...result };
  delete copy.warnings;
  return copy;
}

export class RollbackError extends Error {}

/** Switches a port back to an earlier kept version (by default the one before the current), with the port's masks. */
export async function rollbackPort(session: Session, d: Dialect, state: StateStore, port: string, masked: ReadonlyMap<string, Masking>, to?: number): Promise<PortVersion> {
  const versions = (await state.portVersions(port)).filter((v) => v.status === 'published');
  if (versions.length === 0) throw new RollbackError(`Port ${port} has no published versions.`);
  const current = versions.find((v) => v.current);
  const target =
    to === undefined
      ? versions.filter((v) => current === undefined || v.version < current.version).sort((a, b) => b.version - a.version)[0]
      : versions.find((v) => v.version === to);
  if (!target) {
    const listed = versions.map((v) => `v${v.version}${v.current ? ' (current)' : ''}`).join(', ');
    throw new RollbackError(to === undefined ? `Port ${port} has no earlier kept version to go back to (kept: ${listed}).` : `Version ${to} of ${port} is not kept (kept: ${listed}).`);
  }
  const [domain = '', table = ''] = port.split('.');
  const salt = await state.secret(MASK_SALT);
  await ensureRawSchema(session, d);
  await session.transaction(async (tx) => {
    await switchPortViews(tx, d, { domain, table }, target, masked, salt);
    await state.setCurrentPortVersion(port, target.version, tx);
  });
  return { ...target, current: true };
}
