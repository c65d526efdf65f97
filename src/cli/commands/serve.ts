import { resolve } from 'node:path';
import type { Command } from 'commander';
import { positiveInteger } from '../arguments.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from './context.js';
import { openValidMesh } from './open-valid.js';

export function registerServe(program: Command, context: CommandContext): void {
  program
    .command('serve')
    .description('Serve the mesh: REST API (/api, docs at /api/docs), scheduled runs, and runs submitted by `tessera run` from other terminals')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', positiveInteger, 4600)
    .option('--no-schedule', 'do not run ports on their cron schedules')
    .action(async (options: { host: string; port: number; schedule: boolean }) => {
      if (!(await openValidMesh(context))) return;
      const { startServer, webCatalogBuilt } = await import('../../server/index.js');
      const { WarehouseBusyError } = await import('../../runner/index.js');
      let server;
      try {
        server = await startServer({ root: resolve(context.dir()), host: options.host, port: options.port, schedule: options.schedule });
      } catch (error) {
        if (!(error instanceof WarehouseBusyError)) throw error;
        context.output.err(`error: ${error.message}`);
        context.setExit(ExitCode.failed);
        return;
      }
      const catalog = webCatalogBuilt() ? `the web catalog at ${server.url}/` : 'no web catalog (dist/web is not built: `npm run build`)';
      context.output.err(`Tessera serves ${context.dir()}: ${catalog}, the API at ${server.url}/api (docs: ${server.url}/api/docs). Ctrl-C stops it after the running job.`);
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
