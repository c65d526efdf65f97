import type { Check, Comparison, DurationThreshold, Levels, Metric, Validity } from './check.js';
import { isRange } from './comparison.js';

/**
 * Stable identities, for dedup and for history across runs. Written order that does not
 * change the meaning (the columns of duplicate_count, the valid values) is sorted away;
 * names and descriptions never count.
 */

/** A value of `valid_values` as it appears in a key: bare when that cannot be mistaken for another value, else JSON. */
function valueKey(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(value) && value !== 'true' && value !== 'false' ? value : JSON.stringify(value);
}

function validityKey(validity: Validity): string {
  const parts: string[] = [];
  if (validity.values !== undefined) parts.push(`values=${[...new Set(validity.values.map(valueKey))].sort().join(',')}`);
  if (validity.min !== undefined) parts.push(`min=${validity.min}`);
  if (validity.max !== undefined) parts.push(`max=${validity.max}`);
  if (validity.regex !== undefined) parts.push(`regex=${JSON.stringify(validity.regex)}`);
  if (validity.length !== undefined) {
    const { length } = validity;
    parts.push(typeof length === 'number' ? `length=${length}` : `length=${length.min ?? ''}..${length.max ?? ''}`);
  }
  return parts.join('|');
}

/**
 * A stable identity of a metric, e.g. `row_count`, `missing_count(email)`,
 * `duplicate_count(line_number,order_id)`, `invalid_count(status|values=a,b)`,
 * `percentile(amount,0.95)`.
 */
export function metricKey(metric: Metric): string {
  switch (metric.kind) {
    case 'row_count':
      return 'row_count';
    case 'duplicate_count':
    case 'duplicate_percent':
      return `${metric.kind}(${[...metric.columns].sort().join(',')})`;
    case 'invalid_count':
    case 'invalid_percent': {
      const validity = validityKey(metric.validity);
      return `${metric.kind}(${metric.column}${validity === '' ? '' : `|${validity}`})`;
    }
    case 'percentile':
      return `percentile(${metric.column},${metric.fraction})`;
    default:
      return `${metric.kind}(${metric.column})`;
  }
}

function comparisonKey(c: Comparison): string {
  return isRange(c) ? `${c.op}(${c.low},${c.high})` : `${c.op}${c.value}`;
}

function durationKey(d: DurationThreshold): string {
  return `${d.op}${d.milliseconds}ms`;
}

function levelsKey<T>(levels: Levels<T>, key: (t: T) => string): string {
  const parts: string[] = [];
  if (levels.warn !== undefined) parts.push(`warn${key(levels.warn)}`);
  if (levels.fail !== undefined) parts.push(`fail${key(levels.fail)}`);
  return parts.join(';');
}

/**
 * A stable identity of what a check measures and when it alarms: two checks with one key are
 * the same check, whatever their names (e.g. a written `missing_count(id) = 0` and the one
 * implied by `required: true`). E.g. `metric:missing_count(id)|fail!=0`.
 */
export function checkKey(check: Check): string {
  switch (check.type) {
    case 'metric':
      return `metric:${metricKey(check.metric)}|${levelsKey(check.levels, comparisonKey)}`;
    case 'freshness':
      return `freshness:${check.column}|${levelsKey(check.levels, durationKey)}`;
    case 'reference': {
      const pairs = check.columns.map((column, i) => `${column}=${check.targetColumns[i] ?? ''}`).sort();
      return `reference:${check.port.domain}.${check.port.table}(${pairs.join(',')})|${levelsKey(check.levels, comparisonKey)}`;
    }
    case 'anomaly':
      return `anomaly:${metricKey(check.metric)}|${check.level};sensitivity=${check.sensitivity};min_history=${check.minHistory};window=${check.window}`;
    case 'sql':
      return `sql:${check.query.replace(/\s+/g, ' ').trim()}|${levelsKey(check.levels, comparisonKey)}`;
  }
}
