import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { TestSummary } from '../../runner/index.js';
import type { CheckRecord } from '../../state/index.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import { paint, printJson, type Output } from '../output.js';
import type { CommandContext } from './context.js';
import { openValidMesh } from './open-valid.js';
import { findServer, runThroughServer } from './remote.js';
import { withWarehouse } from './warehouse-access.js';

export function registerTest(program: Command, context: CommandContext): void {
  program
    .command('test')
    .description('Run the checks on what is published now, without building; exit 1 when a check fails')
    .option('-s, --select <selectors...>', 'what to check: the same selectors as `tessera run`')
    .option('--json', 'print the results as JSON')
    .action(async (options: { select?: string[]; json?: boolean }) => {
      const opened = await openValidMesh(context);
      if (!opened) return;
      const root = resolve(context.dir());
      const server = await findServer(root);
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
  for (const node of summary.nodes) {
    output.out(`${node.nodeId.slice(node.nodeId.indexOf(':') + 1)} (${node.kind}${node.table === undefined ? '' : `, ${node.table}`})`);
    if (node.missing !== undefined) output.out(`  ${paint(output, 'red', '✗')} ${node.missing}`);
    printCheckResults(output, node.results);
  }
  const ok = summary.status === 'success';
  const line = `${ok ? '✓' : '✗'} Test run ${summary.runId}: ${summary.passed} passed, ${summary.warned} warned, ${summary.failed} failed · ${summary.nodes.length} tables · ${Math.round(summary.milliseconds)} ms`;
  output.out(`${summary.nodes.length > 0 ? '\n' : ''}${paint(output, ok ? 'green' : 'red', line)}`);
}
