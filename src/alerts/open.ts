import type { RunFacts } from '../incidents/index.js';
import type { RunSummary, TestSummary } from '../runner/index.js';
import { SqlIncidentStore, type CheckRecord, type PortVersion } from '../state/index.js';
import type { Warehouse } from '../warehouse/index.js';
import { Deliverer, type DeliveryOptions } from './delivery.js';
import { AlertRecorder } from './recorder.js';
import type { Env } from './senders.js';

export interface Alerts {
  readonly store: SqlIncidentStore;
  readonly recorder: AlertRecorder;
  readonly deliverer: Deliverer;
  close(): Promise<void>;
}

/** The incident store on a session of its own, its recorder and its delivery loop. */
export async function openAlerts(warehouse: Warehouse, options: Omit<DeliveryOptions, 'recorder'> & { readonly env: Env; readonly reopenWindowMs?: number }): Promise<Alerts> {
  const session = await warehouse.connect();
  const store = new SqlIncidentStore(session, warehouse.dialect);
  await store.migrate();
  const recorder = new AlertRecorder(store, { env: options.env, ...(options.reopenWindowMs === undefined ? {} : { reopenWindowMs: options.reopenWindowMs }) });
  const deliverer = new Deliverer(store, { ...options, recorder });
  return {
    store,
    recorder,
    deliverer,
    close: async () => {
      await deliverer.stop();
      await session.close();
    },
  };
}

/** A run's facts for the recorder: its node results and the check results it recorded. */
export function runFacts(summary: Pick<RunSummary, 'runId' | 'results'>, checks: readonly CheckRecord[]): RunFacts {
  return { runId: summary.runId, kind: 'run', results: summary.results, checks };
}

export function testFacts(summary: TestSummary): RunFacts {
  return { runId: summary.runId, kind: 'test', results: [], checks: summary.nodes.flatMap((n) => n.results), tested: summary.nodes.map((n) => n.nodeId) };
}

/** When each port's current version was published: "stale since" in impact notices. */
export function lastPublishedOf(versions: readonly PortVersion[]): Map<string, string> {
  return new Map(versions.filter((v) => v.current).map((v) => [v.port, v.createdAt]));
}
