import { createHash } from 'node:crypto';
import type { MeshGraph } from '../compiler/index.js';
import {
  accessRequestCheck,
  accessRequested,
  channelKey,
  channelPlace,
  channelProblem,
  channelRef,
  eventsFromFreshness,
  eventsFromRun,
  fingerprintOf,
  openNodes,
  planIncidents,
  planMessages,
  openFor,
  planRepeats,
  policies,
  routeMessage,
  scheduleMissed,
  sunsetNotices,
  DEFAULT_REOPEN_WINDOW_MS,
  type AccessRequestFacts,
  type AlertEvent,
  type FreshnessFact,
  type Message,
  type Observations,
  type RunFacts,
} from '../incidents/index.js';
import type { Mesh } from '../spec/index.js';
import type { IncidentRecord, IncidentResolution, IncidentTx, NewOutbox, SqlIncidentStore } from '../state/index.js';
import type { Env } from './senders.js';
import { gatherWindows, type WindowPart } from './windows.js';

/** What one recording did, for the CLI and the logs. */
export interface RecordOutcome {
  readonly opened: number;
  readonly reopened: number;
  readonly repeated: number;
  readonly resolved: number;
  readonly attached: number;
  /** Incidents notified again because they stayed open past their policy's `repeat`. */
  readonly repeatedNotices?: number;
  /** Outbox rows written (one per message per channel). */
  readonly queued: number;
  /** Channels left out, with why (not configured, secret in the repository). */
  readonly skipped: readonly string[];
}

export const PLATFORM_TEAM = 'platform';

