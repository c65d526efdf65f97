/**
 * Applies the engine grant plan (src/access/engine-grants.ts) to a PostgreSQL warehouse:
 * roles, schema usage and SELECT on the port views, diffed against what the engine has,
 * so that a BI tool connecting with a team's role sees what the gateway would show.
 * Internal schemas, version tables and Tessera's state are never granted to anyone.
 */
import { GATEWAY_ROLE, planEngineGrants, portPolicies, requestGrants, specGrants, type EngineGrantPlan } from '../access/index.js';
import type { MeshGraph } from '../compiler/index.js';
import type { Mesh } from '../spec/index.js';
import { SqlAccessStore, STATE_SCHEMA, textValue } from '../state/index.js';
import type { Dialect, Session, Warehouse } from '../warehouse/index.js';
import { RAW_SCHEMA, rawView } from './layout.js';

/** Marks the roles Tessera made, so it never revokes from a role someone else manages. */
export const MANAGED_ROLE_COMMENT = 'managed by Tessera';

export interface EnginePrivileges {
  /** `role schema.relation` pairs: SELECT on a relation. */
  readonly reads: ReadonlySet<string>;
  /** `role schema` pairs: USAGE on a schema. */
  readonly usage: ReadonlySet<string>;
  readonly roles: ReadonlySet<string>;
}

export interface EngineGrantChanges {
  readonly plan: EngineGrantPlan;
  /** Statements that bring the engine to the plan, in order; empty when it is there. */
  readonly statements: readonly string[];
}

function relationOf(port: string, relation: 'masked' | 'raw'): { schema: string; name: string } {
  const [domain = '', table = ''] = port.split('.');
  return relation === 'masked' ? { schema: domain, name: table } : { schema: RAW_SCHEMA, name: rawView(domain, table) };
}

/** What the plan asks of the engine, in the same shape as what the engine has. */
export function desiredPrivileges(plan: EngineGrantPlan, existing: ReadonlySet<string>): EnginePrivileges {
  const reads = new Set<string>();
  const usage = new Set<string>();
  for (const read of plan.reads) {
    const { schema, name } = relationOf(read.port, read.relation);
    // A port never published has no view yet: it is granted by the run that creates it.
    if (!existing.has(`${schema}.${name}`)) continue;
    reads.add(`${read.role} ${schema}.${name}`);
    usage.add(`${read.role} ${schema}`);
  }
  return { reads, usage, roles: new Set(plan.roles.map((r) => r.role)) };
}

/** The statements from `current` to `desired` (pure, so the diff is tested without an engine). */
export function grantStatements(d: Dialect, desired: EnginePrivileges, current: EnginePrivileges): string[] {
  const statements: string[] = [];
  for (const role of [...desired.roles].sort()) {
    if (current.roles.has(role)) continue;
    statements.push(`CREATE ROLE ${d.ident(role)} NOLOGIN`, `COMMENT ON ROLE ${d.ident(role)} IS ${d.literal(MANAGED_ROLE_COMMENT)}`);
    // The server's own user switches to the gateway's role for consumer queries: it must be a member.
    if (role === GATEWAY_ROLE) statements.push(`GRANT ${d.ident(role)} TO CURRENT_USER`);
  }
  const split = (pair: string): [string, string] => {
    const at = pair.indexOf(' ');
    return [pair.slice(0, at), pair.slice(at + 1)];
  };
  const qualified = (name: string): string => {
    const dot = name.indexOf('.');
    return d.table(name.slice(0, dot), name.slice(dot + 1));
  };
  for (const pair of [...current.reads].filter((p) => !desired.reads.has(p)).sort()) {
    const [role, name] = split(pair);
    statements.push(`REVOKE SELECT ON ${qualified(name)} FROM ${d.ident(role)}`);
  }
  for (const pair of [...current.usage].filter((p) => !desired.usage.has(p)).sort()) {
    const [role, schema] = split(pair);
    statements.push(`REVOKE USAGE ON SCHEMA ${d.ident(schema)} FROM ${d.ident(role)}`);
  }
  for (const pair of [...desired.usage].filter((p) => !current.usage.has(p)).sort()) {
    const [role, schema] = split(pair);
    statements.push(`GRANT USAGE ON SCHEMA ${d.ident(schema)} TO ${d.ident(role)}`);
  }
  for (const pair of [...desired.reads].filter((p) => !current.reads.has(p)).sort()) {
    const [role, name] = split(pair);
    statements.push(`GRANT SELECT ON ${qualified(name)} TO ${d.ident(role)}`);
  }
  return statements;
}

