/** `POST/GET /api/jobs`: runs and tests queued in the server, and their progress as Server-Sent Events. */
import type { FastifyInstance } from 'fastify';
import type { Job, JobKind, ServerContext } from '../context.js';
import { labelOf, teamsOf, type Identity } from '../../access/index.js';
import { selectNodes, SelectionError } from '../../runner/index.js';
import { identityOf } from '../auth.js';
import { QueueFullError } from '../jobs.js';
import { ApiError, notFound } from './errors.js';
import { errorResponses, jobBody, jobListSchema, jobParams, jobSchema } from './schemas.js';

interface JobBody {
  kind: JobKind;
  select?: string[];
  fullRefresh?: boolean;
  trigger?: 'api' | 'cli';
}

function sse(event: string, data: string): string {
  // One `data:` line per line of the payload, as the SSE format requires.
  return `event: ${event}\n${data.split('\n').map((l) => `data: ${l}`).join('\n')}\n\n`;
}

/**
 * Who may run what: the admin anything; a team member the products of their teams (the
 * whole mesh, an empty selection, is the admin's); service accounts nothing.
 */
function mayRun(ctx: ServerContext, identity: Identity, select: readonly string[]): void {
  if (identity.kind === 'admin') return;
  const teams = teamsOf(identity);
  if (identity.kind !== 'member' || teams.length === 0) throw new ApiError(403, 'forbidden', 'Only team members and the admin start runs and tests.');
  if (select.length === 0) throw new ApiError(403, 'forbidden', `Only the admin runs the whole mesh; select your products, e.g. team:${teams[0] ?? ''}.`);
  const { mesh, graph } = ctx.mesh();
  if (!mesh || !graph) throw new ApiError(409, 'mesh_broken', 'The mesh does not load; `tessera validate` says why.');
  let nodes: string[];
  try {
    nodes = selectNodes(graph, mesh, select);
  } catch (error) {
    if (error instanceof SelectionError) throw new ApiError(400, 'bad_request', error.message);
    throw error;
  }
  const foreign = [...new Set(nodes.map((id) => graph.nodes.get(id)?.product ?? ''))].filter((p) => !teams.includes(graph.products.get(p)?.owner ?? ''));
  if (foreign.length > 0) throw new ApiError(403, 'forbidden', `You may run the products of ${teams.join(', ')}; the selection also builds ${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}.`);
}

export function registerJobs(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Body: JobBody }>(
    '/jobs',
    { schema: { summary: 'Queue a run or a test', tags: ['jobs'], body: jobBody, response: { 202: jobSchema, ...errorResponses } } },
    async (request, reply) => {
      const { kind, select, fullRefresh, trigger = 'api' } = request.body;
      const identity = identityOf(request);
      mayRun(ctx, identity, select ?? []);
      let job: Job;
      try {
        job = ctx.jobs.submit({ kind, ...(select ? { select } : {}), ...(fullRefresh === undefined ? {} : { fullRefresh }), trigger, by: labelOf(identity) });
      } catch (error) {
        if (error instanceof QueueFullError) throw new ApiError(429, 'queue_full', error.message);
        // Otherwise the queue refuses work only while the server shuts down: a temporary condition.
        throw new ApiError(503, 'unavailable', error instanceof Error ? error.message : String(error));
      }
      return reply.code(202).send(job);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/jobs/:id',
    { schema: { summary: 'Cancel a queued job (one that has not started)', tags: ['jobs'], params: jobParams, response: { 200: jobSchema, ...errorResponses } } },
    (request) => {
      const job = ctx.jobs.get(request.params.id);
      if (!job) throw notFound(`No job \`${request.params.id}\`.`);
      const identity = identityOf(request);
      if (identity.kind !== 'admin' && job.request.by !== labelOf(identity)) throw new ApiError(403, 'forbidden', 'Only whoever queued a job, or the admin, may cancel it.');
      if (!ctx.jobs.cancel(job.id, labelOf(identity))) throw new ApiError(409, 'conflict', `Job ${job.id} is ${job.status}: only a queued job can be cancelled.`);
      return ctx.jobs.get(job.id);
    },
  );

  app.get('/jobs', { schema: { summary: 'Jobs of this server', tags: ['jobs'], response: { 200: jobListSchema, ...errorResponses } } }, () => ({ jobs: ctx.jobs.list() }));

  app.get<{ Params: { id: string } }>(
    '/jobs/:id',
    { schema: { summary: 'One job', tags: ['jobs'], params: jobParams, response: { 200: jobSchema, ...errorResponses } } },
    (request) => {
      const job = ctx.jobs.get(request.params.id);
      if (!job) throw notFound(`No job \`${request.params.id}\`.`);
      return job;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/jobs/:id/events',
    {
      schema: {
        summary: "A job's log lines as Server-Sent Events (`line`), then `end` with the job",
        tags: ['jobs'],
        params: jobParams,
        produces: ['text/event-stream'],
        response: { 200: { description: 'text/event-stream', type: 'string' }, 404: errorResponses[404] },
      },
    },
    (request, reply) => {
      const job = ctx.jobs.get(request.params.id);
      if (!job) throw notFound(`No job \`${request.params.id}\`.`);
      // The stream outlives the handler: take the raw response from Fastify.
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      // Lines logged before the client connected come first, so a late client misses nothing.
      for (const line of job.log) raw.write(sse('line', line));
      if (job.status === 'success' || job.status === 'failed' || job.status === 'cancelled') {
        raw.end(sse('end', JSON.stringify(job)));
        return;
      }
      let ended = false;
      const stop = ctx.jobs.follow(job.id, (event) => {
        if (ended) return;
        if (event.line !== undefined) {
          raw.write(sse('line', event.line));
          return;
        }
        ended = true;
        raw.end(sse('end', JSON.stringify(event.job)));
        // Unsubscribe after follow has returned, even if it called us synchronously.
        queueMicrotask(() => {
          stop();
        });
      });
      request.raw.on('close', () => {
        stop();
      });
    },
  );
}
