import type { NodeResult, RunCounts } from '../state/index.js';

/** What a run reports as it goes, for progress displays and logs. */
export type RunEvent =
  | { readonly type: 'run-started'; readonly runId: number; readonly nodes: readonly string[]; readonly abandoned: readonly number[]; readonly strayTables: readonly string[] }
  | { readonly type: 'node-started'; readonly nodeId: string }
  | { readonly type: 'node-finished'; readonly result: NodeResult; readonly published?: { readonly port: string; readonly version: number } };

export interface RunSummary extends RunCounts {
  readonly runId: number;
  /** A run stopped before its end (see `stopped`) is `failed` here and `abandoned` in the runs table. */
  readonly status: 'success' | 'failed';
  /**
   * Set when the run was stopped before every node had started: why, how many nodes were
   * left unbuilt, and whether it is recorded `abandoned` (asked to stop: a signal) or
   * `failed` (the machine stopped it: a full disk, a read-only file system).
   */
  readonly stopped?: { readonly reason: string; readonly notStarted: number; readonly abandoned: boolean };
  /**
   * On a warehouse with roles (PostgreSQL): the grant statements the run applied after
   * publishing (new views start with none), or why they could not be (the roles then
   * read less, never more).
   */
  readonly engineGrants?: { readonly statements: number; readonly error?: string };
  /** Set when the run's records could not all be written (a full disk): what happened. */
  readonly unrecorded?: string;
  readonly milliseconds: number;
  readonly results: readonly NodeResult[];
  /** Ports switched to a new version by this run. */
  readonly publishedPorts: readonly { readonly port: string; readonly version: number; readonly rows: number }[];
}