function keyOf(...parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/**
 * Events → incidents → outbox, in one transaction per recording: the incidents, their
 * timeline and every message about them commit together, or nothing does.
 */
export class AlertRecorder {
  constructor(
    private readonly store: SqlIncidentStore,
    private readonly options: { readonly env: Env; readonly reopenWindowMs?: number },
  ) {}

  /** A run's or test's events (from its node and check results). */
  recordRun(mesh: Mesh, graph: MeshGraph, facts: RunFacts, at = new Date(), lastPublished?: ReadonlyMap<string, string>): Promise<RecordOutcome> {
    return this.record(mesh, graph, eventsFromRun(graph, facts), `${facts.kind}:${facts.runId}`, at, lastPublished);
  }

  /** The SLA timer's tick: breaches open incidents (or attach upstream), ports fresh again resolve theirs. */
  async recordFreshness(mesh: Mesh, graph: MeshGraph, report: readonly FreshnessFact[], at = new Date()): Promise<RecordOutcome> {
    const open = openNodes(await this.store.incidents({ status: ['open', 'acknowledged'], limit: 5000 }));
    return this.record(mesh, graph, eventsFromFreshness(graph, report, open), `sla:${at.toISOString().slice(0, 16)}`, at);
  }

  /** Sunset reminders to the readers of deprecated ports (30, 7, 1 days before; each once), and ports past their sunset still read. */
  async recordSunsets(mesh: Mesh, graph: MeshGraph, at = new Date()): Promise<RecordOutcome> {
    const { messages, events, passed } = sunsetNotices(graph, mesh.spec.name, at);
    const reminders = messages.length === 0 ? { queued: 0, skipped: [] as string[] } : await this.store.transaction((tx) => this.enqueue(tx, mesh, messages, at));
    const outcome = await this.record(mesh, graph, { events, passed, attachments: [] }, `sunset:${at.toISOString().slice(0, 10)}`, at);
    return { ...outcome, queued: outcome.queued + reminders.queued, skipped: [...outcome.skipped, ...reminders.skipped] };
  }

  /** A product's schedule passed without a publish: an incident for its owners, resolved when it publishes again. */
  async recordScheduleMissed(mesh: Mesh, graph: MeshGraph, product: string, cron: string, at = new Date()): Promise<RecordOutcome | undefined> {
    const event = scheduleMissed(graph, product, cron);
    if (!event) return undefined;
    return this.record(mesh, graph, { events: [event], passed: [], attachments: [] }, `schedule:${product}:${at.toISOString().slice(0, 16)}`, at);
  }

  /** Incidents left open (not acknowledged) past their policy's `repeat` since their team last heard: told again, saying how long they have been open. */
  async recordRepeats(mesh: Mesh, at = new Date()): Promise<RecordOutcome> {
    return this.store.transaction(async (tx) => {
      const open = await tx.incidents({ status: ['open'] });
      const { messages, due } = planRepeats({ incidents: open, policyOf: policies(mesh), at, mesh: mesh.spec.name });
      const iso = at.toISOString();
      for (const incident of due) {
        await tx.updateIncident(incident.id, { notifiedAt: iso });
        await tx.addEntry({ incidentId: incident.id, at: iso, kind: 'repeated', detail: `Still open after ${openForText(at, incident.openedAt)}, not acknowledged: notified again.` });
      }
      const { queued, skipped } = await this.enqueue(tx, mesh, messages, at);
      return { opened: 0, reopened: 0, repeated: 0, resolved: 0, attached: 0, repeatedNotices: due.length, queued, skipped };
    });
  }

  async record(mesh: Mesh, graph: MeshGraph, observations: Observations, group: string, at = new Date(), lastPublished?: ReadonlyMap<string, string>): Promise<RecordOutcome> {
    return this.store.transaction(async (tx) => {
      // Only the incidents this recording can touch: its events' and passes' fingerprints, and the nodes it resolves or attaches to.
      const fingerprints = [...new Set(observations.events.map(fingerprintOf))];
      const nodes = [...new Set([...(observations.healthy ?? []), ...observations.attachments.flatMap((a) => a.because), ...observations.events.map((e) => e.node)])];
      const touched = await tx.incidents({ fingerprints: [...new Set([...fingerprints, ...observations.passed])], nodes, status: ['open', 'acknowledged'] });
      const known = [...touched, ...(await tx.incidents({ fingerprints, status: ['resolved'] }))];
      const plan = planIncidents({ known, observations, at, reopenWindowMs: this.options.reopenWindowMs ?? DEFAULT_REOPEN_WINDOW_MS });
      const iso = at.toISOString();
      const ids = new Map<string, number>();
      for (const event of plan.opened) {
        const id = await tx.insertIncident({ ...incidentOf(event), openedAt: iso, affected: [] });
        ids.set(fingerprintOf(event), id);
        await tx.addEntry({ incidentId: id, at: iso, kind: 'opened', detail: `${event.title}: ${event.message}` });
      }
      const byId = new Map(known.map((k) => [k.id, k]));
      for (const { id, event } of plan.reopened) {
        ids.set(fingerprintOf(event), id);
        await tx.updateIncident(id, { status: 'open', message: event.message, lastSeenAt: iso, notifiedAt: iso, ...(event.runId === undefined ? {} : { runId: event.runId }), reopened: (byId.get(id)?.reopened ?? 0) + 1, occurrences: (byId.get(id)?.occurrences ?? 0) + 1, resolvedAt: undefined });
        await tx.addEntry({ incidentId: id, at: iso, kind: 'reopened', detail: `Regressed within the reopen window: ${event.message}` });
      }
      for (const { id, event } of plan.repeated) {
        ids.set(fingerprintOf(event), id);
        await tx.updateIncident(id, { message: event.message, lastSeenAt: iso, ...(event.runId === undefined ? {} : { runId: event.runId }), occurrences: (byId.get(id)?.occurrences ?? 0) + 1 });
        await tx.addEntry({ incidentId: id, at: iso, kind: 'seen', detail: `Seen again (${group})${event.severity === 'critical' ? '' : ' at warn'}` });
      }
      for (const { id } of plan.resolved) {
        await tx.updateIncident(id, { status: 'resolved', resolvedAt: iso, resolvedBy: 'tessera', resolution: 'auto', resolutionNote: `it passed again (${group})` });
        await tx.addEntry({ incidentId: id, at: iso, kind: 'resolved', by: 'tessera', detail: `Resolved by itself: it passed again (${group}).` });
      }
      const resolvedIds = new Set(plan.resolved.map((r) => r.id));
      const active = new Map(known.filter((k) => k.status !== 'resolved' && !resolvedIds.has(k.id)).map((k) => [k.fingerprint, k]));
      let attached = 0;
      for (const { fingerprint, nodes, why } of plan.attached) {
        const id = ids.get(fingerprint) ?? active.get(fingerprint)?.id;
        if (id === undefined) continue;
        const before = byId.get(id)?.affected ?? [];
        const fresh = nodes.filter((n) => !before.includes(n));
        if (fresh.length === 0) continue;
        attached += fresh.length;
        await tx.updateIncident(id, { affected: [...before, ...fresh] });
        await tx.addEntry({ incidentId: id, at: iso, kind: 'attached', detail: `${fresh.length} downstream node(s) attached: ${fresh.join(', ')} (${why})` });
      }
      const messages = planMessages({ plan, known, graph, group, mesh: mesh.spec.name, ...(lastPublished ? { lastPublished } : {}) }).map((m) => withIds(m, ids, plan.attached));
      const { queued, skipped } = await this.enqueue(tx, mesh, messages, at);
      return { opened: plan.opened.length, reopened: plan.reopened.length, repeated: plan.repeated.length, resolved: plan.resolved.length, attached, queued, skipped };
    });
  }

  /** An access request waiting for the owners of its port: an incident of theirs, routed and grouped like any other. */
  recordAccessRequest(mesh: Mesh, graph: MeshGraph, request: AccessRequestFacts, at = new Date()): Promise<RecordOutcome> {
    return this.record(mesh, graph, { events: [accessRequested(request)], passed: [], attachments: [] }, `access:${request.id}`, at);
  }

  /** The owners decided (approved, denied, or the requester withdrew): the request's incident resolves, and the team hears who settled it. */
  async settleAccessRequest(mesh: Mesh, request: Pick<AccessRequestFacts, 'id' | 'port'>, decision: { readonly status: string; readonly by: string; readonly reason?: string | undefined }, at = new Date()): Promise<IncidentRecord | undefined> {
    // By node and check, not fingerprint: the port may have moved to another product since it was asked for.
    const onPort = await this.store.transaction((tx) => tx.incidents({ nodes: [`port:${request.port}`], status: ['open', 'acknowledged'] }));
    const open = onPort.find((i) => i.check === accessRequestCheck(request.id));
    if (!open) return undefined;
    return this.transition(mesh, open.id, decision.by, at, 'resolved', `access request #${request.id} ${decision.status}${decision.reason ? ` (${decision.reason})` : ''}`, 'auto');
  }

  /** Acknowledge: the team is on it; the incident stops repeating. The team hears who took it. */
  async acknowledge(mesh: Mesh, id: number, by: string, note: string | undefined, at = new Date()): Promise<IncidentRecord> {
    return this.transition(mesh, id, by, at, 'acknowledged', note);
  }

  async resolve(mesh: Mesh, id: number, by: string, resolution: Exclude<IncidentResolution, 'auto'>, note: string | undefined, at = new Date()): Promise<IncidentRecord> {
    return this.transition(mesh, id, by, at, 'resolved', note, resolution);
  }

  private async transition(mesh: Mesh, id: number, by: string, at: Date, to: 'acknowledged' | 'resolved', note?: string, resolution?: IncidentResolution): Promise<IncidentRecord> {
    const iso = at.toISOString();
    await this.store.transaction(async (tx) => {
      const [incident] = (await tx.incidents()).filter((i) => i.id === id);
      if (!incident) throw new Error(`no incident ${id}`);
      if (to === 'acknowledged') await tx.updateIncident(id, { status: 'acknowledged', acknowledgedAt: iso, acknowledgedBy: by });
      else await tx.updateIncident(id, { status: 'resolved', resolvedAt: iso, resolvedBy: by, resolution: resolution ?? 'other', ...(note ? { resolutionNote: note } : {}) });
      // `auto`: settled by what happened (an access request decided), not by a reason someone chose.
      const words = to === 'acknowledged' ? `Acknowledged by ${by}` : `Resolved by ${by}${resolution === 'auto' ? '' : ` (${resolution ?? 'other'})`}`;
      await tx.addEntry({ incidentId: id, at: iso, kind: to, by, detail: `${words}${note ? `: ${note}` : ''}` });
      const message: Message = {
        team: incident.team,
        kind: 'update',
        group: `update:${id}:${to}:${iso}`,
        mesh: mesh.spec.name,
        title: `#${id} ${to === 'acknowledged' ? 'acknowledged' : 'resolved'} by ${by}`,
        items: [{ status: to === 'acknowledged' ? 'acknowledged' : 'resolved', severity: incident.severity, fingerprint: incident.fingerprint, title: incident.title, message: `${words}${note ? `: ${note}` : ''}.`, product: incident.product, node: incident.node, check: incident.check, incident: id }],
        impacts: [],
      };
      await this.enqueue(tx, mesh, [message], at);
    });
    const updated = await this.store.incident(id);
    if (!updated) throw new Error(`incident ${id} vanished`);
    return updated;
  }

  /** A channel failed for good: one platform incident per channel, told to the `platform` team when teams.yaml has one. */
  async raisePlatformAlert(mesh: Mesh | undefined, channel: Readonly<Record<string, string>>, team: string, error: string, at = new Date()): Promise<void> {
    const event: AlertEvent = {
      kind: 'channel-failing',
      severity: 'critical',
      product: PLATFORM_TEAM,
      team: PLATFORM_TEAM,
      node: `channel:${team}:${channelPlace(channel)}`,
      check: 'delivery',
      title: `Alerts to team ${team} are not arriving (${channel['type'] ?? '?'} ${channelPlace(channel)})`,
      message: `Delivery failed for good: ${error}. The messages are in the dead-letter list: \`tessera alerts dead\`; \`tessera alerts flush --retry-dead\` sends them again once the channel is fixed.`,
    };
    const observations: Observations = { events: [event], passed: [], attachments: [] };
    await this.store.transaction(async (tx) => {
      const known = await tx.incidents({ fingerprints: [fingerprintOf(event)] });
      const plan = planIncidents({ known, observations, at, reopenWindowMs: this.options.reopenWindowMs ?? DEFAULT_REOPEN_WINDOW_MS });
      const iso = at.toISOString();
      for (const e of plan.opened) {
        const id = await tx.insertIncident({ ...incidentOf(e), openedAt: iso, affected: [] });
        await tx.addEntry({ incidentId: id, at: iso, kind: 'opened', detail: `${e.title}: ${e.message}` });
        if (mesh && team !== PLATFORM_TEAM) {
          const message: Message = { team: PLATFORM_TEAM, kind: 'platform', group: `platform:${id}`, mesh: mesh.spec.name, title: e.title, items: [{ status: 'new', severity: 'critical', fingerprint: fingerprintOf(e), title: e.title, message: e.message, product: e.product, node: e.node, check: e.check, incident: id }], impacts: [] };
          await this.enqueue(tx, mesh, [message], at);
        }
      }
      for (const { id } of plan.reopened) {
        await tx.updateIncident(id, { status: 'open', lastSeenAt: iso, message: event.message, resolvedAt: undefined });
        await tx.addEntry({ incidentId: id, at: iso, kind: 'reopened', detail: `Failed again: ${error}` });
      }
      // Still open (or acknowledged): counted, its state kept.
      for (const { id } of plan.repeated) {
        await tx.updateIncident(id, { lastSeenAt: iso, message: event.message });
        await tx.addEntry({ incidentId: id, at: iso, kind: 'seen', detail: `Failed again: ${error}` });
      }
    });
  }

  /**
   * Messages → outbox rows, one per message per usable channel of its team, under the
   * routing policies (severities to channels, quiet hours, muted ports, grouping windows);
   * unusable channels, muted, held and gathered items are noted on the incidents.
   */
  private async enqueue(tx: IncidentTx, mesh: Mesh, messages: readonly Message[], at: Date): Promise<{ queued: number; skipped: string[] }> {
    const rows: NewOutbox[] = [];
    const gathering: WindowPart[] = [];
    const skipped: string[] = [];
    const iso = at.toISOString();
    const policyOf = policies(mesh);
    // Due at once (never later than now, also when the event is dated ahead, as in a test of the timer).
    const now = new Date(Math.min(at.getTime(), Date.now()));
    for (const message of messages) {
      const team = mesh.teams.find((t) => t.id === message.team);
      const channels = (team?.channels ?? []).map(channelRef);
      const routing = routeMessage(message, channels, policyOf, at);
      for (const ref of routing.muted) {
        if (typeof ref === 'number') await tx.addEntry({ incidentId: ref, at: iso, kind: 'muted', detail: `${message.kind} message to ${message.team} not sent: muted (its port is in its product's alerts.mute)` });
      }
      for (const { incident, until } of routing.held) {
        if (typeof incident === 'number') await tx.addEntry({ incidentId: incident, at: iso, kind: 'held', detail: `${message.kind} message to ${message.team} held until ${until.toISOString()} (quiet hours)` });
      }
      for (const route of routing.routes) {
        const channel = channels[route.channel] ?? {};
        const part = route.message;
        const incidentIds = [...new Set([...part.items.map((i) => i.incident), ...part.impacts.map((i) => i.incident)].filter((i): i is number => i !== undefined))];
        const problem = channelProblem(channel, this.options.env);
        if (problem) {
          skipped.push(`${message.team} ${channel['type'] ?? ''} ${channelPlace(channel)}: ${problem}`);
          for (const incidentId of incidentIds) await tx.addEntry({ incidentId, at: iso, kind: 'skipped-channel', detail: `${message.kind} message to ${message.team} not sent to ${channel['type'] ?? ''} ${channelPlace(channel)}: ${problem}` });
          continue;
        }
        const held = route.notBefore && route.notBefore > now ? route.notBefore : undefined;
        const key = held ? keyOf(message.group, message.team, message.kind, channelKey(channel), `held:${held.toISOString()}`) : keyOf(message.group, message.team, message.kind, channelKey(channel));
        const row: NewOutbox = { key, team: message.team, channel, kind: message.kind, incidentIds, payload: part as unknown as NewOutbox['payload'], ...(held ? { notBefore: held } : {}) };
        if (route.windowMs !== undefined || message.kind === 'update') gathering.push({ row, message: part, ...(route.windowMs === undefined ? {} : { windowMs: route.windowMs }), ...(held ? { notBefore: held } : {}) });
        else rows.push(row);
      }
    }
    const gathered = await gatherWindows(tx, gathering, at);
    for (const { incidentId, detail } of gathered.notes) await tx.addEntry({ incidentId, at: iso, kind: 'grouped', detail });
    const queued = (await tx.insertOutbox([...rows, ...gathered.rows], now)) + gathered.joined;
    return { queued, skipped: [...new Set(skipped)] };
  }
}

function openForText(at: Date, openedAt: string): string {
  return openFor(at.getTime() - Date.parse(openedAt));
}

function incidentOf(event: AlertEvent): Omit<IncidentRecord, 'id' | 'status' | 'occurrences' | 'reopened' | 'lastSeenAt' | 'openedAt' | 'affected'> {
  return {
    fingerprint: fingerprintOf(event),
    team: event.team,
    product: event.product,
    node: event.node,
    check: event.check,
    kind: event.kind,
    severity: event.severity,
    title: event.title,
    message: event.message,
    ...(event.runId === undefined ? {} : { runId: event.runId }),
  };
}

/** Fills in incident ids (known once written) and the attached nodes of each item. */
function withIds(message: Message, ids: ReadonlyMap<string, number>, attached: readonly { fingerprint: string; nodes: readonly string[] }[]): Message {
  const affected = new Map(attached.map((a) => [a.fingerprint, a.nodes]));
  return {
    ...message,
    items: message.items.map((i) => {
      const id = i.incident ?? ids.get(i.fingerprint);
      const nodes = affected.get(i.fingerprint);
      return { ...i, ...(id === undefined ? {} : { incident: id }), ...(nodes && i.status !== 'resolved' ? { affected: nodes } : {}) };
    }),
    impacts: message.impacts.map((i) => {
      const id = i.incident ?? ids.get(i.fingerprint);
      return id === undefined ? i : { ...i, incident: id };
    }),
  };
}