/** What the engine grants now to the roles Tessera manages (direct grants only, as Tessera makes them). */
async function currentPrivileges(session: Session, d: Dialect): Promise<{ privileges: EnginePrivileges; relations: Set<string> }> {
  const managed = `shobj_description(g.oid, 'pg_authid') = ${d.literal(MANAGED_ROLE_COMMENT)}`;
  const roles = await session.query(`SELECT g.rolname AS role FROM pg_roles g WHERE ${managed}`);
  const reads = await session.query(`SELECT g.rolname AS role, n.nspname AS schema, c.relname AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN LATERAL aclexplode(c.relacl) a JOIN pg_roles g ON g.oid = a.grantee
    WHERE a.privilege_type = 'SELECT' AND ${managed}`);
  const usage = await session.query(`SELECT g.rolname AS role, n.nspname AS schema
    FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a JOIN pg_roles g ON g.oid = a.grantee
    WHERE a.privilege_type = 'USAGE' AND ${managed}`);
  const relations = await session.query(`SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'v', 'm', 'p')`);
  return {
    privileges: {
      roles: new Set(roles.map((r) => textValue(r.role))),
      reads: new Set(reads.map((r) => `${textValue(r.role)} ${textValue(r.schema)}.${textValue(r.name)}`)),
      usage: new Set(usage.map((r) => `${textValue(r.role)} ${textValue(r.schema)}`)),
    },
    relations: new Set(relations.map((r) => `${textValue(r.schema)}.${textValue(r.name)}`)),
  };
}

/** The mesh's plan at `now`: declared grants and approved access requests, as the gateway sees them. */
export async function meshGrantPlan(warehouse: Warehouse, mesh: Mesh, graph: MeshGraph, now: Date): Promise<EngineGrantPlan> {
  const session = await warehouse.connect();
  try {
    // Read only: before any access request was made there is no table, and no request.
    const asked = (await session.relations(STATE_SCHEMA)).some((r) => r.name === 'access_requests');
    const approved = asked ? await new SqlAccessStore(session, warehouse.dialect).accessRequests({ status: 'approved' }) : [];
    return planEngineGrants(mesh.teams.map((t) => t.id), portPolicies(graph, mesh), [...specGrants(graph), ...requestGrants(approved)], now);
  } finally {
    await session.close();
  }
}

/** Whether the warehouse has roles of its own to carry the plan (DuckDB has none: the gateway alone enforces). */
export function enginesHaveRoles(warehouse: Warehouse): boolean {
  return warehouse.dialect.name === 'postgres';
}

/** The changes that would bring the engine to the mesh's plan. */
export async function planEngineChanges(warehouse: Warehouse, mesh: Mesh, graph: MeshGraph, now: Date): Promise<EngineGrantChanges> {
  const plan = await meshGrantPlan(warehouse, mesh, graph, now);
  if (!enginesHaveRoles(warehouse)) return { plan, statements: [] };
  const { privileges, relations } = await currentPrivileges(warehouse, warehouse.dialect);
  return { plan, statements: grantStatements(warehouse.dialect, desiredPrivileges(plan, relations), privileges) };
}

/** Applies the changes in one transaction: the engine has the old grants or the new ones, never half. */
export async function applyEngineGrants(warehouse: Warehouse, mesh: Mesh, graph: MeshGraph, now: Date): Promise<EngineGrantChanges> {
  const changes = await planEngineChanges(warehouse, mesh, graph, now);
  if (changes.statements.length > 0) await warehouse.transaction((tx) => tx.execute(changes.statements.map((s) => `${s};`).join('\n')));
  return changes;
}
