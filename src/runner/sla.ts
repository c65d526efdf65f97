import { comparisonHolds, type DurationThreshold } from '../checks/index.js';
import { durationToMs, type Mesh } from '../spec/index.js';
import type { MeshGraph, PortNode } from '../compiler/index.js';
import type { PortVersion } from '../state/index.js';
import type { Dialect, Session } from '../warehouse/index.js';
import { utcMillis } from './evaluate-checks.js';
import { VERSIONS_SCHEMA } from './layout.js';

/** The two clocks of a port's freshness; see `docs/checks.md#freshness`. */
export type FreshnessClock = 'publish' | 'data';

export interface PortFreshness {
  readonly port: string;
  readonly product: string;
  readonly owner: string;
  /** The SLA as declared (the port's `freshness`, else tessera.yaml's default): the limit of the publish clock. */
  readonly sla: string;
  readonly publishedAt?: string;
  /** Age of the current version, in milliseconds. */
  readonly publishedAge?: number;
  /** Where the port has a `freshness(column)` check: the newest value of that column and its age. */
  readonly dataColumn?: string;
  /** That check as written: the limit of the data clock (`freshness(day) < 2d`). */
  readonly dataCheck?: string;
  /** The check's alarm levels, so that an age moved on by the clock is judged by the same rule. */
  readonly dataLevels?: { readonly fail?: DurationThreshold; readonly warn?: DurationThreshold };
  readonly newestData?: string;
  readonly dataAge?: number;
  readonly breach: boolean;
  /** Which clocks are late; empty when fresh. */
  readonly late: readonly FreshnessClock[];
  /** In words, naming the clock that is late and its limit: `publish clock late: published 30.0 h ago, SLA 24h`. */
  readonly reason: string;
}

type Clocks = Pick<PortFreshness, 'sla' | 'publishedAt' | 'publishedAge' | 'dataColumn' | 'dataCheck' | 'dataLevels' | 'dataAge'>;

/**
 * The freshness rule, in one place (the CLI, the API and the catalog all use it): two
 * clocks, each against its own written limit.
 *
 * - **publish**: the current version's age against the port's `freshness:` SLA;
 * - **data**: the age of the newest value of the column a `freshness(col)` check names,
 *   against that check's own threshold, judged exactly as the run's audit judges it
 *   (late when the check would fail, or warn).
 *
 * The SLA is never applied to the data clock, so `freshness(day) < 2d` on a DATE
 * column is late here exactly when the check would not pass. `elapsed` moves both
 * ages on from when they were measured.
 */
export function freshnessVerdict(clocks: Clocks, elapsed = 0): { breach: boolean; late: FreshnessClock[]; reason: string } {
  const limit = durationToMs(clocks.sla);
  if (clocks.publishedAt === undefined || clocks.publishedAge === undefined) return { breach: true, late: ['publish'], reason: 'never published' };
  const late: FreshnessClock[] = [];
  const reasons: string[] = [];
  const published = clocks.publishedAge + elapsed;
  if (published > limit) {
    late.push('publish');
    reasons.push(`publish clock late: published ${hours(published)} ago, SLA ${clocks.sla}`);
  }
  if (clocks.dataAge !== undefined && clocks.dataLevels) {
    const age = clocks.dataAge + elapsed;
    const hit = (t: DurationThreshold | undefined): boolean => t !== undefined && comparisonHolds({ op: t.op, value: t.milliseconds }, age);
    if (hit(clocks.dataLevels.fail) || hit(clocks.dataLevels.warn)) {
      late.push('data');
      reasons.push(`data clock late: newest ${clocks.dataColumn ?? 'value'} is ${hours(age)} old, check \`${clocks.dataCheck ?? 'freshness'}\``);
    }
  }
  return { breach: late.length > 0, late, reason: reasons.join('; ') || 'fresh' };
}

/**
 * Freshness SLAs of every port with one: which of its two clocks is late
 * ({@link freshnessVerdict}).
 */
/**
 * The newest value of a column in a version table. A version table never changes once
 * written, so a long-running reader (the server) keeps the answers: the catalog asks for
 * every port's data clock often, and a scan of a large port each time kept it busy.
 */
export type NewestValues = Map<string, string | null>;

export async function freshnessReport(
  session: Session,
  d: Dialect,
  versions: readonly PortVersion[],
  mesh: Mesh,
  graph: MeshGraph,
  now: Date,
  newestValues: NewestValues = new Map(),
): Promise<PortFreshness[]> {
  const current = new Map(versions.filter((v) => v.current).map((v) => [v.port, v]));
  const report: PortFreshness[] = [];
  for (const node of graph.nodes.values()) {
    if (node.kind !== 'port') continue;
    const sla = node.spec.freshness ?? mesh.spec.defaults?.freshness;
    if (sla === undefined) continue;
    const port = `${node.domain}.${node.table}`;
    const owner = graph.products.get(node.product)?.owner ?? '';
    const version = current.get(port);
    const base = { port, product: node.product, owner, sla };
    if (!version) {
      report.push({ ...base, ...freshnessVerdict({ sla }) });
      continue;
    }
    const publishedAge = now.getTime() - Date.parse(version.createdAt);
    const data = await dataAge(session, d, node, version.table, now, newestValues);
    const clocks: Clocks = {
      sla,
      publishedAt: version.createdAt,
      publishedAge,
      ...(data
        ? {
            dataColumn: data.column,
            dataCheck: data.check,
            dataLevels: data.levels,
            ...(data.age === undefined ? {} : { dataAge: data.age }),
          }
        : {}),
    };
    report.push({ ...base, ...clocks, ...(data?.newest === undefined ? {} : { newestData: data.newest }), ...freshnessVerdict(clocks) });
  }
  return report.sort((a, b) => Number(b.breach) - Number(a.breach) || a.port.localeCompare(b.port));
}

async function dataAge(
  session: Session,
  d: Dialect,
  node: PortNode,
  versionTable: string,
  now: Date,
  newestValues: NewestValues,
): Promise<{ column: string; check: string; levels: { fail?: DurationThreshold; warn?: DurationThreshold }; newest?: string; age?: number } | undefined> {
  const check = node.checks.find((c) => c.type === 'freshness');
  if (check?.type !== 'freshness') return undefined;
  const about = { column: check.column, check: check.text, levels: { ...(check.levels.fail ? { fail: check.levels.fail } : {}), ...(check.levels.warn ? { warn: check.levels.warn } : {}) } };
  const key = `${versionTable}\n${check.column}`;
  let newest = newestValues.get(key);
  if (newest === undefined) {
    const [row] = await session.query(`SELECT max(${d.ident(check.column)}) AS newest FROM ${d.table(VERSIONS_SCHEMA, versionTable)}`);
    newest = typeof row?.newest === 'string' ? row.newest : null;
    newestValues.set(key, newest);
  }
  if (typeof newest !== 'string') return about;
  const parsed = utcMillis(newest);
  return Number.isNaN(parsed) ? { ...about, newest } : { ...about, newest, age: now.getTime() - parsed };
}

function hours(ms: number): string {
  const h = ms / 3_600_000;
  return h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} d`;
}
