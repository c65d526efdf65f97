import { RAW_SCHEMA, rawView } from './layout.js';
import { comparisonHolds, formatComparison, metricText, planChecks, sampleQuery, type Check, type Comparison, type Levels } from '../checks/index.js';
import type { CheckOutcome, CheckRecord, StateStore } from '../state/index.js';
import type { Dialect, JsonValue, Session } from '../warehouse/index.js';

/** Whether the port a reference check reads has a published version (its raw view exists). */
async function referencedPortPublished(session: Session, d: Dialect, port: { domain: string; table: string }): Promise<boolean> {
  try {
    await session.query(`select 1 from ${d.table(RAW_SCHEMA, rawView(port.domain, port.table))} limit 0`);
    return true;
  } catch {
    return false;
  }
}

/** Rows kept to show why a check failed. */
const SAMPLE_ROWS = 20;

export interface ChecksOutcome {
  readonly results: readonly CheckRecord[];
  readonly metrics: readonly { nodeId: string; key: string; value: number }[];
  readonly failed: readonly CheckRecord[];
  readonly warned: readonly CheckRecord[];
}

/**
 * Evaluates the checks of one table: the fused scan once, then reference and SQL
 * checks one by one, then samples of failing rows. Anomaly checks compare with the
 * metric's history in the state store. Records nothing: the caller does, in its
 * own transaction where it has one.
 */
export async function evaluateChecks(
  session: Session,
  d: Dialect,
  state: StateStore,
  target: { nodeId: string; table: string; checks: readonly Check[]; runId: number; now: Date },
): Promise<ChecksOutcome> {
  const { checks, table, nodeId } = target;
  if (checks.length === 0) return { results: [], metrics: [], failed: [], warned: [] };
  const plan = planChecks(checks, table, d, (domain, port) => d.table(RAW_SCHEMA, rawView(domain, port)));
  let row: Record<string, JsonValue> = {};
  let scanError: string | undefined;
  let scanMs = 0;
  if (plan.scan !== undefined) {
    const t0 = performance.now();
    try {
      row = (await session.query(plan.scan))[0] ?? {};
    } catch (error) {
      scanError = error instanceof Error ? error.message : String(error);
    }
    scanMs = performance.now() - t0;
  }
  const metrics = plan.metrics.flatMap((m, i) => {
    const value = toNumber(row[`m${i}`]);
    return value === null ? [] : [{ nodeId, key: m.key, value }];
  });
  const fusedCount = plan.sources.filter((s) => s.from === 'scan').length;
  const results: CheckRecord[] = [];
  for (const [i, check] of checks.entries()) {
    const source = plan.sources[i];
    if (!source) continue;
    const t0 = performance.now();
    let raw: JsonValue = null;
    let error = source.from === 'scan' ? scanError : undefined;
    if (source.from === 'scan') raw = row[`m${source.index}`] ?? null;
    else {
      try {
        raw = (await session.query(source.sql))[0]?.value ?? null;
        const value = toNumber(raw);
        if (value !== null) metrics.push({ nodeId, key: check.name, value });
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        if (check.type === 'reference' && /does not exist/i.test(error) && !(await referencedPortPublished(session, d, check.port))) {
          const port = `${check.port.domain}.${check.port.table}`;
          error = `Port ${port}, which this check reads, has never been published: there is nothing to compare with yet. \`tessera run --select ${port}\` (or its product) publishes it.`;
        }
      }
    }
    const base = { nodeId, name: check.name, text: check.text, type: check.type, implied: check.implied ?? false };
    const durationMs = source.from === 'scan' ? scanMs / Math.max(1, fusedCount) : performance.now() - t0;
    if (error !== undefined) {
      results.push({ ...base, outcome: 'error', value: null, threshold: thresholdText(check), message: error.split('\n')[0] ?? error, durationMs });
      continue;
    }
    const judged = check.type === 'anomaly' ? await judgeAnomaly(check, toNumber(raw), state, nodeId, source.from === 'scan' ? source.key : check.name, target.runId) : judge(check, raw, target.now);
    results.push({ ...base, ...judged, durationMs });
  }
  // Failing rows, for diagnosis: only for checks whose rows can show the problem.
  for (const [i, result] of results.entries()) {
    const check = checks[i];
    if (!check || (result.outcome !== 'fail' && result.outcome !== 'warn')) continue;
    const sql = sampleQuery(check, table, d, SAMPLE_ROWS);
    if (sql === undefined) continue;
    try {
      results[i] = { ...result, sample: await session.query(sql) };
    } catch {
      // A sample is a help, not a result: a failing sample query leaves the result as it is.
    }
  }
  return { results, metrics, failed: results.filter((r) => r.outcome === 'fail' || r.outcome === 'error'), warned: results.filter((r) => r.outcome === 'warn') };
}

