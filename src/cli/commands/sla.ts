import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { paint, printJson } from '../output.js';
import type { CommandContext } from './context.js';
import { openValidMesh } from './open-valid.js';
import type { PortFreshness } from '../../runner/index.js';
import { callServer, findServer, ServerRefusal } from './remote.js';
import { readState, withWarehouse } from './warehouse-access.js';

export function registerSla(program: Command, context: CommandContext): void {
  program
    .command('sla')
    .description('Freshness SLAs: which ports were published (or hold data) longer ago than their `freshness`; exit 1 on a breach')
    .option('--all', 'list every port, not only those in breach')
    .option('--json', 'print JSON')
    .action(async (options: { all?: boolean; json?: boolean }) => {
      const opened = await openValidMesh(context);
      if (!opened) return;
      const { freshnessReport } = await import('../../runner/index.js');
      const server = await findServer(resolve(context.dir()));
      const measure = async (): Promise<PortFreshness[] | undefined> => {
        if (server) {
          try {
            return (await callServer<{ ports: PortFreshness[] }>(server, 'GET', '/api/sla')).ports;
          } catch (error) {
            if (!(error instanceof ServerRefusal)) throw error;
            context.output.err(`error: the server refused: ${error.message}`);
            context.setExit(ExitCode.failed);
            return undefined;
          }
        }
        return withWarehouse(context, resolve(context.dir()), opened.mesh, { readOnly: true, command: 'tessera sla' }, async (warehouse) => {
          // Before any run there is no state: every port is then "never published".
          const versions = (await (await readState(warehouse))?.portVersions()) ?? [];
          return freshnessReport(warehouse, warehouse.dialect, versions, opened.mesh, opened.graph, new Date());
        });
      };
      const report = await measure();
      if (report !== undefined) {
        const breaches = report.filter((p) => p.breach);
        context.setExit(breaches.length > 0 ? ExitCode.failed : ExitCode.ok);
        if (options.json) {
          printJson(context.output, { ports: options.all ? report : breaches });
          return;
        }
        const shown = options.all ? report : breaches;
        const width = Math.max(10, ...shown.map((p) => p.port.length));
        for (const p of shown) {
          context.output.out(`${paint(context.output, p.breach ? 'red' : 'green', p.breach ? '✗' : '✓')} ${p.port.padEnd(width)}  SLA ${p.sla.padEnd(4)}  ${p.reason}  (${p.owner})`);
        }
        const line = `${breaches.length === 0 ? '✓' : '✗'} ${breaches.length} of ${report.length} ports in breach of their freshness SLA`;
        context.output.out(`${shown.length > 0 ? '\n' : ''}${paint(context.output, breaches.length === 0 ? 'green' : 'red', line)}`);
      }
    });
}
