import { decidePortAccess, type Grant, type PortPolicy } from '../access/index.js';
import type { ModelNode } from '../compiler/index.js';
import type { Mesh } from '../spec/index.js';
import { duckdbDialect, openWarehouse, type Dialect, type Session } from '../warehouse/index.js';
import { BuildFailure } from './context.js';
import type { BuildContext } from './context.js';
import { RAW_SCHEMA, rawView } from './layout.js';

/** What a model's product may read of other products' ports while it is built. */
export interface ModelAccess {
  readonly mesh: Mesh;
  readonly grants: readonly Grant[];
  /** Every port's policy, computed once per run (not per model). */
  readonly policies: ReadonlyMap<string, PortPolicy>;
}

/**
 * A model reads other products' ports as their consumers do: through the access
 * decision, with the reading product's team as the identity. A port the team may
 * not read fails the node; a port it reads raw (its own team's, or an `unmasked`
 * grant) has its name in the SQL pointed at the raw relation; every other read
 * stays on `<domain>.<port>`, which is the masked relation.
 */
export async function modelSqlUnderAccess(ctx: BuildContext, node: ModelNode, sql: string, session: Session): Promise<string> {
  const access = ctx.access;
  if (!access) return sql;
  const product = access.mesh.products.find((p) => p.id === node.product);
  const team = product?.spec.owner ?? '';
  const { policies } = access;
  const raw = new Set<string>();
  for (const read of node.reads) {
    const target = ctx.graph.nodes.get(read.target);
    if (target?.kind !== 'port' || target.product === node.product) continue;
    const policy = policies.get(`${target.domain}.${target.table}`);
    if (!policy) continue;
    const decision = decidePortAccess({ kind: 'product', product: node.product, team }, policy, access.grants, ctx.now);
    if (!decision.allowed) {
      throw new BuildFailure(
        'access/denied',
        `Model \`${node.name}\` of ${node.product} reads ${policy.port}, a ${policy.access} port of ${policy.product}, and team ${team} holds no grant to read it.`,
        `Ask the owners (${policy.owner}) to list your team under the port's \`grants:\`, or request access: tessera access request ${policy.port} --team ${team} --purpose "…".`,
        read.location,
      );
    }
    if (decision.relation === 'raw' && policy.masked.size > 0) raw.add(policy.port);
  }
  if (raw.size === 0) return sql;
  return pointAtRaw(sql, raw, ctx.dialect, session, node);
}

const IDENT = '(?:"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*)';
const QUALIFIED = new RegExp(`^(${IDENT})(\\s*\\.\\s*)(${IDENT})`);

function unquote(ident: string): string {
  return ident.startsWith('"') ? ident.slice(1, -1).replaceAll('""', '"') : ident;
}

/**
 * Rewrites `<domain>.<port>` to the raw relation at each place the engine's parser
 * located it. The replacement has no line break, so error positions stay true. A
 * reference written in a way this cannot follow fails the node rather than read masked
 * data silently.
 */
async function pointAtRaw(sql: string, ports: ReadonlySet<string>, d: Dialect, session: Session, node: ModelNode): Promise<string> {
  const tree = JSON.parse(await serializedTree(sql, d, session)) as unknown;
  const places: { offset: number; port: string }[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) visit(item);
    else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      if (record.type === 'BASE_TABLE' && typeof record.schema_name === 'string' && typeof record.table_name === 'string') {
        const port = `${record.schema_name.toLowerCase()}.${record.table_name.toLowerCase()}`;
        if (ports.has(port) && typeof record.query_location === 'number') places.push({ offset: charOffset(sql, record.query_location), port });
      }
      for (const child of Object.values(record)) visit(child);
    }
  };
  visit(tree);
  let text = sql;
  for (const place of places.sort((a, b) => b.offset - a.offset)) {
    const match = QUALIFIED.exec(text.slice(place.offset));
    const [domain = '', table = ''] = place.port.split('.');
    if (!match || `${unquote(match[1] ?? '').toLowerCase()}.${unquote(match[3] ?? '').toLowerCase()}` !== place.port) {
      throw new BuildFailure(
        'access/unreadable-reference',
        `Model \`${node.name}\` names ${place.port} in a way Tessera cannot point at the port's raw data (a comment inside the name?).`,
        `Write it plainly as ${place.port}.`,
        node.location,
      );
    }
    text = `${text.slice(0, place.offset)}${d.table(RAW_SCHEMA, rawView(domain, table))}${text.slice(place.offset + match[0].length)}`;
  }
  return text;
}

/**
 * The model's parse tree by DuckDB's parser (json_serialize_sql), which models are
 * validated with whatever the warehouse: on the warehouse itself when it is DuckDB,
 * else on an in-memory DuckDB opened for it (only models reading masked ports raw get here).
 */
async function serializedTree(sql: string, d: Dialect, session: Session): Promise<string> {
  const query = `SELECT json_serialize_sql(${duckdbDialect.literal(sql)}) AS tree`;
  const parser = d.name === duckdbDialect.name ? undefined : await openWarehouse({ type: 'duckdb', path: ':memory:', threads: 1 });
  try {
    const [row] = await (parser ?? session).query(query);
    return typeof row?.tree === 'string' ? row.tree : '{}';
  } finally {
    await parser?.close();
  }
}

/** DuckDB's query_location counts UTF-8 bytes. */
function charOffset(sql: string, bytes: number): number {
  return /[^\x00-\x7f]/.test(sql) ? Buffer.from(sql, 'utf8').subarray(0, bytes).toString('utf8').length : bytes;
}
