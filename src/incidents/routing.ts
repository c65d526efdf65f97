import { durationToMs, type MeshAlertsSpec, type ProductAlertsSpec } from '../spec/index.js';
import type { ChannelRef } from './channels.js';
import { label, type Severity } from './events.js';
import { impactTitle, incidentTitle, type ImpactItem, type Message, type MessageItem } from './notify.js';

/** A channel of the receiving team, by type or by its place in the team's list (0 is the first). */
export type ChannelTarget = 'slack' | 'webhook' | 'file' | number;

export interface QuietHours {
  readonly from: string;
  readonly to: string;
  readonly timezone?: string | undefined;
}

/** The routing policy of one product: its `alerts:` over tessera.yaml's, key by key. */
export interface AlertPolicy {
  /** Channels per severity; a severity not named goes to every channel. */
  readonly severities: Partial<Record<Severity, readonly ChannelTarget[]>>;
  readonly quietHours?: QuietHours;
  readonly repeatMs?: number;
  /** New items for a team are gathered this long (from the first) into one message. */
  readonly groupWindowMs?: number;
  /** Muted ports, `<domain>.<port>`. */
  readonly mute: ReadonlySet<string>;
}

export const DEFAULT_POLICY: AlertPolicy = { severities: {}, mute: new Set() };

/** What the planner needs of the mesh to know the policies (a `Mesh` fits). */
export interface PolicySource {
  readonly spec: { readonly alerts?: MeshAlertsSpec | undefined };
  readonly products: readonly { readonly spec: { readonly domain: string; readonly name: string; readonly alerts?: ProductAlertsSpec | undefined } }[];
}

/** `product` (`<domain>.<name>`, or `platform`) → its policy: the product's `alerts:` keys win over tessera.yaml's. */
export function policies(source: PolicySource): (product: string) => AlertPolicy {
  const mesh = source.spec.alerts ?? {};
  const build = (own: ProductAlertsSpec): AlertPolicy => {
    const quiet = own.quiet_hours ?? mesh.quiet_hours;
    const repeat = own.repeat ?? mesh.repeat;
    const window = own.group_window ?? mesh.group_window;
    return {
      severities: { ...(mesh.severities ?? {}), ...(own.severities ?? {}) },
      ...(quiet ? { quietHours: quiet } : {}),
      ...(repeat ? { repeatMs: durationToMs(repeat) } : {}),
      ...(window ? { groupWindowMs: durationToMs(window) } : {}),
      mute: new Set(own.mute ?? []),
    };
  };
  const byProduct = new Map(source.products.map((p) => [`${p.spec.domain}.${p.spec.name}`, build(p.spec.alerts ?? {})]));
  const meshOnly = build({});
  return (product) => byProduct.get(product) ?? meshOnly;
}

