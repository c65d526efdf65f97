import type { Command } from 'commander';
import { diagnosticToJson, hasErrors, type Diagnostic } from '../../diagnostics/index.js';
import { applyYamlEdits, openMesh, todayUtc } from '../../workspace/index.js';
import { ExitCode } from '../exit-codes.js';
import { countBySeverity, paint, printDiagnostics, printJson, type Output } from '../output.js';
import type { CommandContext } from './context.js';

interface LintCommandOptions {
  fix?: boolean;
  json?: boolean;
  rules?: boolean;
  today?: string;
}

export function registerLint(program: Command, context: CommandContext): void {
  program
    .command('lint')
    .description('Check the shared guidelines (policies in tessera.yaml): naming, docs, ownership, glossary, PII, kinds, deprecation')
    .option('--fix', 'rewrite YAML to fix what can be fixed, keeping comments and formatting')
    .option('--json', 'print {"diagnostics":[…],"fixed":N} for scripts')
    .option('--rules', 'list the rules, their default severity and options')
    .option('--today <day>', 'evaluate sunset dates as of this day, YYYY-MM-DD (default: today, UTC)')
    .action(async (options: LintCommandOptions) => {
      const { output } = context;
      if (options.rules) {
        await printRules(output, options.json === true);
        return;
      }
      const today = options.today ?? todayUtc();
      let opened = await openMesh(context.dir(), { lint: { today } });
      let fixed = 0;
      let files: string[] = [];
      if (options.fix) {
        // A fix can reveal the next finding (a column now classified pii on a public port must be masked):
        // fix until nothing fixable is left, a few rounds at most.
        const before = opened.diagnostics.length;
        const written = new Set<string>();
        for (let round = 0; round < 5 && opened.fixable.length > 0; round++) {
          const applied = await applyYamlEdits(opened.root, opened.fixable.flatMap((f) => f.fix ?? []));
          if (applied.skipped > 0) output.err(`${applied.skipped} fix${applied.skipped === 1 ? '' : 'es'} could not be written as a text edit; see the findings that remain.`);
          if (applied.files.length === 0) break;
          for (const file of applied.files) written.add(file);
          opened = await openMesh(context.dir(), { lint: { today } });
        }
        fixed = Math.max(0, before - opened.diagnostics.length);
        files = [...written].sort();
      }
      context.setExit(hasErrors(opened.diagnostics) ? ExitCode.failed : ExitCode.ok);
      if (options.json) {
        printJson(output, { diagnostics: opened.diagnostics.map(diagnosticToJson), fixed, files });
        return;
      }
      printLint(output, opened.diagnostics, opened.fixable.length, fixed, files);
    });
}

function printLint(output: Output, diagnostics: readonly Diagnostic[], fixable: number, fixed: number, files: readonly string[]): void {
  printDiagnostics(output, diagnostics);
  if (diagnostics.length > 0) output.out('');
  if (fixed > 0) output.out(paint(output, 'green', `fixed ${fixed} finding${fixed === 1 ? '' : 's'} in ${files.join(', ')}`));
  const ok = !hasErrors(diagnostics);
  const policy = diagnostics.filter((d) => d.code.startsWith('policy/')).length;
  const more = fixable > 0 ? ` · ${fixable} fixable with --fix` : '';
  output.out(paint(output, ok ? 'green' : 'red', `${ok ? '✓' : '✗'} ${countBySeverity(diagnostics)} (${policy} from policies)${more}`));
}

async function printRules(output: Output, json: boolean): Promise<void> {
  const { builtInRules } = await import('../../governance/index.js');
  const rules = builtInRules.map((r) => ({ id: r.id, severity: r.defaultSeverity, fixable: r.fixable, description: r.description, options: r.options ?? {} }));
  if (json) {
    printJson(output, { rules });
    return;
  }
  const width = Math.max(...rules.map((r) => r.id.length));
  for (const rule of rules) {
    output.out(`${paint(output, 'bold', rule.id.padEnd(width))}  ${rule.severity.padEnd(7)}  ${rule.fixable ? 'fixable' : '       '}  ${rule.description}`);
    for (const [name, option] of Object.entries(rule.options)) {
      const fallback = option.default === undefined ? '' : ` (default ${JSON.stringify(option.default)})`;
      output.out(paint(output, 'dim', `${' '.repeat(width + 20)}option ${name}: ${option.description}${fallback}`));
    }
  }
  output.out(`\nConfigure in tessera.yaml, e.g.\n  policies:\n    naming: { severity: error, options: { ports: '^[a-z][a-z0-9_]*$' } }\n    documentation: { domains: { growth: off } }\n    glossary: off`);
}
