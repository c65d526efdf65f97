import type { NodeResult } from '../state/index.js';

/** What a run reports as it goes, for progress displays and logs. */
export type RunEvent =
  | { readonly type: 'run-started'; readonly runId: number; readonly nodes: readonly string[]; readonly abandoned: readonly number[]; readonly strayTables: readonly string[] }
  | { readonly type: 'node-started'; readonly nodeId: string }
  | { readonly type: 'node-finished'; readonly result: NodeResult; readonly published?: { readonly port: string; readonly version: number } };

export interface RunSummary {
  readonly runId: number;
  readonly status: 'success' | 'failed';
  readonly nodes: number;
  readonly built: number;
  readonly published: number;
  readonly failed: number;
  readonly skipped: number;
  readonly rows: number;
  readonly milliseconds: number;
  readonly results: readonly NodeResult[];
  /** Ports switched to a new version by this run. */
  readonly publishedPorts: readonly { readonly port: string; readonly version: number; readonly rows: number }[];
}
