import type { Dialect } from '../warehouse/index.js';
import type { Check, Metric, Validity } from './check.js';
import { metricKey } from './keys.js';

/**
 * How the checks of one table are measured: every aggregate metric in one scan
 * (identical metrics once), and what cannot be fused (reference checks, custom
 * SQL) as queries of their own. Pure: it writes SQL text through the dialect.
 */
export interface CheckPlan {
  /** One query over the table; column `m<i>` is `metrics[i]`. */
  readonly scan?: string;
  readonly metrics: readonly { readonly key: string; readonly expression: string }[];
  /** Per check (same order as given): where its value comes from. */
  readonly sources: readonly CheckSource[];
}

export type CheckSource =
  /** Column `m<index>` of the scan. */
  | { readonly from: 'scan'; readonly index: number; readonly key: string }
  /** A query of its own returning one row with a column `value`. */
  | { readonly from: 'query'; readonly sql: string };

/**
 * `portTable` names the relation a reference check reads for a port (the runner passes
 * the raw current version, so a check compares real values, not masked ones).
 */
export function planChecks(checks: readonly Check[], table: string, d: Dialect, portTable?: (domain: string, table: string) => string): CheckPlan {
  const metrics: { key: string; expression: string }[] = [];
  const byKey = new Map<string, number>();
  const fused = (metric: Metric): CheckSource => {
    const key = metricKey(metric);
    let index = byKey.get(key);
    if (index === undefined) {
      index = metrics.length;
      metrics.push({ key, expression: metricExpression(metric, d) });
      byKey.set(key, index);
    }
    return { from: 'scan', index, key };
  };
  const sources = checks.map((check): CheckSource => {
    switch (check.type) {
      case 'metric':
      case 'anomaly':
        return fused(check.metric);
      case 'freshness':
        return fused({ kind: 'max', column: check.column });
      case 'reference':
        return { from: 'query', sql: `SELECT count(*) AS value FROM ${table} AS t WHERE ${unmatched(check, d, portTable)}` };
      case 'sql':
        return { from: 'query', sql: `WITH ${d.ident('this')} AS (SELECT * FROM ${table}) SELECT count(*) AS value FROM (${check.query}) AS failing` };
    }
  });
  const scan = metrics.length === 0 ? undefined : `SELECT ${metrics.map((m, i) => `${m.expression} AS m${i}`).join(', ')} FROM ${table}`;
  return { ...(scan === undefined ? {} : { scan }), metrics, sources };
}

/** Rows of `t` whose key has no match in the referenced port (rows with a NULL in the key are not checked). */
function unmatched(check: Extract<Check, { type: 'reference' }>, d: Dialect, portTable?: (domain: string, table: string) => string): string {
  const target = portTable ? portTable(check.port.domain, check.port.table) : d.table(check.port.domain, check.port.table);
  const notNull = check.columns.map((c) => `t.${d.ident(c)} IS NOT NULL`).join(' AND ');
  const match = check.columns.map((c, i) => `r.${d.ident(check.targetColumns[i] ?? c)} = t.${d.ident(c)}`).join(' AND ');
  return `${notNull} AND NOT EXISTS (SELECT 1 FROM ${target} AS r WHERE ${match})`;
}

export function validCondition(column: string, validity: Validity, d: Dialect): string {
  const parts: string[] = [];
  if (validity.values) parts.push(`${column} IN (${validity.values.map((v) => d.literal(v)).join(', ')})`);
  if (validity.min !== undefined) parts.push(`${column} >= ${validity.min}`);
  if (validity.max !== undefined) parts.push(`${column} <= ${validity.max}`);
  if (validity.regex !== undefined) parts.push(d.regexFullMatch(column, validity.regex));
  if (validity.length !== undefined) {
    const length = `length(CAST(${column} AS VARCHAR))`;
    if (typeof validity.length === 'number') parts.push(`${length} = ${validity.length}`);
    else {
      if (validity.length.min !== undefined) parts.push(`${length} >= ${validity.length.min}`);
      if (validity.length.max !== undefined) parts.push(`${length} <= ${validity.length.max}`);
    }
  }
  return parts.length === 0 ? 'TRUE' : parts.join(' AND ');
}

