import type { ModelNode } from '../compiler/index.js';
import type { ColumnInfo, Dialect } from '../warehouse/index.js';
import { BuildFailure, measure, type BuildContext, type BuildOutcome } from './context.js';
import { productSchema } from './layout.js';
import { SELF_NAME } from '../compiler/index.js';
import { trimModelSql, wrap, type WrappedSql } from './model-sql.js';
import { modelSqlUnderAccess } from './port-reads.js';

/**
 * Builds a model. A table is replaced atomically. An incremental model's SQL returns
 * new rows, which are appended, or merged on `unique_key`; it may read its previous
 * result as `this` (empty the first time).
 */
export async function buildModel(ctx: BuildContext, node: ModelNode, onWrapped: (w: WrappedSql) => void): Promise<BuildOutcome> {
  const { dialect, session } = ctx;
  const schema = productSchema(node.product);
  await session.execute(dialect.setSearchPath(schema));
  const sql = await modelSqlUnderAccess(ctx, node, trimModelSql(node.sql), session);
  if (node.spec?.materialization !== 'incremental') {
    const parts = dialect.createTableAsParts(schema, node.name, { replace: true });
    const wrapped = wrap(parts.prefix, sql, parts.suffix);
    onWrapped(wrapped);
    await session.execute(wrapped.statement);
    return measure(session, dialect, schema, node.name);
  }
  return buildIncremental(ctx, node, schema, sql, onWrapped);
}

async function buildIncremental(ctx: BuildContext, node: ModelNode, schema: string, sql: string, onWrapped: (w: WrappedSql) => void): Promise<BuildOutcome> {
  const { dialect, session } = ctx;
  const target = dialect.table(schema, node.name);
  const existing = ctx.fullRefresh ? [] : await session.columns(schema, node.name);
  const self = existing.length > 0 ? `SELECT * FROM ${target}` : emptySelf(node, dialect);
  const wrapped = wrap(`WITH ${dialect.ident(SELF_NAME)} AS (${self}) SELECT * FROM (`, sql, `\n) AS ${dialect.ident(node.name)}`);
  onWrapped(wrapped);
  if (existing.length === 0) {
    // First run (or a full refresh): the new rows are the table.
    const parts = dialect.createTableAsParts(schema, node.name, { replace: true });
    const create = wrap(parts.prefix, wrapped.statement, parts.suffix);
    onWrapped({ statement: create.statement, prefixLength: create.prefixLength + wrapped.prefixLength });
    await session.execute(create.statement);
    return measure(session, dialect, schema, node.name);
  }
  const keys = node.spec?.unique_key === undefined ? [] : [node.spec.unique_key].flat();
  // A plain table in the product's schema, created and dropped in one transaction: a crash leaves nothing behind.
  const staged = dialect.table(schema, `${node.name}__tessera_new`);
  return session.transaction(async (tx) => {
    const create = wrap(`CREATE TABLE ${staged} AS `, wrapped.statement);
    onWrapped({ statement: create.statement, prefixLength: create.prefixLength + wrapped.prefixLength });
    await tx.execute(create.statement);
    checkSameColumns(existing, await tx.columns(schema, `${node.name}__tessera_new`), node);
    if (keys.length > 0) {
      const match = keys.map((k) => `${target}.${dialect.ident(k)} IS NOT DISTINCT FROM n.${dialect.ident(k)}`).join(' AND ');
      await tx.execute(`DELETE FROM ${target} WHERE EXISTS (SELECT 1 FROM ${staged} AS n WHERE ${match})`);
    }
    const columns = existing.map((c) => dialect.ident(c.name)).join(', ');
    await tx.execute(`INSERT INTO ${target} (${columns}) SELECT ${columns} FROM ${staged}`);
    await tx.execute(`DROP TABLE ${staged}`);
    return measure(tx, dialect, schema, node.name);
  });
}

/** `this` before the first run: no rows, the columns the model declares. */
function emptySelf(node: ModelNode, dialect: Dialect): string {
  const columns = node.spec?.columns ?? [];
  const typed = columns.filter((c) => c.type !== undefined);
  if (typed.length === 0 || typed.length !== columns.length) {
    // Without declared types, `this` cannot exist before the first run; a model that does not read it is fine.
    return 'SELECT NULL AS "__no_previous_result" WHERE FALSE';
  }
  return `SELECT ${typed.map((c) => `CAST(NULL AS ${dialect.typeName(c.type ?? '')}) AS ${dialect.ident(c.name)}`).join(', ')} WHERE FALSE`;
}

function checkSameColumns(existing: readonly ColumnInfo[], incoming: readonly ColumnInfo[], node: ModelNode): void {
  const have = new Set(existing.map((c) => c.name.toLowerCase()));
  const added = incoming.filter((c) => !have.has(c.name.toLowerCase())).map((c) => c.name);
  const got = new Set(incoming.map((c) => c.name.toLowerCase()));
  const removed = existing.filter((c) => !got.has(c.name.toLowerCase())).map((c) => c.name);
  if (added.length > 0 || removed.length > 0) {
    throw new BuildFailure(
      'run/incremental-columns-changed',
      `Incremental model \`${node.name}\` now returns different columns than its table has (${[...added.map((c) => `+${c}`), ...removed.map((c) => `-${c}`)].join(', ')}).`,
      'Rebuild it from scratch with `tessera run --full-refresh --select <domain>.<product>`.',
      node.location,
    );
  }
}
