import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { applyEngineGrants, enginesHaveRoles, freshnessReport, openCoordinator, openMeshWarehouse, openState, ProductBusyError, runMesh, syncPortViews, testMesh, type RunSummary } from '../runner/index.js';
import { joinRunInFlight } from './joined-run.js';
import { tesseraDir } from '../workspace/index.js';
import type { GatewayLimits } from '../gateway/index.js';
import type { MeshGraph } from '../compiler/index.js';
import type { Mesh } from '../spec/index.js';
import { openServerAccess } from './access-setup.js';
import { startAlerting, type AlertingOptions, type ServerAlerts } from './alerting.js';
import { buildApp } from './app.js';
import { startPgGateway } from './pg-gateway.js';
import type { ServerContext } from './context.js';
import { SerialJobQueue } from './jobs.js';
import { Leadership } from './leadership.js';
import { MeshSource } from './mesh-source.js';
import { missedSince, productSchedules, Scheduler, upstreamProducts } from './scheduler.js';

export interface ServeOptions {
  readonly root: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Run ports on their cron schedules (default true). */
  readonly schedule?: boolean;
  /** How often a server that does not lead the schedules asks to (several servers on PostgreSQL; default 5 s). */
  readonly leaderRetryMs?: number;
  /** Structured logs (pino) to stdout; tests turn them off. */
  readonly logger?: boolean;
  /** Where the built web catalog is (default dist/web of this package). */
  readonly webDir?: string;
  /** Serve the PostgreSQL wire protocol on this port (0 picks one); off when undefined. */
  readonly pgPort?: number;
  /** Certificate and key (PEM) for HTTPS and the wire protocol's TLS. */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** Limits of consumer queries (time, rows, concurrency, rate). */
  readonly limits?: Partial<GatewayLimits>;
  /** Extra host names the server answers to besides the one it binds (behind a proxy). */
  readonly allowedHosts?: readonly string[];
  /** Incidents and alerts: the SLA timer, delivery (tests shorten both). */
  readonly alerts?: AlertingOptions;
}

export interface RunningServer {
  readonly url: string;
  /** Runs found unfinished at startup (their process died) and recorded as abandoned. */
  readonly abandonedRuns: readonly number[];
  /** One-time link that logs the web catalog in as the admin. */
  readonly loginUrl: string;
  /** The admin token (also in .tessera/admin-token, mode 0600). */
  readonly adminToken: string;
  /** Where the PostgreSQL wire protocol listens, when asked for. */
  readonly pg?: { readonly host: string; readonly port: number };
  readonly app: FastifyInstance;
  readonly context: ServerContext;
  /** Whether this server fires the schedules now (several servers on PostgreSQL: one at a time). */
  leadsSchedules(): boolean;
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
  const coordinator = await openCoordinator(warehouse);
  const state = await coordinator.serialized('run-start', () => openState(warehouse));
  // A run still marked running whose process is gone was cut off with it (a server killed
  // mid-run). Say so at once, not at the next run. Runs of other live processes stay.
  const abandoned = await state.abandonUnfinishedRuns(coordinator.exclusive ? undefined : (ids) => coordinator.alive(ids));
  // Incidents and alerts: runs and tests recorded, the SLA timer, delivery of what is queued (also what offline runs left).
  const alerting: ServerAlerts = await startAlerting(root, warehouse, state, () => source.get(), options.alerts ?? {}, (line) => {
    if (options.logger ?? true) process.stderr.write(`${line}\n`);
  });
  // Several servers may share a PostgreSQL warehouse: one sends the notifications and ticks the SLA timer.
  const alertsLeadership = new Leadership(coordinator, 'alerts', options.leaderRetryMs ?? 5_000, () => {
    alerting.lead();
    return Promise.resolve();
  }, (error) => {
    process.stderr.write(`alerting leadership: ${error instanceof Error ? error.message : String(error)}\n`);
  });
  await alertsLeadership.start();
  const jobs = new SerialJobQueue({
    mesh: () => source.get(),
    run: async (request, loaded, onEvent) => {
      let summary: RunSummary;
      try {
        summary = await runMesh({ root, mesh: loaded.mesh, graph: loaded.graph, warehouse, command: `tessera serve (${request.trigger})`, ...(request.select ? { select: request.select } : {}), fullRefresh: request.fullRefresh ?? false, onEvent });
      } catch (error) {
        // Another server builds these products now: that run is this job's run, not a second one.
        const joined = error instanceof ProductBusyError ? await joinRunInFlight(state, coordinator, error) : undefined;
        if (!joined) throw error;
        onEvent({ type: 'run-started', runId: joined.runId, nodes: [], abandoned: [], strayTables: [] });
        return joined;
      }
      await alerting.afterRun(summary);
      return summary;
    },
    test: async (request, loaded) => {
      const summary = await testMesh({ mesh: loaded.mesh, graph: loaded.graph, warehouse, ...(request.select ? { select: request.select } : {}) });
      await alerting.afterTest(summary);
      return summary;
    },
  });
  await syncPortViews(warehouse, warehouse.dialect, state, first.graph ?? emptyGraph(), first.mesh);
  // The engine's own wall behind the gateway: no file or network access outside the mesh.
  await warehouse.sandbox?.(sandboxDirectories(root, opened.path, first.mesh));
  // On an engine with roles, the roles (the gateway's among them) exist before the first consumer query.
  const firstMesh = first.mesh;
  if (enginesHaveRoles(warehouse)) await coordinator.serialized('grants', () => applyEngineGrants(warehouse, firstMesh, first.graph ?? emptyGraph(), new Date()));
  const governed = await openServerAccess(root, warehouse, state, () => source.get(), options.limits);
  const { access, gateway, auth, maskSalt, adminToken } = governed;
  const host = options.host ?? '127.0.0.1';
  const context: ServerContext = {
    root,
    mesh: () => source.get(),
    warehouse,
    state,
    jobs,
    access,
    gateway,
    auth,
    catalogs: governed.catalogs,
    maskSalt,
    startedAt: new Date().toISOString(),
    allowedHosts: allowedHostsFor(host, options.allowedHosts),
    alerts: alerting,
    ...(options.schedule ?? true ? { leadsSchedules: () => leadership.isLeader } : {}),
    leadsAlerts: () => alertsLeadership.isLeader,
    ...(enginesHaveRoles(warehouse)
      ? {
          syncEngineGrants: async () => {
            const loaded = source.get();
            if (!loaded.mesh || !loaded.graph) return;
            const { mesh, graph } = loaded;
            await coordinator.serialized('grants', () => applyEngineGrants(warehouse, mesh, graph, new Date())).catch((error: unknown) => {
              // The decision stands and the gateway enforces it; the engine's roles catch up at the next run or `tessera grants apply`.
              process.stderr.write(`engine grants: could not be brought up to date (${error instanceof Error ? error.message : String(error)}); run \`tessera grants apply\`\n`);
            });
          },
        }
      : {}),
  };

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
  // Several servers may share a PostgreSQL warehouse: only the leader fires schedules.
  const leadership = new Leadership(coordinator, 'scheduler', options.leaderRetryMs ?? 5_000, async () => {
    await arm();
  }, (error) => {
    process.stderr.write(`scheduler leadership: ${error instanceof Error ? error.message : String(error)}\n`);
  });
  let arm: () => Promise<void> = () => Promise.resolve();
  if (options.schedule ?? true) {
    arm = async (): Promise<void> => {
      const loaded = source.get();
      if (!loaded.mesh || !loaded.graph) return;
      const schedules = productSchedules(loaded.mesh, loaded.graph);
      scheduler.schedule(schedules);
      // Catch up, once, on what was due while the server was down.
      const versions = await state.portVersions();
      for (const s of schedules) {
        if (!missedSince(s, loaded.graph, versions, new Date())) continue;
        await alerting.scheduleMissed(s.product, s.cron);
        await due(s.product, new Date());
      }
    };
    await leadership.start();
    // A changed schedule (or a new port) takes effect when the mesh reloads.
    reloaded = () => {
      const loaded = source.get();
      if (leadership.isLeader && loaded.mesh && loaded.graph && !loaded.broken) scheduler.schedule(productSchedules(loaded.mesh, loaded.graph));
    };
  }
  source.watch();

