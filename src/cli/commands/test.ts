import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { TestSummary } from '../../runner/index.js';
import type { CheckRecord, NodeResult, RunRecord } from '../../state/index.js';
import { formatDiagnostic } from '../../diagnostics/index.js';
import { positiveInteger } from '../arguments.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import { paint, printJson, type Output } from '../output.js';
import type { CommandContext } from './context.js';
import { openValidMesh } from './open-valid.js';
import { callServer, findServer, runThroughServer, ServerRefusal, type ServerLink } from './remote.js';
import { recordOfflineAlerts } from './incidents.js';
import { readState, withWarehouse } from './warehouse-access.js';

export function registerTest(program: Command, context: CommandContext): void {
  program
    .command('test')
    .description(
      'Run the checks on what is published now, without building; exit 1 when a check fails. A version a run rejected never reached consumers: it is named, and `--run <id>` shows its check results',
    )
    .option('-s, --select <selectors...>', 'what to check: the same selectors as `tessera run`')
    .option('--run <id>', 'instead: the check results of the port versions run <id> rejected (nothing is checked again)', positiveInteger)
    .option('--json', 'print the results as JSON')
    .action(async (options: { select?: string[]; json?: boolean; run?: number }) => {
      const opened = await openValidMesh(context);
      if (!opened) return;
      const root = resolve(context.dir());
      if (options.run !== undefined) {
        await showRejected(context, root, opened.mesh, options.run, options.json === true);
        return;
      }
      const server = await findServer(root, { mesh: opened.mesh.spec.name, say: (line) => { context.output.err(line); } });
      if (server) {
        await runThroughServer(context, server, { kind: 'test', ...(options.select ? { select: options.select } : {}) }, { ...(options.json ? { json: true } : {}), print: (result) => { printTests(context.output, result as TestSummary); } });
        return;
      }
      const { testMesh, SelectionError } = await import('../../runner/index.js');
      const command = ['tessera test', ...(options.select ?? [])].join(' ');
      await withWarehouse(context, root, opened.mesh, { readOnly: false, command }, async (warehouse) => {
        let summary: TestSummary;
        try {
          summary = await testMesh({ mesh: opened.mesh, graph: opened.graph, warehouse, ...(options.select ? { select: options.select } : {}) });
        } catch (error) {
          if (error instanceof SelectionError) throw new UsageError(error.message);
          throw error;
        }
        context.setExit(summary.status === 'success' ? ExitCode.ok : ExitCode.failed);
        if (options.json) printJson(context.output, summary);
        else printTests(context.output, summary);
        const tested = summary;
        await recordOfflineAlerts(context, root, opened.mesh, opened.graph, warehouse, tested.runId, () => ({ runId: tested.runId, kind: 'test', results: [], checks: tested.nodes.flatMap((n) => n.results) }));
      });
    });
}

const MARK: Record<CheckRecord['outcome'], string> = { pass: '✓', warn: '!', fail: '✗', error: '✗' };
const STYLE = { pass: 'green', warn: 'yellow', fail: 'red', error: 'red' } as const;

export function printCheckResults(output: Output, results: readonly CheckRecord[], indent = '  '): void {
  const width = Math.min(60, Math.max(...results.map((r) => r.name.length)));
  for (const r of results) {
    output.out(`${indent}${paint(output, STYLE[r.outcome], MARK[r.outcome])} ${r.name.padEnd(width)}  ${r.message}`);
    if (r.sample && r.sample.length > 0 && r.outcome !== 'pass') {
      output.out(paint(output, 'dim', `${indent}    sample (${r.sample.length} row${r.sample.length === 1 ? '' : 's'}):`));
      for (const row of r.sample.slice(0, 5)) output.out(paint(output, 'dim', `${indent}      ${JSON.stringify(row)}`));
    }
  }
}

