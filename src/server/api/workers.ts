/** `GET /api/workers`: the `tessera worker` processes of the warehouse, their heartbeats and the nodes they hold. */
import type { FastifyInstance } from 'fastify';
import { readWorkers } from '../../state/index.js';
import type { ServerContext } from '../context.js';
import { errorResponses, obj } from './schemas.js';

const str = { type: 'string' };
const int = { type: 'integer' };

const workersSchema = obj(
  {
    workers: {
      type: 'array',
      items: obj(
        {
          id: str,
          host: str,
          pid: int,
          concurrency: int,
          leaseMs: int,
          startedAt: str,
          heartbeatAt: str,
          alive: { type: 'boolean' },
          leases: { type: 'array', items: obj({ runId: int, nodeId: str, attempt: int, leaseUntil: str }, ['runId', 'nodeId', 'attempt', 'leaseUntil']) },
        },
        ['id', 'host', 'pid', 'concurrency', 'leaseMs', 'startedAt', 'heartbeatAt', 'alive', 'leases'],
      ),
    },
  },
  ['workers'],
);

export function registerWorkers(app: FastifyInstance, ctx: ServerContext): void {
  app.get(
    '/workers',
    { schema: { summary: 'Workers building nodes of runs (PostgreSQL warehouse): heartbeat, whether alive (a heartbeat within its lease), the nodes leased; empty on DuckDB', tags: ['runs'], response: { 200: workersSchema, ...errorResponses } } },
    async () => ({ workers: await readWorkers(ctx.warehouse, ctx.warehouse.dialect) }),
  );
}
