import type { Command } from 'commander';
import { diagnosticToJson, hasErrors } from '../../diagnostics/index.js';
import { validateMesh, type ValidateResult } from '../../workspace/index.js';
import { ExitCode } from '../exit-codes.js';
import { countBySeverity, paint, printDiagnostics, printJson, type Output } from '../output.js';
import type { CommandContext } from './context.js';

export function registerValidate(program: Command, context: CommandContext): void {
  program
    .command('validate')
    .description('Check the mesh: YAML, schemas, SQL, references, ownership, cycles and the shared guidelines')
    .option('--json', 'print {"diagnostics":[…]} for scripts')
    .option('--no-cache', 'parse every model again instead of reusing .tessera/cache')
    .action(async (options: { json?: boolean; cache: boolean }) => {
      const opened = await validateMesh(context.dir(), { cache: options.cache });
      context.setExit(hasErrors(opened.diagnostics) ? ExitCode.failed : ExitCode.ok);
      if (options.json) {
        printJson(context.output, { diagnostics: opened.diagnostics.map(diagnosticToJson) });
        return;
      }
      printSummary(context.output, opened);
    });
}

function printSummary(output: Output, opened: ValidateResult): void {
  printDiagnostics(output, opened.diagnostics);
  const { products, models, sql, milliseconds, unchanged } = opened.stats;
  const counts = countBySeverity(opened.diagnostics);
  const ok = !hasErrors(opened.diagnostics);
  const work = unchanged ? 'unchanged since the last validate' : `${sql.parsed} parsed, ${sql.cached} cached`;
  const line = `${ok ? '✓' : '✗'} ${counts} · ${products} products, ${models} models (${work}) · ${Math.round(milliseconds)} ms`;
  if (opened.diagnostics.length > 0) output.out('');
  output.out(paint(output, ok ? 'green' : 'red', line));
}
