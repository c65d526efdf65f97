import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatDiagnostic } from '../../diagnostics/index.js';
import type { RunEvent, RunSummary } from '../../runner/index.js';
import type { CheckRecord, NodeResult } from '../../state/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import { paint, printJson, type Output } from '../output.js';
import type { CommandContext } from './context.js';
import { openValidMesh } from './open-valid.js';
import { callServer, findServer, runThroughServer, ServerRefusal, type ServerLink } from './remote.js';
import { recordOfflineAlerts } from './incidents.js';
import { printCheckResults } from './test.js';
import { readState, withWarehouse } from './warehouse-access.js';
import { positiveInteger } from '../arguments.js';

export interface RunCommandOptions {
  select?: string[];
  threads?: number;
  fullRefresh?: boolean;
  json?: boolean;
  /** Build in this process even when `tessera worker` processes are alive. */
  local?: boolean;
  /** Build on workers only; an error when none is alive. */
  workers?: boolean;
}

export function registerRun(program: Command, context: CommandContext): void {
  program
    .command('run')
    .description('Build the mesh on the warehouse: ingest sources, build models and snapshots, audit and publish ports')
    .option('-s, --select <selectors...>', 'what to build: <domain>.<product>, <domain>.<product>.<node>, team:<id>, domain:<name>; + before (and upstream) or after (and downstream)')
    .option('--threads <n>', 'nodes built at once (default: the number of cores, at least 2)', positiveInteger)
    .option('--full-refresh', 'rebuild incremental models from scratch')
    .option('--json', 'print the run summary as JSON')
    .option('--local', 'build in this process, even when `tessera worker` processes are alive (PostgreSQL warehouse)')
    .option('--workers', 'build on `tessera worker` processes only; an error when none is alive')
    .action(async (options: RunCommandOptions) => {
      if (options.local && options.workers) throw new UsageError('--local and --workers exclude each other: choose where the nodes are built.');
      await runCommand(context, options, 'tessera run');
    });
}

/** Runs the mesh and reports it; shared with `tessera demo`. Returns the summary, or undefined when it could not start. */
export async function runCommand(context: CommandContext, options: RunCommandOptions, command: string): Promise<RunSummary | undefined> {
  const opened = await openValidMesh(context);
  if (!opened) return undefined;
  const root = resolve(context.dir());
  const server = await findServer(root, { mesh: opened.mesh.spec.name, say: (line) => { context.output.err(line); } });
  if (server) {
    const request = { kind: 'run' as const, ...(options.select ? { select: options.select } : {}), ...(options.fullRefresh ? { fullRefresh: true } : {}) };
    let remote: RunSummary | undefined;
    await runThroughServer(context, server, request, { ...(options.json ? { json: true } : {}), print: (result) => { remote = result as RunSummary; } });
    if (remote) printSummary(context.output, remote, await failedChecksFromServer(server, remote));
    return undefined;
  }
  if (options.workers && opened.mesh.spec.warehouse?.type !== 'postgres') {
    throw new UsageError('--workers needs a shared PostgreSQL warehouse (`warehouse: { type: postgres, url_env: … }` in tessera.yaml); this mesh uses an embedded DuckDB file, which one process builds.');
  }
  const { runMesh, NoWorkersError, ProductBusyError, SelectionError, storageTrouble, warehousePath } = await import('../../runner/index.js');
  const selection = [command, ...(options.select ?? [])].join(' ');
  return withWarehouse(context, root, opened.mesh, { readOnly: false, command: selection }, async (warehouse) => {
    const progress = options.json ? undefined : new Progress(context.output);
    const guard = new RunGuard(context.output, (signal, running) => {
      const text = `Stopping (${signal}): ${running} running node(s) finish, nothing else starts. Send ${signal} again to stop at once.`;
      if (progress) progress.line(text);
      else context.output.err(text);
    });
    let summary: RunSummary;
    try {
      summary = await runMesh({
        root,
        command: [command, ...(options.select ? ['--select', ...options.select] : [])].join(' '),
        mesh: opened.mesh,
        graph: opened.graph,
        warehouse,
        ...(options.select ? { select: options.select } : {}),
        ...(options.threads === undefined ? {} : { concurrency: options.threads }),
        fullRefresh: options.fullRefresh ?? false,
        workers: options.local ? 'local' : options.workers ? 'required' : 'auto',
        signal: guard.signal,
        onEvent: (event: RunEvent) => {
          guard.on(event);
          progress?.on(event);
        },
      });
    } catch (error) {
      progress?.stop();
      guard.release();
      if (error instanceof SelectionError) throw new UsageError(error.message);
      if (error instanceof ProductBusyError || error instanceof NoWorkersError) {
        context.output.err(`error: ${error.message}`);
        context.setExit(ExitCode.failed);
        return undefined;
      }
      // The warehouse could not be written before any node ran (a full disk, no permission): say so, no trace.
      const trouble = storageTrouble(error, warehousePath(root, opened.mesh.spec));
      if (!trouble) throw error;
      context.output.err(`error: ${trouble.message} The run did not start.`);
      context.output.err(`hint: ${trouble.hint}`);
      context.setExit(ExitCode.failed);
      return undefined;
    }
    progress?.stop();
    const exit = guard.exitCode(summary);
    context.setExit(exit);
    if (options.json) printJson(context.output, summary);
    else printSummary(context.output, summary, await failedChecks(warehouse, summary));
    // Offline, the run's events become incidents here; a server records its own runs.
    await recordOfflineAlerts(context, root, opened.mesh, opened.graph, warehouse, summary.runId, (checks) => ({ runId: summary.runId, kind: 'run', results: summary.results, checks }));
    await guard.finish(summary, exit);
    return summary;
  });
}

