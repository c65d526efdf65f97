import type { SourcePosition } from '../diagnostics/index.js';

/**
 * A quality check in typed form, parsed from a one-liner such as
 * `missing_count(email) = 0` or a mapping such as
 * `row_count: { warn: < 1000, fail: = 0 }`. Pure data: the planner turns it into SQL.
 */

export type Comparison =
  | { readonly op: '<' | '<=' | '>' | '>=' | '=' | '!='; readonly value: number }
  | { readonly op: 'between' | 'not between'; readonly low: number; readonly high: number };

/** A duration threshold for freshness, in milliseconds, as written (e.g. `1d`). */
export interface DurationThreshold {
  readonly op: '<' | '<=' | '>' | '>=';
  readonly milliseconds: number;
  readonly written: string;
}

/** What makes a value invalid, for `invalid_count` / `invalid_percent`. */
export interface Validity {
  readonly values?: readonly (string | number | boolean)[];
  readonly min?: number;
  readonly max?: number;
  readonly regex?: string;
  /** Exact length, or bounds. */
  readonly length?: number | { readonly min?: number; readonly max?: number };
}

/** A number measured on a table: the part of a check before its threshold. */
export type Metric =
  | { readonly kind: 'row_count' }
  | { readonly kind: 'missing_count' | 'missing_percent'; readonly column: string }
  | { readonly kind: 'duplicate_count' | 'duplicate_percent'; readonly columns: readonly string[] }
  | { readonly kind: 'invalid_count' | 'invalid_percent'; readonly column: string; readonly validity: Validity }
  | { readonly kind: 'min' | 'max' | 'avg' | 'sum' | 'stddev'; readonly column: string }
  | { readonly kind: 'percentile'; readonly column: string; readonly fraction: number };

export type MetricKind = Metric['kind'];

/**
 * warn and fail thresholds, each the ALARM condition: the level is raised when the
 * measured value satisfies it. A one-liner's pass condition (`row_count > 0`) is
 * stored negated (`fail: <= 0`); `text` keeps what was written.
 */
export interface Levels<T> {
  readonly warn?: T;
  readonly fail?: T;
}

interface CheckBase {
  /** As written in YAML, for display (`missing_count(email) = 0`). */
  readonly text: string;
  /** A stable name: given, or derived from the text; unique per target. */
  readonly name: string;
  readonly description?: string;
  /** Where the check is written (the YAML list item). */
  readonly location: SourcePosition;
  /** Implied by the contract (required, unique, allowed_values), not written as a check. */
  readonly implied?: boolean;
}

/** Metric compared with thresholds: fused into one scan of the table. */
export interface MetricCheck extends CheckBase {
  readonly type: 'metric';
  readonly metric: Metric;
  readonly levels: Levels<Comparison>;
}

/** Age of the newest value of a timestamp column. */
export interface FreshnessCheck extends CheckBase {
  readonly type: 'freshness';
  readonly column: string;
  readonly levels: Levels<DurationThreshold>;
}

/** Values of `column` must exist in `<domain>.<port>(targetColumn)`. */
export interface ReferenceCheck extends CheckBase {
  readonly type: 'reference';
  readonly columns: readonly string[];
  readonly port: { readonly domain: string; readonly table: string };
  readonly targetColumns: readonly string[];
  /** Threshold on the number of rows without a match (default: fail when > 0). */
  readonly levels: Levels<Comparison>;
}

/** A metric compared with its own history (median absolute deviation over recent runs). */
export interface AnomalyCheck extends CheckBase {
  readonly type: 'anomaly';
  readonly metric: Metric;
  /** warn (default) or fail when the value is an outlier. */
  readonly level: 'warn' | 'fail';
  /** How many deviations from the median count as an anomaly (default 3.5). */
  readonly sensitivity: number;
  /** Values of history needed before any alarm (default 5), and how many are looked at (default 30). */
  readonly minHistory: number;
  readonly window: number;
}

/** A query returning failing rows; the threshold applies to their count (default: fail when > 0). */
export interface SqlCheck extends CheckBase {
  readonly type: 'sql';
  readonly query: string;
  readonly levels: Levels<Comparison>;
}

export type Check = MetricCheck | FreshnessCheck | ReferenceCheck | AnomalyCheck | SqlCheck;

/** Where checks are declared. */
export interface CheckTarget {
  /** Graph node id: `port:commerce.orders`, `model:…`, `source:…`, `snapshot:…`. */
  readonly nodeId: string;
  readonly checks: readonly Check[];
}
