/**
 * What the access decision means for an engine that has roles of its own (PostgreSQL):
 * one role per team and per service account named in a grant, and for each the ports
 * it may read and through which relation. Pure: the same `decidePortAccess` that the
 * gateway asks is asked here, so a BI tool connecting straight to the engine with a
 * team's role reads what the gateway would show, and nothing more.
 */
import { decidePortAccess, type PortPolicy } from './decide.js';
import type { Grant } from './grant.js';
import type { Identity } from './identity.js';

/** A role the engine should have, and whom it stands for. */
export interface EngineRole {
  readonly role: string;
  readonly subject: string;
}

/** A relation a role may read: a port's consumer-facing (masked) relation, or its raw one. */
export interface EngineRead {
  readonly role: string;
  readonly port: string;
  readonly relation: 'masked' | 'raw';
}

export interface EngineGrantPlan {
  readonly roles: readonly EngineRole[];
  readonly reads: readonly EngineRead[];
  /** Grants that no engine role can carry (a grant to one person), enforced by the gateway only. */
  readonly gatewayOnly: readonly Grant[];
}

const ROLE_PREFIX = 'tessera_';

/**
 * The role consumer queries run as on an engine with roles, whoever asks: it reads every
 * port (masked and raw: the gateway's rewrite chooses which for each reader) and nothing
 * else — no product internals, version tables, state, or server files.
 */
export const GATEWAY_ROLE = 'tessera_gateway';

/** The engine role of a team or service: `tessera_<team>`, `tessera_service_<name>` (lowercase, `_` for other characters). */
export function engineRole(subject: { readonly team: string } | { readonly service: string }): string {
  const name = 'team' in subject ? subject.team : `service_${subject.service}`;
  return `${ROLE_PREFIX}${name.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
}

/** Whether a role name is one Tessera manages (and may revoke from). */
export function isEngineRole(role: string): boolean {
  return role.startsWith(ROLE_PREFIX);
}

export function planEngineGrants(teams: readonly string[], policies: ReadonlyMap<string, PortPolicy>, grants: readonly Grant[], now: Date): EngineGrantPlan {
  const services = [...new Set(grants.filter((g) => g.subject.startsWith('service:')).map((g) => g.subject.slice('service:'.length)))].sort();
  const subjects: { role: EngineRole; identity: Identity }[] = [
    // A team's role acts as any member of the team: grants to one person do not reach it.
    ...[...teams].sort().map((team) => ({ role: { role: engineRole({ team }), subject: `team:${team}` }, identity: { kind: 'member' as const, email: '', teams: [team] } })),
    ...services.map((service) => ({ role: { role: engineRole({ service }), subject: `service:${service}` }, identity: { kind: 'service' as const, name: service } })),
  ];
  const reads: EngineRead[] = [];
  const ports = [...policies.values()].sort((a, b) => a.port.localeCompare(b.port));
  for (const { role, identity } of subjects) {
    for (const policy of ports) {
      const decision = decidePortAccess(identity, policy, grants, now);
      if (!decision.allowed) continue;
      // The masked relation shows less than the raw one: whoever may read raw may read it too.
      reads.push({ role: role.role, port: policy.port, relation: 'masked' });
      if (decision.relation === 'raw') reads.push({ role: role.role, port: policy.port, relation: 'raw' });
    }
  }
  for (const policy of ports) {
    reads.push({ role: GATEWAY_ROLE, port: policy.port, relation: 'masked' }, { role: GATEWAY_ROLE, port: policy.port, relation: 'raw' });
  }
  const gatewayOnly = grants.filter((g) => !g.subject.startsWith('team:') && !g.subject.startsWith('service:'));
  return { roles: [...subjects.map((s) => s.role), { role: GATEWAY_ROLE, subject: 'gateway' }], reads, gatewayOnly };
}