/** Exit codes of a run stopped by a signal: 128 + the signal's number, as shells report it. */
export const SIGNAL_EXIT: Readonly<Record<StopSignal, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
type StopSignal = 'SIGHUP' | 'SIGINT' | 'SIGTERM';

/**
 * What keeps a local run honest while it builds. SIGINT, SIGTERM and SIGHUP stop it
 * cleanly: nothing new starts, the nodes building finish, the run is recorded as
 * `abandoned`, and the exit code is 128 + the signal (130, 143, 129); the same signal
 * again exits at once (the next run then marks the run abandoned). A reader that goes
 * away (`tessera run | head -1`: EPIPE) does not stop the build: what cannot be
 * written is dropped, the run goes to its end, and the exit code is the run's.
 */
class RunGuard {
  private readonly controller = new AbortController();
  private received: StopSignal | undefined;
  private running = new Set<string>();
  private readonly lost = new Set<NodeJS.WriteStream>();
  private readonly saved = new Map<NodeJS.WriteStream, ((...args: unknown[]) => void)[]>();
  private readonly streams = [process.stdout, process.stderr];
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    const known = signal as StopSignal;
    if (this.received !== undefined) {
      this.say(`Stopped at once (${signal} again): run left unfinished; the next run records it as abandoned.`);
      process.exit(SIGNAL_EXIT[known]);
    }
    this.received = known;
    this.announce(known, this.running.size);
    this.controller.abort(known);
  };
  private readonly onStreamError = (stream: NodeJS.WriteStream) => (error: NodeJS.ErrnoException): void => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
      this.lost.add(stream);
      return;
    }
    for (const listener of this.saved.get(stream) ?? []) listener(error);
  };
  private readonly streamListeners = new Map<NodeJS.WriteStream, (error: NodeJS.ErrnoException) => void>();

  constructor(
    private readonly output: Output,
    private readonly announce: (signal: StopSignal, running: number) => void,
  ) {
    for (const signal of Object.keys(SIGNAL_EXIT) as StopSignal[]) process.on(signal, this.onSignal);
    // The CLI's own EPIPE handler exits at once (right for a listing, wrong in a build): stand in for it while the run lasts.
    for (const stream of this.streams) {
      this.saved.set(stream, stream.listeners('error') as ((...args: unknown[]) => void)[]);
      stream.removeAllListeners('error');
      const listener = this.onStreamError(stream);
      this.streamListeners.set(stream, listener);
      stream.on('error', listener);
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  on(event: RunEvent): void {
    if (event.type === 'node-started') this.running.add(event.nodeId);
    if (event.type === 'node-finished') this.running.delete(event.result.nodeId);
  }

  exitCode(summary: RunSummary): number {
    if (this.received !== undefined && summary.stopped) return SIGNAL_EXIT[this.received];
    return summary.status === 'success' ? ExitCode.ok : ExitCode.failed;
  }

  /** After the summary: says what was lost with a closed stream, then hands the streams back. */
  async finish(summary: RunSummary, exit: number): Promise<void> {
    // Writes fail asynchronously: let the summary's reach the stream (or fail) before judging.
    await Promise.all(this.streams.map((stream) => new Promise<void>((done) => stream.write('', () => { done(); }))));
    await new Promise((resolve) => setImmediate(resolve));
    if (this.lost.has(process.stdout) && !this.lost.has(process.stderr)) {
      const what = summary.stopped ? `was stopped (${summary.stopped.reason}) and recorded as abandoned` : summary.status === 'success' ? 'succeeded' : 'failed';
      this.say(`note: standard output was closed before the summary could be written (EPIPE); run ${summary.runId} ${what}. See \`tessera runs show ${summary.runId}\`.`);
    }
    this.release(exit);
  }

  /** Removes the signal handlers; the streams' own handlers come back unless a stream is gone (then its errors stay quiet). */
  release(exit?: number): void {
    for (const signal of Object.keys(SIGNAL_EXIT) as StopSignal[]) process.off(signal, this.onSignal);
    if (this.lost.size > 0) {
      // The CLI's handler would exit with code 0 on a late EPIPE; the run's code stands.
      if (exit !== undefined) process.exitCode = exit;
      return;
    }
    for (const stream of this.streams) {
      const listener = this.streamListeners.get(stream);
      if (listener) stream.off('error', listener);
      for (const saved of this.saved.get(stream) ?? []) stream.on('error', saved);
    }
  }

  private say(text: string): void {
    if (!this.lost.has(process.stderr)) this.output.err(text);
  }
}

const KIND_WIDTH = 8;

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function label(result: NodeResult): string {
  return result.nodeId.slice(result.nodeId.indexOf(':') + 1);
}

/** Live progress: a redrawn status line on a terminal, one plain line per node otherwise. */
class Progress {
  private total = 0;
  private done = 0;
  private failed = 0;
  private skipped = 0;
  private readonly running = new Set<string>();
  private readonly started = performance.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly output: Output) {}

  on(event: RunEvent): void {
    switch (event.type) {
      case 'run-started':
        this.total = event.nodes.length;
        if (event.abandoned.length > 0) this.line(`Run ${event.abandoned.join(', ')} had stopped before finishing; marked abandoned.`);
        if (event.strayTables.length > 0) this.line(`Dropped ${event.strayTables.length} unpublished version table(s) left by a stopped run.`);
        this.line(`Run ${event.runId}: ${this.total} nodes`);
        if (this.output.interactive) this.timer = setInterval(() => { this.draw(); }, 100);
        return;
      case 'node-started':
        this.running.add(event.nodeId);
        this.draw();
        return;
      case 'node-finished': {
        const { result } = event;
        this.running.delete(result.nodeId);
        if (result.status === 'failed') this.failed++;
        else if (result.status === 'skipped') this.skipped++;
        else this.done++;
        if (result.status === 'failed' && result.error) this.line(`${paint(this.output, 'red', '✗')} ${formatDiagnostic(result.error)}`);
        else if (!this.output.interactive) this.line(this.plain(result, event.published));
        else if (event.published) this.line(`${paint(this.output, 'green', '↑')} published ${event.published.port} v${event.published.version} (${(result.rows ?? 0).toLocaleString('en-US')} rows)`);
        for (const warning of result.warnings ?? []) this.line(`${paint(this.output, 'yellow', '⚠')} ${label(result)}: ${warning}`);
        this.draw();
        return;
      }
    }
  }

  private plain(result: NodeResult, published?: { port: string; version: number }): string {
    const mark = result.status === 'success' ? '✓' : result.status === 'skipped' ? '-' : '✗';
    const rows = result.rows === undefined ? '' : `${result.rows.toLocaleString('en-US')} rows`;
    const what = published ? `published v${published.version}` : result.unchanged ? `unchanged: consumers keep v${result.unchanged.version}` : result.status === 'skipped' ? 'skipped' : rows;
    return `${mark} ${result.kind.padEnd(KIND_WIDTH)} ${label(result)}  ${what}  ${seconds(result.durationMs)}`.trimEnd();
  }

  line(text: string): void {
    if (this.output.interactive) this.output.status?.('');
    this.output.err(text);
    this.draw();
  }

  private draw(): void {
    if (!this.output.interactive || this.total === 0) return;
    const elapsed = ((performance.now() - this.started) / 1000).toFixed(1);
    const current = [...this.running].map((id) => id.slice(id.indexOf(':') + 1)).join(', ');
    this.output.status?.(`${this.done + this.failed + this.skipped}/${this.total} done · ${this.running.size} running · ${this.failed} failed · ${this.skipped} skipped · ${elapsed} s  ${current}`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.output.interactive) this.output.status?.('');
  }
}

