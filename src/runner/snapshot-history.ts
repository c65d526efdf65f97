import { userInfo } from 'node:os';
import type { MeshGraph, SnapshotNode } from '../compiler/index.js';
import type { StateStore } from '../state/index.js';
import type { Dialect, Row, Session } from '../warehouse/index.js';
import { productSchema } from './layout.js';

type SnapshotRepair = Parameters<StateStore['recordSnapshotRepair']>[0];

/** A snapshot named on the command line does not exist, or its history cannot be changed as asked. */
export class SnapshotHistoryError extends Error {}

/** The snapshot `<domain>.<product>.<snapshot>` of the graph, or an error that lists the snapshots there are. */
export function findSnapshot(graph: MeshGraph, name: string): SnapshotNode {
  const node = graph.nodes.get(`snapshot:${name}`);
  if (node?.kind === 'snapshot') return node;
  const all = [...graph.nodes.values()].filter((n) => n.kind === 'snapshot').map((n) => n.id.slice('snapshot:'.length));
  throw new SnapshotHistoryError(`No snapshot \`${name}\` in this mesh; snapshots are named <domain>.<product>.<snapshot>: ${all.length > 0 ? all.join(', ') : 'this mesh has none'}.`);
}

export interface HistoryQuery {
  /** Values of the snapshot's unique_key, in its order (one per key column). */
  readonly key?: readonly string[];
  /** One version, by its valid_from as `snapshot history` prints it. */
  readonly validFrom?: string;
}

/** A date or timestamp both engines read: `2026-11-01`, `2026-11-01 08:00`, `2026-11-01T08:00:00.5`. */
const timestampText = /^\d{4}-\d\d-\d\d(?:[ T]\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?)?$/;

function keyColumns(node: SnapshotNode): string[] {
  return [node.spec.unique_key].flat();
}

function where(d: Dialect, node: SnapshotNode, query: HistoryQuery): string {
  const keys = keyColumns(node);
  const terms: string[] = [];
  if (query.key !== undefined) {
    if (query.key.length !== keys.length) throw new SnapshotHistoryError(`\`${node.name}\` is keyed by ${keys.join(', ')}: give ${keys.length} value(s) to --key, in that order.`);
    keys.forEach((k, i) => terms.push(`CAST(${d.ident(k)} AS VARCHAR) = ${d.literal(query.key?.[i] ?? '')}`));
  }
  if (query.validFrom !== undefined) {
    // As printed, or as any spelling of the same timestamp (read here, not by the engine: PostgreSQL has no TRY_CAST).
    const spelled = `CAST(valid_from AS VARCHAR) = ${d.literal(query.validFrom)}`;
    const given = query.validFrom.trim().replace('T', ' ');
    const readable = timestampText.test(given) && !Number.isNaN(Date.parse(`${given.replace(' ', 'T')}Z`));
    terms.push(readable ? `(${spelled} OR valid_from = CAST(${d.literal(given)} AS TIMESTAMP))` : spelled);
  }
  return terms.length === 0 ? '' : `WHERE ${terms.join(' AND ')}`;
}

/**
 * The versions a snapshot keeps, by key and then by time: valid_from and valid_to as
 * text (the spelling `repair --drop-version` takes), then the snapshot's own columns.
 */
export async function snapshotHistory(session: Session, d: Dialect, node: SnapshotNode, query: HistoryQuery = {}, limit = 1000): Promise<Row[] | undefined> {
  const schema = productSchema(node.product);
  const columns = await session.columns(schema, node.name);
  if (columns.length === 0) return undefined;
  const keys = keyColumns(node).map((k) => d.ident(k)).join(', ');
  const rest = columns.map((c) => c.name).filter((c) => !['valid_from', 'valid_to', 'is_current'].includes(c));
  return session.query(`SELECT CAST(valid_from AS VARCHAR) AS valid_from, CAST(valid_to AS VARCHAR) AS valid_to, is_current, ${rest.map((c) => d.ident(c)).join(', ')}
    FROM ${d.table(schema, node.name)} ${where(d, node, query)} ORDER BY ${keys}, valid_from LIMIT ${Math.max(1, Math.floor(limit))}`);
}

