import type { RunEvent, RunSummary, TestSummary } from '../runner/index.js';
import type { Job, JobQueue, JobRequest, LoadedMesh } from './context.js';

/** What a job needs to run: the current mesh, and the runner's two entry points bound to the server's warehouse. */
export interface JobRunner {
  mesh(): LoadedMesh;
  run(request: JobRequest, loaded: Required<Pick<LoadedMesh, 'mesh' | 'graph'>>, onEvent: (event: RunEvent) => void): Promise<RunSummary>;
  test(request: JobRequest, loaded: Required<Pick<LoadedMesh, 'mesh' | 'graph'>>): Promise<TestSummary>;
}

type Listener = (event: { line?: string; job: Job }) => void;

/**
 * The server's queue: one job at a time, in order. Embedded DuckDB has one writer,
 * and each run starts by recovering what a crashed run left, which must not meet
 * another run in flight; one at a time also means never two runs of a product at once.
 */
/** Jobs that may wait at once; beyond, submissions are refused (a flood cannot grow the queue without end). */
export const MAX_QUEUED = 50;

export class QueueFullError extends Error {}

function sameWork(a: JobRequest, b: JobRequest): boolean {
  const key = (r: JobRequest): string => JSON.stringify([r.kind, [...(r.select ?? [])].sort(), r.fullRefresh === true]);
  return key(a) === key(b);
}

export class SerialJobQueue implements JobQueue {
  private readonly jobs = new Map<string, Job>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly watchers = new Set<(job: Job) => void>();
  private tail: Promise<void> = Promise.resolve();
  private closed = false;
  private counter = 0;

  constructor(private readonly runner: JobRunner) {}

  submit(request: JobRequest): Job {
    if (this.closed) throw new Error('the server is shutting down and takes no new jobs');
    // The same work waiting or running is that job: a burst of identical requests runs it once.
    const same = [...this.jobs.values()].find((j) => (j.status === 'queued' || j.status === 'running') && sameWork(j.request, request));
    if (same) return same;
    if ([...this.jobs.values()].filter((j) => j.status === 'queued').length >= MAX_QUEUED) {
      throw new QueueFullError(`The job queue is full (${MAX_QUEUED} jobs waiting); try again when some have run.`);
    }
    const id = `j${++this.counter}`;
    const job: Job = { id, request, status: 'queued', submittedAt: new Date().toISOString(), log: [] };
    this.jobs.set(id, job);
    this.tail = this.tail.then(() => this.execute(id));
    return job;
  }

  /** Cancels a job that has not started; false when it is running or finished. */
  cancel(id: string, by: string): boolean {
    const job = this.jobs.get(id);
    if (job?.status !== 'queued') return false;
    this.update(id, { status: 'cancelled', finishedAt: new Date().toISOString(), error: `cancelled by ${by} before it started` });
    return true;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  list(): readonly Job[] {
    return [...this.jobs.values()].reverse();
  }

  /** Jobs not finished yet whose selection would build `product` (scheduler: do not queue it twice). */
  pendingFor(select: readonly string[]): Job | undefined {
    const key = [...select].sort().join(' ');
    return [...this.jobs.values()].find((j) => (j.status === 'queued' || j.status === 'running') && [...(j.request.select ?? [])].sort().join(' ') === key);
  }

  follow(id: string, listener: Listener): () => void {
    let set = this.listeners.get(id);
    if (!set) {
      set = new Set();
      this.listeners.set(id, set);
    }
    set.add(listener);
    const job = this.jobs.get(id);
    if (job && isFinished(job)) listener({ job });
    return () => set.delete(listener);
  }

  onChange(listener: (job: Job) => void): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.jobs.values()) if (job.status === 'queued') this.update(job.id, { status: 'cancelled', finishedAt: new Date().toISOString(), error: 'the server shut down before it started' });
    await this.tail;
  }

  private update(id: string, change: Partial<Job>, line?: string): void {
    const job = this.jobs.get(id);
    if (!job) return;
    const next: Job = { ...job, ...change, log: line === undefined ? job.log : [...job.log, line] };
    this.jobs.set(id, next);
    for (const watcher of this.watchers) watcher(next);
    const listeners = [...(this.listeners.get(id) ?? [])];
    if (line !== undefined) for (const listener of listeners) listener({ line, job: next });
    // The end is its own event, after the last line, as `follow` promises.
    if (isFinished(next) && !isFinished(job)) for (const listener of listeners) listener({ job: next });
  }

  private async execute(id: string): Promise<void> {
    const job = this.jobs.get(id);
    if (!job || job.status !== 'queued') return;
    this.update(id, { status: 'running', startedAt: new Date().toISOString() });
    const loaded = this.runner.mesh();
    try {
      if (!loaded.mesh || !loaded.graph || loaded.broken) {
        const first = loaded.diagnostics.find((d) => d.severity === 'error');
        throw new Error(`the mesh has errors; fix them first (${first ? `${first.location?.file ?? ''}:${first.location?.line ?? ''} ${first.message}` : 'see /api/mesh'})`);
      }
      const ready = { mesh: loaded.mesh, graph: loaded.graph };
      if (job.request.kind === 'run') {
        const summary = await this.runner.run(job.request, ready, (event) => {
          if (event.type === 'run-started') this.update(id, { runId: event.runId }, `Run ${event.runId}: ${event.nodes.length} nodes`);
          if (event.type === 'node-finished') this.update(id, {}, progressLine(event));
        });
        this.update(id, { status: summary.status, finishedAt: new Date().toISOString(), runId: summary.runId, result: summary }, summaryLine(summary));
      } else {
        const summary = await this.runner.test(job.request, ready);
        this.update(id, { status: summary.status, finishedAt: new Date().toISOString(), runId: summary.runId, result: summary }, `Test run ${summary.runId}: ${summary.passed} passed, ${summary.warned} warned, ${summary.failed} failed`);
      }
    } catch (error) {
      this.update(id, { status: 'failed', finishedAt: new Date().toISOString(), error: error instanceof Error ? error.message : String(error) }, `error: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function isFinished(job: Job): boolean {
  return job.status !== 'queued' && job.status !== 'running';
}

function progressLine(event: Extract<RunEvent, { type: 'node-finished' }>): string {
  const { result, published } = event;
  const mark = result.status === 'success' ? '✓' : result.status === 'skipped' ? '-' : '✗';
  const label = result.nodeId.slice(result.nodeId.indexOf(':') + 1);
  const what = published ? `published v${published.version}` : result.status === 'success' ? `${(result.rows ?? 0).toLocaleString('en-US')} rows` : (result.error?.message.split('\n')[0] ?? result.status);
  return `${mark} ${result.kind.padEnd(8)} ${label}  ${what}  ${Math.round(result.durationMs)} ms`;
}

function summaryLine(summary: RunSummary): string {
  return `${summary.status === 'success' ? '✓' : '✗'} Run ${summary.runId} ${summary.status === 'success' ? 'succeeded' : 'failed'}: ${summary.built} built, ${summary.published} published, ${summary.failed} failed, ${summary.skipped} skipped · ${summary.rows.toLocaleString('en-US')} rows published · ${(summary.milliseconds / 1000).toFixed(1)} s`;
}
