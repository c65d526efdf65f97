import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { formatDiagnostic } from '../../diagnostics/index.js';
import type { WorkerEvent } from '../../runner/index.js';
import { duration, positiveInteger } from '../arguments.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from './context.js';
import { openValidMesh } from './open-valid.js';
import { withWarehouse } from './warehouse-access.js';

interface WorkerFlags {
  lease: number;
  concurrency: number;
}

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

export function registerWorker(program: Command, context: CommandContext): void {
  program
    .command('worker')
    .description('Build nodes of runs started by `tessera run` or `tessera serve` elsewhere (PostgreSQL warehouse): lease queued nodes, build them, hand the outcomes back. SIGTERM or Ctrl-C finishes the nodes building, then stops')
    .addOption(new Option('--lease <duration>', 'how long a node stays leased without a heartbeat before another worker may take it (e.g. 30s, 2m)').argParser(duration).default(30_000, '30s'))
    .option('--concurrency <n>', 'nodes built at once', positiveInteger, 2)
    .action(async (flags: WorkerFlags) => {
      const opened = await openValidMesh(context);
      if (!opened) return;
      if (opened.mesh.spec.warehouse?.type !== 'postgres') {
        context.output.err('error: workers need a shared PostgreSQL warehouse (`warehouse: { type: postgres, url_env: … }` in tessera.yaml); this mesh uses an embedded DuckDB file, which one process builds: use `tessera run`.');
        context.setExit(ExitCode.usage);
        return;
      }
      const root = resolve(context.dir());
      const { runWorker } = await import('../../runner/index.js');
      const { openMesh } = await import('../../workspace/index.js');
      await withWarehouse(context, root, opened.mesh, { readOnly: false, command: 'tessera worker' }, async (warehouse) => {
        const stop = new AbortController();
        let received: keyof typeof SIGNAL_EXIT | undefined;
        const onSignal = (signal: NodeJS.Signals): void => {
          const known = signal as keyof typeof SIGNAL_EXIT;
          if (received !== undefined) {
            context.output.err(`Stopped at once (${signal} again): the nodes it was building are leased again by another worker when their leases expire.`);
            process.exit(SIGNAL_EXIT[known]);
          }
          received = known;
          context.output.err(`Stopping (${signal}): the nodes building finish, nothing else is leased. Send ${signal} again to stop at once.`);
          stop.abort(signal);
        };
        for (const signal of Object.keys(SIGNAL_EXIT)) process.on(signal, onSignal);
        try {
          const summary = await runWorker({
            root,
            mesh: opened.mesh,
            graph: opened.graph,
            warehouse,
            leaseMs: flags.lease,
            concurrency: flags.concurrency,
            signal: stop.signal,
            reload: async () => {
              const again = await openMesh(root);
              return again.mesh && again.graph ? { mesh: again.mesh, graph: again.graph } : undefined;
            },
            onEvent: (event) => {
              const line = describe(event, flags);
              if (line) context.output.err(line);
            },
          });
          context.output.err(`Worker ${summary.worker} stopped: ${summary.built} built, ${summary.failed} failed, ${summary.lost} outcome(s) discarded (lease lost).`);
        } finally {
          for (const signal of Object.keys(SIGNAL_EXIT)) process.off(signal, onSignal);
        }
      });
    });
}

function describe(event: WorkerEvent, flags: WorkerFlags): string | undefined {
  switch (event.type) {
    case 'started':
      return `Worker ${event.worker} builds nodes of runs on this warehouse (lease ${flags.lease / 1000} s, ${flags.concurrency} at once). Ctrl-C stops it after the nodes it builds.`;
    case 'built': {
      const where = `run ${event.lease.runId} ${event.nodeId}${event.lease.attempt > 1 ? ` (attempt ${event.lease.attempt})` : ''}`;
      if (!event.accepted) return `! ${where}: the lease passed to another worker meanwhile; this outcome is discarded.`;
      const { attempt } = event;
      return attempt.ok ? `✓ ${where}  ${Math.round(attempt.durationMs)} ms` : `✗ ${where}: ${formatDiagnostic(attempt.error)}`;
    }
    case 'lease-lost':
      return `! run ${event.lease.runId} ${event.lease.nodeId}: lease lost (no heartbeat reached the database in time); another worker may build it.`;
    case 'trouble':
      return `warning: ${event.message}`;
  }
}
