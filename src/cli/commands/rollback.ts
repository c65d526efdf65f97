import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ExitCode, UsageError } from '../exit-codes.js';
import { printJson } from '../output.js';
import type { CommandContext } from './context.js';
import { openValidMesh } from './open-valid.js';
import { withWarehouse } from './warehouse-access.js';

function versionNumber(value: string): number {
  const parsed = Number(value.replace(/^v/, ''));
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a version number such as 3 or v3.');
  return parsed;
}

export function registerRollback(program: Command, context: CommandContext): void {
  program
    .command('rollback <port>')
    .description('Switch a port (<domain>.<port>) back to an earlier kept version')
    .option('--to <version>', 'the version to serve (default: the one before the current)', versionNumber)
    .option('--json', 'print the version now served as JSON')
    .action(async (port: string, options: { to?: number; json?: boolean }) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/.test(port)) throw new UsageError(`\`${port}\` is not a port: write <domain>.<port>, e.g. commerce.orders.`);
      const opened = await openValidMesh(context);
      if (!opened) return;
      const { openState, rollbackPort, RollbackError } = await import('../../runner/index.js');
      const { portPolicies } = await import('../../access/index.js');
      const masked = portPolicies(opened.graph, opened.mesh).get(port)?.masked ?? new Map();
      await withWarehouse(context, resolve(context.dir()), opened.mesh, { readOnly: false, command: `tessera rollback ${port}` }, async (warehouse) => {
        const state = await openState(warehouse);
        try {
          const version = await rollbackPort(warehouse, warehouse.dialect, state, port, masked, options.to);
          if (options.json) printJson(context.output, version);
          else context.output.out(`✓ ${port} now serves v${version.version} (${version.rows.toLocaleString('en-US')} rows, built by run ${version.runId} at ${version.createdAt}).`);
        } catch (error) {
          if (!(error instanceof RollbackError)) throw error;
          context.output.err(`error: ${error.message}`);
          context.setExit(ExitCode.failed);
        }
      });
    });
}
