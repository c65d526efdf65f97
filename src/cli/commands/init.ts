import { basename, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from './context.js';
import { printScaffold, scaffoldRefused } from './new.js';

/** A mesh name from a folder name: `my-data` → `my_data`. */
function meshNameFor(folder: string): string {
  const name = basename(folder).toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[a-z_]/.test(name) ? name : `mesh_${name}`;
}

export function registerInit(program: Command, context: CommandContext): void {
  program
    .command('init')
    .description('Start an empty mesh: tessera.yaml, teams.yaml, glossary.yaml, products/, schema/ and .gitignore (existing files are never overwritten)')
    .argument('[dir]', 'the folder to create the mesh in (default: --dir, or the current folder)')
    .option('--name <name>', 'the mesh name (default: the folder name)')
    .action(async (dir: string | undefined, options: { name?: string }) => {
      const { initMesh } = await import('../../workspace/index.js');
      const root = resolve(dir ?? context.dir());
      try {
        const result = await initMesh(root, { name: options.name ?? meshNameFor(root) });
        printScaffold(context, result);
      } catch (error) {
        if (scaffoldRefused(context, error)) return;
        throw error;
      }
      const at = relative(process.cwd(), root);
      const cd = at === '' ? '' : `cd ${at.includes(' ') ? JSON.stringify(at) : at} && `;
      context.output.out(
        [
          '',
          'Next:',
          `  ${cd}tessera new team <team-id> --name "Team name" --domain <domain>`,
          `  tessera new product <domain>.<name> --kind source-aligned --owner <team-id>`,
          '  tessera validate && tessera run',
          'The guide walks through it: docs/guide.md in the Tessera repository.',
        ].join('\n'),
      );
      context.setExit(ExitCode.ok);
    });
}
