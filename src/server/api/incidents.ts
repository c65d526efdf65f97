/**
 * Incidents and the alert outbox: `GET /api/incidents`, `GET /api/incidents/:id` (timeline,
 * notifications and their delivery), `POST /api/incidents/:id/ack|resolve`, the dead-letter
 * list and a flush. Only the owning team's members or the admin act on an incident.
 */
import type { FastifyInstance } from 'fastify';
import { notificationView } from '../../alerts/index.js';
import { isFailure, upstreamOf } from '../../incidents/index.js';
import type { IncidentRecord, IncidentStatus } from '../../state/index.js';
import { identityOf } from '../auth.js';
import type { ServerAlerts } from '../alerting.js';
import type { ServerContext } from '../context.js';
import { ApiError, notFound } from './errors.js';
import { errorResponses, obj } from './schemas.js';


const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const strings = { type: 'array', items: str } as const;

const incidentSchema = obj(
  {
    id: int, fingerprint: str, team: str, product: str, node: str, check: str, kind: str, severity: { type: 'string', enum: ['critical', 'warning'] },
    status: { type: 'string', enum: ['open', 'acknowledged', 'resolved'] }, title: str, message: str, runId: int, openedAt: str, lastSeenAt: str, occurrences: int,
    acknowledgedAt: str, acknowledgedBy: str, resolvedAt: str, resolvedBy: str, resolution: str, resolutionNote: str, reopened: int, affected: strings, notifiedAt: str,
    relation: { type: 'string', enum: ['own', 'upstream'] },
  },
  ['id', 'fingerprint', 'team', 'product', 'node', 'check', 'kind', 'severity', 'status', 'title', 'message', 'openedAt', 'lastSeenAt', 'occurrences', 'reopened', 'affected'],
);
const teamTimesSchema = obj({ open: int, acknowledged: int, resolved: int, mttaMs: int, mttrMs: int, ttaSumMs: int, ttrSumMs: int }, ['open', 'acknowledged', 'resolved']);
export const notificationSchema = obj(
  {
    id: int, key: str, team: str, kind: str, channel: obj({ type: str, place: str }, ['place']), status: { type: 'string', enum: ['pending', 'delivered', 'dead'] },
    state: { type: 'string', enum: ['delivered', 'dead', 'retrying', 'held', 'queued'] },
    attempts: int, createdAt: str, nextAttemptAt: str, deliveredAt: str, lastError: str, answer: str, grouped: int, incidents: { type: 'array', items: int },
  },
  ['id', 'key', 'team', 'kind', 'channel', 'status', 'state', 'attempts'],
);
const incidentListSchema = obj({ incidents: { type: 'array', items: incidentSchema }, teams: { type: 'object', additionalProperties: teamTimesSchema } }, ['incidents', 'teams']);
const incidentDetailSchema = obj(
  { incident: incidentSchema, timeline: { type: 'array', items: obj({ incidentId: int, at: str, kind: str, by: str, detail: str }, ['at', 'kind', 'detail']) }, notifications: { type: 'array', items: notificationSchema } },
  ['incident', 'timeline', 'notifications'],
);
const oneIncidentSchema = obj({ incident: incidentSchema }, ['incident']);
const flushSchema = obj({ delivered: int, failed: int, dead: int, retried: int, pending: int, deadLetters: int }, ['delivered', 'failed', 'dead', 'pending', 'deadLetters']);

const RESOLUTIONS = ['fixed', 'expected', 'false-positive', 'other'] as const;
const STATUSES = ['open', 'acknowledged', 'resolved', 'active'] as const;

function alertsOf(ctx: ServerContext): ServerAlerts {
  if (!ctx.alerts) throw new ApiError(503, 'alerts_off', 'Alerting is not running in this server.');
  return ctx.alerts;
}

