import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { CommandContext } from './context.js';
import { runCommand } from './run.js';
import { positiveInteger } from '../arguments.js';

/** The example mesh shipped with Tessera: dist/cli/commands → examples/grocery. */
const EXAMPLE = fileURLToPath(new URL('../../../examples/grocery/', import.meta.url));

export function registerDemo(program: Command, context: CommandContext): void {
  program
    .command('demo')
    .description('Generate the example grocery data and run the whole example mesh end to end on embedded DuckDB')
    .option('--scale <orders>', 'number of orders to generate', positiveInteger, 2_000)
    .action(async (options: { scale: number }, command: Command) => {
      const { output } = context;
      const given = command.optsWithGlobals<{ dir?: string }>().dir;
      const dir = given !== undefined && given !== '.' ? resolve(given) : existsSync(join(resolve('.'), 'tessera.yaml')) ? resolve('.') : EXAMPLE;
      const shown = relative(process.cwd(), dir) || '.';
      output.err(`Generating the example data in ${shown}/data (${options.scale.toLocaleString('en-US')} orders)…`);
      const { generateGroceryData } = await import('../../examples/index.js');
      const data = await generateGroceryData(dir, { scale: options.scale });
      output.err(`${data.files.length} files written in ${data.seconds.toFixed(1)} s.\n`);
      const summary = await runCommand({ ...context, dir: () => dir }, {}, 'tessera demo');
      if (!summary) return;
      const flag = shown === '.' ? '' : ` --dir ${shown}`;
      output.out('\nQuery the published ports with plain SQL, for example:');
      output.out(`  npx tessera query${flag} "select hub_id, count(*) as orders, sum(total_amount) as revenue from commerce.orders group by 1 order by 1"`);
      output.out(`  npx tessera query${flag} "select * from delivery.vehicles limit 5"`);
      output.out(`See what ran: npx tessera runs${flag} · npx tessera runs show latest${flag}`);
      output.out(`Browse the catalog (products, contracts, checks, lineage, runs): npx tessera serve${flag}, then open http://127.0.0.1:4600/`);
    });
}
