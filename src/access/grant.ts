/**
 * A grant: a subject may read a port, masked or raw. Grants come from two places:
 * the owners' product.yaml (`grants:`, reviewed like code) and approved access
 * requests (kept in the state store, with an expiry).
 */
export interface Grant {
  /** `<domain>.<table>`, as consumers read the port. */
  readonly port: string;
  /** `team:<id>`, an e-mail, or `service:<name>`. */
  readonly subject: string;
  readonly unmasked: boolean;
  /** ISO time after which the grant no longer holds; none for grants in code. */
  readonly expiresAt?: string;
  readonly source: 'spec' | 'request';
  /** The access request it came from. */
  readonly requestId?: number;
  readonly purpose?: string;
}

export function teamSubject(team: string): string {
  return `team:${team}`;
}

/** Whether a grant holds at `now`. */
export function grantHolds(grant: Grant, now: Date): boolean {
  return grant.expiresAt === undefined || Date.parse(grant.expiresAt) > now.getTime();
}

/** An approved access request, as far as a grant needs it. */
export interface ApprovedRequest {
  readonly id: number;
  readonly port: string;
  readonly requester: string;
  readonly team?: string;
  readonly unmasked: boolean;
  readonly purpose: string;
  readonly expiresAt?: string;
  readonly status: string;
}

/** Grants that approved access requests give (a request for a team grants the team). */
export function requestGrants(requests: readonly ApprovedRequest[]): Grant[] {
  return requests
    .filter((r) => r.status === 'approved')
    .map((r) => ({
      port: r.port,
      subject: r.team === undefined ? r.requester : teamSubject(r.team),
      unmasked: r.unmasked,
      source: 'request' as const,
      requestId: r.id,
      purpose: r.purpose,
      ...(r.expiresAt === undefined ? {} : { expiresAt: r.expiresAt }),
    }));
}
