/** `GET /api/products` (filters and search) and `GET /api/products/:id` (the product page). */
import type { FastifyInstance } from 'fastify';
import type { MeshNode } from '../../compiler/index.js';
import { didYouMean, diagnosticToJson, type Diagnostic } from '../../diagnostics/index.js';
import { portAccess } from '../../spec/index.js';
import { STATE_SCHEMA } from '../../state/index.js';
import type { ServerContext } from '../context.js';
import { catalogFor, type Catalog, type ProductEntry } from './catalog.js';
import { notFound } from './errors.js';
import { publicTeam } from './public-team.js';
import { policiesOf } from '../access-view.js';
import { AnswerCache } from './answers.js';
import { productCards, sortCards, type CardOrder, type ProductCard } from './cards.js';
import type { SearchHit } from './search.js';
import { errorResponses, PRODUCT_PAGE, productDetailSchema, productListQuery, productListSchema, productParams } from './schemas.js';
import { portFreshness, productHealth, text, toCheckResult, utc, type CheckResultRow, type StateReader, type Status } from './status.js';

const FACETS = ['domain', 'team', 'kind', 'status', 'health'] as const;
type Facet = (typeof FACETS)[number];
type ListQuery = Partial<Record<Facet, string>> & { q?: string; limit?: number; offset?: number; sort?: CardOrder };


/** Answers kept per state for 5 s: every product page, and the last lists and searches asked. */
const productPages = new AnswerCache(5000, 5000);
const productLists = new AnswerCache(5000, 500);

/** How many results of a check the product page shows. */
const HISTORY = 20;
/** How many recent runs the product page looks at. */
const RECENT_RUNS = 10;

