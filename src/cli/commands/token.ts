import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { TokenRecord, TokenSubject } from '../../state/index.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import { printJson, type Output } from '../output.js';
import type { CommandContext } from './context.js';
import { openValidMesh } from './open-valid.js';
import { callServer, findServer, ServerRefusal } from './remote.js';
import { withWarehouse } from './warehouse-access.js';

/** `90d`, `12h` → days (at least a day). */
export function expiryDays(value: string): number {
  const match = /^(\d+)(d|w|y)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected a duration such as 30d, 12w or 1y.');
  const n = Number(match[1]);
  const days = match[2] === 'w' ? n * 7 : match[2] === 'y' ? n * 365 : n;
  if (days < 1 || days > 3650) throw new InvalidArgumentError('expected between 1 day and 10 years.');
  return days;
}

interface TokenJson {
  id: string;
  kind: string;
  subject: string;
  label: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  lastUsedAt?: string;
}

function tokenJson(t: TokenRecord): TokenJson {
  const { subject, ...rest } = t;
  return { ...rest, kind: subject.kind, subject: subject.kind === 'member' ? subject.email : subject.name };
}

function printTokens(output: Output, tokens: readonly TokenJson[]): void {
  if (tokens.length === 0) {
    output.out('No tokens.');
    return;
  }
  output.out(`${'id'.padEnd(8)}  ${'kind'.padEnd(7)}  ${'for'.padEnd(32)}  ${'created'.padEnd(10)}  ${'expires'.padEnd(10)}  state`);
  for (const t of tokens) {
    const state = t.revokedAt ? 'revoked' : t.expiresAt && Date.parse(t.expiresAt) < Date.now() ? 'expired' : 'active';
    output.out(`${t.id.padEnd(8)}  ${t.kind.padEnd(7)}  ${t.subject.padEnd(32)}  ${t.createdAt.slice(0, 10)}  ${(t.expiresAt ?? 'never').slice(0, 10).padEnd(10)}  ${state}`);
  }
}

/**
 * Tokens are made through the running server when there is one (under its rules: the
 * admin for anyone, a member for themselves); without a server the warehouse file's
 * owner is the admin and writes the token store directly.
 */
