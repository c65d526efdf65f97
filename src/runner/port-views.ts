import { portPolicies, type Masking, type PortPolicy } from '../access/index.js';
import type { MeshGraph } from '../compiler/index.js';
import type { Mesh } from '../spec/index.js';
import type { PortVersion, StateStore } from '../state/index.js';
import type { ColumnInfo, Dialect, Session } from '../warehouse/index.js';
import { RAW_SCHEMA, rawView, VERSIONS_SCHEMA } from './layout.js';

/** The secret that salts hashed columns, so a hash cannot be looked up in a dictionary of e-mails. */
export const MASK_SALT = 'mask_salt';
/** The masks every port's views were last pointed with (see `syncPortViews`). */
const MASKS_NOTE = 'port_view_masks';

/**
 * Points a port's two relations at one version table, in the caller's transaction:
 * `<domain>.<table>`, the consumer-facing view with the port's masks applied, and
 * `tessera_raw.<domain>__<table>`, the raw one. Both list the columns explicitly.
 * The raw schema must exist first (`ensureRawSchema`): creating it inside concurrent
 * transactions would conflict.
 */
export async function switchPortViews(
  tx: Session,
  d: Dialect,
  port: { readonly domain: string; readonly table: string },
  version: { readonly table: string; readonly columns: readonly string[] },
  masked: ReadonlyMap<string, Masking>,
  salt: string,
): Promise<void> {
  await tx.execute(d.createView(RAW_SCHEMA, rawView(port.domain, port.table), version.columns, VERSIONS_SCHEMA, version.table));
  const types = masked.size === 0 ? new Map<string, string>() : typesOf(await tx.columns(VERSIONS_SCHEMA, version.table));
  const projection = version.columns.map((name) => {
    const masking = masked.get(name);
    const type = types.get(name);
    return { name, expression: masking === undefined || type === undefined ? d.ident(name) : d.maskColumn(name, type, masking, salt) };
  });
  await tx.execute(d.createProjectionView(port.domain, port.table, projection, VERSIONS_SCHEMA, version.table));
}

export async function ensureRawSchema(session: Session, d: Dialect): Promise<void> {
  await session.execute(d.createSchema(RAW_SCHEMA));
}

function typesOf(columns: readonly ColumnInfo[]): Map<string, string> {
  return new Map(columns.map((c) => [c.name, c.type]));
}

/**
 * Re-points every served port's views at its current version with the masks the mesh
 * declares now, so a mask added to product.yaml holds at once, not from the next
 * publish; and so a warehouse published before masks existed gets its raw views.
 */
export async function syncPortViews(session: Session, d: Dialect, state: StateStore, graph: MeshGraph, mesh: Mesh): Promise<void> {
  const policies = portPolicies(graph, mesh);
  // Publishing and rollback already point the views with the masks of their day; only a change of
  // masks since the last sync (or a warehouse never synced) needs every view re-pointed.
  const masks = JSON.stringify([...policies.values()].map((p) => [p.port, [...p.masked]]).sort());
  if ((await state.note(MASKS_NOTE)) === masks) return;
  // A version table someone dropped by hand is skipped here (the next publish of the port heals it), not a failed start.
  const tables = new Set((await session.relations(VERSIONS_SCHEMA)).map((r) => r.name));
  const current = (await state.portVersions()).filter((v) => v.current && v.status === 'published' && policies.has(v.port) && tables.has(v.table));
  const salt = await state.secret(MASK_SALT);
  await ensureRawSchema(session, d);
  await session.transaction(async (tx) => {
    for (const version of current) {
      const policy = policies.get(version.port) as PortPolicy;
      await switchPortViews(tx, d, policy, version, policy.masked, salt);
    }
    await state.setNote(MASKS_NOTE, masks, tx);
  });
}

/** The masks of a port, from the policies (none when the port is no longer declared). */
export function masksOf(policies: ReadonlyMap<string, PortPolicy>, port: PortVersion['port']): ReadonlyMap<string, Masking> {
  return policies.get(port)?.masked ?? new Map();
}
