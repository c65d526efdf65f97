import type { Command } from 'commander';
import { printJson } from '../output.js';
import type { CommandContext } from './context.js';
import { isoDay, positiveInteger, wholeNumber } from '../arguments.js';

export function registerExampleData(program: Command, context: CommandContext): void {
  program
    .command('example-data')
    .description('Write the source files of the example grocery mesh (examples/grocery) under <dir>/data, deterministically')
    .option('--scale <orders>', 'number of orders (about 4 order lines each)', positiveInteger, 2_000)
    .option('--seed <n>', 'seed of every pseudo-random choice', wholeNumber, 42)
    .option('--as-of <day>', 'last day of data, YYYY-MM-DD (default: today, UTC)', isoDay)
    .option('--generation <n>', 'a later extract: some vehicles and prices change, for snapshots', wholeNumber, 0)
    .option('--json', 'print the summary as JSON')
    .action(async (options: { scale: number; seed: number; asOf?: string; generation: number; json?: boolean }) => {
      const { output } = context;
      const { generateGroceryData } = await import('../../examples/index.js');
      const summary = await generateGroceryData(context.dir(), {
        scale: options.scale,
        seed: options.seed,
        generation: options.generation,
        ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
        ...(options.json ? {} : { onProgress: (message: string) => { output.err(message); } }),
      });
      if (options.json) {
        printJson(output, summary);
        return;
      }
      const width = Math.max(...summary.files.map((f) => f.path.length));
      for (const file of summary.files) {
        output.out(`${file.path.padEnd(width)}  ${file.rows.toLocaleString('en-US').padStart(12)} rows  ${(file.bytes / 1e6).toFixed(1).padStart(8)} MB`);
      }
      output.out(`\n${summary.files.length} files · scale ${summary.scale} · seed ${summary.seed} · as of ${summary.asOf} · ${summary.seconds.toFixed(1)} s`);
    });
}
