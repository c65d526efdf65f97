import { fingerprintOf, isFailure, type AlertEvent, type Observations } from './events.js';

/** An incident as the planner needs to know it (the state store's record fits). */
export interface KnownIncident {
  readonly id: number;
  readonly fingerprint: string;
  readonly node: string;
  readonly status: 'open' | 'acknowledged' | 'resolved';
  readonly kind: string;
  readonly resolvedAt?: string;
  readonly affected: readonly string[];
}

/** What to do with the incidents, by fingerprint (new incidents have no id until written). */
export interface IncidentPlan {
  /** New incidents (nothing open or recently resolved for the fingerprint). */
  readonly opened: readonly AlertEvent[];
  /** Resolved within the reopen window and regressed: open again, same incident. */
  readonly reopened: readonly { readonly id: number; readonly event: AlertEvent }[];
  /** Still failing: counted, not notified again (acknowledged ones never are). */
  readonly repeated: readonly { readonly id: number; readonly event: AlertEvent; readonly acknowledged: boolean }[];
  /** Open incidents whose check passed again. */
  readonly resolved: readonly { readonly id: number; readonly fingerprint: string }[];
  /** Downstream nodes to attach, by the fingerprint of the upstream incident. */
  readonly attached: readonly { readonly fingerprint: string; readonly nodes: readonly string[]; readonly why: string }[];
}

export const DEFAULT_REOPEN_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Events → incidents. One open incident per fingerprint: a new event with an open (or
 * acknowledged) incident repeats it; one resolved less than `reopenWindowMs` ago reopens
 * it; anything else opens a new one. A fingerprint seen passing resolves its open
 * incident. Attachments go to the incidents of the failed nodes they name.
 */
export function planIncidents(input: { known: readonly KnownIncident[]; observations: Observations; at: Date; reopenWindowMs?: number }): IncidentPlan {
  const window = input.reopenWindowMs ?? DEFAULT_REOPEN_WINDOW_MS;
  const active = new Map<string, KnownIncident>();
  const recent = new Map<string, KnownIncident>();
  for (const incident of input.known) {
    if (incident.status !== 'resolved') active.set(incident.fingerprint, incident);
    else if (incident.resolvedAt !== undefined && input.at.getTime() - new Date(incident.resolvedAt).getTime() <= window) {
      const seen = recent.get(incident.fingerprint);
      if (!seen || seen.id < incident.id) recent.set(incident.fingerprint, incident);
    }
  }
  const opened: AlertEvent[] = [];
  const reopened: { id: number; event: AlertEvent }[] = [];
  const repeated: { id: number; event: AlertEvent; acknowledged: boolean }[] = [];
  const seen = new Set<string>();
  for (const event of input.observations.events) {
    const fingerprint = fingerprintOf(event);
    if (seen.has(fingerprint)) continue;
    seen.add(fingerprint);
    const open = active.get(fingerprint);
    const closed = recent.get(fingerprint);
    if (open) repeated.push({ id: open.id, event, acknowledged: open.status === 'acknowledged' });
    else if (closed) reopened.push({ id: closed.id, event });
    else opened.push(event);
  }
  const passing = new Set(input.observations.passed);
  const healthy = new Set(input.observations.healthy ?? []);
  // A node that built (a port that passed its audit) has none of the failures that stopped it before, whatever check they named.
  const buildFailures = new Set(['node-failed', 'audit-failed', 'check-failed']);
  const resolved = [...active.values()]
    .filter((i) => !seen.has(i.fingerprint) && (passing.has(i.fingerprint) || (healthy.has(i.node) && buildFailures.has(i.kind))))
    .map((i) => ({ id: i.id, fingerprint: i.fingerprint }));

  // Which incident (fingerprint) stands for a failed node: this batch's events first, then what is open.
  const byNode = new Map<string, string[]>();
  const note = (node: string, fingerprint: string): void => {
    const list = byNode.get(node) ?? [];
    if (!list.includes(fingerprint)) byNode.set(node, [...list, fingerprint]);
  };
  for (const event of input.observations.events) if (event.severity === 'critical') note(event.node, fingerprintOf(event));
  const resolvedNow = new Set(resolved.map((r) => r.fingerprint));
  for (const incident of active.values()) if (!resolvedNow.has(incident.fingerprint) && isFailure(incident.kind)) note(incident.node, incident.fingerprint);
  const attachedTo = new Map<string, { nodes: string[]; why: string }>();
  for (const attachment of input.observations.attachments) {
    for (const cause of attachment.because) {
      for (const fingerprint of (byNode.get(cause) ?? []).slice(0, 1)) {
        const entry = attachedTo.get(fingerprint) ?? { nodes: [], why: attachment.why };
        if (!entry.nodes.includes(attachment.node)) entry.nodes.push(attachment.node);
        attachedTo.set(fingerprint, entry);
      }
    }
  }
  const attached = [...attachedTo].map(([fingerprint, { nodes, why }]) => ({ fingerprint, nodes, why }));
  return { opened, reopened, repeated, resolved, attached };
}

/** The nodes with an open (or acknowledged) failure: SLA breaches downstream of them attach instead of opening. */
export function openNodes(known: readonly KnownIncident[]): Set<string> {
  return new Set(known.filter((i) => i.status !== 'resolved' && isFailure(i.kind)).map((i) => i.node));
}