function printTests(output: Output, summary: TestSummary): void {
  const rejectedRuns = new Set<number>();
  for (const node of summary.nodes) {
    const version = node.published ? ` · published v${node.published.version} (run ${node.published.runId})` : '';
    output.out(`${node.nodeId.slice(node.nodeId.indexOf(':') + 1)} (${node.kind}${node.table === undefined ? '' : `, ${node.table}`})${version}`);
    if (node.missing !== undefined) output.out(`  ${paint(output, 'red', '✗')} ${node.missing}`);
    printCheckResults(output, node.results);
    if (node.rejected) {
      rejectedRuns.add(node.rejected.runId);
      const still = node.published ? `consumers still read v${node.published.version}, which is what was checked above` : 'nothing is published';
      output.out(paint(output, 'yellow', `  ! run ${node.rejected.runId}'s version v${node.rejected.version} was rejected by its audit (${still}); it failed:`));
      if (node.rejected.failed.length > 0) printCheckResults(output, node.rejected.failed, '    ');
      else output.out(`      (no check results recorded: \`tessera runs show ${node.rejected.runId}\` has the error)`);
    }
  }
  const ok = summary.status === 'success';
  const what = summary.nodes.some((n) => n.published) ? ' on the published versions' : '';
  const line = `${ok ? '✓' : '✗'} Test run ${summary.runId}${what}: ${summary.passed} passed, ${summary.warned} warned, ${summary.failed} failed · ${summary.nodes.length} tables · ${Math.round(summary.milliseconds)} ms`;
  output.out(`${summary.nodes.length > 0 ? '\n' : ''}${paint(output, ok ? 'green' : 'red', line)}`);
  if (rejectedRuns.size > 0) {
    const runs = [...rejectedRuns].sort((a, b) => a - b);
    output.out(
      paint(output, 'yellow', `! ${runs.length === 1 ? `Run ${runs[0]}` : `Runs ${runs.join(', ')}`} rejected a newer version that consumers never saw: \`tessera test --run ${runs[runs.length - 1]}\` shows its check results.`),
    );
  }
}

interface RejectedPort {
  readonly nodeId: string;
  readonly port: string;
  readonly error?: NodeResult['error'];
  readonly checks: readonly CheckRecord[];
}

type RunDetail = { run: RunRecord; nodes: NodeResult[]; checks: CheckRecord[] } | undefined;
type Mesh = Parameters<typeof withWarehouse>[2];

/** `tessera test --run N`: the port versions run N's audit rejected, with every check result of each. */
async function showRejected(context: CommandContext, root: string, mesh: Mesh, runId: number, json: boolean): Promise<void> {
  const server = await findServer(root);
  let detail: RunDetail;
  if (server) {
    const answer = await runFromServer(context, server, runId);
    if (answer === null) return;
    detail = answer;
  } else {
    detail = await withWarehouse(context, root, mesh, { readOnly: true, command: 'tessera test --run' }, async (warehouse) => {
      const state = await readState(warehouse);
      const found = state ? await state.run(runId) : undefined;
      return found && state ? { ...found, checks: await state.checkResults(runId) } : undefined;
    });
  }
  if (!detail) {
    context.output.err(`error: there is no run ${runId}; \`tessera runs\` lists them.`);
    context.setExit(ExitCode.failed);
    return;
  }
  const { checks } = detail;
  const rejected: RejectedPort[] = detail.nodes
    .filter((n) => n.kind === 'port' && n.status === 'failed')
    .map((n) => ({ nodeId: n.nodeId, port: n.nodeId.slice(n.nodeId.indexOf(':') + 1), ...(n.error ? { error: n.error } : {}), checks: checks.filter((c) => c.nodeId === n.nodeId) }));
  if (rejected.length > 0) context.setExit(ExitCode.failed);
  if (json) {
    printJson(context.output, { run: detail.run.id, kind: detail.run.kind, rejected });
    return;
  }
  if (detail.run.kind !== 'run') {
    context.output.out(`Run ${runId} was a \`tessera test\`: it checked published versions and rejected none; \`tessera runs show ${runId}\` has its results.`);
    return;
  }
  if (rejected.length === 0) {
    context.output.out(`Run ${runId} rejected no port version.`);
    return;
  }
  for (const port of rejected) {
    context.output.out(`${port.port}: the version run ${runId} wrote was rejected; consumers kept the version before it`);
    if (port.error) context.output.out(`  ${formatDiagnostic(port.error).split('\n').join('\n  ')}`);
    if (port.checks.length > 0) printCheckResults(context.output, port.checks);
  }
  context.output.out(`\n✗ Run ${runId} rejected ${rejected.length} port version${rejected.length === 1 ? '' : 's'}.`);
}

/** A run's detail from a running server; null when it refused (said), undefined when there is no such run. */
async function runFromServer(context: CommandContext, server: ServerLink, runId: number): Promise<RunDetail | null> {
  try {
    return await callServer(server, 'GET', `/api/runs/${runId}`);
  } catch (error) {
    if (!(error instanceof ServerRefusal)) throw error;
    if (error.status === 404) return undefined;
    context.output.err(`error: the server refused: ${error.message}`);
    context.setExit(ExitCode.failed);
    return null;
  }
}
