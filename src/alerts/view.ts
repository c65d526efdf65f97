import { channelPlace } from '../incidents/index.js';
import type { OutboxRecord } from '../state/index.js';

/** A notification as people see it: where it went (never the secret), and how delivery went. */
export function notificationView(row: OutboxRecord): Record<string, unknown> {
  return {
    id: row.id,
    key: row.key,
    team: row.team,
    kind: row.kind,
    channel: { type: row.channel['type'], place: channelPlace(row.channel) },
    status: row.status,
    attempts: row.attempts,
    createdAt: row.createdAt,
    nextAttemptAt: row.nextAttemptAt,
    ...(row.deliveredAt ? { deliveredAt: row.deliveredAt } : {}),
    ...(row.lastError ? { lastError: row.lastError } : {}),
    ...(row.answer ? { answer: row.answer } : {}),
    incidents: row.incidentIds,
  };
}