const failing = (summary: RunSummary, checks: readonly CheckRecord[]): CheckRecord[] => {
  const failed = new Set(summary.results.filter((r) => r.status === 'failed').map((r) => r.nodeId));
  return checks.filter((c) => failed.has(c.nodeId) && (c.outcome === 'fail' || c.outcome === 'error'));
};

/** The failed checks of a local run's failed nodes, with their sample rows, from the state store. */
async function failedChecks(warehouse: Warehouse, summary: RunSummary): Promise<CheckRecord[]> {
  if (summary.failed === 0) return [];
  const state = await readState(warehouse);
  return state ? failing(summary, await state.checkResults(summary.runId)) : [];
}

/** The same through a running server: its run page's checks, samples masked as the CLI's token sees them. */
async function failedChecksFromServer(server: ServerLink, summary: RunSummary): Promise<CheckRecord[]> {
  if (summary.failed === 0) return [];
  try {
    const detail = await callServer<{ checks: CheckRecord[] }>(server, 'GET', `/api/runs/${summary.runId}`);
    return failing(summary, detail.checks);
  } catch (error) {
    if (error instanceof ServerRefusal) return [];
    throw error;
  }
}

function printSummary(output: Output, summary: RunSummary, checks: readonly CheckRecord[] = []): void {
  const ok = summary.status === 'success';
  if (summary.publishedPorts.length > 0) {
    output.out('Published:');
    const width = Math.max(...summary.publishedPorts.map((p) => p.port.length));
    for (const p of [...summary.publishedPorts].sort((a, b) => a.port.localeCompare(b.port))) {
      output.out(`  ${p.port.padEnd(width)}  v${p.version}  ${p.rows.toLocaleString('en-US').padStart(12)} rows`);
    }
  }
  const unchanged = summary.results.filter((r) => r.unchanged !== undefined);
  if (unchanged.length > 0) {
    output.out('Unchanged (the same content as the published version; nothing published):');
    for (const r of [...unchanged].sort((a, b) => a.nodeId.localeCompare(b.nodeId))) output.out(`  ${label(r)}  v${r.unchanged?.version ?? ''}`);
  }
  const warned = summary.results.filter((r) => (r.warnings?.length ?? 0) > 0);
  if (warned.length > 0) {
    output.out('Warnings:');
    for (const r of warned) for (const warning of r.warnings ?? []) output.out(`  ${r.kind} ${label(r)}: ${warning}`);
  }
  const failures = summary.results.filter((r) => r.status === 'failed');
  if (failures.length > 0) {
    output.out('Failed:');
    for (const r of failures) {
      output.out(`  ${r.kind} ${label(r)}${r.error ? `: ${r.error.message.split('\n')[0] ?? ''}` : ''}`);
      const mine = checks.filter((c) => c.nodeId === r.nodeId);
      if (mine.length > 0) printCheckResults(output, mine, '    ');
    }
  }
  const outcome = summary.stopped ? `stopped (${summary.stopped.reason}) before its end${summary.stopped.abandoned ? ', recorded as abandoned' : ''}` : ok ? 'succeeded' : 'failed';
  const notStarted = summary.stopped ? ` (${summary.stopped.notStarted} never started)` : '';
  const line = `${ok ? '✓' : '✗'} Run ${summary.runId} ${outcome}: ${summary.built} built, ${summary.published} published${unchanged.length > 0 ? `, ${unchanged.length} unchanged` : ''}, ${summary.failed} failed, ${summary.skipped} skipped${notStarted} · ${summary.rows.toLocaleString('en-US')} rows published · ${seconds(summary.milliseconds)}`;
  output.out(paint(output, ok ? 'green' : 'red', line));
  if (summary.unrecorded !== undefined) output.err(`warning: ${summary.unrecorded}`);
  if (summary.engineGrants?.error !== undefined) output.err(`warning: the team roles' grants could not be brought up to date (${summary.engineGrants.error}); roles may read less than the access rules allow until \`tessera grants apply\` succeeds.`);
  else if (summary.engineGrants && summary.engineGrants.statements > 0) output.out(`Engine grants: ${summary.engineGrants.statements} statement(s) applied to the team roles.`);
}
