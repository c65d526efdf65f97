export type {
  AnomalyCheck,
  Check,
  CheckTarget,
  Comparison,
  DurationThreshold,
  FreshnessCheck,
  Levels,
  Metric,
  MetricCheck,
  MetricKind,
  ReferenceCheck,
  SqlCheck,
  Validity,
} from './check.js';
export { parseChecks, type ParsedChecks } from './parse.js';
export { impliedChecks } from './implied.js';
export { checkColumns } from './columns.js';
export { checkKey, metricKey } from './keys.js';
export { comparisonHolds, formatComparison, isRange, negateComparison, negateDuration } from './comparison.js';
export { planChecks, sampleQuery, type CheckPlan, type CheckSource } from './plan.js';
export { metricText } from './one-liner.js';
