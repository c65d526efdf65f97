import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Row } from '../../warehouse/index.js';
import { ExitCode } from '../exit-codes.js';
import { printJson, type Output } from '../output.js';
import type { CommandContext } from './context.js';
import { openValidMesh } from './open-valid.js';
import { withWarehouse } from './warehouse-access.js';

/**
 * `tessera snapshot history|repair`: a snapshot's history cannot be rebuilt from the
 * sources, so its owners get to read it and, when a bad version got in, to take it out,
 * with a record (who, when, why, and the rows removed) in the state store.
 */
export function registerSnapshot(program: Command, context: CommandContext): void {
  const snapshot = program.command('snapshot').description("Inspect and repair a snapshot's history (SCD2 versions)");
  snapshot
    .command('history <snapshot>')
    .description('List the versions a snapshot keeps (<domain>.<product>.<snapshot>), and the repairs made to it')
    .option('--key <values...>', 'only this key (one value per unique_key column)')
    .option('--limit <n>', 'at most this many versions', (v) => Math.max(1, Number.parseInt(v, 10) || 1), 200)
    .option('--json', 'print the versions and repairs as JSON')
    .action(async (name: string, options: { key?: string[]; limit: number; json?: boolean }) => {
      const opened = await openValidMesh(context);
      if (!opened) return;
      const { findSnapshot, openState, snapshotHistory, SnapshotHistoryError } = await import('../../runner/index.js');
      await withWarehouse(context, resolve(context.dir()), opened.mesh, { readOnly: false, command: `tessera snapshot history ${name}` }, async (warehouse) => {
        try {
          const node = findSnapshot(opened.graph, name);
          const rows = await snapshotHistory(warehouse, warehouse.dialect, node, options.key ? { key: options.key } : {}, options.limit);
          const repairs = await (await openState(warehouse)).snapshotRepairs(name);
          if (options.json) {
            printJson(context.output, { snapshot: name, versions: rows ?? [], repairs });
            return;
          }
          if (rows === undefined) {
            context.output.out(`Snapshot ${name} has no history yet: its first run makes it.`);
            return;
          }
          printRows(context.output, rows);
          context.output.out(`${rows.length} version(s)${rows.length === options.limit ? ` (the first ${options.limit}; --limit for more)` : ''}.`);
          for (const r of repairs) context.output.out(`repaired ${r.at.slice(0, 19).replace('T', ' ')} by ${r.by}: ${r.action}, ${r.removed.length} version(s) removed${r.reason ? ` — ${r.reason}` : ''}`);
        } catch (error) {
          if (!(error instanceof SnapshotHistoryError)) throw error;
          context.output.err(`error: ${error.message}`);
          context.setExit(ExitCode.failed);
        }
      });
    });
  snapshot
    .command('repair <snapshot>')
    .description('Remove versions from a snapshot\'s history (recorded, with the rows removed); the version before each takes over its end')
    .option('--drop-version <valid_from>', 'the version that starts at this valid_from (as `snapshot history` prints it)')
    .option('--key <values...>', 'only versions of this key; alone, every version of it (the next run opens it again from the input)')
    .option('--reason <text>', 'why, kept with the record', '')
    .option('--dry-run', 'show what would be removed, change nothing')
    .option('--json', 'print the repair as JSON')
    .action(async (name: string, options: { dropVersion?: string; key?: string[]; reason: string; dryRun?: boolean; json?: boolean }) => {
      const opened = await openValidMesh(context);
      if (!opened) return;
      const { findSnapshot, openState, repairSnapshot, SnapshotHistoryError } = await import('../../runner/index.js');
      const action = [options.dropVersion === undefined ? '' : `--drop-version ${options.dropVersion}`, options.key === undefined ? '' : `--key ${options.key.join(' ')}`].filter(Boolean).join(' ');
      await withWarehouse(context, resolve(context.dir()), opened.mesh, { readOnly: false, command: `tessera snapshot repair ${name}` }, async (warehouse) => {
        try {
          const node = findSnapshot(opened.graph, name);
          const state = await openState(warehouse);
          const repair = await repairSnapshot(warehouse, warehouse.dialect, state, node, {
            ...(options.dropVersion === undefined ? {} : { validFrom: options.dropVersion }),
            ...(options.key === undefined ? {} : { key: options.key }),
            reason: options.reason,
            action,
            ...(options.dryRun ? { dryRun: true } : {}),
          });
          if (options.json) {
            printJson(context.output, { ...repair, dryRun: options.dryRun === true });
            return;
          }
          printRows(context.output, repair.removed as readonly Row[]);
          context.output.out(
            options.dryRun
              ? `Would remove ${repair.removed.length} version(s) from ${name} (dry run: nothing changed).`
              : `✓ Removed ${repair.removed.length} version(s) from ${name}; ${repair.adjusted} earlier version(s) took over their end. Recorded (\`tessera snapshot history ${name}\` lists repairs); the next run takes the input as it is now.`,
          );
        } catch (error) {
          if (!(error instanceof SnapshotHistoryError)) throw error;
          context.output.err(`error: ${error.message}`);
          context.setExit(ExitCode.failed);
        }
      });
    });
}

function cell(value: Row[string] | undefined): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function printRows(output: Output, rows: readonly Row[]): void {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  const widths = columns.map((c) => Math.min(40, Math.max(c.length, ...rows.map((r) => cell(r[c]).length))));
  const line = (values: string[]): string => values.map((v, i) => v.slice(0, widths[i]).padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  output.out(line(columns));
  for (const r of rows) output.out(line(columns.map((c) => cell(r[c]))));
}