/**
 * Removes versions from a snapshot's history, in one transaction with its record: the
 * versions asked for (one `valid_from`, narrowed to a key if given; or every version of
 * a key), then each affected key's history is joined up again, the version before a
 * removed one taking over its end (and being current again if the removed one was).
 * The record keeps the removed rows as they were. With `dryRun`, only says what it would do.
 */
export async function repairSnapshot(
  warehouse: Session,
  d: Dialect,
  state: StateStore,
  node: SnapshotNode,
  request: HistoryQuery & { readonly reason: string; readonly action: string; readonly dryRun?: boolean; readonly now?: Date },
): Promise<SnapshotRepair> {
  if (request.key === undefined && request.validFrom === undefined) throw new SnapshotHistoryError('Say what to remove: --drop-version <valid_from> (one version, of every key or of the --key given), or --key <value> alone (every version of that key).');
  const schema = productSchema(node.product);
  const table = d.table(schema, node.name);
  if ((await warehouse.columns(schema, node.name)).length === 0) throw new SnapshotHistoryError(`Snapshot \`${node.name}\` has no history yet: it is made by its first run.`);
  const filter = where(d, node, request);
  const keys = keyColumns(node);
  const ident = (c: string): string => d.ident(c);
  const removed = await warehouse.query(`SELECT * FROM ${table} ${filter} ORDER BY ${keys.map(ident).join(', ')}, valid_from`);
  if (removed.length === 0) {
    const near = await warehouse.query(`SELECT DISTINCT CAST(valid_from AS VARCHAR) AS v FROM ${table} ${request.key === undefined ? '' : where(d, node, { key: request.key })} ORDER BY 1 DESC LIMIT 5`);
    throw new SnapshotHistoryError(`No version of \`${node.name}\` matches ${request.action}. Recent valid_from values${request.key === undefined ? '' : ' of that key'}: ${near.map((r) => (typeof r.v === 'string' ? r.v : '')).join(', ') || 'none'}. \`tessera snapshot history ${node.product}.${node.name}\` lists them.`);
  }
  const repair: SnapshotRepair = {
    snapshot: `${node.product}.${node.name}`,
    at: (request.now ?? new Date()).toISOString(),
    action: request.action,
    reason: request.reason,
    by: `${safeUser()} (pid ${process.pid})`,
    removed,
    adjusted: 0,
  };
  if (request.dryRun === true) return repair;
  let adjusted = 0;
  await warehouse.transaction(async (tx) => {
    // Each removed version hands its end (valid_to, is_current) to the surviving version of
    // its key just before it; of a run of removed versions, the latest one's end.
    const same = (a: string, b: string): string => keys.map((k) => `${a}.${ident(k)} IS NOT DISTINCT FROM ${b}.${ident(k)}`).join(' AND ');
    // A temporary table made in this transaction: a failure rolls it back with the rest.
    await tx.execute(`CREATE TEMP TABLE tessera_removed AS SELECT * FROM ${table} ${filter}`);
    await tx.execute(`DELETE FROM ${table} ${filter}`);
    const handover = `SELECT ${keys.map((k) => `p.${ident(k)}`).join(', ')}, p.valid_from AS before_from, r.valid_to AS new_to, r.is_current AS new_current,
        row_number() OVER (PARTITION BY ${keys.map((k) => `p.${ident(k)}`).join(', ')}, p.valid_from ORDER BY r.valid_from DESC) AS n
      FROM ${table} AS p JOIN tessera_removed AS r ON ${same('p', 'r')} AND p.valid_from < r.valid_from
      WHERE NOT EXISTS (SELECT 1 FROM ${table} AS q WHERE ${same('q', 'r')} AND q.valid_from > p.valid_from AND q.valid_from < r.valid_from)`;
    const [row] = await tx.query(`SELECT count(*) AS n FROM (${handover}) AS h WHERE h.n = 1`);
    adjusted = Number(row?.n ?? 0);
    await tx.execute(`UPDATE ${table} AS t SET valid_to = h.new_to, is_current = h.new_current
      FROM (${handover}) AS h WHERE h.n = 1 AND ${same('t', 'h')} AND t.valid_from = h.before_from`);
    await tx.execute('DROP TABLE tessera_removed');
    await state.recordSnapshotRepair({ ...repair, adjusted }, tx);
  });
  return { ...repair, adjusted };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
