import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { JsonValue, Row } from '../../warehouse/index.js';
import type { MeshGraph } from '../../compiler/index.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import { printJson, type Output } from '../output.js';
import type { CommandContext } from './context.js';
import { openValidMesh } from './open-valid.js';
import { callServer, findServer, ServerRefusal } from './remote.js';
import { withWarehouse } from './warehouse-access.js';
import { positiveInteger } from '../arguments.js';

export function registerQuery(program: Command, context: CommandContext): void {
  program
    .command('query [sql]')
    .description('Run a read-only SQL query against the published ports, e.g. "select * from commerce.orders limit 5"; `--ports` lists the ports you may query')
    .option('--max-rows <n>', 'rows to print at most', positiveInteger, 100)
    .option('--json', 'print {"columns":[…],"rows":[…]}')
    .option('--ports', 'list the ports you may query, with the columns you see masked')
    .action(async (sql: string | undefined, options: { maxRows: number; json?: boolean; ports?: boolean }) => {
      if (sql === undefined && options.ports !== true) throw new UsageError('give the SQL to run (in quotes), or --ports to list what you may query.');
      const opened = await openValidMesh(context);
      if (!opened) return;
      const server = await findServer(resolve(context.dir()));
      if (options.ports === true) {
        await listPorts(context, server, opened.graph, options.json === true);
        return;
      }
      if (sql === undefined) return;
      if (server) {
        // The server holds the warehouse: the query goes through its gateway, under the access rules of the CLI's token.
        let answer: { columns: { name: string }[]; rows: JsonValue[][]; truncated: boolean };
        try {
          answer = await callServer(server, 'POST', '/api/sql', { sql, maxRows: Math.min(options.maxRows + 1, 10_000) });
        } catch (error) {
          if (!(error instanceof ServerRefusal)) throw error;
          context.output.err(`error: ${error.message}`);
          context.setExit(ExitCode.failed);
          return;
        }
        const columns = answer.columns.map((c) => c.name);
        const rows = answer.rows.map((values) => {
          const row: Row = {};
          columns.forEach((c, i) => Object.defineProperty(row, c, { value: values[i] ?? null, enumerable: true }));
          return row;
        });
        if (options.json) printJson(context.output, { columns, rows });
        else printTable(context.output, columns, rows, options.maxRows);
        return;
      }
      const { WarehouseError } = await import('../../warehouse/index.js');
      await withWarehouse(context, resolve(context.dir()), opened.mesh, { readOnly: true, command: 'tessera query' }, async (warehouse, { empty }) => {
        let rows: Row[];
        try {
          rows = await warehouse.query(sql);
        } catch (error) {
          if (!(error instanceof WarehouseError)) throw error;
          context.output.err(`error: ${error.message}`);
          if (empty) context.output.err('hint: nothing has been published yet: `tessera run` builds the mesh (`tessera demo` runs the example).');
          else if (/read-only/i.test(error.message)) context.output.err('hint: `tessera query` only reads; `tessera run` builds and publishes.');
          context.setExit(ExitCode.failed);
          return;
        }
        const columns = Object.keys(rows[0] ?? {});
        if (options.json) printJson(context.output, { columns, rows });
        else printTable(context.output, columns, rows, options.maxRows);
      });
    });
}

interface PortListing {
  schema: string;
  name: string;
  columns: { name: string; type: string; masked?: string }[];
}

/** Through a server: the ports the CLI's token may read, as it sees them; without one, every published port (the file's owner reads everything). */
async function listPorts(context: CommandContext, server: Awaited<ReturnType<typeof findServer>>, graph: MeshGraph, json: boolean): Promise<void> {
  let ports: PortListing[];
  if (server) {
    try {
      ports = (await callServer<{ ports: PortListing[] }>(server, 'GET', '/api/sql/ports')).ports;
    } catch (error) {
      if (!(error instanceof ServerRefusal)) throw error;
      context.output.err(`error: ${error.message}`);
      context.setExit(ExitCode.failed);
      return;
    }
  } else {
    ports = [...graph.nodes.values()]
      .filter((n) => n.kind === 'port')
      .map((n) => ({ schema: n.domain, name: n.table, columns: (n.spec.columns ?? []).map((c) => ({ name: c.name, type: c.type ?? '' })) }))
      .sort((a, b) => `${a.schema}.${a.name}`.localeCompare(`${b.schema}.${b.name}`));
  }
  if (json) {
    printJson(context.output, { ports });
    return;
  }
  for (const port of ports) {
    const masked = port.columns.filter((c) => c.masked !== undefined).map((c) => `${c.name} (${c.masked ?? ''})`);
    context.output.out(`${port.schema}.${port.name}  ${port.columns.map((c) => c.name).join(', ')}${masked.length > 0 ? `\n    you see masked: ${masked.join(', ')}` : ''}`);
  }
  if (ports.length === 0) context.output.out('No ports you may query.');
}

function cell(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function printTable(output: Output, columns: readonly string[], rows: readonly Row[], maxRows: number): void {
  if (rows.length === 0) {
    output.out('(no rows)');
    return;
  }
  const shown = rows.slice(0, maxRows).map((row) => columns.map((c) => cell(row[c])));
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...shown.map((r) => (r[i] ?? '').length))));
  const fit = (text: string, width: number): string => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));
  output.out(columns.map((c, i) => fit(c, widths[i] ?? 0)).join('  ').trimEnd());
  output.out(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const r of shown) output.out(r.map((v, i) => fit(v, widths[i] ?? 0)).join('  ').trimEnd());
  output.out(`\n${rows.length.toLocaleString('en-US')} row${rows.length === 1 ? '' : 's'}${rows.length > maxRows ? ` (first ${maxRows} shown; --max-rows shows more)` : ''}`);
}
