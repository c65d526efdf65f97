/**
 * How a loaded batch of rows becomes the source's table, in portable SQL run inside
 * the node's transaction: a full load takes the place of the table; an incremental one
 * is merged on the unique key (a changed row replaces its old version, a new one is
 * added), and a key scan removes the rows whose key the source no longer has.
 */
import type { Dialect, Session } from '../../warehouse/index.js';

/** The work tables of a load, next to the source's table in the product's schema. */
export function workTables(name: string): { readonly rows: string; readonly keys: string } {
  return { rows: `${name}__tessera_load`, keys: `${name}__tessera_keys` };
}

/** A full load: the loaded rows become the table (a rename, not a copy). */
export async function replaceWith(tx: Session, d: Dialect, schema: string, name: string, staged: string): Promise<void> {
  await tx.execute(d.dropTable(schema, name));
  await tx.execute(`ALTER TABLE ${d.table(schema, staged)} RENAME TO ${d.ident(name)}`);
}

/** An incremental load: rows whose key is loaded again are replaced, new keys are added. */
export async function mergeInto(tx: Session, d: Dialect, schema: string, name: string, staged: string, columns: readonly string[], keys: readonly string[]): Promise<void> {
  const target = d.table(schema, name);
  const from = d.table(schema, staged);
  const match = keys.map((k) => `${target}.${d.ident(k)} IS NOT DISTINCT FROM n.${d.ident(k)}`).join(' AND ');
  const list = columns.map((c) => d.ident(c)).join(', ');
  await tx.execute(`DELETE FROM ${target} WHERE EXISTS (SELECT 1 FROM ${from} AS n WHERE ${match})`);
  await tx.execute(`INSERT INTO ${target} (${list}) SELECT ${list} FROM ${from}`);
  await tx.execute(d.dropTable(schema, staged));
}

/** A key scan (`deletes: full_key_scan`): rows whose key is not among the source's keys now are removed. */
export async function removeDeleted(tx: Session, d: Dialect, schema: string, name: string, keysTable: string, keys: readonly string[]): Promise<number> {
  const target = d.table(schema, name);
  const match = keys.map((k) => `${target}.${d.ident(k)} IS NOT DISTINCT FROM k.${d.ident(k)}`).join(' AND ');
  const gone = `FROM ${target} WHERE NOT EXISTS (SELECT 1 FROM ${d.table(schema, keysTable)} AS k WHERE ${match})`;
  const [row] = await tx.query(`SELECT count(*) AS n ${gone}`);
  await tx.execute(`DELETE ${gone}`);
  await tx.execute(d.dropTable(schema, keysTable));
  return Number(row?.n ?? 0);
}