export function metricExpression(metric: Metric, d: Dialect): string {
  switch (metric.kind) {
    case 'row_count':
      return 'count(*)';
    case 'missing_count':
      return `count(*) FILTER (WHERE ${d.ident(metric.column)} IS NULL)`;
    case 'missing_percent':
      return `100.0 * count(*) FILTER (WHERE ${d.ident(metric.column)} IS NULL) / nullif(count(*), 0)`;
    case 'duplicate_count':
    case 'duplicate_percent': {
      // Rows with a NULL in any of the columns are not counted, on either side: a row value with
      // a NULL field is itself not NULL, so count(DISTINCT (a, b)) alone would count it.
      const complete = metric.columns.map((c) => `${d.ident(c)} IS NOT NULL`).join(' AND ');
      const distinct = metric.columns.length === 1 ? `count(DISTINCT ${d.ident(metric.columns[0] ?? '')})` : `count(DISTINCT (${metric.columns.map((c) => d.ident(c)).join(', ')})) FILTER (WHERE ${complete})`;
      const counted = metric.columns.length === 1 ? `count(${d.ident(metric.columns[0] ?? '')})` : `count(*) FILTER (WHERE ${complete})`;
      return metric.kind === 'duplicate_count' ? `${counted} - ${distinct}` : `100.0 * (${counted} - ${distinct}) / nullif(count(*), 0)`;
    }
    case 'invalid_count':
    case 'invalid_percent': {
      const c = d.ident(metric.column);
      const invalid = `count(*) FILTER (WHERE ${c} IS NOT NULL AND NOT (${validCondition(c, metric.validity, d)}))`;
      return metric.kind === 'invalid_count' ? invalid : `100.0 * ${invalid} / nullif(count(*), 0)`;
    }
    case 'min':
    case 'max':
      return `${metric.kind}(${d.ident(metric.column)})`;
    case 'avg':
    case 'sum':
      return `${metric.kind}(${d.ident(metric.column)})`;
    case 'stddev':
      return `stddev_samp(${d.ident(metric.column)})`;
    case 'percentile':
      return d.percentile(d.ident(metric.column), metric.fraction);
  }
}

/** A query returning up to `limit` rows that show why a row-level check failed, or undefined when rows cannot show it. */
export function sampleQuery(check: Check, table: string, d: Dialect, limit: number): string | undefined {
  if (check.type === 'reference') return `SELECT * FROM ${table} AS t WHERE ${unmatched(check, d)} LIMIT ${limit}`;
  if (check.type === 'sql') return `WITH ${d.ident('this')} AS (SELECT * FROM ${table}) SELECT * FROM (${check.query}) AS failing LIMIT ${limit}`;
  if (check.type !== 'metric') return undefined;
  const metric = check.metric;
  switch (metric.kind) {
    case 'missing_count':
    case 'missing_percent':
      return `SELECT * FROM ${table} WHERE ${d.ident(metric.column)} IS NULL LIMIT ${limit}`;
    case 'invalid_count':
    case 'invalid_percent': {
      const c = d.ident(metric.column);
      return `SELECT * FROM ${table} WHERE ${c} IS NOT NULL AND NOT (${validCondition(c, metric.validity, d)}) LIMIT ${limit}`;
    }
    case 'duplicate_count':
    case 'duplicate_percent': {
      const columns = metric.columns.map((c) => d.ident(c)).join(', ');
      return `SELECT ${columns}, count(*) AS rows_with_value FROM ${table} WHERE ${metric.columns.map((c) => `${d.ident(c)} IS NOT NULL`).join(' AND ')} GROUP BY ${columns} HAVING count(*) > 1 ORDER BY rows_with_value DESC LIMIT ${limit}`;
    }
    default:
      return undefined;
  }
}
