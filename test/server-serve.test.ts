/**
 * `tessera serve` as a process owner: a real listening server on the farm mesh,
 * runs submitted from another process (the real CLI binary), mesh reloads on a
 * broken edit, schedules caught up once, and a graceful shutdown.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openMesh } from '../src/workspace/index.js';
import { missedSince, productSchedules, startServer, upstreamProducts, type RunningServer } from '../src/server/index.js';
import { writeFarm, writePrices } from './support/farm-mesh.js';
import { runChild as cli } from './support/run-child.js';

/** Headers that authenticate as the server's admin. */
function admin(server: RunningServer): Record<string, string> {
  return { authorization: `Bearer ${server.adminToken}` };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function farm(tessera = 'name: farm\n'): Promise<ReturnType<typeof writeFarm>> {
  const f = writeFarm({ 'tessera.yaml': tessera });
  cleanups.push(f.cleanup);
  await writePrices(f.dir, [{ product: 'apples', price: 2.5, updatedAt: '2026-11-01 08:00:00' }]);
  return f;
}

async function serve(dir: string, schedule = false): Promise<RunningServer> {
  const server = await startServer({ root: dir, port: 0, logger: false, schedule });
  cleanups.push(() => server.close());
  return server;
}


async function until(condition: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('tessera serve', () => {
  it('takes `tessera run` and `tessera test` from another terminal instead of failing on the lock', async () => {
    const { dir } = await farm();
    const server = await serve(dir);
    const note = JSON.parse(readFileSync(join(dir, '.tessera', 'server.json'), 'utf8')) as { url: string; pid: number };
    expect(note).toMatchObject({ url: server.url, pid: process.pid });

    const meshSummary = async (): Promise<{ latestRun: number | null; health: Record<string, number> }> => (await (await fetch(`${server.url}/api/mesh`, { headers: admin(server) })).json()) as { latestRun: number | null; health: Record<string, number> };
    // Read before the run, so that the server has a cached state the run must replace.
    const orders = async (): Promise<{ health: string; ports: { current?: { version: number } }[] }> => (await (await fetch(`${server.url}/api/products/sales.orders`, { headers: admin(server) })).json()) as { health: string; ports: { current?: { version: number } }[] };
    expect(await meshSummary()).toMatchObject({ latestRun: null, health: { unknown: 3 } });
    const healths = async (): Promise<string[]> => ((await (await fetch(`${server.url}/api/products`, { headers: admin(server) })).json()) as { products: { health: string }[] }).products.map((p) => p.health);
    expect(await healths()).toEqual(['unknown', 'unknown', 'unknown']);
    const before = await orders();
    expect(before.health).toBe('unknown');
    expect(before.ports.map((p) => p.current)).toEqual(before.ports.map(() => undefined));
    const run = await cli(['run', '--dir', dir]);
    expect(run.stderr).toContain(`submitting the run there`);
    expect(run.stderr).toMatch(/published v1/);
    expect(run.stdout).toMatch(/✓ Run 1 succeeded: \d+ built, 4 published/);
    expect(run.code).toBe(0);
    expect(await meshSummary()).toMatchObject({ latestRun: 1, health: { unknown: 0 } });
    // Kept answers belong to the state before the run: none of them may be served after it.
    expect(await healths()).toEqual(['ok', 'ok', 'ok']);
    const after = await orders();
    expect(after.health).toBe('ok');
    expect(after.ports.map((p) => p.current?.version)).toEqual(after.ports.map(() => 1));

    const test = await cli(['test', '--dir', dir, '--select', 'sales.orders', '--json']);
    expect(test.code).toBe(0);
    expect(JSON.parse(test.stdout)).toMatchObject({ status: 'success', failed: 0 });
    expect((await server.context.state.runs()).map((r) => [r.id, r.kind, r.status])).toEqual([
      [2, 'test', 'success'],
      [1, 'run', 'success'],
    ]);
    expect(server.context.jobs.list().map((j) => j.request.trigger)).toEqual(['cli', 'cli']);
  }, 30_000);

  it('reloads the mesh when a file changes, and reports a broken edit instead of crashing', async () => {
    const { dir, write } = await farm();
    const server = await serve(dir);
    const health = async (): Promise<{ mesh: { broken: boolean } }> => (await (await fetch(`${server.url}/healthz`)).json()) as { mesh: { broken: boolean } };
    expect((await health()).mesh.broken).toBe(false);
    const yaml = readFileSync(join(dir, 'products/lab/trials/product.yaml'), 'utf8');
    write('products/lab/trials/product.yaml', yaml.replace('owner: lab-team', 'owner: nobody'));
    await until(async () => (await health()).mesh.broken);
    expect(server.context.mesh().diagnostics.some((d) => d.code === 'owner/unknown-team')).toBe(true);
    expect(server.context.mesh().graph?.products.has('lab.trials')).toBe(true);
    write('products/lab/trials/product.yaml', yaml);
    await until(async () => !(await health()).mesh.broken);
  }, 20_000);

  it('lets the running job finish on shutdown, then frees the warehouse', async () => {
    const { dir } = await farm();
    const server = await serve(dir);
    const job = server.context.jobs.submit({ kind: 'run', trigger: 'api' });
    await server.close();
    expect(server.context.jobs.get(job.id)?.status).toBe('success');
    expect(existsSync(join(dir, '.tessera', 'server.json'))).toBe(false);
    const again = await serve(dir);
    expect((await again.context.state.runs()).map((r) => r.status)).toEqual(['success']);
  }, 30_000);
});

describe('the scheduler', () => {
  it('catches up a missed schedule once per product, with stale upstream products, and not again after it ran', async () => {
    const { dir } = await farm('name: farm\ndefaults:\n  schedule: "0 6 * * *"\n  freshness: 24h\n');
    const opened = await openMesh(dir);
    if (!opened.mesh || !opened.graph) throw new Error('farm does not open');
    const schedules = productSchedules(opened.mesh, opened.graph);
    expect(schedules.map((s) => s.product)).toEqual(['finance.revenue', 'lab.trials', 'sales.orders']);
    expect(upstreamProducts(opened.graph, 'finance.revenue')).toEqual(['sales.orders']);
    const now = new Date('2026-11-21T12:00:00Z');
    expect(missedSince(schedules[0] ?? { product: '', cron: '' }, opened.graph, [], now)).toBe(true);

    const server = await serve(dir, true);
    const selections = server.context.jobs.list().map((j) => [...(j.request.select ?? [])]);
    expect(selections.sort()).toEqual([['finance.revenue', 'sales.orders'], ['lab.trials'], ['sales.orders']]);
    expect(server.context.jobs.list().every((j) => j.request.trigger === 'schedule')).toBe(true);
    await until(() => server.context.jobs.list().every((j) => j.status === 'success'), 20_000);
    await server.close();

    const again = await serve(dir, true);
    expect(again.context.jobs.list()).toEqual([]);
  }, 40_000);
});
