import type { SnapshotNode } from '../compiler/index.js';
import { BuildFailure, measure, type BuildContext, type BuildOutcome } from './context.js';
import { productSchema } from './layout.js';

/** Columns a snapshot adds to the rows it keeps (SCD type 2). */
export const SNAPSHOT_COLUMNS = ['valid_from', 'valid_to', 'is_current'] as const;

/**
 * Keeps the history of a model or source: each run closes the current version of
 * every key that changed or disappeared (valid_to, is_current = false) and opens a
 * version for every key that is new or changed. One transaction per run.
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

  if ((await session.columns(schema, node.name)).length === 0) {
    await session.execute(d.createTableAs(schema, node.name, opened));
    return measure(session, d, schema, node.name);
  }
  const sameKey = keys.map((k) => `s.${ident(k)} = t.${ident(k)}`).join(' AND ');
  const compared = spec.strategy === 'timestamp' ? [spec.updated_at ?? ''] : (spec.check_columns ?? sourceColumns.filter((c) => !keys.includes(c)));
  const unchanged = [sameKey, ...compared.map((c) => `s.${ident(c)} IS NOT DISTINCT FROM t.${ident(c)}`)].join(' AND ');
  // A changed key's old version ends when the new one starts; a deleted key's ends now.
  const closedAt = spec.strategy === 'timestamp' ? `coalesce((SELECT ${stamp} FROM ${source} AS s WHERE ${sameKey}), ${now})` : now;
  return session.transaction(async (tx) => {
    await tx.execute(`UPDATE ${target} AS t SET valid_to = ${closedAt}, is_current = FALSE
      WHERE t.is_current AND NOT EXISTS (SELECT 1 FROM ${source} AS s WHERE ${unchanged})`);
    await tx.execute(`INSERT INTO ${target} (${columns}, valid_from, valid_to, is_current)
      ${opened} WHERE NOT EXISTS (SELECT 1 FROM ${target} AS t WHERE t.is_current AND ${sameKey})`);
    return measure(tx, d, schema, node.name);
  });
}
