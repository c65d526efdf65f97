import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatDiagnostic } from '../../diagnostics/index.js';
import type { RunEvent, RunSummary } from '../../runner/index.js';
import type { NodeResult } from '../../state/index.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import { paint, printJson, type Output } from '../output.js';
import type { CommandContext } from './context.js';
import { openValidMesh } from './open-valid.js';
import { findServer, runThroughServer } from './remote.js';
import { withWarehouse } from './warehouse-access.js';
import { positiveInteger } from '../arguments.js';

export interface RunCommandOptions {
  select?: string[];
  threads?: number;
  fullRefresh?: boolean;
  json?: boolean;
}

export function registerRun(program: Command, context: CommandContext): void {
  program
    .command('run')
    .description('Build the mesh on the warehouse: ingest sources, build models and snapshots, audit and publish ports')
    .option('-s, --select <selectors...>', 'what to build: <domain>.<product>, <domain>.<product>.<node>, team:<id>, domain:<name>; + before (and upstream) or after (and downstream)')
    .option('--threads <n>', 'nodes built at once (default: the number of cores, at least 2)', positiveInteger)
    .option('--full-refresh', 'rebuild incremental models from scratch')
    .option('--json', 'print the run summary as JSON')
    .action(async (options: RunCommandOptions) => {
      await runCommand(context, options, 'tessera run');
    });
}

/** Runs the mesh and reports it; shared with `tessera demo`. Returns the summary, or undefined when it could not start. */
export async function runCommand(context: CommandContext, options: RunCommandOptions, command: string): Promise<RunSummary | undefined> {
  const opened = await openValidMesh(context);
  if (!opened) return undefined;
  const root = resolve(context.dir());
  const server = await findServer(root);
  if (server) {
    const request = { kind: 'run' as const, ...(options.select ? { select: options.select } : {}), ...(options.fullRefresh ? { fullRefresh: true } : {}) };
    await runThroughServer(context, server, request, { ...(options.json ? { json: true } : {}), print: (result) => { printSummary(context.output, result as RunSummary); } });
    return undefined;
  }
  const { runMesh, SelectionError } = await import('../../runner/index.js');
  const selection = [command, ...(options.select ?? [])].join(' ');
  return withWarehouse(context, root, opened.mesh, { readOnly: false, command: selection }, async (warehouse) => {
    const progress = options.json ? undefined : new Progress(context.output);
    let summary: RunSummary;
    try {
      summary = await runMesh({
        root,
        mesh: opened.mesh,
        graph: opened.graph,
        warehouse,
        ...(options.select ? { select: options.select } : {}),
        ...(options.threads === undefined ? {} : { concurrency: options.threads }),
        fullRefresh: options.fullRefresh ?? false,
        ...(progress ? { onEvent: (event: RunEvent) => { progress.on(event); } } : {}),
      });
    } catch (error) {
      progress?.stop();
      if (error instanceof SelectionError) throw new UsageError(error.message);
      throw error;
    }
    progress?.stop();
    context.setExit(summary.status === 'success' ? ExitCode.ok : ExitCode.failed);
    if (options.json) printJson(context.output, summary);
    else printSummary(context.output, summary);
    return summary;
  });
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
        this.draw();
        return;
      }
    }
  }

  private plain(result: NodeResult, published?: { port: string; version: number }): string {
    const mark = result.status === 'success' ? '✓' : result.status === 'skipped' ? '-' : '✗';
    const rows = result.rows === undefined ? '' : `${result.rows.toLocaleString('en-US')} rows`;
    const what = published ? `published v${published.version}` : result.status === 'skipped' ? 'skipped' : rows;
    return `${mark} ${result.kind.padEnd(KIND_WIDTH)} ${label(result)}  ${what}  ${seconds(result.durationMs)}`.trimEnd();
  }

  private line(text: string): void {
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

function printSummary(output: Output, summary: RunSummary): void {
  const ok = summary.status === 'success';
  if (summary.publishedPorts.length > 0) {
    output.out('Published:');
    const width = Math.max(...summary.publishedPorts.map((p) => p.port.length));
    for (const p of [...summary.publishedPorts].sort((a, b) => a.port.localeCompare(b.port))) {
      output.out(`  ${p.port.padEnd(width)}  v${p.version}  ${p.rows.toLocaleString('en-US').padStart(12)} rows`);
    }
  }
  const failures = summary.results.filter((r) => r.status === 'failed');
  if (failures.length > 0) {
    output.out('Failed:');
    for (const r of failures) output.out(`  ${r.kind} ${label(r)}${r.error ? `: ${r.error.message.split('\n')[0] ?? ''}` : ''}`);
  }
  const line = `${ok ? '✓' : '✗'} Run ${summary.runId} ${ok ? 'succeeded' : 'failed'}: ${summary.built} built, ${summary.published} published, ${summary.failed} failed, ${summary.skipped} skipped · ${summary.rows.toLocaleString('en-US')} rows published · ${seconds(summary.milliseconds)}`;
  output.out(paint(output, ok ? 'green' : 'red', line));
}
