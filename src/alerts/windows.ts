import { createHash } from 'node:crypto';
import { channelKey, channelPlace, mergeMessages, type Message } from '../incidents/index.js';
import type { IncidentTx, NewOutbox } from '../state/index.js';

/** A message to one channel that a grouping window may gather (or an acknowledgement that may join one). */
export interface WindowPart {
  readonly row: NewOutbox;
  readonly message: Message;
  /** The window of its policy; absent for an update, which only joins a window already holding its incident. */
  readonly windowMs?: number;
  /** Quiet hours: not before then. */
  readonly notBefore?: Date;
}

export interface Gathered {
  /** New windows' rows, and updates that no window holds (they go at once), for `insertOutbox`. */
  readonly rows: readonly NewOutbox[];
  /** Parts that joined a window already in the outbox. */
  readonly joined: number;
  /** For the incidents' timelines. */
  readonly notes: readonly { readonly incidentId: number; readonly detail: string }[];
}

interface OpenWindow {
  readonly id?: number;
  readonly due: Date;
  message: Message;
  readonly incidentIds: Set<number>;
  readonly partKeys: string[];
  readonly first: NewOutbox;
  changed: boolean;
}

/** A window gathers one team's messages to one channel. */
function windowKeyOf(row: NewOutbox): string {
  return `${row.team}|${channelKey(row.channel)}`;
}

/**
 * Parts under a grouping window → the outbox. A part joins the open window of its team
 * and channel whose due time neither hurries it (it may be held for the quiet hours) nor
 * delays it past its own window; otherwise it opens a window, due when the window closes.
 * The window's row is durable like any other, so a restart only changes who sends it.
 * An acknowledgement joins a window that still holds its incident (so it is not read
 * before the incident it answers), else goes at once. A part already queued (the same
 * idempotency key) is not gathered twice.
 */
export async function gatherWindows(tx: IncidentTx, parts: readonly WindowPart[], at: Date): Promise<Gathered> {
  if (parts.length === 0) return { rows: [], joined: 0, notes: [] };
  const seen = await tx.knownKeys(parts.map((p) => p.row.key));
  // Never join a row the delivery loop may be sending now: open means due later than both the event and the clock.
  const after = new Date(Math.max(at.getTime(), Date.now()));
  const windows = new Map<string, OpenWindow[]>();
  for (const row of await tx.openWindows([...new Set(parts.map((p) => windowKeyOf(p.row)))], after)) {
    const key = row.windowKey ?? '';
    windows.set(key, [
      ...(windows.get(key) ?? []),
      { id: row.id, due: new Date(row.nextAttemptAt), message: row.payload as unknown as Message, incidentIds: new Set(row.incidentIds), partKeys: [...(row.partKeys ?? [])], first: row, changed: false },
    ]);
  }
  const direct: NewOutbox[] = [];
  const notes = new Map<string, { incidentId: number; detail: string }>();
  const note = (part: WindowPart, window: OpenWindow, verb: string): void => {
    const where = `${part.row.channel['type'] ?? ''} ${channelPlace(part.row.channel)}`;
    for (const incidentId of part.row.incidentIds) {
      notes.set(`${incidentId}|${window.due.getTime()}|${where}`, { incidentId, detail: `${part.message.kind} message to ${part.row.team} (${where}) ${verb} until ${window.due.toISOString()}: the group window gathers the team's messages into one` });
    }
  };
  let joined = 0;
  for (const part of parts) {
    if (seen.has(part.row.key)) continue;
    seen.add(part.row.key);
    const key = windowKeyOf(part.row);
    const list = windows.get(key) ?? [];
    const earliest = part.notBefore?.getTime() ?? 0;
    const latest = part.windowMs === undefined ? Number.POSITIVE_INFINITY : Math.max(at.getTime() + part.windowMs, earliest);
    const fits = list
      .filter((w) => w.due.getTime() >= earliest && w.due.getTime() <= latest)
      .filter((w) => part.windowMs !== undefined || part.row.incidentIds.some((id) => w.incidentIds.has(id)))
      .sort((a, b) => a.due.getTime() - b.due.getTime())[0];
    if (fits) {
      fits.message = mergeMessages(fits.message, part.message);
      for (const id of part.row.incidentIds) fits.incidentIds.add(id);
      fits.partKeys.push(part.row.key);
      fits.changed = true;
      if (fits.id !== undefined) joined++;
      note(part, fits, 'joins the message held');
      continue;
    }
    if (part.windowMs === undefined) {
      direct.push(part.row);
      continue;
    }
    const opened: OpenWindow = { due: new Date(latest), message: part.message, incidentIds: new Set(part.row.incidentIds), partKeys: [part.row.key], first: part.row, changed: true };
    windows.set(key, [...list, opened]);
    note(part, opened, 'held');
  }
  const rows: NewOutbox[] = [...direct];
  for (const [key, list] of windows) {
    for (const window of list) {
      if (!window.changed) continue;
      const fields = { kind: window.message.kind, incidentIds: [...window.incidentIds], payload: window.message as unknown as NewOutbox['payload'] };
      if (window.id !== undefined) await tx.extendWindow(window.id, { ...fields, partKeys: window.partKeys });
      else rows.push({ ...window.first, ...fields, key: windowRowKey(window.first.key), notBefore: window.due, window: { key, partKeys: window.partKeys } });
    }
  }
  return { rows, joined, notes: [...notes.values()] };
}

/** A window's row has a key of its own (the notification's, for receivers), made from its first message's. */
function windowRowKey(firstKey: string): string {
  return createHash('sha256').update(`window\u0000${firstKey}`).digest('hex').slice(0, 32);
}
