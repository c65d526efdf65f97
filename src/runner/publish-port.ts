import type { PortNode } from '../compiler/index.js';
import type { PortVersion, StateStore } from '../state/index.js';
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
 * or unaudited version; a failed audit leaves them on the last good one.
 */
export async function buildPort(ctx: BuildContext, node: PortNode): Promise<BuildOutcome> {
  const { dialect: d, session, state } = ctx;
  const port = `${node.domain}.${node.table}`;
  const feeding = ctx.graph.nodes.get(node.upstream[0] ?? '');
  if (!feeding) throw new Error(`port ${port} has no model`);
  const version = await state.nextPortVersion(port);
  const table = versionTable(node.domain, node.table, version);
  await session.execute(d.createTableAs(VERSIONS_SCHEMA, table, `SELECT * FROM ${d.table(productSchema(feeding.product), feeding.name)}`, { replace: true }));
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
  };
  if (!audit.passed) {
    await state.recordPortVersion(record);
    await state.recordChecks(ctx.runId, ctx.now, audit.checks.results, audit.checks.metrics);
    await session.execute(d.dropTable(VERSIONS_SCHEMA, table));
    throw auditFailure(node, audit);
  }
  const salt = await state.secret(MASK_SALT);
  await session.transaction(async (tx) => {
    await switchPortViews(tx, d, node, { table, columns }, columnMasks(node.spec.columns), salt);
    await state.recordPortVersion(record, tx);
    await state.recordChecks(ctx.runId, ctx.now, audit.checks.results, audit.checks.metrics, tx);
  });
  await pruneVersions(ctx, port);
  const { bytes } = await measure(session, d, VERSIONS_SCHEMA, table);
  return { rows: audit.rows, ...(bytes === undefined ? {} : { bytes }), published: { port, version }, warnings: audit.checks.warned.map((w) => `check \`${w.name}\` warns: ${w.message}`) };
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
async function pruneVersions(ctx: BuildContext, port: string): Promise<void> {
  const { state, dialect: d, session } = ctx;
  const kept = (await state.portVersions(port)).filter((v) => v.status === 'published').sort((a, b) => b.version - a.version);
  const old = kept.slice(KEEP_VERSIONS).filter((v) => !v.current);
  if (old.length === 0) return;
  await state.markPortVersionsDropped(port, old.map((v) => v.version));
  for (const v of old) await session.execute(d.dropTable(VERSIONS_SCHEMA, v.table));
}

/** Drops version tables no record keeps: left by a run that died between writing and publishing. */
export async function dropStrayVersions(session: Session, d: Dialect, state: StateStore): Promise<string[]> {
  const kept = new Set((await state.portVersions()).filter((v) => v.status === 'published').map((v) => v.table));
  const stray = (await session.relations(VERSIONS_SCHEMA)).filter((r) => r.kind === 'table' && !kept.has(r.name));
  for (const r of stray) await session.execute(d.dropTable(VERSIONS_SCHEMA, r.name));
  return stray.map((r) => r.name);
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
