/**
 * `GET /api/map` end to end: the farm mesh (test/support/farm-mesh.ts) plus a second
 * finance product, run once by the real CLI and served by a real listening server whose
 * loaded mesh the test can swap (as a reload would). From the TypeScript source the
 * layout runs in the test's thread (map-layout.ts); the compiled server uses the worker.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintMesh } from '../src/governance/index.js';
import { openMeshWarehouse, openState } from '../src/runner/index.js';
import { buildApp, openServerAccess, type ServerAccess, type JobQueue, type LoadedMesh, type ServerContext } from '../src/server/index.js';
import { domainOrder, packDomains } from '../src/server/map-layout.js';
import { openMesh } from '../src/workspace/index.js';
import { writeFarm, writePrices } from './support/farm-mesh.js';
import { runCli } from './support/run-cli.js';

const TODAY = '2026-11-21';

/** finance.forecast reads finance.revenue: an edge inside a domain. */
const FORECAST = {
  'products/finance/forecast/product.yaml': `name: forecast
domain: finance
owner: finance-team
kind: consumer-aligned
ports:
  - name: forecast
`,
  'products/finance/forecast/models/forecast.sql': 'select status, orders * 2 as orders from finance.revenue\n',
};

/** Added after the run, as an edit while the server runs: it has never been built. */
const ASSAYS = {
  'products/lab/assays/product.yaml': `name: assays
domain: lab
owner: lab-team
kind: aggregate
ports:
  - name: assays
`,
  'products/lab/assays/models/assays.sql': 'select trial, trial * 10 as score from lab.trials\n',
};

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface MeshMap {
  broken: boolean;
  layout: { computedAt: string; ms: number };
  domains: (Box & { id: string; products: number })[];
  products: (Box & { id: string; name: string; domain: string; owner: { id: string; name: string }; kind: string; health: string })[];
  edges: { from: string; to: string; ports: string[] }[];
}

interface Lineage {
  nodes: { id: string; health: string }[];
  edges: { from: string; to: string; ports: string[] }[];
}

const noJobs: JobQueue = {
  submit: () => {
    throw new Error('no jobs in this test');
  },
  get: () => undefined,
  cancel: () => false,
  list: () => [],
  follow: () => () => undefined,
  onChange: () => () => undefined,
  close: () => Promise.resolve(),
};

async function loadMesh(dir: string): Promise<LoadedMesh> {
  const opened = await openMesh(dir, { lint: { today: TODAY } });
  if (!opened.mesh || !opened.graph) throw new Error(`farm does not load: ${JSON.stringify(opened.diagnostics)}`);
  const lint = lintMesh(opened.mesh, opened.graph, { today: TODAY });
  return { mesh: opened.mesh, graph: opened.graph, diagnostics: opened.diagnostics, lint, loadedAt: new Date().toISOString(), broken: false };
}

function inside(inner: Box, outer: Box): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Every product in its domain's box, no two products and no two domains overlapping. */
function expectWellPlaced(map: MeshMap): void {
  const domains = new Map(map.domains.map((d) => [d.id, d]));
  for (const product of map.products) {
    const domain = domains.get(product.domain);
    expect(domain, product.id).toBeDefined();
    if (domain) expect(inside(product, domain), `${product.id} inside ${domain.id}`).toBe(true);
  }
  for (const [i, a] of map.domains.entries()) for (const b of map.domains.slice(i + 1)) expect(overlap(a, b), `${a.id} and ${b.id}`).toBe(false);
  for (const [i, a] of map.products.entries()) for (const b of map.products.slice(i + 1)) expect(overlap(a, b), `${a.id} and ${b.id}`).toBe(false);
  for (const domain of map.domains) expect(domain.products).toBe(map.products.filter((p) => p.domain === domain.id).length);
}