export function registerToken(program: Command, context: CommandContext): void {
  const token = program.command('token').description('Personal access tokens: `token create|list|revoke`');
  token
    .command('create')
    .description('Make a token (printed once; only its hash is kept): --as <e-mail> for a team member, --service <name> for a BI tool or job, --admin')
    .option('--as <email>', 'the team member (teams.yaml) the token acts as')
    .option('--service <name>', 'a service account the token acts as (reads public ports and what it is granted)')
    .option('--admin', 'a token with the platform admin\'s rights')
    .option('--expires <duration>', 'e.g. 90d, 12w, 1y (default: never)', expiryDays)
    .option('--json', 'print {"secret", "token"}')
    .option('-d, --dir <path>', 'the mesh root, the folder holding tessera.yaml')
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals<{ as?: string; service?: string; admin?: boolean; expires?: number; json?: boolean }>();
      const given = [options.as, options.service, options.admin].filter((v) => v !== undefined).length;
      if (given !== 1) throw new UsageError('say who the token is for: exactly one of --as <e-mail>, --service <name>, --admin.');
      if (options.service !== undefined && !/^[a-z][a-z0-9_-]*$/.test(options.service)) throw new UsageError('a service name is lowercase letters, digits, - and _, starting with a letter.');
      const opened = await openValidMesh(context);
      if (!opened) return;
      const root = resolve(context.dir());
      const show = (secret: string, made: TokenJson): void => {
        if (options.json) printJson(context.output, { secret, token: made });
        else {
          context.output.out(secret);
          context.output.err(`Token ${made.id} for ${made.subject}${made.expiresAt ? `, valid until ${made.expiresAt.slice(0, 10)}` : ''}. It is shown only now: keep it in a password manager or a secret store.`);
        }
      };
      const server = await findServer(root);
      if (server) {
        try {
          const made = await callServer<{ secret: string; token: TokenJson }>(server, 'POST', '/api/tokens', {
            ...(options.as !== undefined ? { as: options.as } : {}),
            ...(options.service !== undefined ? { service: options.service } : {}),
            ...(options.admin ? { admin: true } : {}),
            ...(options.expires !== undefined ? { expiresInDays: options.expires } : {}),
          });
          show(made.secret, made.token);
        } catch (error) {
          if (!(error instanceof ServerRefusal)) throw error;
          context.output.err(`error: ${error.message}`);
          context.setExit(ExitCode.failed);
        }
        return;
      }
      let subject: TokenSubject;
      if (options.as !== undefined) {
        const email = options.as.toLowerCase();
        if (!opened.mesh.teams.some((t) => (t.members ?? []).some((m) => m.email?.toLowerCase() === email))) {
          context.output.err(`error: ${options.as} is not a member of any team in teams.yaml; add them there first, or make a --service token.`);
          context.setExit(ExitCode.failed);
          return;
        }
        subject = { kind: 'member', email };
      } else if (options.service !== undefined) subject = { kind: 'service', name: options.service };
      else subject = { kind: 'admin', name: 'admin' };
      await withAccessStore(context, root, opened.mesh, 'tessera token create', async (store) => {
        const expiresAt = options.expires === undefined ? undefined : new Date(Date.now() + options.expires * 86_400_000);
        const made = await store.createToken(subject, { createdBy: 'tessera token create', ...(expiresAt ? { expiresAt } : {}) });
        show(made.secret, tokenJson(made.token));
      });
    });
  token
    .command('list')
    .description('List tokens (never their secrets)')
    .option('--json', 'print JSON')
    .option('-d, --dir <path>', 'the mesh root, the folder holding tessera.yaml')
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals<{ json?: boolean }>();
      const opened = await openValidMesh(context);
      if (!opened) return;
      const root = resolve(context.dir());
      const server = await findServer(root);
      const print = (tokens: TokenJson[]): void => {
        if (options.json) printJson(context.output, { tokens });
        else printTokens(context.output, tokens);
      };
      if (server) {
        await orRefusal(context, async () => {
          print((await callServer<{ tokens: TokenJson[] }>(server, 'GET', '/api/tokens')).tokens);
        });
        return;
      }
      await withAccessStore(context, root, opened.mesh, 'tessera token list', async (store) => {
        print((await store.tokens()).map(tokenJson));
      });
    });
  token
    .command('revoke <id>')
    .description('Revoke a token at once')
    .option('-d, --dir <path>', 'the mesh root, the folder holding tessera.yaml')
    .action(async (id: string) => {
      const opened = await openValidMesh(context);
      if (!opened) return;
      const root = resolve(context.dir());
      const server = await findServer(root);
      if (server) {
        await orRefusal(context, async () => {
          await callServer(server, 'DELETE', `/api/tokens/${encodeURIComponent(id)}`);
          context.output.out(`✓ token ${id} revoked`);
        });
        return;
      }
      await withAccessStore(context, root, opened.mesh, 'tessera token revoke', async (store) => {
        if (await store.revokeToken(id)) context.output.out(`✓ token ${id} revoked`);
        else {
          context.output.err(`error: no active token ${id}; \`tessera token list\` shows them.`);
          context.setExit(ExitCode.failed);
        }
      });
    });
}

/** Runs a server call; a refusal is printed and exits 1. */
export async function orRefusal(context: CommandContext, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof ServerRefusal)) throw error;
    context.output.err(`error: ${error.message}`);
    context.setExit(ExitCode.failed);
  }
}

async function withAccessStore(
  context: CommandContext,
  root: string,
  mesh: Parameters<typeof withWarehouse>[2],
  command: string,
  work: (store: import('../../state/index.js').SqlAccessStore) => Promise<void>,
): Promise<void> {
  const { SqlAccessStore } = await import('../../state/index.js');
  await withWarehouse(context, root, mesh, { readOnly: false, command }, async (warehouse) => {
    const store = new SqlAccessStore(warehouse, warehouse.dialect);
    await store.migrate();
    await work(store);
    await store.close();
  });
}
