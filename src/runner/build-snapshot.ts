import type { MeshGraph, PortNode, SnapshotNode } from '../compiler/index.js';
import type { ColumnInfo, Session } from '../warehouse/index.js';
import { checkProblem, schemaFindings } from './audit.js';
import { BuildFailure, measure, type BuildContext, type BuildOutcome } from './context.js';
import { evaluateChecks } from './evaluate-checks.js';
import { productSchema } from './layout.js';

/** Columns a snapshot adds to the rows it keeps (SCD type 2). */
export const SNAPSHOT_COLUMNS = ['valid_from', 'valid_to', 'is_current'] as const;

/**
 * Keeps the history of a model or source: each run closes the current version of
 * every key that changed or disappeared (valid_to, is_current = false) and opens a
 * version for every key that is new or changed. One transaction per run, audited
 * before it commits (`auditHistory`): a change that fails it never enters the history.
 *
 * - strategy `check`: a key changed when one of `check_columns` (default: all) differs; versions are stamped with the run's time.
 * - strategy `timestamp`: a key changed when its `updated_at` differs; versions are stamped with `updated_at`.
 */
export async function buildSnapshot(ctx: BuildContext, node: SnapshotNode): Promise<BuildOutcome> {
  const { dialect: d, session } = ctx;
  const spec = node.spec;
  const schema = productSchema(node.product);
  const target = d.table(schema, node.name);
  const source = d.table(schema, spec.from);
  const keys = [spec.unique_key].flat();
  const sourceColumns = (await session.columns(schema, spec.from)).map((c) => c.name);
  const missing = [...keys, ...(spec.check_columns ?? []), ...(spec.updated_at === undefined ? [] : [spec.updated_at])].filter(
    (c) => !sourceColumns.some((s) => s.toLowerCase() === c.toLowerCase()),
  );
  if (missing.length > 0) {
    throw new BuildFailure('run/snapshot-columns', `Snapshot \`${node.name}\` needs column(s) ${missing.map((c) => `\`${c}\``).join(', ')}, which \`${spec.from}\` does not have.`, `\`${spec.from}\` has: ${sourceColumns.join(', ')}.`, node.location);
  }
  const ident = (c: string): string => d.ident(c);
  const keyList = keys.map(ident).join(', ');
  const [dup] = await session.query(`SELECT count(*) AS n FROM (SELECT ${keyList} FROM ${source} GROUP BY ${keyList} HAVING count(*) > 1) AS d`);
  if (Number(dup?.n ?? 0) > 0) {
    throw new BuildFailure('run/snapshot-duplicate-keys', `Snapshot \`${node.name}\`: ${Number(dup?.n)} value(s) of unique_key (${keys.join(', ')}) appear more than once in \`${spec.from}\`.`, 'A snapshot keeps one version per key: make the key unique in its input, or choose a key that is.', node.location);
  }
  const now = d.timestamp(ctx.now);
  const stamp = spec.strategy === 'timestamp' ? `CAST(s.${ident(spec.updated_at ?? '')} AS TIMESTAMP)` : now;
  const columns = sourceColumns.map(ident).join(', ');
  const opened = `SELECT ${sourceColumns.map((c) => `s.${ident(c)}`).join(', ')}, ${stamp} AS valid_from, CAST(NULL AS TIMESTAMP) AS valid_to, TRUE AS is_current FROM ${source} AS s`;
  const readers = directReaders(ctx.graph, node);
  // History cannot be rebuilt from the sources: a change enters it only after its audit,
  // in the same transaction, so a rejected change leaves the history as it was.
  const changes = changesTable(node.name);
  return session.transaction(async (tx) => {
    if ((await tx.columns(schema, node.name)).length === 0) {
      await tx.execute(d.createTableAs(schema, node.name, opened));
      const warnings = await auditHistory(ctx, tx, node, readers, { changes: target, sourceColumns: await tx.columns(schema, spec.from) });
      return { ...(await measure(tx, d, schema, node.name)), ...(warnings.length > 0 ? { warnings } : {}) };
    }
    const sameKey = keys.map((k) => `s.${ident(k)} = t.${ident(k)}`).join(' AND ');
    const compared = spec.strategy === 'timestamp' ? [spec.updated_at ?? ''] : (spec.check_columns ?? sourceColumns.filter((c) => !keys.includes(c)));
    const unchanged = [sameKey, ...compared.map((c) => `s.${ident(c)} IS NOT DISTINCT FROM t.${ident(c)}`)].join(' AND ');
    // A changed key's old version ends when the new one starts; a deleted key's ends now.
    const closedAt = spec.strategy === 'timestamp' ? `coalesce((SELECT ${stamp} FROM ${source} AS s WHERE ${sameKey}), ${now})` : now;
    // The versions this run opens, kept apart first so that the audit can look at them alone.
    await tx.execute(d.createTableAs(schema, changes, `${opened} WHERE NOT EXISTS (SELECT 1 FROM ${target} AS t WHERE t.is_current AND ${unchanged})`, { replace: true }));
    await tx.execute(`UPDATE ${target} AS t SET valid_to = ${closedAt}, is_current = FALSE
      WHERE t.is_current AND NOT EXISTS (SELECT 1 FROM ${source} AS s WHERE ${unchanged})`);
    await tx.execute(`INSERT INTO ${target} (${columns}, valid_from, valid_to, is_current)
      SELECT ${columns}, valid_from, valid_to, is_current FROM ${d.table(schema, changes)}`);
    const warnings = await auditHistory(ctx, tx, node, readers, { changes: d.table(schema, changes), sourceColumns: await tx.columns(schema, spec.from) });
    await tx.execute(d.dropTable(schema, changes));
    return { ...(await measure(tx, d, schema, node.name)), ...(warnings.length > 0 ? { warnings } : {}) };
  });
}

