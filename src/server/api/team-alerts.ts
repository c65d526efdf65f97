/**
 * A team's alerting over time: `GET /api/teams/:id/deliveries` (the delivery log of each
 * of its channels) and `GET /api/teams/:id/incident-times` (time to acknowledge and to
 * resolve, per week).
 */
import type { FastifyInstance } from 'fastify';
import { notificationView } from '../../alerts/index.js';
import { channelKey, channelPlace, channelProblem, channelRef, weeklyTimes, type ChannelRef } from '../../incidents/index.js';
import type { OutboxStatus } from '../../state/index.js';
import type { ServerAlerts } from '../alerting.js';
import type { ServerContext } from '../context.js';
import { ApiError, notFound } from './errors.js';
import { notificationSchema } from './incidents.js';
import { errorResponses, obj, teamParams } from './schemas.js';

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const num = { type: 'number' } as const;

const countsSchema = obj({ delivered: int, pending: int, retrying: int, held: int, dead: int }, ['delivered', 'pending', 'retrying', 'held', 'dead']);
const channelLogSchema = obj(
  { type: str, place: str, declared: { type: 'boolean' }, problem: str, counts: countsSchema, notifications: { type: 'array', items: notificationSchema } },
  ['type', 'place', 'declared', 'counts', 'notifications'],
);
const deliveriesSchema = obj({ team: str, channels: { type: 'array', items: channelLogSchema } }, ['team', 'channels']);
const weekSchema = obj({ week: str, acknowledged: int, mttaMinutes: num, resolved: int, mttrMinutes: num }, ['week', 'acknowledged', 'resolved']);
const timesSchema = obj({ team: str, weeks: { type: 'array', items: weekSchema } }, ['team', 'weeks']);

function alertsOf(ctx: ServerContext): ServerAlerts {
  if (!ctx.alerts) throw new ApiError(503, 'alerts_off', 'Alerting is not running in this server.');
  return ctx.alerts;
}

/** A team named in teams.yaml or owning a product: the same teams `/api/teams/:id` knows. */
function knownTeam(ctx: ServerContext, id: string): { channels: ChannelRef[] } {
  const { mesh, graph } = ctx.mesh();
  const spec = mesh?.teams.find((t) => t.id === id);
  const owns = [...(graph?.products.values() ?? [])].some((p) => p.owner === id);
  if (!spec && !owns) throw notFound(`No team \`${id}\`.`);
  return { channels: (spec?.channels ?? []).map(channelRef) };
}

interface ChannelLog {
  readonly ref: ChannelRef;
  readonly declared: boolean;
  readonly counts: Record<'delivered' | 'pending' | 'retrying' | 'held' | 'dead', number>;
  readonly rows: Record<string, unknown>[];
}

export function registerTeamAlerts(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { id: string }; Querystring: { limit?: number } }>(
    '/teams/:id/deliveries',
    {
      schema: {
        summary: "The delivery log of each of a team's channels: recent notifications, their state (delivered, retrying, held, dead), attempts and the last answer",
        tags: ['incidents'],
        params: teamParams,
        querystring: obj({ limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 } }),
        response: { 200: deliveriesSchema, ...errorResponses },
      },
    },
    async (request) => {
      const alerts = alertsOf(ctx);
      const { channels } = knownTeam(ctx, request.params.id);
      const now = new Date();
      const { rows, counts } = await alerts.store.deliveryLog(request.params.id, now, request.query.limit ?? 20);
      // Declared channels first, in teams.yaml's order; channels since removed keep their history after them.
      const logs = new Map<string, ChannelLog>(channels.map((ref) => [channelKey(ref), { ref, declared: true, counts: { delivered: 0, pending: 0, retrying: 0, held: 0, dead: 0 }, rows: [] }]));
      const logOf = (ref: ChannelRef): ChannelLog => {
        const key = channelKey(ref);
        const found = logs.get(key) ?? { ref, declared: false, counts: { delivered: 0, pending: 0, retrying: 0, held: 0, dead: 0 }, rows: [] };
        logs.set(key, found);
        return found;
      };
      for (const count of counts) {
        const log = logOf(JSON.parse(count.channel) as ChannelRef);
        log.counts[count.status satisfies OutboxStatus] += count.count;
        log.counts.retrying += count.retrying;
        log.counts.held += count.held;
      }
      for (const row of rows) logOf(row.channel).rows.push(notificationView(row, now));
      return {
        team: request.params.id,
        channels: [...logs.values()].map((log) => {
          const problem = log.declared ? channelProblem(log.ref, alerts.env) : 'no longer in teams.yaml';
          return { type: log.ref['type'] ?? '', place: channelPlace(log.ref), declared: log.declared, ...(problem ? { problem } : {}), counts: log.counts, notifications: log.rows };
        }),
      };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { weeks?: number } }>(
    '/teams/:id/incident-times',
    {
      schema: {
        summary: "A team's median time to acknowledge (MTTA) and to resolve (MTTR) its incidents, per week (oldest first)",
        tags: ['incidents'],
        params: teamParams,
        querystring: obj({ weeks: { type: 'integer', minimum: 1, maximum: 104, default: 12 } }),
        response: { 200: timesSchema, ...errorResponses },
      },
    },
    async (request) => {
      const alerts = alertsOf(ctx);
      knownTeam(ctx, request.params.id);
      const incidents = await alerts.store.incidents({ team: request.params.id, limit: 5000 });
      return { team: request.params.id, weeks: weeklyTimes(incidents, request.query.weeks ?? 12, new Date()) };
    },
  );
}
