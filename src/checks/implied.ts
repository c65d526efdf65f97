import type { ColumnSpec, SpecFile, SpecPath } from '../spec/index.js';
import type { Comparison, Metric, MetricCheck } from './check.js';
import { metricText } from './one-liner.js';

/** `<metric> = 0` as an alarm: any value but 0 fails. */
const NOT_ZERO: Comparison = { op: '!=', value: 0 };

/**
 * The checks a port's contract implies: `required` → no missing values, `unique` → no
 * duplicates, `allowed_values` → no invalid values, and the grain (`unique_key`) → no
 * duplicate keys, unless a key column is unique on its own (then the key is too).
 * `path` is the port's path in `file`, e.g. `['ports', 0]`; each check points at its column.
 */
export function impliedChecks(
  columns: readonly ColumnSpec[],
  uniqueKey: string | readonly string[] | undefined,
  file: SpecFile,
  path: SpecPath,
): MetricCheck[] {
  const checks: MetricCheck[] = [];
  const implied = (metric: Metric, name: string, at: SpecPath): MetricCheck => {
    const text = `${metricText(metric)} = 0`;
    return { type: 'metric', text, name, location: file.locate([...path, ...at]), implied: true, metric, levels: { fail: NOT_ZERO } };
  };
  columns.forEach((column, i) => {
    const at = ['columns', i];
    if (column.required === true) checks.push(implied({ kind: 'missing_count', column: column.name }, `contract: ${column.name} is required`, at));
    if (column.unique === true) checks.push(implied({ kind: 'duplicate_count', columns: [column.name] }, `contract: ${column.name} is unique`, at));
    if (column.allowed_values !== undefined) {
      const metric: Metric = { kind: 'invalid_count', column: column.name, validity: { values: column.allowed_values } };
      checks.push(implied(metric, `contract: ${column.name} has allowed values`, at));
    }
  });
  const key = typeof uniqueKey === 'string' ? [uniqueKey] : uniqueKey;
  if (key !== undefined && key.length > 0) {
    const covered = columns.some((column) => column.unique === true && key.includes(column.name));
    if (!covered) checks.push(implied({ kind: 'duplicate_count', columns: key }, `contract: grain (${key.join(', ')})`, ['unique_key']));
  }
  return checks;
}
