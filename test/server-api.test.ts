/**
 * The REST API of `tessera serve` end to end: the farm mesh (test/support/farm-mesh.ts)
 * built once by the real CLI, then served by a real listening Fastify server over
 * the real warehouse and state store, queried with fetch. The job queue is a small
 * fake: the API only submits, lists and follows jobs.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../src/diagnostics/index.js';
import { lintMesh } from '../src/governance/index.js';
import { openMeshWarehouse, openState } from '../src/runner/index.js';
import { buildApp, openServerAccess, type Job, type JobQueue, type JobRequest, type LoadedMesh, type ServerContext } from '../src/server/index.js';
import { openMesh } from '../src/workspace/index.js';
import { writeFarm, writePrices } from './support/farm-mesh.js';
import { runCli } from './support/run-cli.js';

const TODAY = '2026-11-21';

/** Records submissions; each job logs one line and ends when followed. */
class FakeJobs implements JobQueue {
  readonly jobs = new Map<string, Job>();

  submit(request: JobRequest): Job {
    const job: Job = { id: `job-${this.jobs.size + 1}`, request, status: 'queued', submittedAt: new Date().toISOString(), log: [] };
    this.jobs.set(job.id, job);
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  cancel(id: string): boolean {
    const job = this.jobs.get(id);
    if (job?.status !== 'queued') return false;
    this.jobs.set(id, { ...job, status: 'cancelled' });
    return true;
  }

  list(): readonly Job[] {
    return [...this.jobs.values()];
  }

  follow(id: string, listener: (event: { line?: string; job: Job }) => void): () => void {
    let active = true;
    setTimeout(() => {
      const job = this.jobs.get(id);
      if (!job || !active) return;
      const running: Job = { ...job, status: 'running', log: ['building sales.orders'] };
      listener({ line: 'building sales.orders', job: running });
      const done: Job = { ...running, status: 'success', finishedAt: new Date().toISOString(), result: { ok: true } };
      this.jobs.set(id, done);
      listener({ job: done });
    }, 10);
    return () => {
      active = false;
    };
  }

  /** Its jobs never touch the state store. */
  onChange(): () => void {
    return () => undefined;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

interface Served {
  readonly app: FastifyInstance;
  readonly base: string;
  /** Headers that authenticate as the admin. */
  readonly auth: Record<string, string>;
  readonly jobs: FakeJobs;
  close(): Promise<void>;
}

async function loadMesh(dir: string): Promise<LoadedMesh> {
  const opened = await openMesh(dir, { lint: { today: TODAY } });
  if (!opened.mesh || !opened.graph) throw new Error(`farm does not load: ${JSON.stringify(opened.diagnostics)}`);
  const lint = lintMesh(opened.mesh, opened.graph, { today: TODAY });
  return { mesh: opened.mesh, graph: opened.graph, diagnostics: opened.diagnostics, lint, loadedAt: new Date().toISOString(), broken: false };
}

async function serve(dir: string, loaded?: LoadedMesh): Promise<Served> {
  const mesh = loaded ?? (await loadMesh(dir));
  const spec = mesh.mesh?.spec ?? { name: 'farm' };
  const { warehouse, release } = await openMeshWarehouse(dir, spec, { command: 'test' });
  const state = await openState(warehouse);
  const jobs = new FakeJobs();
  const governed = await openServerAccess(dir, warehouse, state, () => mesh);
  const ctx: ServerContext = { root: dir, mesh: () => mesh, warehouse, state, jobs, ...governed, startedAt: new Date().toISOString() };
  const app = await buildApp(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    app,
    base: `http://127.0.0.1:${address.port}`,
    auth: { authorization: `Bearer ${governed.adminToken}` },
    jobs,
    close: async () => {
      await app.close();
      await governed.close();
      await release();
    },
  };
}

/** GET as JSON; the body's type is what the test expects the schema to say. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it expects
async function get<T = Record<string, unknown>>(served: Served, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${served.base}${path}`, { headers: served.auth });
  const body: unknown = await response.json();
  return { status: response.status, body: body as T };
}

interface Card {
  id: string;
  health: string;
  owner: { id: string; name: string };
  score?: number;
  matches?: string[];
}

interface CheckView {
  name: string;
  implied: boolean;
  latest?: { outcome: string; runId: number };
  history: { outcome: string }[];
}

interface Detail {
  id: string;
  health: string;
  ports: { id: string; columns: { name: string; required?: boolean; unique?: boolean; allowed_values?: string[] }[]; current?: { version: number; rows: number } }[];
  checks: { node: string; checks: CheckView[] }[];
  lineage: { upstream: { product: string }[]; downstream: { product: string; ports: string[] }[] };
  graph: { nodes: { id: string }[]; edges: unknown[] };
  recentRuns: { nodeId: string; status: string }[];
}

describe('the REST API on the farm', () => {
  let farm: ReturnType<typeof writeFarm>;
  let served: Served;

  beforeAll(async () => {
    farm = writeFarm();
    await writePrices(farm.dir, [{ product: 'apples', price: 2.5, updatedAt: '2026-11-01 08:00:00' }]);
    const run = await runCli(['run', '--dir', farm.dir]);
    expect(run.exitCode, run.stderr).toBe(0);
    served = await serve(farm.dir);
  }, 60_000);

  afterAll(async () => {
    await served.close();
    farm.cleanup();
  });

  it('answers /healthz with the mesh state', async () => {
    const { status, body } = await get<{ status: string; mesh: { broken: boolean; products: number } }>(served, '/healthz');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.mesh).toMatchObject({ broken: false, products: 3 });
  });

  it('publishes an OpenAPI document listing its paths, and browsable docs', async () => {
    const { status, body } = await get<{ openapi: string; paths: Record<string, unknown> }>(served, '/api/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    for (const path of ['/api/mesh', '/api/products', '/api/products/{id}', '/api/lineage', '/api/runs', '/api/runs/{id}', '/api/teams', '/api/lint', '/api/jobs', '/api/jobs/{id}/events']) {
      expect(Object.keys(body.paths)).toContain(path);
    }
    const docs = await fetch(`${served.base}/api/docs`, { headers: served.auth });
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });

  it('summarizes the mesh', async () => {
    const { body } = await get(served, '/api/mesh');
    expect(body).toMatchObject({ name: 'farm', broken: false, counts: { domains: 3, products: 3, teams: 3 }, health: { ok: 3, failing: 0 } });
  });

  it('lists products with filters', async () => {
    const all = await get<{ total: number; products: Card[] }>(served, '/api/products');
    expect(all.body.products.map((p) => p.id)).toEqual(['finance.revenue', 'lab.trials', 'sales.orders']);
    expect(all.body.products.every((p) => p.health === 'ok')).toBe(true);
    const sales = await get<{ products: Card[] }>(served, '/api/products?domain=sales');
    expect(sales.body.products.map((p) => p.id)).toEqual(['sales.orders']);
    expect(sales.body.products[0]?.owner).toEqual({ id: 'sales-team', name: 'Sales' });
    const finance = await get<{ products: Card[] }>(served, '/api/products?team=finance-team');
    expect(finance.body.products.map((p) => p.id)).toEqual(['finance.revenue']);
    const aggregates = await get<{ products: Card[] }>(served, '/api/products?kind=aggregate');
    expect(aggregates.body.products.map((p) => p.id)).toEqual(['finance.revenue']);
    const none = await get<{ products: Card[] }>(served, '/api/products?domain=sales&kind=aggregate');
    expect(none.body.products).toEqual([]);
  });

  it("pages results and counts each filter's options under the other filters", async () => {
    type Page = { total: number; offset: number; limit: number; products: Card[]; facets: Record<string, { value: string; label: string; count: number }[]> };
    const counted = (options: { value: string; count: number }[] | undefined): Record<string, number> => Object.fromEntries((options ?? []).map((o) => [o.value, o.count]));
    const page = await get<Page>(served, '/api/products?limit=1&offset=1');
    expect(page.body).toMatchObject({ total: 3, offset: 1, limit: 1 });
    expect(page.body.products.map((p) => p.id)).toEqual(['lab.trials']);
    expect(counted(page.body.facets.domain)).toEqual({ finance: 1, lab: 1, sales: 1 });
    expect(counted(page.body.facets.health)).toEqual({ ok: 3 });
    expect(page.body.facets.team).toContainEqual({ value: 'sales-team', label: 'Sales', count: 1 });
    const sales = await get<Page>(served, '/api/products?domain=sales');
    // Choosing a domain keeps the other domains as options, and narrows the other facets.
    expect(counted(sales.body.facets.domain)).toEqual({ finance: 1, lab: 1, sales: 1 });
    expect(counted(sales.body.facets.team)).toEqual({ 'sales-team': 1 });
    expect((await get<Page>(served, '/api/products')).body.limit).toBe(20);
    expect((await get(served, '/api/products?offset=-1')).status).toBe(400);
  });

  it('searches by column name, saying what matched, and ranks a name match first', async () => {
    const byColumn = await get<{ products: Card[] }>(served, '/api/products?q=customer_id');
    expect(byColumn.body.products.map((p) => p.id)).toEqual(['sales.orders']);
    expect(byColumn.body.products[0]?.matches).toContain('column customer_id of sales.orders');
    const ranked = await get<{ products: Card[] }>(served, '/api/products?q=revenue');
    expect(ranked.body.products[0]?.id).toBe('finance.revenue');
    expect(ranked.body.products[0]?.score).toBeGreaterThan(0);
    const nothing = await get<{ total: number }>(served, '/api/products?q=zebra');
    expect(nothing.body.total).toBe(0);
  });

  it('shows a product page with its contract, check results, lineage and runs', async () => {
    const { status, body } = await get<Detail>(served, '/api/products/sales.orders');
    expect(status).toBe(200);
    const orders = body.ports.find((p) => p.id === 'sales.orders');
    expect(orders?.columns.find((c) => c.name === 'status')).toMatchObject({ required: true, allowed_values: ['placed', 'shipped', 'cancelled'] });
    expect(orders?.current).toMatchObject({ version: 1, rows: 3 });
    const portChecks = body.checks.find((c) => c.node === 'port:sales.orders')?.checks ?? [];
    expect(portChecks.length).toBeGreaterThan(0);
    expect(portChecks.every((c) => c.implied && c.latest?.outcome === 'pass' && c.history.length === 1)).toBe(true);
    expect(body.lineage.downstream.map((l) => l.product)).toEqual(['finance.revenue']);
    expect(body.graph.nodes.map((n) => n.id)).toContain('model:sales.orders.order_log');
    expect(body.graph.edges.length).toBeGreaterThan(0);
    expect(body.recentRuns.some((r) => r.nodeId === 'port:sales.orders' && r.status === 'success')).toBe(true);
  });

  it('answers an unknown product with 404 JSON and a suggestion', async () => {
    const { status, body } = await get<{ code: string; message: string }>(served, '/api/products/sales.order');
    expect(status).toBe(404);
    expect(body.code).toBe('not_found');
    expect(body.message).toContain('Did you mean `sales.orders`?');
    const route = await get<{ code: string }>(served, '/api/nowhere');
    expect(route).toEqual({ status: 404, body: { code: 'not_found', message: 'No route GET /api/nowhere.' } });
  });

  it('draws product lineage and node lineage', async () => {
    const { body } = await get<{ edges: { from: string; to: string; ports: string[] }[] }>(served, '/api/lineage');
    expect(body.edges).toEqual([{ from: 'sales.orders', to: 'finance.revenue', ports: ['sales.orders'] }]);
    const nodes = await get<{ nodes: { id: string; external?: boolean }[]; edges: { from: string; to: string }[] }>(served, '/api/products/finance.revenue/lineage?level=node');
    expect(nodes.body.nodes).toContainEqual(expect.objectContaining({ id: 'port:sales.orders', external: true }));
    expect(nodes.body.edges).toContainEqual({ from: 'port:sales.orders', to: 'model:finance.revenue.revenue' });
    const products = await get<{ nodes: { id: string; kind: string; external?: boolean }[]; edges: { from: string; to: string }[] }>(served, '/api/products/finance.revenue/lineage?level=product');
    expect(products.body.nodes).toEqual([
      expect.objectContaining({ id: 'finance.revenue', kind: 'product', external: false }),
      expect.objectContaining({ id: 'sales.orders', kind: 'product', external: true }),
    ]);
    expect(products.body.edges).toEqual([{ from: 'sales.orders', to: 'finance.revenue' }]);
  });

  it('lists runs and shows one; 404 and 400 as JSON', async () => {
    const list = await get<{ runs: { id: number; status: string }[] }>(served, '/api/runs?limit=5');
    expect(list.body.runs).toHaveLength(1);
    expect(list.body.runs[0]?.status).toBe('success');
    const detail = await get<{ run: { id: number }; nodes: unknown[]; checks: { outcome: string }[] }>(served, `/api/runs/${list.body.runs[0]?.id ?? 0}`);
    expect(detail.body.nodes.length).toBeGreaterThan(5);
    expect(detail.body.checks.length).toBeGreaterThan(0);
    expect(await get(served, '/api/runs/99')).toMatchObject({ status: 404, body: { code: 'not_found' } });
    const bad = await get<{ code: string; message: string }>(served, '/api/runs?limit=-1');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('bad_request');
    expect(bad.body.message).toMatch(/limit/);
  });

  it('lists teams with scorecards, and lint findings', async () => {
    const { body } = await get<{ teams: { id: string; name: string; products: { id: string }[]; scorecard?: { grade: string }; failing: unknown[] }[] }>(served, '/api/teams');
    expect(body.teams.map((t) => t.id)).toEqual(['finance-team', 'lab-team', 'sales-team']);
    const sales = body.teams.find((t) => t.id === 'sales-team');
    expect(sales?.products.map((p) => p.id)).toEqual(['sales.orders']);
    expect(sales?.scorecard?.grade).toMatch(/^[A-E]$/);
    expect(sales?.failing).toEqual([]);
    expect((await get(served, '/api/teams/sales-team')).body).toMatchObject({ id: 'sales-team', name: 'Sales' });
    expect((await get(served, '/api/teams/sales-tem')).status).toBe(404);
    const lint = await get<{ counts: { warnings: number }; findings: { code: string; file: string | null }[] }>(served, '/api/lint');
    expect(lint.status).toBe(200);
    expect(lint.body.findings.length).toBeGreaterThan(0);
  });

  it('queues jobs and streams their progress as Server-Sent Events', async () => {
    const response = await fetch(`${served.base}/api/jobs`, { method: 'POST', headers: { ...served.auth, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'run', select: ['sales.orders'] }) });
    expect(response.status).toBe(202);
    const job = (await response.json()) as Job;
    expect(job.request).toEqual({ by: 'admin', kind: 'run', select: ['sales.orders'], trigger: 'api' });
    expect(served.jobs.list()).toHaveLength(1);
    expect((await get<{ jobs: Job[] }>(served, '/api/jobs')).body.jobs).toHaveLength(1);
    expect((await get<Job>(served, `/api/jobs/${job.id}`)).body.status).toBe('queued');
    const events = await fetch(`${served.base}/api/jobs/${job.id}/events`, { headers: served.auth });
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    const text = await events.text();
    expect(text).toContain('event: line\ndata: building sales.orders\n\n');
    const end = /event: end\ndata: (.*)\n\n/.exec(text);
    expect(JSON.parse(end?.[1] ?? '{}')).toMatchObject({ id: job.id, status: 'success' });
    const bad = await fetch(`${served.base}/api/jobs`, { method: 'POST', headers: { ...served.auth, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'deploy' }) });
    expect(bad.status).toBe(400);
    expect((await get(served, '/api/jobs/nope/events')).status).toBe(404);
  });

  it('shows a failed audit as a failing product and a failing check', async () => {
    // The warehouse has one writer: stop serving, run the CLI on bad data, serve again.
    await served.close();
    farm.write('data/orders.csv', 'order_id,customer_id,amount,status\n1,10,12.50,placed\n1,11,8.00,lost\n');
    const run = await runCli(['run', '--dir', farm.dir]);
    expect(run.exitCode).not.toBe(0);
    served = await serve(farm.dir);
    const { body } = await get<Detail>(served, '/api/products/sales.orders');
    expect(body.health).toBe('failing');
    const portChecks = body.checks.find((c) => c.node === 'port:sales.orders')?.checks ?? [];
    expect(portChecks.some((c) => c.latest?.outcome === 'fail')).toBe(true);
    expect(portChecks.find((c) => c.latest?.outcome === 'fail')?.history.map((h) => h.outcome)).toEqual(['fail', 'pass']);
    const failing = await get<{ products: Card[] }>(served, '/api/products?health=failing');
    expect(failing.body.products.map((p) => p.id)).toEqual(['sales.orders']);
    const failingFirst = await get<{ products: Card[] }>(served, '/api/products?sort=health');
    expect(failingFirst.body.products[0]?.id).toBe('sales.orders');
    expect((await get<{ products: Card[] }>(served, '/api/products?sort=name')).body.products[0]?.id).toBe('finance.revenue');
    const teams = await get<{ teams: { id: string; failing: { product: string }[] }[] }>(served, '/api/teams');
    expect(teams.body.teams.find((t) => t.id === 'sales-team')?.failing.map((f) => f.product)).toEqual(['sales.orders']);
  }, 60_000);
});

describe('a mesh that never loaded', () => {
  it('answers data endpoints with 503 mesh_broken and its diagnostics', async () => {
    const farm = writeFarm();
    const error: Diagnostic = { code: 'yaml/syntax', severity: 'error', message: 'bad indentation', location: { file: 'tessera.yaml', line: 2, column: 1 } };
    const served = await serve(farm.dir, { diagnostics: [error], lint: [], loadedAt: new Date().toISOString(), broken: true });
    try {
      expect((await get(served, '/healthz')).body).toMatchObject({ mesh: { broken: true, products: 0 } });
      for (const path of ['/api/mesh', '/api/products', '/api/products/sales.orders', '/api/lineage', '/api/teams']) {
        const { status, body } = await get<{ code: string; diagnostics: { code: string; file: string }[] }>(served, path);
        expect(status, path).toBe(503);
        expect(body.code).toBe('mesh_broken');
        expect(body.diagnostics).toEqual([expect.objectContaining({ code: 'yaml/syntax', file: 'tessera.yaml', line: 2 })]);
      }
    } finally {
      await served.close();
      farm.cleanup();
    }
  });
});

describe('a mesh never built, with a glossary', () => {
  it('finds products through glossary synonyms and calls their health unknown', async () => {
    const farm = writeFarm({ 'glossary.yaml': 'terms:\n  - { term: buyer, synonyms: [customer] }\n' });
    const served = await serve(farm.dir);
    try {
      const { body } = await get<{ products: Card[] }>(served, '/api/products?q=buyer');
      expect(body.products.map((p) => p.id)).toEqual(['sales.orders']);
      expect(body.products[0]?.matches).toContain('column customer_id of sales.orders (glossary: buyer)');
      expect(body.products[0]?.health).toBe('unknown');
    } finally {
      await served.close();
      farm.cleanup();
    }
  });
});