export function registerProducts(app: FastifyInstance, ctx: ServerContext, reader: StateReader): void {
  app.get<{ Querystring: ListQuery }>(
    '/products',
    { schema: { summary: 'Products, filtered and searched', tags: ['products'], querystring: productListQuery, response: { 200: productListSchema, ...errorResponses } } },
    async (request, reply) => {
      const catalog = catalogFor(ctx);
      const status = await reader.status(catalog);
      const queries = request.query.sort === 'popular' ? await productQueries(ctx) : undefined;
      return productLists.send(reply, status, request.url, () => {
        const cards = productCards(catalog, status, Date.now());
        const { q, limit = PRODUCT_PAGE, offset = 0 } = request.query;
        const hits = q === undefined || q.trim() === '' ? undefined : catalog.search.search(q);
        const wanted = FACETS.map((facet) => request.query[facet]);
        const facets = FACETS.map(() => new Map<string, { value: string; label: string; count: number }>());
        const found: { card: ProductCard; hit?: SearchHit }[] = [];
        const values: string[] = ['', '', '', '', ''];
        const consider = (card: ProductCard | undefined, hit?: SearchHit): void => {
          if (!card) return;
          values[0] = card.domain;
          values[1] = card.owner.id;
          values[2] = card.kind;
          values[3] = card.status;
          values[4] = card.health;
          let misses = 0;
          let missed = -1;
          for (let f = 0; f < FACETS.length; f++) {
            if (wanted[f] !== undefined && wanted[f] !== values[f]) {
              misses++;
              missed = f;
            }
          }
          // Each facet counts what the other filters let through, so its options say what choosing them would give.
          if (misses > 1) return;
          for (let f = 0; f < FACETS.length; f++) {
            if (misses === 1 && missed !== f) continue;
            const value = values[f] ?? '';
            const seen = facets[f]?.get(value);
            if (seen) seen.count++;
            else facets[f]?.set(value, { value, label: f === 1 ? card.owner.name : value, count: 1 });
          }
          if (misses === 0) found.push(hit ? { card, hit } : { card });
        };
        if (hits) for (const hit of hits) consider(cards.get(hit.product), hit);
        else for (const card of cards.values()) consider(card);
        sortCards(found, request.query.sort ?? 'best', queries);
        const page = found.slice(offset, offset + limit).map(({ card, hit }) => (hit ? { ...card, score: hit.score, matches: hit.matches } : card));
        const facetLists = Object.fromEntries(FACETS.map((facet, f) => [facet, [...(facets[f]?.values() ?? [])].sort((a, b) => a.label.localeCompare(b.label))]));
        return { total: found.length, offset, limit, products: page, facets: facetLists };
      });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/products/:id',
    { schema: { summary: 'One product: contract, checks, lineage, runs', tags: ['products'], params: productParams, response: { 200: productDetailSchema, ...errorResponses } } },
    async (request, reply) => {
      const catalog = catalogFor(ctx);
      const entry = findProduct(catalog, request.params.id);
      const status = await reader.status(catalog);
      return productPages.send(reply, status, entry.id, async () => {
        let dynamic = status.perProduct.get(entry.id) as Promise<ProductState> | undefined;
        if (!dynamic) {
          dynamic = loadProductState(reader, entry);
          status.perProduct.set(entry.id, dynamic);
          dynamic.catch(() => status.perProduct.delete(entry.id));
        }
        return productDetail(catalog, entry, status, await dynamic, Date.now());
      });
    },
  );
}

const popularity = new WeakMap<ServerContext, { at: number; queries: Map<string, number> }>();

/** Consumer queries per product over 30 days, from the audit log; re-read at most once a minute. */
async function productQueries(ctx: ServerContext): Promise<Map<string, number>> {
  const kept = popularity.get(ctx);
  if (kept && Date.now() - kept.at < 60_000) return kept.queries;
  const { mesh, graph } = ctx.mesh();
  const queries = new Map<string, number>();
  if (mesh && graph) {
    const policies = policiesOf(graph, mesh);
    for (const usage of await ctx.access.usage({ days: 30 })) {
      const product = policies.get(usage.port)?.product;
      if (product !== undefined) queries.set(product, (queries.get(product) ?? 0) + usage.queries);
    }
  }
  popularity.set(ctx, { at: Date.now(), queries });
  return queries;
}

export function findProduct(catalog: Catalog, id: string): ProductEntry {
  const entry = catalog.products.get(id);
  if (!entry) throw notFound(`No product \`${id}\`.${didYouMean(id, catalog.products.keys())}`);
  return entry;
}

interface ProductState {
  /** `<node id>\n<check name>` → newest first. */
  readonly history: ReadonlyMap<string, readonly CheckResultRow[]>;
  readonly recentRuns: readonly Record<string, unknown>[];
  /** `<port node id>\n<run id>` → what the publish in that run broke for readers (publish-port.ts's warning). */
  readonly breaks: ReadonlyMap<string, BreakingChange>;
}

/** A version whose contract broke compatibility with the version published before it. */
export interface BreakingChange {
  /** The published version it broke. */
  readonly previous: number;
  /** What changed, one entry each (`column customer_id removed`). */
  readonly changes: readonly string[];
  /** Who reads the port (`finance.revenue (finance-team)`); empty when nobody in the mesh does. */
  readonly readers: readonly string[];
  /** The run's warning, as written. */
  readonly message: string;
}

const BREAKS = /^contract breaks compatibility with published v(\d+): (.*?)\. (?:Readers: (.*?); tell them|No product or feature reads it)/s;

/** The breaking-change warning of a port's publish (src/runner/publish-port.ts), taken apart; undefined for any other warning. */
export function breakingChange(warning: string): BreakingChange | undefined {
  const match = BREAKS.exec(warning);
  if (!match) return undefined;
  return {
    previous: Number(match[1]),
    changes: (match[2] ?? '').split('; ').filter((c) => c !== ''),
    readers: match[3] ? match[3].split(', ') : [],
    message: warning,
  };
}

/** The reads one product page needs beyond the per-run status; cached for the run by the caller. */
async function loadProductState(reader: StateReader, entry: ProductEntry): Promise<ProductState> {
  const ids = entry.nodes.map((n) => `'${n.id.replaceAll("'", "''")}'`);
  const product = `'${entry.id.replaceAll("'", "''")}'`;
  const historyRows =
    ids.length === 0
      ? []
      : await reader.query(`SELECT run_id, node_id, name, outcome, value_number, value_text, threshold, message, measured_at FROM (
            SELECT run_id, node_id, name, outcome, value_number, value_text, threshold, message, measured_at,
              row_number() OVER (PARTITION BY node_id, name ORDER BY run_id DESC) AS recency
            FROM ${STATE_SCHEMA}.check_results WHERE node_id IN (${ids.join(', ')})
          ) AS recent WHERE recency <= ${HISTORY}
          ORDER BY node_id, name, run_id DESC`);
  const history = new Map<string, CheckResultRow[]>();
  for (const row of historyRows) {
    const result = toCheckResult(row);
    const key = `${result.nodeId}\n${result.name}`;
    const list = history.get(key) ?? [];
    list.push(result);
    history.set(key, list);
  }
  const runRows = await reader.query(`SELECT * FROM ${STATE_SCHEMA}.node_results
    WHERE product = ${product} AND run_id IN (SELECT id FROM ${STATE_SCHEMA}.runs ORDER BY id DESC LIMIT ${RECENT_RUNS})
    ORDER BY run_id DESC, started_at NULLS LAST, node_id`);
  // The publishes that broke a contract, for the versions list (only retained versions are shown; the rows are few).
  const breakRows = await reader.query(`SELECT run_id, node_id, warnings FROM ${STATE_SCHEMA}.node_results
    WHERE product = ${product} AND kind = 'port' AND warnings LIKE '%contract breaks compatibility with published v%'`);
  const breaks = new Map<string, BreakingChange>();
  for (const row of breakRows) {
    const warnings = typeof row.warnings === 'string' ? (JSON.parse(row.warnings) as unknown) : [];
    for (const warning of Array.isArray(warnings) ? warnings : []) {
      const change = typeof warning === 'string' ? breakingChange(warning) : undefined;
      if (change) breaks.set(`${text(row.node_id)}\n${Number(row.run_id)}`, change);
    }
  }
  return { history, recentRuns: runRows.map(nodeResult), breaks };
}

export function nodeResult(row: Record<string, unknown>): Record<string, unknown> {
  const r = row as Record<string, Parameters<typeof text>[0]>;
  const startedAt = utc(r.started_at);
  return {
    ...(r.run_id === undefined ? {} : { runId: Number(r.run_id) }),
    nodeId: text(r.node_id),
    kind: text(r.kind),
    product: text(r.product),
    status: text(r.status),
    ...(startedAt === undefined ? {} : { startedAt }),
    durationMs: Number(r.duration_ms ?? 0),
    ...(typeof r.row_count === 'number' ? { rows: r.row_count } : {}),
    ...(typeof r.bytes === 'number' ? { bytes: r.bytes } : {}),
    ...(typeof r.error === 'string' ? { error: diagnosticToJson(JSON.parse(r.error) as Diagnostic) } : {}),
    ...(typeof r.warnings === 'string' ? { warnings: JSON.parse(r.warnings) as unknown } : {}),
  };
}

function productDetail(catalog: Catalog, entry: ProductEntry, status: Status, state: ProductState, now: number): Record<string, unknown> {
  const { product } = entry;
  const spec = product.spec;
  const team = catalog.teams.get(spec.owner);
  const { health, freshness } = productHealth(entry, status, now);
  const ports = entry.ports.map((port) => {
    const id = `${port.domain}.${port.table}`;
    const versions = (status.versions.get(id) ?? []).map((v) => {
      const breaks = state.breaks.get(`${port.id}\n${v.runId}`);
      // Only a version that followed the one it broke: the warning names the version published before.
      const breaking = breaks && breaks.previous < v.version ? { previous: breaks.previous, changes: breaks.changes, readers: breaks.readers, message: breaks.message } : undefined;
      return { version: v.version, rows: v.rows, createdAt: v.createdAt, runId: v.runId, current: v.current, status: v.status, ...(breaking ? { breaking } : {}) };
    });
    const current = versions.find((v) => v.current);
    const key = port.spec.unique_key;
    const sla = portFreshness(status, id, now);
    return {
      id,
      node: port.id,
      name: port.spec.name,
      table: port.table,
      version: port.version,
      description: port.spec.description,
      model: port.spec.model,
      access: portAccess(port.spec, catalog.mesh.spec),
      freshness: port.spec.freshness ?? catalog.mesh.spec.defaults?.freshness,
      schedule: port.spec.schedule ?? catalog.mesh.spec.defaults?.schedule,
      ...(key === undefined ? {} : { uniqueKey: typeof key === 'string' ? [key] : key }),
      tags: port.spec.tags ?? [],
      deprecation: port.spec.deprecated,
      columns: port.spec.columns ?? [],
      current,
      versions,
      sla,
    };
  });
  const checks = entry.nodes
    .filter((n): n is Exclude<MeshNode, { kind: 'feature' }> => n.kind !== 'feature' && n.checks.length > 0)
    .map((node) => {
      const latest = new Map((status.checks.get(node.id) ?? []).map((c) => [c.name, c]));
      return {
        node: node.id,
        kind: node.kind,
        name: node.name,
        checks: node.checks.map((check) => {
          const result = latest.get(check.name);
          return {
            name: check.name,
            text: check.text,
            type: check.type,
            implied: check.implied === true,
            description: check.description,
            latest: result,
            history: (state.history.get(`${node.id}\n${check.name}`) ?? []).map((h) => ({ runId: h.runId, outcome: h.outcome, value: h.value })),
          };
        }),
      };
    });
  const inside = new Set(entry.nodes.map((n) => n.id));
  return {
    id: entry.id,
    name: spec.name,
    domain: spec.domain,
    dir: product.dir,
    description: spec.description,
    purpose: spec.purpose,
    kind: spec.kind,
    status: entry.status,
    sunset: spec.sunset,
    tags: spec.tags ?? [],
    owner: team ? publicTeam(team) : { id: spec.owner, name: spec.owner },
    health,
    freshness,
    ports,
    checks,
    lineage: catalog.lineage(entry.id),
    features: spec.features ?? [],
    graph: {
      nodes: entry.nodes.map((n) => ({ id: n.id, kind: n.kind, name: n.name, product: n.product })),
      edges: entry.nodes.flatMap((n) => n.upstream.filter((u) => inside.has(u)).map((u) => ({ from: u, to: n.id }))),
    },
    recentRuns: state.recentRuns,
    lint: catalog.lintByProduct.get(entry.id) ?? [],
  };
}
