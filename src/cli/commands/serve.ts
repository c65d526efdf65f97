import { resolve } from 'node:path';
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { positiveInteger, wholeNumber } from '../arguments.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from './context.js';
import { openValidMesh } from './open-valid.js';

export function registerServe(program: Command, context: CommandContext): void {
  program
    .command('serve')
    .description('Serve the mesh: REST API (/api, docs at /api/docs), scheduled runs, and runs submitted by `tessera run` from other terminals')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', wholeNumber, 4600)
    .option('--no-schedule', 'do not run ports on their cron schedules')
    .option('--pg-port <port>', 'also serve the PostgreSQL wire protocol on this port (psql, BI tools); off unless given', wholeNumber)
    .option('--tls-cert <file>', 'certificate (PEM) for HTTPS and the wire protocol')
    .option('--tls-key <file>', 'private key (PEM) of --tls-cert')
    .option('--allowed-host <name...>', 'host names clients use to reach the server (behind a proxy), besides --host')
    .option('--query-timeout <seconds>', 'stop a consumer query after this long', positiveInteger, 30)
    .option('--query-max-rows <n>', 'rows a consumer query may return at most', positiveInteger, 1_000_000)
    .option('--query-concurrency <n>', 'consumer queries one identity may have running at once', positiveInteger, 4)
    .option('--query-rate <n>', 'consumer queries one identity may start per minute', positiveInteger, 600)
    .option('--leader-retry <seconds>', 'several servers on one PostgreSQL warehouse: how often a server that does not fire the schedules asks to take over', positiveInteger, 5)
    .action(async (options: ServeFlags) => {
      if (!(await openValidMesh(context))) return;
      const tls = readTls(options);
      if (tls === null) {
        context.output.err('error: --tls-cert and --tls-key go together, and both files must be readable.');
        context.setExit(ExitCode.usage);
        return;
      }
      if (!isLoopback(options.host) && tls === undefined) {
        context.output.err(`warning: ${options.host} is reachable from other machines and there is no TLS: tokens and query results travel in clear text. Give --tls-cert and --tls-key, or put the server behind a TLS proxy.`);
      }
      const { startServer, webCatalogBuilt } = await import('../../server/index.js');
      const { WarehouseBusyError } = await import('../../runner/index.js');
      let server;
      try {
        server = await startServer({
          root: resolve(context.dir()),
          host: options.host,
          port: options.port,
          schedule: options.schedule,
          leaderRetryMs: options.leaderRetry * 1000,
          ...(options.pgPort === undefined ? {} : { pgPort: options.pgPort }),
          ...(tls ? { tls } : {}),
          ...(options.allowedHost ? { allowedHosts: options.allowedHost } : {}),
          limits: { timeoutMs: options.queryTimeout * 1000, maxRows: options.queryMaxRows, concurrentPerIdentity: options.queryConcurrency, perMinute: options.queryRate },
        });
      } catch (error) {
        if (!(error instanceof WarehouseBusyError)) throw error;
        context.output.err(`error: ${error.message}`);
        context.setExit(ExitCode.failed);
        return;
      }
      const catalog = webCatalogBuilt() ? `the web catalog at ${server.url}/` : 'no web catalog (dist/web is not built: `npm run build`)';
      context.output.err(`Tessera serves ${context.dir()}: ${catalog}, the API at ${server.url}/api (docs: ${server.url}/api/docs). Ctrl-C stops it after the running job.`);
      context.output.err(`Log the catalog in (once, as the admin): ${server.loginUrl}`);
      context.output.err(`The CLI here uses the admin token in .tessera/admin-token; others use their own (\`tessera token create --as <e-mail>\`).`);
      if (server.pg) {
        const host = server.pg.host.includes(':') ? `[${server.pg.host}]` : server.pg.host;
        context.output.err(`PostgreSQL clients: psql "postgresql://<e-mail>@${host}:${server.pg.port}/${encodeURIComponent(basename(resolve(context.dir())))}?sslmode=${tls ? 'require' : 'disable'}" with a token as the password (PGPASSWORD).`);
      }
      const running = server;
      await new Promise<void>((done) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void running.close().then(done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}

interface ServeFlags {
  host: string;
  port: number;
  schedule: boolean;
  pgPort?: number;
  tlsCert?: string;
  tlsKey?: string;
  allowedHost?: string[];
  queryTimeout: number;
  queryMaxRows: number;
  queryConcurrency: number;
  queryRate: number;
  leaderRetry: number;
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** The TLS files, undefined when none are given, null when they are half given or unreadable. */
function readTls(flags: ServeFlags): { cert: string; key: string } | undefined | null {
  if (flags.tlsCert === undefined && flags.tlsKey === undefined) return undefined;
  if (flags.tlsCert === undefined || flags.tlsKey === undefined) return null;
  try {
    return { cert: readFileSync(flags.tlsCert, 'utf8'), key: readFileSync(flags.tlsKey, 'utf8') };
  } catch {
    return null;
  }
}
