/**
 * The workers on the runs page, in headless Chromium against a real server: on a real
 * PostgreSQL warehouse with real `tessera worker` child processes (alive, holding a node
 * of a run, stopped with SIGTERM, killed), and on DuckDB (no workers, one sentence). The
 * children run bin/tessera.js, which loads dist/: `npx tsc -p tsconfig.build.json` and
 * the web build first.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axe, describeViolations, overflowing } from './support/axe.js';
import { serveCatalog, type CatalogSession } from './support/catalog-browser.js';
import { writePeople } from './support/people-mesh.js';
import { startPostgres, type PostgresServer } from './support/postgres-server.js';
import { runChild } from './support/run-child.js';
import { writeWorkersMesh } from './support/workers-mesh.js';

const BIN = fileURLToPath(new URL('../bin/tessera.js', import.meta.url));
const VARIABLE = 'TESSERA_WEB_WORKERS_URL';
/** Short, so that a killed worker turns silent quickly. */
const LEASE = '2s';
const PHONE = { width: 390, height: 844 };

interface ApiWorker {
  id: string;
  host: string;
  pid: number;
  alive: boolean;
  leases: { runId: number; nodeId: string }[];
}

interface WorkerChild {
  readonly child: ChildProcessWithoutNullStreams;
  readonly pid: number;
  /** Resolves once the worker is registered and leasing. */
  readonly ready: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

const children = new Set<WorkerChild>();

function startWorker(dir: string): WorkerChild {
  const child = spawn(process.execPath, [BIN, 'worker', '--dir', dir, '--lease', LEASE, '--concurrency', '1'], { env: { ...process.env, CI: '1' } });
  let output = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes('builds nodes of runs')) markReady();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      children.delete(worker);
      markReady();
      resolve({ code, signal });
    });
  });
  const worker: WorkerChild = { child, pid: child.pid ?? 0, ready, exited, output: () => output };
  children.add(worker);
  return worker;
}