/** The work table of a snapshot's pending versions (dropped in the same transaction). */
function changesTable(name: string): string {
  return `${name}__tessera_changes`;
}

/** Ports whose rows are the snapshot itself: their contract is the history's too. */
function directReaders(graph: MeshGraph, node: SnapshotNode): PortNode[] {
  return node.downstream.flatMap((id) => {
    const reader = graph.nodes.get(id);
    return reader?.kind === 'port' && reader.upstream[0] === node.id ? [reader] : [];
  });
}

/**
 * The audit of a snapshot's change, inside its transaction: the snapshot's own checks on
 * the history as it would be, then, on the versions this run opens, the contract of each
 * port that serves the snapshot (required columns, allowed values) and the declared types
 * against the snapshot's input. Any failure throws, and the transaction rolls back.
 * Returns the warnings of checks at level warn.
 */
async function auditHistory(
  ctx: BuildContext,
  tx: Session,
  node: SnapshotNode,
  readers: readonly PortNode[],
  at: { changes: string; sourceColumns: readonly ColumnInfo[] },
): Promise<string[]> {
  const { dialect: d, state } = ctx;
  const problems: string[] = [];
  const warnings: string[] = [];
  await tx.execute(d.setSearchPath(productSchema(node.product)));
  if (node.checks.length > 0) {
    const own = await evaluateChecks(tx, d, state, { nodeId: node.id, table: d.table(productSchema(node.product), node.name), checks: node.checks, runId: ctx.runId, now: ctx.now });
    await state.recordChecks(ctx.runId, ctx.now, own.results, own.metrics);
    problems.push(...own.failed.map(checkProblem));
    warnings.push(...own.warned.map((w) => `check \`${w.name}\` warns: ${w.message}`));
  }
  for (const port of readers) {
    const name = `${port.domain}.${port.table}`;
    const types = (await schemaFindings(tx, d, port, at.sourceColumns)).filter((f) => !f.passed && f.observed !== null && !SNAPSHOT_COLUMNS.includes(f.column as (typeof SNAPSHOT_COLUMNS)[number]));
    problems.push(...types.map((f) => `port ${name}: ${f.message} (in \`${node.spec.from}\`)`));
    // Row by row only: uniqueness of a port over a history is the port's own business.
    const rowChecks = port.checks.filter((c) => c.implied === true && c.type === 'metric' && (c.metric.kind === 'missing_count' || c.metric.kind === 'invalid_count'));
    if (rowChecks.length === 0) continue;
    const contract = await evaluateChecks(tx, d, state, { nodeId: node.id, table: at.changes, checks: rowChecks.map((c) => ({ ...c, name: `${name} ${c.name}` })), runId: ctx.runId, now: ctx.now });
    await state.recordChecks(ctx.runId, ctx.now, contract.results, []);
    problems.push(...contract.failed.map((r) => `the contract of port ${name}, which serves this history, would reject the new versions: ${checkProblem({ ...r, name: r.name.slice(name.length + 1) })}`));
  }
  if (problems.length > 0) {
    throw new BuildFailure(
      'snapshot/change-rejected',
      `Snapshot \`${node.name}\` of ${node.product} kept this run's changes out of its history: ${problems.join('; ')}.`,
      `The history is as it was before this run, and ports reading it keep their last published version. Fix the input (\`${node.spec.from}\`; the failing rows are in \`tessera runs show ${ctx.runId}\`) and run again. To inspect or repair what the history already holds: \`tessera snapshot history ${node.product}.${node.name}\`.`,
      node.location,
    );
  }
  return warnings;
}