/** Time to acknowledge and to resolve, summed and averaged per team (milliseconds). */
export function teamTimes(incidents: readonly IncidentRecord[]): Record<string, { open: number; acknowledged: number; resolved: number; mttaMs?: number; mttrMs?: number; ttaSumMs: number; ttrSumMs: number }> {
  const out: Record<string, { open: number; acknowledged: number; resolved: number; mttaMs?: number; mttrMs?: number; ttaSumMs: number; ttrSumMs: number; acks: number }> = {};
  for (const i of incidents) {
    const t = (out[i.team] ??= { open: 0, acknowledged: 0, resolved: 0, ttaSumMs: 0, ttrSumMs: 0, acks: 0 });
    t[i.status]++;
    if (i.acknowledgedAt) {
      t.ttaSumMs += Date.parse(i.acknowledgedAt) - Date.parse(i.openedAt);
      t.acks++;
    }
    if (i.resolvedAt) t.ttrSumMs += Date.parse(i.resolvedAt) - Date.parse(i.openedAt);
  }
  return Object.fromEntries(
    Object.entries(out).map(([team, { acks, ...t }]) => [team, { ...t, ...(acks > 0 ? { mttaMs: Math.round(t.ttaSumMs / acks) } : {}), ...(t.resolved > 0 ? { mttrMs: Math.round(t.ttrSumMs / t.resolved) } : {}) }]),
  );
}

const idParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } as const;

