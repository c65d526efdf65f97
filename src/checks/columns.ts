import type { Check, Metric } from './check.js';

function metricColumns(metric: Metric): readonly string[] {
  switch (metric.kind) {
    case 'row_count':
      return [];
    case 'duplicate_count':
    case 'duplicate_percent':
      return metric.columns;
    default:
      return [metric.column];
  }
}

/** The columns of its own table that a check names (not those of a referenced port; SQL checks: none known). */
export function checkColumns(check: Check): readonly string[] {
  switch (check.type) {
    case 'metric':
    case 'anomaly':
      return metricColumns(check.metric);
    case 'freshness':
      return [check.column];
    case 'reference':
      return check.columns;
    case 'sql':
      return [];
  }
}
