import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { SpecSchemaFile } from '../../spec/index.js';
import type { CommandContext } from './context.js';

export function registerSchema(program: Command, context: CommandContext): void {
  program
    .command('schema')
    .description('Write the JSON Schemas of tessera.yaml, teams.yaml, glossary.yaml and product.yaml, for editor completion')
    .option('--out <dir>', 'folder to write to (default: <mesh>/schema)')
    .action(async (options: { out?: string }) => {
      const { jsonSchemaFor, specSchemas } = await import('../../spec/index.js');
      const out = resolve(options.out ?? join(context.dir(), 'schema'));
      await mkdir(out, { recursive: true });
      for (const file of Object.keys(specSchemas) as SpecSchemaFile[]) {
        await writeFile(join(out, file), `${JSON.stringify(jsonSchemaFor(file), null, 2)}\n`);
        context.output.out(`wrote ${join(out, file)}`);
      }
      context.output.out('\nPoint each YAML file at its schema with a first line such as:\n  # yaml-language-server: $schema=../../../schema/product.schema.json');
    });
}
