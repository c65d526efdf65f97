import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { printJson, type Output } from '../output.js';
import type { CommandContext } from './context.js';
import { callServer, findServer, type ServerLink } from './remote.js';
import { expiryDays, orRefusal } from './token.js';

interface RequestJson {
  id: number;
  port: string;
  requester: string;
  team?: string;
  unmasked: boolean;
  purpose: string;
  expiresAt?: string;
  status: string;
  createdAt: string;
  decidedBy?: string;
  reason?: string;
}

function printRequests(output: Output, requests: readonly RequestJson[]): void {
  if (requests.length === 0) {
    output.out('No access requests.');
    return;
  }
  for (const r of requests) {
    const who = r.team === undefined ? r.requester : `${r.requester} for team ${r.team}`;
    const what = r.unmasked ? 'unmasked' : 'masked';
    const decided = r.decidedBy === undefined ? '' : ` by ${r.decidedBy}${r.reason ? `: ${r.reason}` : ''}`;
    output.out(`#${String(r.id).padEnd(4)} ${r.status.padEnd(8)} ${r.port} (${what}) ← ${who}${r.expiresAt ? `, until ${r.expiresAt.slice(0, 10)}` : ''}${decided}\n      purpose: ${r.purpose}`);
  }
}

/** The server of this mesh, or a message saying that access requests need one. */
async function server(context: CommandContext): Promise<ServerLink | undefined> {
  const found = await findServer(resolve(context.dir()));
  if (!found) {
    context.output.err('error: access requests are kept by the server: start `tessera serve` for this mesh (or pass --dir).');
    context.setExit(ExitCode.failed);
  }
  return found;
}

/**
 * Access requests, through the running server and under the identity of the CLI's
 * token (`TESSERA_TOKEN`, else the local admin token).
 */
export function registerAccess(program: Command, context: CommandContext): void {
  const access = program.command('access').description('Access requests: `access request|list|approve|deny|revoke`');
  access
    .command('request <port>')
    .description('Ask the owners for a restricted port (as <domain>.<port>) or, with --unmasked, for its masked columns raw')
    .requiredOption('--purpose <text>', 'why you need it; the owners read it')
    .option('--unmasked', 'ask to read masked columns raw')
    .option('--team <id>', 'ask on behalf of your team (its members and its products\' models)')
    .option('--expires <duration>', 'the grant ends after this long, e.g. 30d (default: when revoked)', expiryDays)
    .option('--json', 'print JSON')
    .option('-d, --dir <path>', 'the mesh root, the folder holding tessera.yaml')
    .action(async (port: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<{ purpose: string; unmasked?: boolean; team?: string; expires?: number; json?: boolean }>();
      const link = await server(context);
      if (!link) return;
      await orRefusal(context, async () => {
        const made = await callServer<RequestJson>(link, 'POST', '/api/access-requests', {
          port,
          purpose: options.purpose,
          unmasked: options.unmasked === true,
          ...(options.team === undefined ? {} : { team: options.team }),
          ...(options.expires === undefined ? {} : { expiresInDays: options.expires }),
        });
        if (options.json) printJson(context.output, made);
        else context.output.out(made.status === 'approved' ? `✓ request #${made.id} for ${made.port} was approved at once (${made.reason ?? 'auto-approve'}).` : `Request #${made.id} for ${made.port} waits for its owners.`);
      });
    });
  access
    .command('list')
    .description('Access requests you may see: yours, your teams\', and those for ports your teams own')
    .option('--port <port>', 'only for this port')
    .option('--team <id>', 'only for ports this team owns, or asked for by it')
    .option('--status <status>', 'pending | approved | denied | revoked')
    .option('--json', 'print JSON')
    .option('-d, --dir <path>', 'the mesh root, the folder holding tessera.yaml')
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals<{ port?: string; team?: string; status?: string; json?: boolean }>();
      const link = await server(context);
      if (!link) return;
      const query = new URLSearchParams();
      for (const key of ['port', 'team', 'status'] as const) {
        const value = options[key];
        if (value !== undefined) query.set(key, value);
      }
      await orRefusal(context, async () => {
        const { requests } = await callServer<{ requests: RequestJson[] }>(link, 'GET', `/api/access-requests${query.size > 0 ? `?${query.toString()}` : ''}`);
        if (options.json) printJson(context.output, { requests });
        else printRequests(context.output, requests);
      });
    });
  for (const [verb, description] of [
    ['approve', 'Approve a pending request (owners of the port, or the admin): the grant holds at once'],
    ['deny', 'Deny a pending request, with --reason'],
    ['revoke', 'Revoke an approved grant at once'],
  ] as const) {
    access
      .command(`${verb} <id>`)
      .description(description)
      .option('--reason <text>', verb === 'deny' ? 'why (required)' : 'why (recorded)')
      .option('--json', 'print JSON')
      .option('-d, --dir <path>', 'the mesh root, the folder holding tessera.yaml')
      .action(async (id: string, _options: unknown, command: Command) => {
        const options = command.optsWithGlobals<{ reason?: string; json?: boolean }>();
        const link = await server(context);
        if (!link) return;
        await orRefusal(context, async () => {
          const decided = await callServer<RequestJson>(link, 'POST', `/api/access-requests/${encodeURIComponent(id.replace(/^#/, ''))}/${verb}`, options.reason === undefined ? {} : { reason: options.reason });
          if (options.json) printJson(context.output, decided);
          else context.output.out(`✓ request #${decided.id} for ${decided.port} is ${decided.status}.`);
        });
      });
  }
}
