/**
 * `tessera worker` on a real PostgreSQL server, as real child processes: a run spread over
 * workers publishes what a local run publishes; workers SIGKILLed mid-node at random
 * moments have their nodes leased again, and consumers only ever read audited versions; a
 * lease that expires is taken over (attempt 2) and the stalled worker's late outcome is
 * refused; on DuckDB the command refuses to start. The children run bin/tessera.js, which
 * loads dist/: `npx tsc -p tsconfig.build.json` first.
 *
 * Reproduce a kill sequence with the seed it prints: TESSERA_WORKERS_SEED=<seed> npx vitest run test/workers-postgres.test.ts
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCoordinator, runAliveSql, type RunSummary } from '../src/runner/index.js';
import { LeaseStore, MAX_ATTEMPTS } from '../src/state/index.js';
import { openWarehouse } from '../src/warehouse/index.js';
import { startPostgres, type PostgresServer } from './support/postgres-server.js';
import { runChild } from './support/run-child.js';
import { runCli } from './support/run-cli.js';
import { expectedPort, PRODUCT_NAMES, writeWorkersMesh, type WorkersMesh } from './support/workers-mesh.js';

const BIN = fileURLToPath(new URL('../bin/tessera.js', import.meta.url));
const LEASE = '2s';

let server: PostgresServer;
const children = new Set<Worker>();
const meshes: WorkersMesh[] = [];

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);

afterAll(async () => {
  for (const worker of children) worker.child.kill('SIGKILL');
  await server.stop();
  for (const mesh of meshes) mesh.cleanup();
});

interface Worker {
  readonly child: ChildProcessWithoutNullStreams;
  readonly pid: number;
  /** Resolves once the worker is registered and leasing. */
  readonly ready: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isReady(): boolean;
  output(): string;
}

function startWorker(dir: string, env: Record<string, string>, lease = LEASE): Worker {
  const child = spawn(process.execPath, [BIN, 'worker', '--dir', dir, '--lease', lease, '--concurrency', '1'], { env: { ...process.env, ...env, CI: '1' } });
  let output = '';
  let isReady = false;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve)).then(() => {
    isReady = true;
  });
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
  const worker: Worker = { child, pid: child.pid ?? 0, ready, exited, isReady: () => isReady && child.exitCode === null && child.signalCode === null, output: () => output };
  children.add(worker);
  return worker;
}

/** A database and a mesh on it, the URL in an environment variable of its own (children inherit it). */
async function meshOn(database: string, options: Parameters<typeof writeWorkersMesh>[1] = {}): Promise<{ mesh: WorkersMesh; env: Record<string, string>; sql: (text: string) => Promise<pg.QueryResultRow[]> }> {
  const variable = `TESSERA_WORKERS_${database.toUpperCase()}`;
  const url = await server.createDatabase(database);
  process.env[variable] = url;
  const mesh = writeWorkersMesh(variable, options);
  meshes.push(mesh);
  return { mesh, env: { [variable]: url }, sql: (text) => server.sql(text, database) };
}

