import type { MeshGraph } from '../compiler/index.js';
import { downstreamOf, fingerprintOf, label, type AlertEvent, type Severity } from './events.js';
import type { IncidentPlan } from './plan.js';

/** One line of a message to the owning team: an incident that is new, back, or resolved. */
export interface MessageItem {
  readonly status: 'new' | 'reopened' | 'repeat' | 'resolved' | 'acknowledged' | 'test';
  readonly severity: Severity;
  readonly fingerprint: string;
  readonly title: string;
  readonly message: string;
  readonly product: string;
  readonly node: string;
  readonly check: string;
  /** Filled in when written: the incident's id. */
  readonly incident?: number;
  /** Nodes attached to the incident (skipped, stale downstream). */
  readonly affected?: readonly string[];
}

/** What a downstream team hears: which of its things read what broke, who owns the fix. */
export interface ImpactItem {
  readonly fingerprint: string;
  readonly incident?: number;
  /** The failed node upstream (`finance.daily_revenue`). */
  readonly upstream: string;
  readonly title: string;
  /** The team that owns the fix. */
  readonly owner: string;
  /** The team's ports and features that read it, directly or further down. */
  readonly affected: readonly string[];
  /** Ports of other teams the team's nodes read directly and that are stale because of it. */
  readonly reads: readonly string[];
  /** When the upstream port last published, when known: stale since then. */
  readonly staleSince?: string;
  /** Routing: critical (an incident upstream, the default) or warning (a sunset reminder). */
  readonly severity?: Severity;
}

/** One grouped message to one team: everything new for it in one run (or timer tick), never one per check. */
export interface Message {
  readonly team: string;
  readonly kind: 'incident' | 'impact' | 'update' | 'test' | 'platform';
  /** The grouping: `run:12`, `sla:2026-12-06T04:00`, `update:3:ack`… (part of the idempotency key). */
  readonly group: string;
  readonly mesh: string;
  readonly title: string;
  readonly items: readonly MessageItem[];
  readonly impacts: readonly ImpactItem[];
}

/** What the planner knows of an existing incident to word a message about it. */
export interface IncidentFacts {
  readonly id: number;
  readonly fingerprint: string;
  readonly team: string;
  readonly title: string;
  readonly message: string;
  readonly severity: Severity;
  readonly product: string;
  readonly node: string;
  readonly check: string;
}

function item(event: AlertEvent, status: MessageItem['status']): MessageItem {
  return { status, severity: event.severity, fingerprint: fingerprintOf(event), title: event.title, message: event.message, product: event.product, node: event.node, check: event.check };
}

/**
 * The downstream teams of a failed node and what of theirs it reaches, from lineage:
 * every product with a node downstream (ports, models, features), grouped by its
 * owner, the owning team itself excluded.
 */
export function impactedTeams(graph: MeshGraph, nodeId: string, owner: string): Map<string, { affected: string[]; reads: string[] }> {
  const below = downstreamOf(graph, nodeId);
  const stale = new Set([nodeId, ...below]);
  const teams = new Map<string, { affected: Set<string>; reads: Set<string> }>();
  for (const id of below) {
    const node = graph.nodes.get(id);
    if (!node) continue;
    const team = graph.products.get(node.product)?.owner;
    if (team === undefined || team === owner) continue;
    const entry = teams.get(team) ?? { affected: new Set<string>(), reads: new Set<string>() };
    teams.set(team, entry);
    if (node.kind === 'port' || node.kind === 'feature') entry.affected.add(node.kind === 'port' ? `${node.domain}.${node.table}` : `${node.spec.type} ${label(id)}`);
    for (const up of node.upstream) {
      const read = graph.nodes.get(up);
      if (read?.kind === 'port' && read.product !== node.product && stale.has(up)) entry.reads.add(`${read.domain}.${read.table}`);
    }
  }
  return new Map([...teams].filter(([, e]) => e.affected.size > 0 || e.reads.size > 0).map(([team, e]) => [team, { affected: [...e.affected].sort(), reads: [...e.reads].sort() }]));
}

