import type { Diagnostic } from '../diagnostics/index.js';
import type { Session } from '../warehouse/index.js';

export type RunStatus = 'running' | 'success' | 'failed' | 'abandoned';
export type NodeStatus = 'success' | 'failed' | 'skipped';

export interface RunRecord {
  readonly id: number;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** What was asked for: the selectors, or empty for the whole mesh. */
  readonly selector: string;
  readonly pid: number;
  readonly nodes: number;
  readonly built: number;
  readonly published: number;
  readonly failed: number;
  readonly skipped: number;
  readonly rows: number;
}

export interface NodeResult {
  readonly nodeId: string;
  readonly kind: string;
  readonly product: string;
  readonly status: NodeStatus;
  readonly startedAt?: string;
  readonly durationMs: number;
  readonly rows?: number;
  readonly bytes?: number;
  /** Why it failed, or for a skipped node which upstream node failed. */
  readonly error?: Diagnostic;
}

/** `published` is serving or kept for rollback; `rejected` failed its audit; `dropped` aged out. */
export type PortVersionStatus = 'published' | 'rejected' | 'dropped';

export interface PortVersion {
  /** `<domain>.<table>`, as consumers read it. */
  readonly port: string;
  readonly version: number;
  readonly runId: number;
  /** The table holding this version's rows (in the versions schema). */
  readonly table: string;
  readonly status: PortVersionStatus;
  /** Whether consumers read this version now. */
  readonly current: boolean;
  readonly createdAt: string;
  readonly rows: number;
  /** Columns the consumer-facing view lists, in order. */
  readonly columns: readonly string[];
  /** The audit's outcome, as the runner recorded it. */
  readonly audit: unknown;
}

/**
 * Where runs, node results and port versions are recorded. `session` arguments let a
 * caller make a record part of its own transaction (a port's switch and its record
 * commit together).
 */
export interface StateStore {
  migrate(): Promise<void>;
  startRun(run: { selector: string; pid: number; nodes: number; startedAt: Date }): Promise<number>;
  finishRun(id: number, summary: Omit<RunRecord, 'id' | 'startedAt' | 'finishedAt' | 'selector' | 'pid' | 'nodes'> & { finishedAt: Date }): Promise<void>;
  /** Marks runs left `running` by a process that died as `abandoned`; returns their ids. */
  abandonUnfinishedRuns(): Promise<number[]>;
  recordNodeResults(runId: number, results: readonly NodeResult[]): Promise<void>;
  runs(options?: { limit?: number }): Promise<RunRecord[]>;
  run(id: number): Promise<{ run: RunRecord; nodes: NodeResult[] } | undefined>;
  /** The next version number of a port (never reused, even for rejected versions). */
  nextPortVersion(port: string): Promise<number>;
  /** Records a version; when it is current, every other version of the port stops being current. */
  recordPortVersion(version: PortVersion, session?: Session): Promise<void>;
  setCurrentPortVersion(port: string, version: number, session?: Session): Promise<void>;
  markPortVersionsDropped(port: string, versions: readonly number[], session?: Session): Promise<void>;
  portVersions(port?: string): Promise<PortVersion[]>;
}