describe('GET /api/map', () => {
  let farm: ReturnType<typeof writeFarm>;
  let app: FastifyInstance;
  let base: string;
  let release: () => Promise<void>;
  let governed: ServerAccess | undefined;
  /** What the server serves: tests replace it as a reload of the files would. */
  let current: LoadedMesh;

  const get = async (path: string): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${governed?.adminToken ?? ''}` } });
    return { status: response.status, body: await response.json() };
  };
  const getMap = async (): Promise<MeshMap> => (await get('/api/map')).body as MeshMap;

  beforeAll(async () => {
    farm = writeFarm(FORECAST);
    await writePrices(farm.dir, [{ product: 'apples', price: 2.5, updatedAt: '2026-11-01 08:00:00' }]);
    const run = await runCli(['run', '--dir', farm.dir]);
    expect(run.exitCode, run.stderr).toBe(0);
    current = await loadMesh(farm.dir);
    const opened = await openMeshWarehouse(farm.dir, { name: 'farm' }, { command: 'test' });
    release = opened.release;
    const state = await openState(opened.warehouse);
    governed = await openServerAccess(farm.dir, opened.warehouse, state, () => current);
    const ctx: ServerContext = { root: farm.dir, mesh: () => current, warehouse: opened.warehouse, state, jobs: noJobs, ...governed, startedAt: new Date().toISOString() };
    app = await buildApp(ctx);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    base = `http://127.0.0.1:${address.port}`;
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await governed?.close();
    await release();
    farm.cleanup();
  });

  it('places every product inside its domain box, with lineage edges and health', async () => {
    const { status, body: answer } = await get('/api/map');
    const body = answer as MeshMap;
    expect(status).toBe(200);
    expect(body.broken).toBe(false);
    expect(body.products.map((p) => p.id)).toEqual(['finance.forecast', 'finance.revenue', 'lab.trials', 'sales.orders']);
    expect(body.domains.map((d) => d.id).sort()).toEqual(['finance', 'lab', 'sales']);
    expectWellPlaced(body);
    expect(body.products.find((p) => p.id === 'sales.orders')).toMatchObject({ name: 'orders', domain: 'sales', owner: { id: 'sales-team', name: 'Sales' }, kind: 'source-aligned' });

    const lineage = (await get('/api/lineage')).body as Lineage;
    expect(body.edges).toEqual(lineage.edges);
    expect(body.edges).toContainEqual({ from: 'finance.revenue', to: 'finance.forecast', ports: ['finance.revenue'] });
    // Health comes from the run, as on every other page.
    expect(Object.fromEntries(body.products.map((p) => [p.id, p.health]))).toEqual(Object.fromEntries(lineage.nodes.map((n) => [n.id, n.health])));
    expect(body.products.every((p) => p.health === 'ok')).toBe(true);
  });

  it('puts upstream first: products within a domain by their edges, domains by depth', async () => {
    const body = await getMap();
    const at = (id: string): Box => body.products.find((p) => p.id === id) ?? { x: NaN, y: NaN, width: 0, height: 0 };
    const domain = (id: string): Box => body.domains.find((d) => d.id === id) ?? { x: NaN, y: NaN, width: 0, height: 0 };
    expect(at('finance.revenue').x + at('finance.revenue').width).toBeLessThanOrEqual(at('finance.forecast').x);
    // Domains go in columns, top to bottom then left to right, upstream first.
    const sales = domain('sales');
    const finance = domain('finance');
    expect(sales.x < finance.x || (sales.x === finance.x && sales.y < finance.y)).toBe(true);
  });

  it('lays the mesh out once: a second request gets the same layout', async () => {
    const first = (await getMap());
    const second = (await getMap());
    expect(second.layout).toEqual(first.layout);
    expect(second.products).toEqual(first.products);
    expect(second.domains).toEqual(first.domains);
  });

  it('lays a changed mesh out again, and keeps the layout through a broken edit', async () => {
    const before = (await getMap());
    farm.write('products/lab/assays/product.yaml', ASSAYS['products/lab/assays/product.yaml']);
    farm.write('products/lab/assays/models/assays.sql', ASSAYS['products/lab/assays/models/assays.sql']);
    current = await loadMesh(farm.dir);
    const after = (await getMap());
    expect(after.layout.computedAt).not.toBe(before.layout.computedAt);
    expect(after.products.map((p) => p.id)).toContain('lab.assays');
    expect(after.products.find((p) => p.id === 'lab.assays')?.health).toBe('unknown');
    expect(after.edges).toContainEqual({ from: 'lab.trials', to: 'lab.assays', ports: ['lab.trials'] });
    expectWellPlaced(after);

    // A broken edit keeps the last good graph serving: same layout, flagged.
    current = { ...current, broken: true, loadedAt: new Date().toISOString() };
    const broken = (await getMap());
    expect(broken.broken).toBe(true);
    expect(broken.layout).toEqual(after.layout);
  });

  it('answers 503 while the mesh has never loaded', async () => {
    const good = current;
    current = { diagnostics: [], lint: [], loadedAt: new Date().toISOString(), broken: true };
    try {
      const { status, body } = await get('/api/map');
      expect(status).toBe(503);
      expect(body).toMatchObject({ code: 'mesh_broken' });
    } finally {
      current = good;
    }
  });

  it('documents the route in the OpenAPI document', async () => {
    const { body } = await get('/api/openapi.json');
    expect(body).toHaveProperty(['paths', '/api/map', 'get', 'responses', '200']);
  });
});

describe('the map layout’s arrangement of domains', () => {
  it('orders domains from upstream to downstream, ignoring an edge that closes a cycle', () => {
    const domains = [
      { id: 'a', products: ['a.end'] },
      { id: 'b', products: ['b.middle'] },
      { id: 'c', products: ['c.start'] },
    ];
    const order = domainOrder({
      domains,
      edges: [
        { from: 'c.start', to: 'b.middle' },
        { from: 'b.middle', to: 'a.end' },
        { from: 'a.end', to: 'c.start' },
      ],
    });
    expect(order).toHaveLength(3);
    expect(new Set(order)).toEqual(new Set(['a', 'b', 'c']));
    const chain = domainOrder({
      domains,
      edges: [
        { from: 'c.start', to: 'b.middle' },
        { from: 'b.middle', to: 'a.end' },
      ],
    });
    expect(chain).toEqual(['c', 'b', 'a']);
  });

  it('packs domain boxes in columns without overlaps, roughly as wide as a screen', () => {
    const boxes = Array.from({ length: 10 }, (_, i) => ({ id: `d${i}`, width: 400 + 100 * (i % 3), height: 300 + 80 * (i % 4) }));
    const placed = packDomains(boxes);
    const all = boxes.map((b) => placed.get(b.id));
    expect(all.every((b) => b !== undefined)).toBe(true);
    const list = all.filter((b): b is Box => b !== undefined);
    for (const [i, a] of list.entries()) for (const b of list.slice(i + 1)) expect(overlap(a, b)).toBe(false);
    const width = Math.max(...list.map((b) => b.x + b.width));
    const height = Math.max(...list.map((b) => b.y + b.height));
    expect(width / height).toBeGreaterThan(0.8);
    expect(width / height).toBeLessThan(3.2);
  });
});