function toNumber(value: JsonValue | undefined): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

function levelsText(levels: Levels<Comparison>): string {
  const parts: string[] = [];
  if (levels.fail) parts.push(`fail when ${formatComparison(levels.fail)}`);
  if (levels.warn) parts.push(`warn when ${formatComparison(levels.warn)}`);
  return parts.join('; ');
}

function thresholdText(check: Check): string {
  switch (check.type) {
    case 'metric':
    case 'reference':
    case 'sql':
      return levelsText(check.levels);
    case 'freshness': {
      const parts: string[] = [];
      if (check.levels.fail) parts.push(`fail when age ${check.levels.fail.op} ${check.levels.fail.written}`);
      if (check.levels.warn) parts.push(`warn when age ${check.levels.warn.op} ${check.levels.warn.written}`);
      return parts.join('; ');
    }
    case 'anomaly':
      return `${check.level} when more than ${check.sensitivity} deviations from the median of the last ${check.window} values`;
  }
}

type Judged = Pick<CheckRecord, 'outcome' | 'value' | 'threshold' | 'message'>;

function raised(levels: Levels<Comparison>, value: number): CheckOutcome {
  if (levels.fail && comparisonHolds(levels.fail, value)) return 'fail';
  if (levels.warn && comparisonHolds(levels.warn, value)) return 'warn';
  return 'pass';
}

function worst(levels: Levels<unknown>): CheckOutcome {
  return levels.fail ? 'fail' : 'warn';
}

function judge(check: Exclude<Check, { type: 'anomaly' }>, raw: JsonValue, now: Date): Judged {
  const threshold = thresholdText(check);
  if (check.type === 'freshness') {
    const stamp = typeof raw === 'string' ? raw : undefined;
    const newest = stamp === undefined ? Number.NaN : utcMillis(stamp);
    if (stamp === undefined || Number.isNaN(newest)) return { outcome: worst(check.levels), value: null, threshold, message: `\`${check.column}\` has no values to tell the age from` };
    const age = now.getTime() - newest;
    const hit = (t: typeof check.levels.fail): boolean => t !== undefined && comparisonHolds({ op: t.op, value: t.milliseconds }, age);
    const outcome: CheckOutcome = hit(check.levels.fail) ? 'fail' : hit(check.levels.warn) ? 'warn' : 'pass';
    return { outcome, value: stamp, threshold, message: `newest \`${check.column}\` is ${humanAge(age)} old (${stamp})` };
  }
  const value = toNumber(raw);
  if (value === null) return { outcome: worst(check.levels), value: null, threshold, message: 'nothing to measure (no rows, or only NULLs)' };
  const outcome = raised(check.levels, value);
  const measured = check.type === 'metric' ? metricText(check.metric) : check.type === 'reference' ? 'rows without a match' : 'failing rows';
  return { outcome, value, threshold, message: `${measured} is ${formatNumber(value)}${outcome === 'pass' ? '' : ` (${threshold})`}` };
}

async function judgeAnomaly(check: Extract<Check, { type: 'anomaly' }>, value: number | null, state: StateStore, nodeId: string, key: string, runId: number): Promise<Judged> {
  const threshold = thresholdText(check);
  if (value === null) return { outcome: 'pass', value: null, threshold, message: 'nothing to measure' };
  const history = await state.metricHistory(nodeId, key, check.window, runId);
  if (history.length < check.minHistory) {
    return { outcome: 'pass', value, threshold, message: `learning: ${history.length} of ${check.minHistory} earlier values needed before an alarm` };
  }
  const median = medianOf(history);
  const mad = medianOf(history.map((v) => Math.abs(v - median)));
  // 1.4826 × MAD estimates the standard deviation of normal data, robust to earlier outliers.
  const spread = 1.4826 * mad;
  const deviations = spread === 0 ? (value === median ? 0 : Number.POSITIVE_INFINITY) : Math.abs(value - median) / spread;
  const anomalous = deviations > check.sensitivity;
  return {
    outcome: anomalous ? check.level : 'pass',
    value,
    threshold,
    message: `${formatNumber(value)} against a median of ${formatNumber(median)} over ${history.length} runs (${Number.isFinite(deviations) ? deviations.toFixed(1) : '∞'} deviations)`,
  };
}

/** Milliseconds of a timestamp as the warehouse hands it on: without a zone it is UTC; a DATE counts from its midnight. */
export function utcMillis(stamp: string): number {
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(stamp) ? stamp : `${stamp.length === 10 ? `${stamp}T00:00:00` : stamp}Z`);
}

export function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 4 });
}

function humanAge(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 90) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  return hours < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} d`;
}
