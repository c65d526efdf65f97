import type { NodeResult, RunCounts } from '../state/index.js';

/** What a run reports as it goes, for progress displays and logs. */
export type RunEvent =
  | { readonly type: 'run-started'; readonly runId: number; readonly nodes: readonly string[]; readonly abandoned: readonly number[]; readonly strayTables: readonly string[] }
  | { readonly type: 'node-started'; readonly nodeId: string }
  | { readonly type: 'node-finished'; readonly result: NodeResult; readonly published?: { readonly port: string; readonly version: number } };

export interface RunSummary extends RunCounts {
  readonly runId: number;
  readonly status: 'success' | 'failed';
  readonly milliseconds: number;
  readonly results: readonly NodeResult[];
  /** Ports switched to a new version by this run. */
  readonly publishedPorts: readonly { readonly port: string; readonly version: number; readonly rows: number }[];
}
