import type { AccessLevel } from '../spec/index.js';
import { grantHolds, teamSubject, type Grant } from './grant.js';
import { subjectOf, teamsOf, type Identity } from './identity.js';

export type Masking = 'hash' | 'mask' | 'remove';

/** What the decision needs to know of a port: who owns it, who may read it, which columns are masked. */
export interface PortPolicy {
  /** `<domain>.<table>`. */
  readonly port: string;
  readonly domain: string;
  readonly table: string;
  /** `<domain>.<product>`. */
  readonly product: string;
  readonly owner: string;
  readonly access: AccessLevel;
  /** The contract's columns in order (what the consumer-facing relation lists). */
  readonly columns: readonly string[];
  /** Columns consumers without clearance see masked, and how. */
  readonly masked: ReadonlyMap<string, Masking>;
  /** Teams whose access requests for masked reads are approved at once. */
  readonly autoApprove: readonly string[];
}

/** Which relation an allowed reader reads: the raw version, or the consumer-facing masked one. */
export type Relation = 'raw' | 'masked';

export type PortDecision =
  | { readonly allowed: false; readonly reason: 'restricted' | 'internal' }
  | {
      readonly allowed: true;
      readonly relation: Relation;
      /** Masks this reader sees (empty when raw). */
      readonly masks: ReadonlyMap<string, Masking>;
      /** Why the read is allowed. */
      readonly via: 'admin' | 'owner' | 'public' | 'internal' | 'grant';
    };

/**
 * The one access decision. Every door (HTTP SQL, the PostgreSQL wire protocol, API
 * answers with samples, another product's model) asks this function and enforces
 * what it answers; none of them decides for itself.
 *
 * - admin and the owning team: read everything raw;
 * - public: anyone; internal: members of a team of the mesh (and products); restricted: a grant;
 * - masked columns are masked for everyone else unless a holding grant says `unmasked`.
 */
export function decidePortAccess(identity: Identity, policy: PortPolicy, grants: readonly Grant[], now: Date): PortDecision {
  const raw = { allowed: true, relation: 'raw', masks: new Map<string, Masking>() } as const;
  if (identity.kind === 'admin') return { ...raw, via: 'admin' };
  const teams = teamsOf(identity);
  if (teams.includes(policy.owner)) return { ...raw, via: 'owner' };
  const held = holdingGrants(identity, policy.port, grants, now);
  const masked = policy.masked.size === 0 ? raw : { allowed: true, relation: 'masked', masks: policy.masked } as const;
  const unmasked = held.some((g) => g.unmasked);
  const granted = held.length > 0;
  let via: 'public' | 'internal' | 'grant';
  if (policy.access === 'public') via = 'public';
  else if (policy.access === 'internal' && teams.length > 0) via = 'internal';
  else if (granted) via = 'grant';
  else return { allowed: false, reason: policy.access === 'restricted' ? 'restricted' : 'internal' };
  return unmasked ? { ...raw, via } : { ...masked, via };
}

/** The grants of `port` that hold for `identity` at `now`: its own, and its teams'. */
export function holdingGrants(identity: Identity, port: string, grants: readonly Grant[], now: Date): Grant[] {
  const subjects = new Set([subjectOf(identity), ...teamsOf(identity).map(teamSubject)]);
  return grants.filter((g) => g.port === port && subjects.has(g.subject) && grantHolds(g, now));
}

/** Whether an access request from `identity` is approved at once by the port's `auto_approve`. */
export function autoApproves(identity: Identity, policy: PortPolicy, unmasked: boolean): boolean {
  return !unmasked && teamsOf(identity).some((t) => policy.autoApprove.includes(t));
}
