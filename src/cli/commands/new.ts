import type { Command } from 'commander';
import type { ScaffoldResult } from '../../workspace/index.js';
import { ExitCode } from '../exit-codes.js';
import { paint } from '../output.js';
import type { CommandContext } from './context.js';

const KINDS = ['source-aligned', 'aggregate', 'consumer-aligned'] as const;

export function printScaffold(context: CommandContext, result: ScaffoldResult): void {
  for (const path of result.written) context.output.out(`wrote   ${path}`);
  for (const path of result.changed) context.output.out(`changed ${path}`);
  for (const note of result.notes) context.output.out(`note: ${note}`);
}

/** Prints a scaffold refusal (exit 1) and says so; false for anything else. */
export function scaffoldRefused(context: CommandContext, error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'ScaffoldError') return false;
  context.output.err(`${paint(context.output, 'red', 'error')}: ${error.message}`);
  const hint = (error as Error & { hint?: string }).hint;
  if (hint) context.output.err(`    hint: ${hint}`);
  context.setExit(ExitCode.failed);
  return true;
}

export function registerNew(program: Command, context: CommandContext): void {
  const command = program
    .command('new')
    .description('Scaffold a team or a product that validates clean at once: `new team`, `new product`')
    .usage('team|product [options]')
    .addHelpText(
      'after',
      `
Examples:
  tessera new team sales-analytics --name "Sales Analytics" --domain sales
  tessera new product sales.orders --kind source-aligned --owner sales-analytics`,
    );

  command
    .command('team')
    .description('Add a team to teams.yaml (comments kept)')
    .argument('<id>', 'the team id: lowercase letters, digits, - or _')
    .option('--name <name>', 'its display name (default: from the id)')
    .option('--domain <domain>', 'a domain the team owns')
    .action(async (id: string, options: { name?: string; domain?: string }) => {
      const { addTeam } = await import('../../workspace/index.js');
      try {
        printScaffold(context, await addTeam(context.dir(), { id, ...options }));
      } catch (error) {
        if (scaffoldRefused(context, error)) return;
        throw error;
      }
      const domain = options.domain ?? '<domain>';
      context.output.out(
        ['', 'Next:', `  tessera new product ${domain}.<name> --kind source-aligned --owner ${id}`, '  add members (name, email) and channels to the team in teams.yaml'].join('\n'),
      );
    });

  command
    .command('product')
    .description('Add a product: product.yaml (a commented template), a model, and a small CSV source under data/ so it runs')
    .argument('<domain.name>', 'the product, as <domain>.<name>')
    .requiredOption('--kind <kind>', KINDS.join(' | '))
    .requiredOption('--owner <team>', 'the owning team (a team id from teams.yaml)')
    .action(async (id: string, options: { kind: string; owner: string }) => {
      const { addProduct } = await import('../../workspace/index.js');
      if (!(KINDS as readonly string[]).includes(options.kind)) {
        context.output.err(`error: option '--kind <kind>' must be one of ${KINDS.join(', ')}, not '${options.kind}'.`);
        context.setExit(ExitCode.usage);
        return;
      }
      let result: ScaffoldResult;
      try {
        result = await addProduct(context.dir(), { id, kind: options.kind, owner: options.owner });
      } catch (error) {
        if (scaffoldRefused(context, error)) return;
        throw error;
      }
      printScaffold(context, result);
      const [domain, name] = id.split('.');
      context.output.out(
        [
          '',
          'Next:',
          `  edit products/${domain}/${name}/product.yaml: the description, the purpose, the columns`,
          `  replace data/${domain}/${name}.csv with your data, or point the source's path at it`,
          '  tessera validate',
          `  tessera run --select ${id}`,
          `  tessera query "select * from ${domain}.${name} limit 10"`,
        ].join('\n'),
      );
    });
}