/**
 * Incidents → messages: one per owning team with everything new, back or resolved,
 * and one impact notice per downstream team (critical incidents only). Repeats of open
 * incidents, and anything acknowledged, send nothing.
 */
export function planMessages(input: {
  plan: IncidentPlan;
  known: readonly IncidentFacts[];
  graph: MeshGraph;
  group: string;
  mesh: string;
  /** When each port (`<domain>.<table>`) last published. */
  lastPublished?: ReadonlyMap<string, string>;
}): Message[] {
  const { plan, graph } = input;
  const byId = new Map(input.known.map((k) => [k.id, k]));
  const items = new Map<string, MessageItem[]>();
  const add = (team: string, entry: MessageItem): void => {
    items.set(team, [...(items.get(team) ?? []), entry]);
  };
  for (const event of plan.opened) add(event.team, item(event, 'new'));
  for (const { id, event } of plan.reopened) add(event.team, { ...item(event, 'reopened'), incident: id });
  for (const { id } of plan.resolved) {
    const known = byId.get(id);
    if (known) add(known.team, { status: 'resolved', severity: known.severity, fingerprint: known.fingerprint, title: known.title, message: 'Resolved by itself: it passed again.', product: known.product, node: known.node, check: known.check, incident: id });
  }
  const impacts = new Map<string, ImpactItem[]>();
  for (const [event, id] of [...plan.opened.map((e) => [e, undefined] as const), ...plan.reopened.map((r) => [r.event, r.id] as const)]) {
    if (event.severity !== 'critical') continue;
    const node = graph.nodes.get(event.node);
    const upstream = node?.kind === 'port' ? `${node.domain}.${node.table}` : label(event.node);
    const staleSince = node?.kind === 'port' ? input.lastPublished?.get(upstream) : undefined;
    for (const [team, { affected, reads }] of impactedTeams(graph, event.node, event.team)) {
      impacts.set(team, [
        ...(impacts.get(team) ?? []),
        { fingerprint: fingerprintOf(event), ...(id === undefined ? {} : { incident: id }), upstream, title: event.title, owner: event.team, affected, reads, ...(staleSince ? { staleSince } : {}) },
      ]);
    }
  }
  const messages: Message[] = [];
  for (const [team, list] of [...items].sort(([a], [b]) => a.localeCompare(b))) {
    messages.push({ team, kind: 'incident', group: input.group, mesh: input.mesh, title: incidentTitle(list, input.mesh), items: list, impacts: [] });
  }
  for (const [team, list] of [...impacts].sort(([a], [b]) => a.localeCompare(b))) {
    messages.push({ team, kind: 'impact', group: input.group, mesh: input.mesh, title: impactTitle(list), items: [], impacts: list });
  }
  return messages;
}

/** The title of a team's grouped message: how many incidents are new (or back), how many resolved. */
export function incidentTitle(list: readonly MessageItem[], mesh: string): string {
  const done = list.filter((i) => i.status === 'resolved').length;
  // Acknowledgements appear next to new incidents only in a grouping window's message.
  const taken = list.filter((i) => i.status === 'acknowledged').length;
  const fresh = list.length - done - taken;
  const rest = [taken > 0 ? `${taken} acknowledged` : '', done > 0 ? `${done} resolved` : ''].filter((s) => s !== '').join(', ');
  if (fresh > 0) return `${fresh} incident${fresh === 1 ? '' : 's'} in ${mesh}${rest ? `, ${rest}` : ''}`;
  return taken === 0 ? `${done} incident${done === 1 ? '' : 's'} resolved in ${mesh}` : `Incidents in ${mesh}: ${rest}`;
}

/** The title of an impact notice: whose problem, how many of the team's inputs. */
export function impactTitle(list: readonly ImpactItem[]): string {
  const owners = [...new Set(list.map((i) => i.owner))].join(', ');
  return `Upstream problem (${owners}): ${list.length} input${list.length === 1 ? '' : 's'} of yours affected`;
}
