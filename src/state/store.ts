import type { Diagnostic } from '../diagnostics/index.js';
import type { Session } from '../warehouse/index.js';

export type RunStatus = 'running' | 'success' | 'failed' | 'abandoned';
export type NodeStatus = 'success' | 'failed' | 'skipped';

/** What a run did, in numbers. */
export interface RunCounts {
  readonly nodes: number;
  /** Sources, models and snapshots built. */
  readonly built: number;
  /** Ports switched to a new version. */
  readonly published: number;
  readonly failed: number;
  readonly skipped: number;
  /** Rows of the published versions. */
  readonly rows: number;
}

export interface RunRecord extends RunCounts {
  readonly id: number;
  /** `run` builds and publishes; `test` only checks what is published. */
  readonly kind: 'run' | 'test';
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** What was asked for: the selectors, or empty for the whole mesh. */
  readonly selector: string;
  readonly pid: number;
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
  /** Built, but with checks at level warn. */
  readonly warnings?: readonly string[];
  /**
   * For a port: the new version's content equalled the published version's, so
   * nothing was published; consumers read the same data as before. The version they read.
   */
  readonly unchanged?: { readonly version: number };
  /**
   * For a database source: rows read from the source in this run, whether only those past
   * the high-water mark, rows removed by a key scan, and the new mark. In the run's summary
   * only; the mark itself is kept by the cursor store.
   */
  readonly ingested?: { readonly rows: number; readonly incremental: boolean; readonly deleted?: number; readonly highWater?: string };
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
  /** A digest of the version's content (columns and rows, order-independent); absent on versions recorded before digests. */
  readonly digest?: string;
  /**
   * The port's contract (its spec in product.yaml) as it was when this version was built,
   * so that the next publish can tell what changed for readers; absent on older records.
   */
  readonly contract?: unknown;
}

export type CheckOutcome = 'pass' | 'warn' | 'fail' | 'error';

/** One check's result on one node in one run. */
export interface CheckRecord {
  readonly nodeId: string;
  readonly name: string;
  /** As written, or the contract rule it comes from. */
  readonly text: string;
  readonly type: string;
  readonly outcome: CheckOutcome;
  /** What was measured: a number, a timestamp, or null when nothing could be. */
  readonly value: number | string | null;
  /** The thresholds, as text (`fail when > 0`). */
  readonly threshold: string;
  readonly message: string;
  readonly durationMs: number;
  /** Up to a few dozen rows showing why it failed. */
  readonly sample?: readonly Record<string, unknown>[];
  readonly implied: boolean;
}

/** A change an owner made by hand to a snapshot's history (`tessera snapshot repair`), with the rows it removed. */
export interface SnapshotRepair {
  /** `<domain>.<product>.<snapshot>`. */
  readonly snapshot: string;
  readonly at: string;
  /** What was asked, as given: `--drop-version 2026-11-01 08:00:00`, `--key 11`. */
  readonly action: string;
  readonly reason: string;
  /** Who did it (the operating-system user) and from which process. */
  readonly by: string;
  /** The rows removed, as they were: a repair can be undone from its record. */
  readonly removed: readonly Record<string, unknown>[];
  /** Versions re-opened or re-joined to close the gap the removed ones left. */
  readonly adjusted: number;
}

/**
 * Where runs, node results and port versions are recorded. `session` arguments let a
 * caller make a record part of its own transaction (a port's switch and its record
 * commit together).
 */
export interface StateStore {
  migrate(): Promise<void>;
  startRun(run: { selector: string; pid: number; nodes: number; startedAt: Date; kind?: 'run' | 'test' }): Promise<number>;
  finishRun(id: number, summary: Omit<RunRecord, 'id' | 'kind' | 'startedAt' | 'finishedAt' | 'selector' | 'pid' | 'nodes'> & { finishedAt: Date }): Promise<void>;
  /**
   * Records runs left `running` as `abandoned` and returns their ids: all of them when this
   * process is the only writer, else those whose process is gone (`alive` says which still run).
   */
  abandonUnfinishedRuns(alive?: (ids: readonly number[]) => Promise<ReadonlySet<number>>): Promise<number[]>;
  recordNodeResults(runId: number, results: readonly NodeResult[]): Promise<void>;
  /** Replaces recorded results of a run's nodes (a port held back at the run's end by `publish: together`). */
  amendNodeResults(runId: number, results: readonly NodeResult[]): Promise<void>;
  runs(options?: { limit?: number }): Promise<RunRecord[]>;
  run(id: number): Promise<{ run: RunRecord; nodes: NodeResult[] } | undefined>;
  /** The next version number of a port (never reused, even for rejected versions). */
  nextPortVersion(port: string): Promise<number>;
  /** Records a version; when it is current, every other version of the port stops being current. */
  recordPortVersion(version: PortVersion, session?: Session): Promise<void>;
  setCurrentPortVersion(port: string, version: number, session?: Session): Promise<void>;
  markPortVersionsDropped(port: string, versions: readonly number[], session?: Session): Promise<void>;
  portVersions(port?: string): Promise<PortVersion[]>;
  /** Check results and the metric values measured (by key, e.g. `row_count`) for a run. */
  recordChecks(runId: number, at: Date, checks: readonly CheckRecord[], metrics: readonly { nodeId: string; key: string; value: number }[], session?: Session): Promise<void>;
  /** Values of a metric on a node in earlier runs, newest first. */
  metricHistory(nodeId: string, key: string, limit: number, beforeRun: number): Promise<number[]>;
  checkResults(runId: number): Promise<CheckRecord[]>;
  recordSnapshotRepair(repair: SnapshotRepair, session?: Session): Promise<void>;
  /** Repairs of a snapshot's history, oldest first. */
  snapshotRepairs(snapshot: string): Promise<SnapshotRepair[]>;
  /** A random secret of this warehouse, made on first use and kept (e.g. the salt of hashed columns). */
  secret(key: string): Promise<string>;
  /** A value Tessera keeps about the warehouse (`meta`), or undefined. */
  note(key: string): Promise<string | undefined>;
  setNote(key: string, value: string, session?: Session): Promise<void>;
}
