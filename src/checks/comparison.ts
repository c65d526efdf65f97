import type { Comparison, DurationThreshold } from './check.js';

type PlainOp = Exclude<Comparison['op'], 'between' | 'not between'>;

const NEGATED: Record<PlainOp, PlainOp> = { '<': '>=', '<=': '>', '>': '<=', '>=': '<', '=': '!=', '!=': '=' };

/** The comparison that holds exactly when `comparison` does not: `>` ↔ `<=`, `=` ↔ `!=`, `between` ↔ `not between`. */
export function negateComparison(comparison: Comparison): Comparison {
  switch (comparison.op) {
    case 'between':
      return { op: 'not between', low: comparison.low, high: comparison.high };
    case 'not between':
      return { op: 'between', low: comparison.low, high: comparison.high };
    default:
      return { op: NEGATED[comparison.op], value: comparison.value };
  }
}

/** Whether `value` satisfies `comparison`; `between` includes both bounds, as in SQL. */
export function comparisonHolds(comparison: Comparison, value: number): boolean {
  switch (comparison.op) {
    case '<':
      return value < comparison.value;
    case '<=':
      return value <= comparison.value;
    case '>':
      return value > comparison.value;
    case '>=':
      return value >= comparison.value;
    case '=':
      return value === comparison.value;
    case '!=':
      return value !== comparison.value;
    case 'between':
      return value >= comparison.low && value <= comparison.high;
    case 'not between':
      return value < comparison.low || value > comparison.high;
  }
}

/** Whether the comparison is `between` / `not between` (bounds) rather than one value. */
export function isRange(comparison: Comparison): comparison is Extract<Comparison, { low: number }> {
  return comparison.op === 'between' || comparison.op === 'not between';
}

/** `> 0`, `between 1 and 5`: the form the grammar reads. */
export function formatComparison(comparison: Comparison): string {
  return isRange(comparison) ? `${comparison.op} ${comparison.low} and ${comparison.high}` : `${comparison.op} ${comparison.value}`;
}

const DURATION_NEGATED: Record<DurationThreshold['op'], DurationThreshold['op']> = { '<': '>=', '<=': '>', '>': '<=', '>=': '<' };

/** `freshness(c) < 1d` passes when the age is below a day, so it alarms at `>= 1d`. */
export function negateDuration(threshold: DurationThreshold): DurationThreshold {
  return { op: DURATION_NEGATED[threshold.op], milliseconds: threshold.milliseconds, written: threshold.written };
}