function minutesOf(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Seconds since local midnight of `at` in `timezone`. */
function localSeconds(at: Date, timezone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(at);
  const part = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return part('hour') * 3600 + part('minute') * 60 + part('second');
}

/** When the quiet hours that `at` falls in end, or undefined when `at` is outside them (from 22:00 to 07:00 spans midnight). */
export function quietUntil(at: Date, quiet: QuietHours): Date | undefined {
  const now = localSeconds(at, quiet.timezone ?? 'UTC');
  const from = minutesOf(quiet.from) * 60;
  const to = minutesOf(quiet.to) * 60;
  const inside = from < to ? now >= from && now < to : now >= from || now < to;
  if (!inside) return undefined;
  const wait = (to - now + 86_400) % 86_400;
  return new Date(Math.floor(at.getTime() / 1000) * 1000 + wait * 1000);
}

/** One outbox row to be: the part of a message one channel gets, and when it may go. */
export interface Route {
  /** The channel's place in the team's list. */
  readonly channel: number;
  readonly message: Message;
  /** Held until then (quiet hours); absent: at once. */
  readonly notBefore?: Date;
  /** Its items' policy gathers them this long into one message per team and channel (only messages about new things: incident, impact). */
  readonly windowMs?: number;
}

/** Where a message goes under the policies, and what of it nobody hears because its port is muted. */
export interface Routing {
  readonly routes: readonly Route[];
  /** Incident ids (or fingerprints, when not written yet) of items that notify nobody: muted. */
  readonly muted: readonly (number | string)[];
  /** Incident ids of items held for the quiet hours, with until when. */
  readonly held: readonly { readonly incident: number | string; readonly until: Date }[];
}

interface Entry {
  readonly item?: MessageItem;
  readonly impact?: ImpactItem;
  readonly product: string;
  readonly node: string;
  readonly severity: Severity;
  readonly ref: number | string;
}

function entriesOf(message: Message): Entry[] {
  return [
    ...message.items.map((item) => ({ item, product: item.product, node: item.node, severity: item.severity, ref: item.incident ?? item.fingerprint })),
    ...message.impacts.map((impact) => {
      const [product = '', node = ''] = impact.fingerprint.split('|');
      return { impact, product, node, severity: impact.severity ?? 'critical', ref: impact.incident ?? impact.fingerprint };
    }),
  ];
}

function goesTo(targets: readonly ChannelTarget[] | undefined, channel: ChannelRef, index: number): boolean {
  return targets === undefined || targets.some((t) => t === index || t === channel['type']);
}

/**
 * A message → the rows of the outbox, under each item's policy (the policy of the
 * product the incident is about): items on muted ports go nowhere; each channel gets the
 * items whose severity routes to it (by type or index); items that are not critical,
 * during the quiet hours, wait until they end (a row of their own, held); items under a
 * `group_window` say so (`windowMs`), and the recorder gathers them. A message whose
 * items all go everywhere at once is one row per channel, as without policies.
 */
export function routeMessage(message: Message, channels: readonly ChannelRef[], policyOf: (product: string) => AlertPolicy, at: Date): Routing {
  const muted: (number | string)[] = [];
  const held = new Map<number | string, Date>();
  const live: { entry: Entry; policy: AlertPolicy; notBefore?: Date; windowMs?: number }[] = [];
  // Acknowledgements, tests and platform alerts are answers to something already said: they are not held for a window.
  const groupable = message.kind === 'incident' || message.kind === 'impact';
  for (const entry of entriesOf(message)) {
    const policy = policyOf(entry.product);
    if (entry.node.startsWith('port:') && policy.mute.has(label(entry.node))) {
      if (!muted.includes(entry.ref)) muted.push(entry.ref);
      continue;
    }
    const notBefore = entry.severity !== 'critical' && policy.quietHours ? quietUntil(at, policy.quietHours) : undefined;
    if (notBefore) held.set(entry.ref, notBefore);
    const windowMs = groupable && policy.groupWindowMs !== undefined && policy.groupWindowMs > 0 ? policy.groupWindowMs : undefined;
    live.push({ entry, policy, ...(notBefore ? { notBefore } : {}), ...(windowMs === undefined ? {} : { windowMs }) });
  }
  const routes: Route[] = [];
  for (const [index, channel] of channels.entries()) {
    const mine = live.filter(({ entry, policy }) => goesTo(policy.severities[entry.severity], channel, index));
    const slot = (m: (typeof mine)[number]): string => `${m.notBefore?.getTime() ?? 0}/${m.windowMs ?? 0}`;
    const slots = [...new Set(mine.map(slot))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    for (const key of slots) {
      const [time = 0, windowMs = 0] = key.split('/').map(Number);
      const part = mine.filter((m) => slot(m) === key).map((m) => m.entry);
      const whole = part.length === message.items.length + message.impacts.length;
      const items = part.flatMap((e) => (e.item ? [e.item] : []));
      const impacts = part.flatMap((e) => (e.impact ? [e.impact] : []));
      const title = whole ? message.title : message.kind === 'incident' ? incidentTitle(items, message.mesh) : message.kind === 'impact' && impacts.length > 0 ? impactTitle(impacts) : message.title;
      routes.push({ channel: index, message: whole ? message : { ...message, title, items, impacts }, ...(time === 0 ? {} : { notBefore: new Date(time) }), ...(windowMs === 0 ? {} : { windowMs }) });
    }
  }
  return { routes, muted, held: [...held].map(([incident, until]) => ({ incident, until })) };
}

/** An incident as the repeat planner needs it (the state store's record fits). */
export interface RepeatCandidate {
  readonly id: number;
  readonly fingerprint: string;
  readonly team: string;
  readonly product: string;
  readonly node: string;
  readonly check: string;
  readonly severity: Severity;
  readonly status: 'open' | 'acknowledged' | 'resolved';
  readonly title: string;
  readonly message: string;
  readonly openedAt: string;
  /** When its team was last told about it (opened, reopened, repeated); absent: when it opened. */
  readonly notifiedAt?: string;
}

/** `4h 10m`, `2d 3h`, `25m`. */
export function openFor(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return [d > 0 ? `${d}d` : '', h > 0 ? `${h}h` : '', m > 0 || (d === 0 && h === 0) ? `${m}m` : ''].filter((s) => s !== '').join(' ');
}

/**
 * Incidents left open (not acknowledged) longer than their policy's `repeat` since their
 * team last heard of them: one message per team listing them, each saying how long it
 * has been open. Muted ports and acknowledged or resolved incidents never repeat.
 */
export function planRepeats(input: { incidents: readonly RepeatCandidate[]; policyOf: (product: string) => AlertPolicy; at: Date; mesh: string }): { messages: Message[]; due: RepeatCandidate[] } {
  const due = input.incidents.filter((incident) => {
    if (incident.status !== 'open') return false;
    const policy = input.policyOf(incident.product);
    if (policy.repeatMs === undefined || policy.repeatMs <= 0) return false;
    if (incident.node.startsWith('port:') && policy.mute.has(label(incident.node))) return false;
    const since = Date.parse(incident.notifiedAt ?? incident.openedAt);
    return input.at.getTime() - since >= policy.repeatMs;
  });
  const byTeam = new Map<string, RepeatCandidate[]>();
  for (const incident of due) byTeam.set(incident.team, [...(byTeam.get(incident.team) ?? []), incident]);
  const minute = input.at.toISOString().slice(0, 16);
  const messages = [...byTeam]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([team, list]): Message => ({
      team,
      kind: 'incident',
      group: `repeat:${minute}:${list.map((i) => i.id).join(',')}`,
      mesh: input.mesh,
      title: `${list.length} incident${list.length === 1 ? '' : 's'} still open in ${input.mesh}, not acknowledged`,
      items: list.map((i) => ({
        status: 'repeat',
        severity: i.severity,
        fingerprint: i.fingerprint,
        title: i.title,
        message: `Open for ${openFor(input.at.getTime() - Date.parse(i.openedAt))}, not acknowledged: ${i.message}`,
        product: i.product,
        node: i.node,
        check: i.check,
        incident: i.id,
      })),
      impacts: [],
    }));
  return { messages, due };
}
