import { channelPlace } from '../incidents/index.js';
import type { OutboxRecord } from '../state/index.js';

/**
 * Where a notification stands, for people: delivered, dead (a dead letter), retrying (it
 * failed and waits its next attempt), held (a grouping window or the quiet hours), or
 * queued (due, waiting its turn).
 */
export type DeliveryState = 'delivered' | 'dead' | 'retrying' | 'held' | 'queued';

export function deliveryState(row: Pick<OutboxRecord, 'status' | 'attempts' | 'nextAttemptAt'>, now: Date): DeliveryState {
  if (row.status === 'delivered' || row.status === 'dead') return row.status;
  if (row.attempts > 0) return 'retrying';
  return Date.parse(row.nextAttemptAt) > now.getTime() ? 'held' : 'queued';
}

/** A notification as people see it: where it went (never the secret), and how delivery went. */
export function notificationView(row: OutboxRecord, now = new Date()): Record<string, unknown> {
  return {
    id: row.id,
    key: row.key,
    team: row.team,
    kind: row.kind,
    channel: { type: row.channel['type'], place: channelPlace(row.channel) },
    status: row.status,
    state: deliveryState(row, now),
    attempts: row.attempts,
    createdAt: row.createdAt,
    nextAttemptAt: row.nextAttemptAt,
    ...(row.deliveredAt ? { deliveredAt: row.deliveredAt } : {}),
    ...(row.lastError ? { lastError: row.lastError } : {}),
    ...(row.answer ? { answer: row.answer } : {}),
    ...(row.windowKey ? { grouped: row.partKeys?.length ?? 1 } : {}),
    incidents: row.incidentIds,
  };
}
