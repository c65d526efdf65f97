import { lastPublishedOf, openAlerts, runFacts, testFacts, type Alerts, type DeliveryOptions, type Env, type RecordOutcome } from '../alerts/index.js';
import { freshnessReport, type RunSummary, type TestSummary } from '../runner/index.js';
import type { AccessRequestFacts } from '../incidents/index.js';
import type { StateStore } from '../state/index.js';
import type { Warehouse } from '../warehouse/index.js';
import type { LoadedMesh } from './context.js';

export interface AlertingOptions {
  /** How often the server evaluates freshness SLAs (default 60 s; 0 turns the timer off). */
  readonly slaIntervalMs?: number;
  /** How often the delivery loop looks for due messages (default 1 s). */
  readonly pollMs?: number;
  /** Where `url_env`/`secret_env` are read (default process.env). */
  readonly env?: Env;
  readonly reopenWindowMs?: number;
  readonly delivery?: Partial<Omit<DeliveryOptions, 'root' | 'env' | 'recorder' | 'mesh'>>;
}

/** The server's alerting: runs and tests recorded as incidents, the SLA timer, the delivery loop. */
export interface ServerAlerts extends Alerts {
  /** Where channels' `url_env`/`secret_env` are read: whether a channel can be used at all. */
  readonly env: Env;
  afterRun(summary: RunSummary): Promise<RecordOutcome | undefined>;
  afterTest(summary: TestSummary): Promise<RecordOutcome | undefined>;
  /** One tick of the SLA timer (also called by tests): freshness SLAs, sunset reminders, then repeats of incidents left open. */
  checkFreshness(at?: Date): Promise<RecordOutcome | undefined>;
  /** The scheduler found a product whose schedule passed without a publish. */
  scheduleMissed(product: string, cron: string): Promise<RecordOutcome | undefined>;
  /** An access request now waits for the owners of its port. */
  accessRequested(request: AccessRequestFacts): Promise<RecordOutcome | undefined>;
  /**
   * Starts the SLA timer and the delivery loop. Called on the one server that leads
   * alerting (several servers may share a PostgreSQL warehouse): the others record
   * incidents and queue notifications, and the leader sends them, once.
   */
  lead(): void;
  /** Delivers what is due now, on the leading server; elsewhere the leader's next poll does. */
  poke(): void;
  /** A pending access request was decided: its incident resolves. */
  accessDecided(request: Pick<AccessRequestFacts, 'id' | 'port'>, decision: { readonly status: string; readonly by: string; readonly reason?: string | undefined }): Promise<void>;
}

export async function startAlerting(root: string, warehouse: Warehouse, state: StateStore, mesh: () => LoadedMesh, options: AlertingOptions, log: (line: string) => void): Promise<ServerAlerts> {
  const current = (): LoadedMesh => mesh();
  const env = options.env ?? process.env;
  const alerts = await openAlerts(warehouse, {
    root,
    env,
    ...(options.reopenWindowMs === undefined ? {} : { reopenWindowMs: options.reopenWindowMs }),
    ...options.delivery,
    mesh: () => current().mesh,
    log,
  });
  let leading = false;
  const poke = (): void => {
    if (leading) alerts.deliverer.poke();
  };
  const guard = async (what: string, work: () => Promise<RecordOutcome | undefined>): Promise<RecordOutcome | undefined> => {
    try {
      const outcome = await work();
      if (outcome && outcome.queued > 0) poke();
      return outcome;
    } catch (error) {
      // Alerting never fails a run: it says so in the log.
      log(`alerts: recording ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };
  const afterRun = (summary: RunSummary): Promise<RecordOutcome | undefined> =>
    guard(`run ${summary.runId}`, async () => {
      const loaded = current();
      if (!loaded.mesh || !loaded.graph) return undefined;
      const checks = await state.checkResults(summary.runId);
      return alerts.recorder.recordRun(loaded.mesh, loaded.graph, runFacts(summary, checks), new Date(), lastPublishedOf(await state.portVersions()));
    });
  const afterTest = (summary: TestSummary): Promise<RecordOutcome | undefined> =>
    guard(`test ${summary.runId}`, async () => {
      const loaded = current();
      if (!loaded.mesh || !loaded.graph) return undefined;
      return alerts.recorder.recordRun(loaded.mesh, loaded.graph, testFacts(summary), new Date(), lastPublishedOf(await state.portVersions()));
    });
  const checkFreshness = (at = new Date()): Promise<RecordOutcome | undefined> =>
    guard('the SLA timer', async () => {
      const loaded = current();
      if (!loaded.mesh || !loaded.graph) return undefined;
      const report = await freshnessReport(warehouse, warehouse.dialect, await state.portVersions(), loaded.mesh, loaded.graph, at);
      const sla = await alerts.recorder.recordFreshness(loaded.mesh, loaded.graph, report, at);
      const sunsets = await alerts.recorder.recordSunsets(loaded.mesh, loaded.graph, at);
      const repeats = await alerts.recorder.recordRepeats(loaded.mesh, at);
      return { ...sla, opened: sla.opened + sunsets.opened, resolved: sla.resolved + sunsets.resolved, repeatedNotices: repeats.repeatedNotices ?? 0, queued: sla.queued + sunsets.queued + repeats.queued };
    });
  const scheduleMissed = (product: string, cron: string): Promise<RecordOutcome | undefined> =>
    guard(`the missed schedule of ${product}`, async () => {
      const loaded = current();
      if (!loaded.mesh || !loaded.graph) return undefined;
      // A product never published has not missed anything yet (a new mesh, a first start).
      const ports = new Set((loaded.graph.products.get(product)?.nodes ?? []).filter((id) => id.startsWith('port:')).map((id) => id.slice('port:'.length)));
      if (!(await state.portVersions()).some((v) => ports.has(v.port) && v.status !== 'rejected')) return undefined;
      return alerts.recorder.recordScheduleMissed(loaded.mesh, loaded.graph, product, cron);
    });
  const accessRequested = (request: AccessRequestFacts): Promise<RecordOutcome | undefined> =>
    guard(`access request ${request.id}`, async () => {
      const loaded = current();
      if (!loaded.mesh || !loaded.graph) return undefined;
      return alerts.recorder.recordAccessRequest(loaded.mesh, loaded.graph, request);
    });
  const accessDecided: ServerAlerts['accessDecided'] = async (request, decision) => {
    await guard(`the decision on access request ${request.id}`, async () => {
      const loaded = current();
      if (!loaded.mesh) return undefined;
      const settled = await alerts.recorder.settleAccessRequest(loaded.mesh, request, decision);
      // The update message is queued: deliver it now rather than at the next poll.
      return settled ? { opened: 0, reopened: 0, repeated: 0, resolved: 1, attached: 0, queued: 1, skipped: [] } : undefined;
    });
  };
  let timer: NodeJS.Timeout | undefined;
  const lead = (): void => {
    if (leading) return;
    leading = true;
    const interval = options.slaIntervalMs ?? 60_000;
    if (interval > 0) {
      timer = setInterval(() => void checkFreshness(), interval);
      timer.unref();
    }
    // What offline runs queued (or a killed server left) goes out now.
    alerts.deliverer.start(options.pollMs ?? 1000);
  };
  return {
    ...alerts,
    env,
    afterRun,
    afterTest,
    checkFreshness,
    scheduleMissed,
    accessRequested,
    accessDecided,
    lead,
    poke,
    close: async () => {
      if (timer) clearInterval(timer);
      await alerts.close();
    },
  };
}