async function api<T>(session: CatalogSession, path: string): Promise<T> {
  const response = await fetch(new URL(path, session.url), { headers: session.auth });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/** axe finds nothing and the page does not overflow sideways at its viewport's width. */
async function expectAccessible(page: Page, width: number): Promise<void> {
  const violations = await axe(page);
  expect(violations, describeViolations(violations)).toEqual([]);
  const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
  expect(scrollWidth, `wider than the screen: ${scrollWidth > width ? await overflowing(page, width) : ''}`).toBeLessThanOrEqual(width);
}

/** Opens /runs (at `viewport`, with axe allowed in), runs `body`, requires no console errors. */
async function onRunsPage(session: CatalogSession, body: (page: Page) => Promise<void>, viewport = { width: 1440, height: 900 }): Promise<void> {
  const { page, errors } = await session.open('/runs', { viewport, bypassCsp: true });
  try {
    await body(page);
    expect(errors, 'console errors on /runs').toEqual([]);
  } finally {
    await page.context().close();
  }
}

describe('web catalog: the workers of a PostgreSQL warehouse on the runs page', () => {
  let postgres: PostgresServer;
  let session: CatalogSession;
  let first: WorkerChild;
  let second: WorkerChild;
  const selector = (worker: WorkerChild): string => `li.worker[data-worker^="${hostname()}:${worker.pid}:"]`;

  beforeAll(async () => {
    postgres = await startPostgres();
    process.env[VARIABLE] = await postgres.createDatabase('warehouse');
    // One product whose base model sleeps long enough for the page to catch a worker building it.
    const mesh = writeWorkersMesh(VARIABLE, { products: 1, sleep: 6 });
    session = await serveCatalog(mesh.dir);
    first = startWorker(mesh.dir);
    second = startWorker(mesh.dir);
    await Promise.all([first.ready, second.ready]);
    for (const worker of [first, second]) expect(worker.child.exitCode, worker.output()).toBeNull();
  }, 120_000);

  afterAll(async () => {
    for (const worker of children) worker.child.kill('SIGKILL');
    await session.close();
    await postgres.stop();
    Reflect.deleteProperty(process.env, VARIABLE);
  });

  it('lists each live worker: alive, its host and pid, heard from seconds ago, its concurrency and lease, holding nothing', async () => {
    const { workers } = await api<{ workers: ApiWorker[] }>(session, '/api/workers');
    expect(workers.map((w) => w.pid).sort()).toEqual([first.pid, second.pid].sort());
    await onRunsPage(session, async (page) => {
      await page.locator('li.worker[data-state="alive"]').nth(1).waitFor({ timeout: 20_000 });
      expect(await page.locator('li.worker').count()).toBe(2);
      for (const worker of [first, second]) {
        const item = page.locator(selector(worker));
        expect(await item.getAttribute('data-state')).toBe('alive');
        const text = (await item.textContent()) ?? '';
        expect(text).toContain(hostname());
        expect(text).toContain(`pid ${worker.pid}`);
        expect(text).toMatch(/alive/);
        expect(text).toMatch(/heard from \d+ s ago/);
        expect(text).toContain('1 node at once');
        expect(text).toContain('lease 2 s');
        expect(text).toContain('Holds no node now.');
      }
      expect(await page.locator('.workers-heading').textContent()).toContain('2 alive');
      expect(await page.locator('.workers-none').count()).toBe(0);
      await expectAccessible(page, 1440);
      await session.screenshot(page, 'runs-workers-desktop');
    });
  }, 60_000);

  it('shows the node a worker holds while it builds it: the run, the node, the attempt and the lease (at phone size too)', async () => {
    const run = runChild(['run', '--dir', session.dir, '--workers', '--json']);
    try {
      await onRunsPage(
        session,
        async (page) => {
          // The page polls while a run is running or workers are listed: no reload.
          await page.locator('li.worker').first().waitFor();
          const lease = page.locator('.worker-leases li[data-node="model:yard.alpha.alpha_base"]');
          await lease.waitFor({ timeout: 20_000 });
          const text = (await lease.textContent()) ?? '';
          expect(text).toMatch(/run #1 model:yard\.alpha\.alpha_base · attempt 1 · lease until \d\d:\d\d:\d\d/);
          expect(await lease.locator('a').getAttribute('href')).toBe('/runs/1');
          // Which worker holds it, by the API, is the one whose card lists it.
          const { workers } = await api<{ workers: ApiWorker[] }>(session, '/api/workers');
          const holder = workers.find((w) => w.leases.some((l) => l.nodeId === 'model:yard.alpha.alpha_base'));
          expect(holder, JSON.stringify(workers)).toBeDefined();
          expect(await page.locator(`li.worker[data-worker="${holder?.id ?? ''}"] .worker-leases li`).count()).toBe(1);
          await expectAccessible(page, PHONE.width);
          await session.screenshot(page, 'runs-workers-phone');
        },
        PHONE,
      );
    } finally {
      const done = await run;
      expect(done.code, done.stderr).toBe(0);
    }
  }, 90_000);

  it('a worker stopped with SIGTERM leaves the list; one that dies shows as silent once its heartbeat is older than its lease', async () => {
    await onRunsPage(session, async (page) => {
      await page.locator(selector(first)).waitFor({ timeout: 20_000 });
      await page.locator(selector(second)).waitFor({ timeout: 20_000 });

      // SIGTERM: the worker finishes what it builds (nothing), says goodbye, and is gone from the list.
      first.child.kill('SIGTERM');
      const stopped = await first.exited;
      expect(stopped.code, first.output()).toBe(0);
      expect(first.output()).toMatch(/Worker .* stopped/);
      await page.locator(selector(first)).waitFor({ state: 'detached', timeout: 20_000 });

      // SIGKILL: no goodbye; its row stays, its heartbeat ages past the 2 s lease, and the page says so.
      second.child.kill('SIGKILL');
      await second.exited;
      const silent = page.locator(`${selector(second)}[data-state="silent"]`);
      await silent.waitFor({ timeout: 20_000 });
      const text = (await silent.textContent()) ?? '';
      expect(text).toContain(`pid ${second.pid}`);
      const heard = /heard from (\d+) s ago/.exec(text);
      expect(heard, text).not.toBeNull();
      expect(Number(heard?.[1])).toBeGreaterThanOrEqual(2);
      expect(await page.locator('.workers-heading').textContent()).toContain('0 alive, 1 silent');
      expect(await page.locator('li.worker').count()).toBe(1);
      await expectAccessible(page, 1440);
    });
    const { workers } = await api<{ workers: ApiWorker[] }>(session, '/api/workers');
    expect(workers.map((w) => [w.pid, w.alive])).toEqual([[second.pid, false]]);
  }, 60_000);
});

describe('web catalog: no workers on DuckDB', () => {
  let session: CatalogSession;

  beforeAll(async () => {
    session = await serveCatalog(writePeople().dir);
  }, 60_000);

  afterAll(async () => {
    await session.close();
  });

  it('says in a sentence that runs build in the process that starts them', async () => {
    expect(await api<{ workers: ApiWorker[] }>(session, '/api/workers')).toEqual({ workers: [] });
    await onRunsPage(
      session,
      async (page) => {
        const none = page.locator('section.workers .workers-none');
        await none.waitFor({ timeout: 20_000 });
        expect(await none.textContent()).toBe('No workers: runs build in the process that starts them.');
        expect(await page.locator('li.worker').count()).toBe(0);
        await expectAccessible(page, PHONE.width);
      },
      PHONE,
    );
  }, 60_000);
});
