import { durationToMs, type Mesh } from '../spec/index.js';
import type { MeshGraph, PortNode } from '../compiler/index.js';
import type { PortVersion } from '../state/index.js';
import type { Dialect, Session } from '../warehouse/index.js';
import { utcMillis } from './evaluate-checks.js';
import { VERSIONS_SCHEMA } from './layout.js';

export interface PortFreshness {
  readonly port: string;
  readonly product: string;
  readonly owner: string;
  /** The SLA as declared (the port's `freshness`, else tessera.yaml's default). */
  readonly sla: string;
  readonly publishedAt?: string;
  /** Age of the current version, in milliseconds. */
  readonly publishedAge?: number;
  /** Where the port has a `freshness(column)` check: the newest value of that column and its age. */
  readonly dataColumn?: string;
  readonly newestData?: string;
  readonly dataAge?: number;
  readonly breach: boolean;
  readonly reason: string;
}

/**
 * Freshness SLAs: a port breaches when its current version was published longer
 * ago than its SLA (or never), or when the newest value of the column its
 * `freshness(…)` check names is older than the SLA.
 */
export async function freshnessReport(session: Session, d: Dialect, versions: readonly PortVersion[], mesh: Mesh, graph: MeshGraph, now: Date): Promise<PortFreshness[]> {
  const current = new Map(versions.filter((v) => v.current).map((v) => [v.port, v]));
  const report: PortFreshness[] = [];
  for (const node of graph.nodes.values()) {
    if (node.kind !== 'port') continue;
    const sla = node.spec.freshness ?? mesh.spec.defaults?.freshness;
    if (sla === undefined) continue;
    const limit = durationToMs(sla);
    const port = `${node.domain}.${node.table}`;
    const owner = graph.products.get(node.product)?.owner ?? '';
    const version = current.get(port);
    const base = { port, product: node.product, owner, sla };
    if (!version) {
      report.push({ ...base, breach: true, reason: 'never published' });
      continue;
    }
    const publishedAge = now.getTime() - Date.parse(version.createdAt);
    const data = await dataAge(session, d, node, version.table, now);
    const reasons: string[] = [];
    if (publishedAge > limit) reasons.push(`published ${hours(publishedAge)} ago, SLA ${sla}`);
    if (data?.age !== undefined && data.age > limit) reasons.push(`newest ${data.column} is ${hours(data.age)} old, SLA ${sla}`);
    report.push({
      ...base,
      publishedAt: version.createdAt,
      publishedAge,
      ...(data ? { dataColumn: data.column, ...(data.newest === undefined ? {} : { newestData: data.newest }), ...(data.age === undefined ? {} : { dataAge: data.age }) } : {}),
      breach: reasons.length > 0,
      reason: reasons.join('; ') || 'fresh',
    });
  }
  return report.sort((a, b) => Number(b.breach) - Number(a.breach) || a.port.localeCompare(b.port));
}

async function dataAge(session: Session, d: Dialect, node: PortNode, versionTable: string, now: Date): Promise<{ column: string; newest?: string; age?: number } | undefined> {
  const check = node.checks.find((c) => c.type === 'freshness');
  if (check?.type !== 'freshness') return undefined;
  const [row] = await session.query(`SELECT max(${d.ident(check.column)}) AS newest FROM ${d.table(VERSIONS_SCHEMA, versionTable)}`);
  const newest = row?.newest;
  if (typeof newest !== 'string') return { column: check.column };
  const parsed = utcMillis(newest);
  return Number.isNaN(parsed) ? { column: check.column, newest } : { column: check.column, newest, age: now.getTime() - parsed };
}

function hours(ms: number): string {
  const h = ms / 3_600_000;
  return h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} d`;
}
