import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatDiagnostic } from '../../diagnostics/index.js';
import type { CheckRecord, NodeResult, RunRecord, StateStore } from '../../state/index.js';
import { callServer, findServer, ServerRefusal, type ServerLink } from './remote.js';
import { ExitCode } from '../exit-codes.js';
import { printJson, type Output } from '../output.js';
import type { CommandContext } from './context.js';
import { openValidMesh } from './open-valid.js';
import { printCheckResults } from './test.js';
import { readState, withWarehouse } from './warehouse-access.js';
import { positiveInteger } from '../arguments.js';

export function registerRuns(program: Command, context: CommandContext): void {
  const runs = program
    .command('runs')
    .description('List recent runs, or show one with `runs show <id>`')
    .option('-n, --limit <n>', 'how many runs', positiveInteger, 20)
    .option('--json', 'print JSON')
    .action(async (options: { limit: number; json?: boolean }) => {
      await withState(context, async (state) => {
        const list = state ? await state.runs({ limit: options.limit }) : [];
        if (options.json) printJson(context.output, { runs: list });
        else printRuns(context.output, list);
      });
    });
  runs
    .command('show <id>')
    .description('Show one run: every node with its status, rows, time and error')
    .option('--json', 'print JSON')
    .option('-d, --dir <path>', 'the mesh root, the folder holding tessera.yaml')
    .action(async (id: string, _options: unknown, command: Command) => {
      // `--json` after `show` may be taken by `runs` itself, which has the same option.
      const options = command.optsWithGlobals<{ json?: boolean }>();
      await withState(context, async (state) => {
        const number = id === 'latest' ? (await state?.runs({ limit: 1 }))?.[0]?.id : Number(id);
        const found = state && number !== undefined && Number.isInteger(number) ? await state.run(number) : undefined;
        if (!found) {
          context.output.err(`error: there is no run ${id}; \`tessera runs\` lists them.`);
          context.setExit(ExitCode.failed);
          return;
        }
        const checks = state ? await state.checkResults(found.run.id) : [];
        if (options.json) printJson(context.output, { ...found, checks });
        else printRun(context.output, found.run, found.nodes, checks);
      });
    });
}

/** What `runs` reads of the state store; through a running server, its API answers instead (with samples under access rules). */
type RunsState = Pick<StateStore, 'runs' | 'run' | 'checkResults'>;

function remoteState(server: ServerLink): RunsState {
  const detail = async (id: number): Promise<{ run: RunRecord; nodes: NodeResult[]; checks: CheckRecord[] } | undefined> => {
    try {
      return await callServer(server, 'GET', `/api/runs/${id}`);
    } catch (error) {
      if (error instanceof ServerRefusal && error.status === 404) return undefined;
      throw error;
    }
  };
  return {
    runs: async (options) => (await callServer<{ runs: RunRecord[] }>(server, 'GET', `/api/runs?limit=${options?.limit ?? 20}`)).runs,
    run: async (id) => {
      const found = await detail(id);
      return found ? { run: found.run, nodes: found.nodes } : undefined;
    },
    checkResults: async (id) => (await detail(id))?.checks ?? [],
  };
}

async function withState(context: CommandContext, work: (state: RunsState | undefined) => Promise<void>): Promise<void> {
  const opened = await openValidMesh(context);
  if (!opened) return;
  const server = await findServer(resolve(context.dir()));
  if (server) {
    try {
      await work(remoteState(server));
    } catch (error) {
      if (!(error instanceof ServerRefusal)) throw error;
      context.output.err(`error: the server refused: ${error.message}`);
      context.setExit(ExitCode.failed);
    }
    return;
  }
  await withWarehouse(context, resolve(context.dir()), opened.mesh, { readOnly: true, command: 'tessera runs' }, async (warehouse) => {
    await work(await readState(warehouse));
  });
}

function duration(run: RunRecord): string {
  if (!run.finishedAt) return '';
  const ms = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function printRuns(output: Output, runs: readonly RunRecord[]): void {
  if (runs.length === 0) {
    output.out('No runs yet: `tessera run` builds the mesh.');
    return;
  }
  output.out(`${'id'.padStart(5)}  ${'status'.padEnd(9)}  ${'started (UTC)'.padEnd(19)}  ${'time'.padStart(8)}  built  published  failed  skipped  selection`);
  for (const r of runs) {
    output.out(
      `${String(r.id).padStart(5)}  ${r.status.padEnd(9)}  ${r.startedAt.slice(0, 19).replace('T', ' ')}  ${duration(r).padStart(8)}  ${String(r.built).padStart(5)}  ${String(r.published).padStart(9)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}  ${r.selector || '(all)'}`,
    );
  }
}

function printRun(output: Output, run: RunRecord, nodes: readonly NodeResult[], checks: readonly CheckRecord[]): void {
  output.out(`Run ${run.id} · ${run.status} · started ${run.startedAt.slice(0, 19).replace('T', ' ')} UTC · ${duration(run)} · selection ${run.selector || '(all)'}`);
  output.out(`${run.built} built, ${run.published} published, ${run.failed} failed, ${run.skipped} skipped · ${run.rows.toLocaleString('en-US')} rows published\n`);
  const width = Math.max(10, ...nodes.map((n) => n.nodeId.length));
  for (const n of nodes) {
    const ms = n.durationMs < 1000 ? `${Math.round(n.durationMs)} ms` : `${(n.durationMs / 1000).toFixed(1)} s`;
    output.out(`${n.status.padEnd(8)} ${n.nodeId.padEnd(width)} ${(n.rows === undefined ? '' : n.rows.toLocaleString('en-US')).padStart(12)} ${ms.padStart(8)}`);
  }
  const failed = nodes.filter((n) => n.status === 'failed' && n.error);
  if (failed.length > 0) output.out('');
  for (const n of failed) if (n.error) output.out(formatDiagnostic(n.error));
  const notable = checks.filter((c) => c.outcome !== 'pass');
  const passed = checks.length - notable.length;
  if (checks.length > 0) output.out(`\nChecks: ${passed} passed, ${notable.filter((c) => c.outcome === 'warn').length} warned, ${notable.filter((c) => c.outcome !== 'warn').length} failed`);
  for (const node of [...new Set(notable.map((c) => c.nodeId))]) {
    output.out(node.slice(node.indexOf(':') + 1));
    printCheckResults(output, notable.filter((c) => c.nodeId === node));
  }
}
