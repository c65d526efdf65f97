import type { MeshGraph } from '../compiler/index.js';
import type { AlertEvent } from './events.js';
import { impactedTeams, type Message } from './notify.js';

/** Days before a port's sunset when its readers are reminded. */
export const SUNSET_REMINDERS = [30, 7, 1] as const;

const DAY = 86_400_000;

/** A port's sunset (its own `deprecated.sunset`, else its product's), as a UTC date. */
function sunsetOf(graph: MeshGraph, nodeId: string): { port: string; sunset: string; replacedBy?: string; owner: string; product: string } | undefined {
  const node = graph.nodes.get(nodeId);
  if (node?.kind !== 'port') return undefined;
  const summary = graph.products.get(node.product);
  const sunset = node.spec.deprecated?.sunset;
  if (sunset === undefined || !summary) return undefined;
  return { port: `${node.domain}.${node.table}`, sunset, ...(node.spec.deprecated?.replaced_by ? { replacedBy: node.spec.deprecated.replaced_by } : {}), owner: summary.owner, product: node.product };
}

/**
 * Sunset reminders: each deprecated port's readers (the teams lineage names) are told 30, 7
 * and 1 days before its sunset, one message per team, port and reminder (the reminder is
 * part of the idempotency key, so it is sent once even when the timer ticks every minute). A port past its sunset and still read is an event for its owners.
 */
export function sunsetNotices(graph: MeshGraph, mesh: string, now: Date): { messages: Message[]; events: AlertEvent[]; passed: string[] } {
  const messages: Message[] = [];
  const events: AlertEvent[] = [];
  const passed: string[] = [];
  for (const id of graph.nodes.keys()) {
    const port = sunsetOf(graph, id);
    if (!port) continue;
    const left = Math.ceil((Date.parse(`${port.sunset}T00:00:00Z`) - now.getTime()) / DAY);
    const readers = impactedTeams(graph, id, port.owner);
    const fingerprint = `${port.product}|${id}|sunset`;
    if (left <= 0) {
      if (readers.size === 0) {
        passed.push(fingerprint);
        continue;
      }
      events.push({
        kind: 'sunset-passed',
        severity: 'warning',
        product: port.product,
        team: port.owner,
        node: id,
        check: 'sunset',
        title: `${port.port} is past its sunset (${port.sunset}) and still read`,
        message: `Read by ${[...readers.keys()].sort().join(', ')}${port.replacedBy ? `; they should move to ${port.replacedBy}` : ''}.`,
      });
      continue;
    }
    passed.push(fingerprint);
    const reminder = SUNSET_REMINDERS.filter((days) => left <= days).at(-1);
    if (reminder === undefined) continue;
    for (const [team, { affected, reads }] of [...readers].sort(([a], [b]) => a.localeCompare(b))) {
      messages.push({
        team,
        kind: 'impact',
        // The reminder is part of the group, so each is sent once, however often the timer ticks.
        group: `sunset:${port.port}@${reminder}d`,
        mesh,
        title: `Sunset reminder: ${port.port}, which you read, stops in ${left} day${left === 1 ? '' : 's'}`,
        items: [],
        impacts: [
          {
            fingerprint,
            upstream: port.port,
            title: `${port.port} is deprecated: its sunset is ${port.sunset}, in ${left} day${left === 1 ? '' : 's'}${port.replacedBy ? `; move to ${port.replacedBy}` : ''}`,
            owner: port.owner,
            affected,
            reads,
            severity: 'warning',
          },
        ],
      });
    }
  }
  return { messages, events, passed };
}