  const app = await buildApp(context, { logger: options.logger ?? true, ...(options.webDir ? { webDir: options.webDir } : {}), ...(options.tls ? { https: options.tls } : {}) });
  const address = await app.listen({ host, port: options.port ?? 4600 });
  if (abandoned.length > 0) app.log.warn({ runs: abandoned }, `run(s) ${abandoned.join(', ')} had not finished when the last process holding the warehouse stopped: recorded as abandoned`);
  const pg = options.pgPort === undefined ? undefined : await startPgGateway({ host, port: options.pgPort, gateway, auth, catalogs: governed.catalogs, ...(options.tls ? { tls: options.tls } : {}) });
  writeFileSync(serverNotePath(root), `${JSON.stringify({ pid: process.pid, url: address, startedAt: context.startedAt, mesh: first.mesh.spec.name, root, ...(pg ? { pg: { host: pg.host, port: pg.port } } : {}) })}\n`);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      leadership.stop();
      alertsLeadership.stop();
      scheduler.stop();
      await source.close();
      await jobs.close();
      await alerting.close();
      await pg?.close();
      await app.close();
      await governed.close();
      await coordinator.release();
      rmSync(serverNotePath(root), { force: true });
      await opened.release();
    })());
  return {
    url: address,
    abandonedRuns: abandoned,
    loginUrl: `${address}/login?code=${auth.loginCode()}`,
    adminToken,
    ...(pg ? { pg: { host: pg.host, port: pg.port } } : {}),
    app,
    context,
    leadsSchedules: () => leadership.isLeader,
    close,
  };
}

function emptyGraph(): MeshGraph {
  return { nodes: new Map(), products: new Map(), order: [] };
}

/** The names a request's Host may carry: the bound address, loopback names when bound to loopback, and any given. */
function allowedHostsFor(host: string, extra: readonly string[] = []): readonly string[] | undefined {
  // Bound to every interface, the server cannot know its names: the operator lists them, or any is accepted.
  if (host === '0.0.0.0' || host === '::') return extra.length > 0 ? extra.map((h) => h.toLowerCase()) : undefined;
  const loopback = ['127.0.0.1', 'localhost', '[::1]', '::1'];
  const names = loopback.includes(host) ? loopback : [host.includes(':') ? `[${host}]` : host];
  return [...names, ...extra].map((h) => h.toLowerCase());
}

/**
 * What the warehouse may still touch once sandboxed: the mesh folder, the warehouse's own
 * folder (its temporary files), and the folder of every source (a source may live outside
 * the mesh: its path is relative to the root, `..` allowed). Everything else is off-limits.
 */
function sandboxDirectories(root: string, warehouseFile: string, mesh: Mesh): string[] {
  const dirs = new Set([root, dirname(warehouseFile)]);
  for (const product of mesh.products) {
    for (const source of product.spec.sources ?? []) {
      if (source.type !== undefined && source.type !== 'file') continue; // read over the network by Tessera, not by the warehouse
      // The folder before the first glob character: a glob reads only below it.
      const fixed = source.path.split(/[*?[{]/)[0] ?? '';
      dirs.add(dirname(resolve(root, fixed.endsWith('/') ? `${fixed}x` : fixed)));
    }
  }
  return [...dirs];
}
