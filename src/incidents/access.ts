import type { AlertEvent } from './events.js';

/** An access request waiting for the owners of a port, as the recorder needs it (the access store's record and the port's policy fit). */
export interface AccessRequestFacts {
  readonly id: number;
  /** `<domain>.<port>`. */
  readonly port: string;
  /** The product the port belongs to, and the team that owns it (who decides). */
  readonly product: string;
  readonly owner: string;
  /** An e-mail or `service:<name>`. */
  readonly requester: string;
  /** Asked on behalf of a whole team. */
  readonly team?: string;
  readonly unmasked: boolean;
  readonly purpose: string;
  readonly expiresAt?: string;
}

/** One incident per request: deciding one request never settles another. */
export function accessRequestCheck(id: number): string {
  return `access-request:${id}`;
}

/**
 * An access request as an event for the port's owners: who asks, for which port, what
 * (masked or raw, for how long, why), and how to answer. A warning, not critical:
 * nothing is broken, and the quiet hours hold it.
 */
export function accessRequested(request: AccessRequestFacts): AlertEvent {
  const who = request.team === undefined ? request.requester : `${request.requester} for team ${request.team}`;
  const what = request.unmasked ? 'with its masked columns raw' : 'as consumers see it (masks applied)';
  const until = request.expiresAt === undefined ? 'with no end date' : `until ${request.expiresAt.slice(0, 10)}`;
  return {
    kind: 'access-request',
    severity: 'warning',
    product: request.product,
    team: request.owner,
    node: `port:${request.port}`,
    check: accessRequestCheck(request.id),
    title: `Access request #${request.id}: ${who} asks to read ${request.port}${request.unmasked ? ' unmasked' : ''}`,
    message:
      `${who} asks to read ${request.port} ${what}, ${until}. Purpose: “${request.purpose}”. ` +
      `Approve with \`tessera access approve ${request.id}\` (or \`tessera access deny ${request.id} --reason …\`), on the catalog's Access page, or POST /api/access-requests/${request.id}/approve.`,
  };
}