export function registerIncidents(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: { team?: string; product?: string; status?: (typeof STATUSES)[number]; limit?: number } }>(
    '/incidents',
    {
      schema: {
        summary: 'Incidents, newest first, with times to acknowledge and resolve per team',
        tags: ['incidents'],
        querystring: { type: 'object', properties: { team: { type: 'string' }, product: { type: 'string' }, status: { type: 'string', enum: [...STATUSES] }, limit: { type: 'integer', minimum: 1, maximum: 5000 } }, additionalProperties: false },
        response: { 200: incidentListSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { team, product, status, limit } = request.query;
      const statuses: IncidentStatus[] | undefined = status === undefined ? undefined : status === 'active' ? ['open', 'acknowledged'] : [status];
      const incidents = await alertsOf(ctx).store.incidents({ ...(team ? { team } : {}), ...(statuses ? { status: statuses } : {}), ...(limit ? { limit } : {}) });
      if (product === undefined) return { incidents, teams: teamTimes(incidents) };
      // A product's own incidents, and those upstream of it: its inputs are stale because of them.
      const graph = ctx.mesh().graph;
      const nodes = graph?.products.get(product)?.nodes ?? [];
      const above = new Set<string>();
      if (graph) for (const id of nodes) for (const up of upstreamOf(graph, id)) above.add(up);
      const related = incidents.flatMap((i): (IncidentRecord & { relation: 'own' | 'upstream' })[] => {
        if (i.product === product) return [{ ...i, relation: 'own' as const }];
        // Only a failure upstream makes the product's inputs stale (an access request waiting there does not).
        if (isFailure(i.kind) && (above.has(i.node) || i.affected.some((n) => nodes.includes(n)))) return [{ ...i, relation: 'upstream' as const }];
        return [];
      });
      return { incidents: related, teams: teamTimes(related) };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/incidents/:id',
    { schema: { summary: 'One incident with its timeline and its notifications (with delivery status)', tags: ['incidents'], params: idParams, response: { 200: incidentDetailSchema, ...errorResponses } } },
    async (request) => {
      const { store } = alertsOf(ctx);
      const incident = await store.incident(request.params.id);
      if (!incident) throw notFound(`No incident ${request.params.id}.`);
      const [timeline, notifications] = await Promise.all([store.entries(incident.id), store.outbox({ incidentId: incident.id })]);
      return { incident, timeline, notifications: notifications.map((n) => notificationView(n)) };
    },
  );

  const act = (action: 'ack' | 'resolve'): void => {
    app.post<{ Params: { id: number }; Body: { reason?: string; note?: string } | undefined }>(
      `/incidents/:id/${action}`,
      {
        schema: {
          summary: action === 'ack' ? 'Acknowledge an incident (its team members or the admin)' : 'Resolve an incident with a reason: fixed, expected, false-positive, other',
          tags: ['incidents'],
          params: idParams,
          body: {
            type: 'object',
            properties: action === 'ack' ? { reason: { type: 'string', maxLength: 2000 }, note: { type: 'string', maxLength: 2000 } } : { reason: { type: 'string', enum: [...RESOLUTIONS] }, note: { type: 'string', maxLength: 2000 } },
            ...(action === 'resolve' ? { required: ['reason'] } : {}),
            additionalProperties: false,
          },
          response: { 200: oneIncidentSchema, ...errorResponses },
        },
      },
      async (request) => {
        const alerts = alertsOf(ctx);
        const identity = identityOf(request);
        const incident = await alerts.store.incident(request.params.id);
        if (!incident) throw notFound(`No incident ${request.params.id}.`);
        const member = identity.kind === 'member' && identity.teams.includes(incident.team);
        if (identity.kind !== 'admin' && !member) throw new ApiError(403, 'forbidden', `Only members of team ${incident.team} (or the admin) act on incident ${incident.id}.`);
        if (incident.status === 'resolved') throw new ApiError(409, 'resolved', `Incident ${incident.id} is already resolved.`);
        if (action === 'ack' && incident.status === 'acknowledged') throw new ApiError(409, 'acknowledged', `Incident ${incident.id} was already acknowledged by ${incident.acknowledgedBy ?? '?'}.`);
        const mesh = ctx.mesh().mesh;
        if (!mesh) throw new ApiError(409, 'mesh_broken', 'The mesh does not load; `tessera validate` says why.');
        const by = identity.kind === 'member' ? identity.email : 'admin';
        const body = request.body ?? {};
        const updated =
          action === 'ack'
            ? await alerts.recorder.acknowledge(mesh, incident.id, by, body.reason ?? body.note)
            : await alerts.recorder.resolve(mesh, incident.id, by, (body.reason ?? 'other') as (typeof RESOLUTIONS)[number], body.note);
        alerts.poke();
        return { incident: updated };
      },
    );
  };
  act('ack');
  act('resolve');

  app.get<{ Querystring: { status?: 'pending' | 'delivered' | 'dead'; limit?: number } }>(
    '/alerts/outbox',
    {
      schema: {
        summary: 'Notifications and their delivery; `status=dead` is the dead-letter list',
        tags: ['incidents'],
        querystring: { type: 'object', properties: { status: { type: 'string', enum: ['pending', 'delivered', 'dead'] }, limit: { type: 'integer', minimum: 1, maximum: 10000 } }, additionalProperties: false },
        response: { 200: obj({ notifications: { type: 'array', items: notificationSchema } }, ['notifications']), ...errorResponses },
      },
    },
    async (request) => ({ notifications: (await alertsOf(ctx).store.outbox({ ...(request.query.status ? { status: request.query.status } : {}), limit: request.query.limit ?? 200 })).map((n) => notificationView(n)) }),
  );

  app.post<{ Body: { retryDead?: boolean } | undefined }>(
    '/alerts/flush',
    {
      schema: {
        summary: 'Deliver what is due now (admin); `retryDead` puts dead letters back in line first',
        tags: ['incidents'],
        body: { type: 'object', properties: { retryDead: { type: 'boolean' } }, additionalProperties: false },
        response: { 200: flushSchema, ...errorResponses },
      },
    },
    async (request) => {
      if (identityOf(request).kind !== 'admin') throw new ApiError(403, 'forbidden', 'Only the admin flushes the outbox.');
      const alerts = alertsOf(ctx);
      const retried = request.body?.retryDead ? await alerts.store.retryDead(new Date()) : 0;
      const stats = await alerts.deliverer.flush();
      const pending = (await alerts.store.outbox({ status: 'pending' })).length;
      const dead = (await alerts.store.outbox({ status: 'dead' })).length;
      return { ...stats, retried, pending, deadLetters: dead };
    },
  );
}