async function run(dir: string, ...flags: string[]): Promise<RunSummary> {
  const result = await runCli(['run', '--dir', dir, '--json', ...flags]);
  expect(result.stdout, result.stderr).toMatch(/^\{/);
  return JSON.parse(result.stdout) as RunSummary;
}

/** Who leased each node of a run, from the queue. */
async function leasesOf(sql: (text: string) => Promise<pg.QueryResultRow[]>, runId: number): Promise<{ node_id: string; status: string; worker: string; attempts: number }[]> {
  return (await sql(`SELECT node_id, status, worker, attempts FROM tessera_state.node_leases WHERE run_id = ${runId} ORDER BY node_id`)) as { node_id: string; status: string; worker: string; attempts: number }[];
}

const pidOf = (workerId: string): number => Number(workerId.split(':').at(-2));

async function until<T>(probe: () => Promise<T | undefined>, what: string, limitMs = 20_000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** `tessera run` as a child process, sent `signal` once a worker has leased one of its nodes. */
function runSignalledOnLease(dir: string, sql: (text: string) => Promise<pg.QueryResultRow[]>, signal: NodeJS.Signals): ReturnType<typeof runChild> {
  return runChild(['run', '--dir', dir, '--json'], (child) => {
    const leased = async (): Promise<true | undefined> => ((await sql(`SELECT 1 FROM tessera_state.node_leases WHERE status = 'leased'`).catch(() => [])).length > 0 ? true : undefined);
    void until(leased, 'a leased node').then(() => child.kill(signal));
  });
}

describe('tessera worker on PostgreSQL', () => {
  it('spreads a run over two workers, which publish the rows a local run publishes', async () => {
    const spread = await meshOn('spread', { products: 4, sleep: 0.2 });
    const local = await meshOn('spread_local', { products: 4, sleep: 0.2 });

    // No worker is alive yet: --workers refuses to start, and says what to do.
    const refused = await runCli(['run', '--dir', spread.mesh.dir, '--workers']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/No `tessera worker` is alive on this warehouse.*--local/s);

    const workers = [startWorker(spread.mesh.dir, spread.env), startWorker(spread.mesh.dir, spread.env)];
    await Promise.all(workers.map((w) => w.ready));
    const summary = await run(spread.mesh.dir, '--workers');
    expect(summary.status).toBe('success');
    expect(summary.results.filter((r) => r.status === 'success')).toHaveLength(12);

    const leases = await leasesOf(spread.sql, summary.runId);
    expect(leases.map((l) => l.node_id).sort()).toEqual(summary.results.map((r) => r.nodeId).sort());
    expect(leases.every((l) => l.status === 'done' && l.attempts === 1)).toBe(true);
    const builders = new Set(leases.map((l) => pidOf(l.worker)));
    expect(builders).toEqual(new Set(workers.map((w) => w.pid)));

    // The catalog's view of the workers: both alive, nothing leased between runs.
    const { startServer } = await import('../src/server/index.js');
    const api = await startServer({ root: spread.mesh.dir, port: 0, logger: false, schedule: false });
    try {
      const answer = await api.app.inject({ method: 'GET', url: '/api/workers', headers: { authorization: `Bearer ${api.adminToken}` } });
      expect(answer.statusCode).toBe(200);
      const listed = answer.json<{ workers: { pid: number; alive: boolean; leases: unknown[] }[] }>().workers;
      expect(listed.map((w) => w.pid).sort()).toEqual(workers.map((w) => w.pid).sort());
      expect(listed.every((w) => w.alive && w.leases.length === 0)).toBe(true);
    } finally {
      await api.close();
    }

    const here = await run(local.mesh.dir, '--local');
    expect(here.status).toBe('success');
    expect(await local.sql(`SELECT to_regclass('tessera_state.node_leases') IS NULL AS none`)).toEqual([{ none: true }]);
    for (const product of PRODUCT_NAMES.slice(0, 4)) {
      const read = `SELECT id, label, amount FROM yard.${product}_items ORDER BY id`;
      const remote = await spread.sql(read);
      expect(remote).toHaveLength(expectedPort(product, 0).rows);
      expect(remote).toEqual(await local.sql(read));
    }

    // SIGTERM: a worker finishes what it builds and stops cleanly, saying what it did.
    for (const worker of workers) worker.child.kill('SIGTERM');
    for (const worker of workers) {
      expect((await worker.exited).code).toBe(0);
      expect(worker.output()).toMatch(/stopped: \d+ built, 0 failed, 0 outcome\(s\) discarded/);
    }
  }, 60_000);

  it('finishes runs on the other workers when workers are SIGKILLed mid-node, and consumers only read audited versions', async () => {
    const seed = Number(process.env.TESSERA_WORKERS_SEED ?? Date.now() % 1_000_000);
    let state = seed;
    const random = (): number => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    const products = PRODUCT_NAMES.slice(0, 6);
    const { mesh, env, sql } = await meshOn('kills', { products: products.length, sleep: 0.25 });
    const workers = new Set<Worker>();
    const spawnWorker = (): Worker => {
      const worker = startWorker(mesh.dir, env);
      workers.add(worker);
      void worker.exited.then(() => workers.delete(worker));
      return worker;
    };
    await Promise.all([spawnWorker(), spawnWorker(), spawnWorker(), spawnWorker()].map((w) => w.ready));

    // A consumer reading every port all along, as consumers read: one statement at a time, here with the port's current audited record.
    const reader = new pg.Client({ connectionString: server.urlOf('kills') });
    reader.on('error', () => undefined);
    await reader.connect();
    const unaudited: string[] = [];
    let reads = 0;
    let reading = true;
    const consumer = (async () => {
      while (reading) {
        for (const product of products) {
          const port = `yard.${product}_items`;
          const [exists] = (await reader.query(`SELECT to_regclass('${port}') IS NOT NULL AS yes`)).rows as { yes: boolean }[];
          if (!exists?.yes) continue;
          const [seen] = (
            await reader.query(`SELECT count(*)::int AS n, coalesce(max(id), 0)::int AS top, coalesce(sum(amount), 0)::bigint AS amount,
                (SELECT array_agg(row_count::int) FROM tessera_state.port_versions WHERE port = '${port}' AND is_current AND status = 'published') AS audited
              FROM ${port}`)
          ).rows as { n: number; top: number; amount: string; audited: number[] | null }[];
          const factor = PRODUCT_NAMES.indexOf(product) + 2;
          const whole = seen !== undefined && seen.n === seen.top && Number(seen.amount) === (factor * seen.n * (seen.n + 1)) / 2;
          if (!whole || seen.audited?.length !== 1 || seen.audited[0] !== seen.n) unaudited.push(`${port}: read ${JSON.stringify(seen)}`);
          reads++;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    let midNode = 0;
    let kills = 0;
    let portKills = 0;
    const started = Date.now();
    try {
      for (let generation = 1; midNode < 20 && Date.now() - started < 70_000; generation++) {
        mesh.write({ products: products.length, sleep: 0.25, generation });
        let finished = false;
        const isFinished = (): boolean => finished;
        const running = run(mesh.dir).finally(() => (finished = true));
        while (!isFinished()) {
          await new Promise((resolve) => setTimeout(resolve, 100 + random() * 400));
          // Never the last worker leasing: the run would have no one to finish on.
          const ready = [...workers].filter((w) => w.isReady());
          if (isFinished() || ready.length < 2) continue;
          // Mostly a worker caught building (not a node it already lost once: a node lost three times is given up, as
          // it may be what kills its workers), sometimes an idle one.
          const leased = (await sql(`SELECT worker, node_id, attempts FROM tessera_state.node_leases WHERE status = 'leased'`)) as { worker: string; node_id: string; attempts: number }[];
          const holds = (w: Worker, what: (l: (typeof leased)[number]) => boolean): boolean => leased.some((l) => pidOf(l.worker) === w.pid && what(l));
          const building = ready.filter((w) => holds(w, () => true) && !holds(w, (l) => l.attempts >= 2));
          // Until a port has been caught mid-publish, a worker building a port goes first.
          const publishing = portKills === 0 ? building.filter((w) => holds(w, (l) => l.node_id.startsWith('port:'))) : [];
          const idle = ready.filter((w) => !holds(w, () => true));
          const pool = publishing.length > 0 ? publishing : random() < 0.8 ? building : idle;
          const victim = pool[Math.floor(random() * pool.length)];
          if (!victim) continue;
          victim.child.kill('SIGKILL');
          await victim.exited;
          kills++;
          const stillHeld = (await sql(`SELECT node_id FROM tessera_state.node_leases WHERE status = 'leased' AND worker LIKE '%:${victim.pid}:%'`)) as { node_id: string }[];
          if (stillHeld.length > 0) midNode++;
          if (stillHeld.some((h) => h.node_id.startsWith('port:'))) portKills++;
          spawnWorker();
        }
        const summary = await running;
        // No run ends `success` with a node missing: every node built, every port at this generation's rows.
        expect(summary.status, `seed ${seed}, generation ${generation}: ${JSON.stringify(summary.results.filter((r) => r.status !== 'success'))}`).toBe('success');
        expect(summary.results.filter((r) => r.status === 'success')).toHaveLength(products.length * 3);
        for (const product of products) {
          const [content] = (await sql(`SELECT count(*)::int AS rows, sum(amount)::bigint AS amount FROM yard.${product}_items`)) as { rows: number; amount: string }[];
          expect({ rows: content?.rows, amount: Number(content?.amount) }, `seed ${seed}, generation ${generation}, ${product}`).toEqual(expectedPort(product, generation));
        }
        const retried = (await leasesOf(sql, summary.runId)).filter((l) => l.attempts > 1);
        expect(retried.every((l) => l.status === 'done')).toBe(true);
      }
    } finally {
      reading = false;
      await consumer.catch(() => undefined);
      await reader.end().catch(() => undefined);
    }
    expect(midNode, `seed ${seed}: ${kills} kills`).toBeGreaterThanOrEqual(20);
    // A port node killed mid-publish was leased again and published a clean version (its generation's rows, above), leaving
    // no version table that no record publishes.
    expect(portKills, `seed ${seed}`).toBeGreaterThan(0);
    const kept = await sql(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'tessera_versions' EXCEPT SELECT table_name FROM tessera_state.port_versions WHERE status = 'published'`);
    expect(kept, `seed ${seed}`).toEqual([]);
    expect(reads).toBeGreaterThan(0);
    expect(unaudited, `seed ${seed}`).toEqual([]);
    // A worker started a moment ago takes SIGTERM once it has its handler (when it leases).
    await Promise.all([...workers].map((w) => w.ready));
    for (const worker of [...workers]) worker.child.kill('SIGTERM');
    for (const worker of [...workers]) expect((await worker.exited).code).toBe(0);
  }, 120_000);

  it('leases a node again when its lease expires, and refuses the stalled worker\'s late outcome', async () => {
    const { mesh, env, sql } = await meshOn('expiry', { products: 2, sleep: 0.05, slow: { product: 'alpha', sleep: 3.5 } });
    const first = startWorker(mesh.dir, env);
    await first.ready;
    const running = run(mesh.dir);
    await until(async () => {
      const rows = await sql(`SELECT 1 FROM tessera_state.node_leases WHERE node_id = 'model:yard.alpha.alpha_base' AND status = 'leased' AND worker LIKE '%:${first.pid}:%'`);
      return rows.length > 0 ? true : undefined;
    }, 'the first worker to lease the slow node');
    // Frozen mid-node: no heartbeat, so its lease runs out, but its process is alive.
    first.child.kill('SIGSTOP');
    const second = startWorker(mesh.dir, env);
    const summary = await running;
    expect(summary.status).toBe('success');
    const slow = (await leasesOf(sql, summary.runId)).find((l) => l.node_id === 'model:yard.alpha.alpha_base');
    expect(slow).toMatchObject({ status: 'done', attempts: 2 });
    expect(pidOf(slow?.worker ?? '')).toBe(second.pid);
    const [content] = (await sql('SELECT count(*)::int AS rows, sum(amount)::bigint AS amount FROM yard.alpha_items')) as { rows: number; amount: string }[];
    expect({ rows: content?.rows, amount: Number(content?.amount) }).toEqual(expectedPort('alpha', 0));

    first.child.kill('SIGCONT');
    await until(() => Promise.resolve(first.output().includes('the lease passed to another worker') ? true : undefined), 'the thawed worker to find its lease gone');
    expect(first.output()).toMatch(/! run \d+ model:yard\.alpha\.alpha_base: the lease passed to another worker meanwhile; this outcome is discarded\./);
    for (const worker of [first, second]) worker.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    expect(first.output()).toMatch(/\d+ built, 0 failed, 1 outcome\(s\) discarded/);
    expect((await second.exited).code).toBe(0);
    // Nothing is left leased or queued once the run is over.
    expect(await sql(`SELECT node_id FROM tessera_state.node_leases WHERE status IN ('ready', 'leased')`)).toEqual([]);
  }, 60_000);

  it('stops a spread run on SIGINT: the leased node finishes, what no worker leased is taken back and never starts', async () => {
    const { mesh, env, sql } = await meshOn('abort', { products: 3, sleep: 1 });
    const worker = startWorker(mesh.dir, env);
    await worker.ready;
    const stopped = await runSignalledOnLease(mesh.dir, sql, 'SIGINT');
    expect(stopped.code, stopped.stderr).toBe(130);
    const summary = JSON.parse(stopped.stdout) as RunSummary;
    expect(summary.stopped).toMatchObject({ reason: 'SIGINT', abandoned: true });
    const leases = await leasesOf(sql, summary.runId);
    // The node leased when the signal came was built and recorded; nothing of the run is left queued.
    expect(leases.length).toBeGreaterThan(0);
    expect(leases.every((l) => l.status === 'done')).toBe(true);
    const built = summary.results.filter((r) => r.status === 'success').map((r) => r.nodeId).sort();
    expect(built).toEqual(leases.map((l) => l.node_id).sort());
    expect(summary.results.filter((r) => r.error?.code === 'run/stopped')).toHaveLength(9 - built.length);
    expect(await sql(`SELECT status FROM tessera_state.runs WHERE id = ${summary.runId}`)).toEqual([{ status: 'abandoned' }]);
    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
  }, 60_000);

  it('leaves the queued nodes of a run whose process died unbuilt, and the next run clears them', async () => {
    const { mesh, env, sql } = await meshOn('orphans', { products: 3, sleep: 0.5 });
    const worker = startWorker(mesh.dir, env);
    await worker.ready;
    const killed = await runSignalledOnLease(mesh.dir, sql, 'SIGKILL');
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    // The node leased at the kill is built; the two queued behind it belong to no live run: no worker takes them.
    await until(async () => ((await sql(`SELECT 1 FROM tessera_state.node_leases WHERE status = 'done'`)).length > 0 ? true : undefined), 'the leased node to finish');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const left = (await sql(`SELECT status, count(*)::int AS n FROM tessera_state.node_leases GROUP BY status ORDER BY status`)) as { status: string; n: number }[];
    expect(left).toEqual([{ status: 'done', n: 1 }, { status: 'ready', n: 2 }]);
    const next = await run(mesh.dir);
    expect(next.status).toBe('success');
    expect(await sql(`SELECT run_id FROM tessera_state.node_leases WHERE status IN ('ready', 'leased')`)).toEqual([]);
    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
  }, 60_000);

  it('builds only the run\'s version of a node: a worker whose copy of the mesh differs fails that node and says so', async () => {
    const { mesh, env } = await meshOn('differs', { products: 2, sleep: 0.05 });
    const copy = writeWorkersMesh(Object.keys(env)[0] ?? '', { products: 2, sleep: 0.05 });
    meshes.push(copy);
    writeFileSync(join(copy.dir, 'products/yard/alpha/models/alpha_base.sql'), 'select 1 as id, \'stale\' as label, 1 as amount\n');
    const worker = startWorker(copy.dir, env);
    await worker.ready;
    const summary = await run(mesh.dir, '--workers');
    expect(summary.status).toBe('failed');
    const stale = summary.results.find((r) => r.nodeId === 'model:yard.alpha.alpha_base');
    expect(stale?.error?.code).toBe('worker/mesh-differs');
    expect(stale?.error?.message).toContain(`(pid ${worker.pid}) has a different version of model:yard.alpha.alpha_base`);
    // The nodes both copies agree on were built.
    expect(summary.results.filter((r) => r.product === 'yard.beta').every((r) => r.status === 'success')).toBe(true);
    worker.child.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
  }, 60_000);

  it('refuses to start on a DuckDB mesh, in one line, with exit 2', async () => {
    const { mesh } = await meshOn('duck');
    writeFileSync(join(mesh.dir, 'tessera.yaml'), 'name: yardwork\n');
    const worker = await runChild(['worker', '--dir', mesh.dir]);
    expect(worker.code).toBe(2);
    const lines = worker.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: workers need a shared PostgreSQL warehouse .*tessera\.yaml.*embedded DuckDB file/);
    const required = await runChild(['run', '--dir', mesh.dir, '--workers']);
    expect(required.code).toBe(2);
    expect(required.stderr).toMatch(/--workers needs a shared PostgreSQL warehouse/);
  }, 30_000);
});

describe('the node queue (tessera_state.node_leases)', () => {
  it('gives a node up after its leases expire MAX_ATTEMPTS times, refuses stale outcomes, and never leases a dead run\'s nodes', async () => {
    const warehouse = await openWarehouse({ type: 'postgres', url: await server.createDatabase('queue') });
    const coordinator = await openCoordinator(warehouse);
    const session = await warehouse.connect();
    try {
      const store = new LeaseStore(session, warehouse.dialect, runAliveSql);
      await store.migrate();
      await coordinator.claimRun(7);
      // No worker has a heartbeat: what the run queues would wait for ever, and the run is told.
      await store.enqueue(7, [{ nodeId: 'model:a.b.c', digest: 'd1' }], { now: '2026-12-06T00:00:00.000Z', fullRefresh: false });
      expect(await store.stranded(7)).toBe(true);
      await store.register({ id: 'w1', host: 'h', pid: 1, concurrency: 1, leaseMs: 300 });
      expect(await store.stranded(7)).toBe(false);

      const leases = [];
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const lease = await until(() => store.lease(`w${attempt}`, 300), `lease ${attempt}`);
        expect(lease).toMatchObject({ runId: 7, nodeId: 'model:a.b.c', attempt, digest: 'd1', context: { fullRefresh: false } });
        // Held: no one else gets it until it expires.
        expect(await store.lease('other', 300)).toBeUndefined();
        // The publish fence: the holder may publish, a worker whose lease passed on may not.
        expect(await warehouse.transaction((tx) => store.holds(tx, `w${attempt}`, lease))).toBe(true);
        for (const previous of leases) expect(await warehouse.transaction((tx) => store.holds(tx, `w${previous.attempt}`, previous))).toBe(false);
        leases.push(lease);
      }
      // The lease passed on: the first worker's outcome is not the node's.
      const [first] = leases;
      expect(first && (await store.complete('w1', first, 'done', { ok: true }))).toBe(false);
      // Lost three times: never leased again, and the run hears it failed with no outcome.
      const settled = await until(async () => {
        const found = await store.settled(7);
        return found.length > 0 ? found : undefined;
      }, 'the node to be given up');
      expect(settled).toEqual([{ nodeId: 'model:a.b.c', status: 'failed', worker: `w${MAX_ATTEMPTS}`, attempts: MAX_ATTEMPTS }]);
      expect(await store.lease('other', 300)).toBeUndefined();
      expect(await store.settled(7)).toEqual([]);

      // Run 8 is claimed by no process: its nodes stay queued for no one, and pruning removes them.
      await store.enqueue(8, [{ nodeId: 'model:a.b.d', digest: 'd2' }], { now: '2026-12-06T00:00:00.000Z', fullRefresh: false });
      expect(await store.lease('w1', 300)).toBeUndefined();
      await store.prune();
      expect(await server.sql(`SELECT run_id, status FROM tessera_state.node_leases ORDER BY run_id`, 'queue')).toEqual([{ run_id: 7, status: 'failed' }]);
    } finally {
      await session.close();
      await coordinator.release();
      await warehouse.close();
    }
  }, 30_000);
});
