import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { freshnessReport, openMeshWarehouse, openState, runMesh, testMesh } from '../runner/index.js';
import { tesseraDir } from '../workspace/index.js';
import { buildApp } from './app.js';
import type { ServerContext } from './context.js';
import { SerialJobQueue } from './jobs.js';
import { MeshSource } from './mesh-source.js';
import { missedSince, productSchedules, Scheduler, upstreamProducts } from './scheduler.js';

export interface ServeOptions {
  readonly root: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Run ports on their cron schedules (default true). */
  readonly schedule?: boolean;
  /** Structured logs (pino) to stdout; tests turn them off. */
  readonly logger?: boolean;
  /** Where the built web catalog is (default dist/web of this package). */
  readonly webDir?: string;
}

export interface RunningServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly context: ServerContext;
  /** Stops taking jobs, lets the running one finish, closes everything. */
  close(): Promise<void>;
}

/** Where a running server says how to reach it, so that `tessera run` in another terminal goes through it. */
export function serverNotePath(root: string): string {
  return join(tesseraDir(root), 'server.json');
}

/**
 * `tessera serve`: one process that owns the warehouse and serves the API, runs
 * submitted jobs one at a time, reloads the mesh on change and fires schedules.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const { root } = options;
  let reloaded: () => void = () => undefined;
  const source = new MeshSource(root, () => {
    reloaded();
  });
  const first = await source.load();
  if (!first.mesh) {
    const error = first.diagnostics.find((d) => d.severity === 'error');
    throw new Error(`The mesh cannot be loaded: ${error ? `${error.location?.file ?? ''}:${error.location?.line ?? ''} ${error.message}` : 'unknown error'}. Run \`tessera validate\`.`);
  }
  const opened = await openMeshWarehouse(root, first.mesh.spec, { command: 'tessera serve' });
  const { warehouse } = opened;
  const state = await openState(warehouse);
  const jobs = new SerialJobQueue({
    mesh: () => source.get(),
    run: (request, loaded, onEvent) =>
      runMesh({ root, mesh: loaded.mesh, graph: loaded.graph, warehouse, ...(request.select ? { select: request.select } : {}), fullRefresh: request.fullRefresh ?? false, onEvent }),
    test: (request, loaded) => testMesh({ mesh: loaded.mesh, graph: loaded.graph, warehouse, ...(request.select ? { select: request.select } : {}) }),
  });
  const context: ServerContext = { root, mesh: () => source.get(), warehouse, state, jobs, startedAt: new Date().toISOString() };

  // A due product runs with the upstream products whose ports are stale (past their SLA or never published).
  const due = async (product: string, at: Date): Promise<void> => {
    const loaded = source.get();
    if (!loaded.mesh || !loaded.graph) return;
    const report = await freshnessReport(warehouse, warehouse.dialect, await state.portVersions(), loaded.mesh, loaded.graph, at);
    const stale = new Set(report.filter((p) => p.breach).map((p) => p.product));
    const select = [product, ...upstreamProducts(loaded.graph, product).filter((p) => stale.has(p))];
    if (jobs.pendingFor(select)) return;
    jobs.submit({ kind: 'run', select, trigger: 'schedule' });
  };
  const scheduler = new Scheduler((product, at) => void due(product, at));
  if (options.schedule ?? true) {
    const arm = async (): Promise<void> => {
      const loaded = source.get();
      if (!loaded.mesh || !loaded.graph) return;
      const schedules = productSchedules(loaded.mesh, loaded.graph);
      scheduler.schedule(schedules);
      // Catch up, once, on what was due while the server was down.
      const versions = await state.portVersions();
      for (const s of schedules) if (missedSince(s, loaded.graph, versions, new Date())) await due(s.product, new Date());
    };
    await arm();
    // A changed schedule (or a new port) takes effect when the mesh reloads.
    reloaded = () => {
      const loaded = source.get();
      if (loaded.mesh && loaded.graph && !loaded.broken) scheduler.schedule(productSchedules(loaded.mesh, loaded.graph));
    };
  }
  source.watch();

  const app = await buildApp(context, { logger: options.logger ?? true, ...(options.webDir ? { webDir: options.webDir } : {}) });
  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 4600 });
  writeFileSync(serverNotePath(root), `${JSON.stringify({ pid: process.pid, url: address, startedAt: context.startedAt })}\n`);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      scheduler.stop();
      await source.close();
      await jobs.close();
      await app.close();
      rmSync(serverNotePath(root), { force: true });
      await opened.release();
    })());
  return { url: address, app, context, close };
}
