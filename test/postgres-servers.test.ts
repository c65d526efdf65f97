/**
 * Several processes over one real PostgreSQL warehouse: runs of disjoint products at
 * once, a product never built by two runs at once, a burst of triggers over two servers
 * giving one run, and the schedules fired by one server at a time, taken over when it dies.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server/index.js';
import { startPostgres, type PostgresServer } from './support/postgres-server.js';
import { runCli } from './support/run-cli.js';

const VARIABLE = 'TESSERA_SERVERS_TEST_URL';
let pgServer: PostgresServer;
let dir: string;

/** Two products whose one model sleeps, so that runs overlap for long enough to meet. */
function slowProduct(domain: string): Record<string, string> {
  return {
    [`products/${domain}/slow/product.yaml`]: `name: slow
domain: ${domain}
owner: ops
kind: source-aligned
ports:
  - name: slow
    access: public
    columns:
      - { name: id, type: INTEGER, required: true }
`,
    [`products/${domain}/slow/models/slow.sql`]: 'select 1 as id from (select pg_sleep(2)) as waited\n',
  };
}

function writeMesh(root: string): void {
  const files: Record<string, string> = {
    'tessera.yaml': `name: servers_mesh\nwarehouse: { type: postgres, url_env: ${VARIABLE} }\n`,
    'teams.yaml': 'teams:\n  - id: ops\n    name: Ops\n    domains: [alpha, beta]\n',
    ...slowProduct('alpha'),
    ...slowProduct('beta'),
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

async function runCount(): Promise<number> {
  const [row] = await pgServer.sql(`SELECT count(*) AS n FROM tessera_state.runs WHERE kind = 'run'`, 'warehouse');
  return Number(row?.n);
}

beforeAll(async () => {
  pgServer = await startPostgres();
  process.env[VARIABLE] = await pgServer.createDatabase('warehouse');
  dir = mkdtempSync(join(tmpdir(), 'tessera-servers-'));
  writeMesh(dir);
}, 60_000);

afterAll(async () => {
  Reflect.deleteProperty(process.env, VARIABLE);
  await pgServer.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('state migrations', () => {
  it('are applied once when several processes start together on a fresh database', async () => {
    const { openWarehouse } = await import('../src/warehouse/index.js');
    const { openState } = await import('../src/runner/index.js');
    const url = await pgServer.createDatabase('fresh');
    const warehouses = await Promise.all(Array.from({ length: 6 }, () => openWarehouse({ type: 'postgres', url })));
    try {
      // Six processes' worth of sessions, each migrating at the same moment: all succeed.
      await Promise.all(warehouses.map((w) => openState(w)));
      const applied = await pgServer.sql('SELECT version, count(*) AS n FROM tessera_state.migrations GROUP BY version ORDER BY version', 'fresh');
      expect(applied.map((r) => [Number(r.version), Number(r.n)])).toEqual([[1, 1], [2, 1], [3, 1]]);
    } finally {
      await Promise.all(warehouses.map((w) => w.close()));
    }
  }, 60_000);
});

describe('runs at once over one PostgreSQL warehouse', () => {
  it('builds disjoint selections at once, and refuses a second run of a product being built, naming the holder', async () => {
    const later = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
    const [alpha, beta, again] = await Promise.all([
      runCli(['run', '--select', 'alpha.slow', '--dir', dir]),
      runCli(['run', '--select', 'beta.slow', '--dir', dir]),
      later(1_000).then(() => runCli(['run', '--select', 'alpha.slow', '--dir', dir])),
    ]);
    expect(alpha.exitCode, alpha.stdout + alpha.stderr).toBe(0);
    expect(beta.exitCode, beta.stdout + beta.stderr).toBe(0);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/alpha\.slow: being built by run \d+, `tessera run --select alpha\.slow` \(pid \d+ on .+, since .+ UTC\)/);
    expect(again.stderr).toContain('hint: wait for that run to finish');
    // The two runs overlapped: each started before the other ended.
    const runs = await pgServer.sql(`SELECT started_at, finished_at, status FROM tessera_state.runs WHERE kind = 'run' ORDER BY id`, 'warehouse');
    expect((runs as { status: string }[]).map((r) => r.status)).toEqual(['success', 'success']);
    const [first, second] = runs as { started_at: Date; finished_at: Date }[];
    expect(first && second && first.started_at < second.finished_at && second.started_at < first.finished_at).toBe(true);
  }, 60_000);
});

describe('several servers over one PostgreSQL warehouse', () => {
  let one: RunningServer;
  let two: RunningServer;
  let secondRoot: string;

  beforeAll(async () => {
    // Two machines, two checkouts of the same mesh.
    secondRoot = mkdtempSync(join(tmpdir(), 'tessera-servers-b-'));
    cpSync(dir, secondRoot, { recursive: true, filter: (path) => !path.includes('.tessera') });
    one = await startServer({ root: dir, port: 0, logger: false, leaderRetryMs: 200 });
    two = await startServer({ root: secondRoot, port: 0, logger: false, leaderRetryMs: 200 });
  }, 60_000);

  afterAll(async () => {
    await one.close();
    await two.close();
    rmSync(secondRoot, { recursive: true, force: true });
  });

  it('lets exactly one of them fire the schedules, and one send the notifications', async () => {
    expect([one.leadsSchedules(), two.leadsSchedules()].sort()).toEqual([false, true]);
    const health = await Promise.all([one, two].map(async (s) => (await (await fetch(`${s.url}/healthz`)).json()) as { scheduler: string; alerts: string }));
    expect(health[1]?.scheduler).toBe(two.leadsSchedules() ? 'leader' : 'follower');
    expect(health.map((h) => h.alerts).sort()).toEqual(['follower', 'leader']);
  });

  it('turns fifty triggers of one product, spread over both servers, into one run', async () => {
    const before = await runCount();
    const trigger = async (server: RunningServer): Promise<string> => {
      const response = await fetch(`${server.url}/api/jobs`, { method: 'POST', headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'run', select: ['alpha.slow'] }) });
      expect(response.status).toBe(202);
      return ((await response.json()) as { id: string }).id;
    };
    const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => trigger(i % 2 === 0 ? one : two).then((id) => ({ server: i % 2 === 0 ? one : two, id }))));
    const finished = await Promise.all(
      [...new Map(ids.map((j) => [`${j.server.url} ${j.id}`, j])).values()].map(async ({ server, id }) => {
        for (;;) {
          const job = (await (await fetch(`${server.url}/api/jobs/${id}`, { headers: { authorization: `Bearer ${server.adminToken}` } })).json()) as { status: string; runId?: number; error?: string; log?: string[] };
          if (job.status !== 'queued' && job.status !== 'running') return job;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }),
    );
    expect(finished, JSON.stringify(finished.map((j) => [j.status, j.runId]))).toHaveLength(2);
    expect(finished.map((j) => j.status), JSON.stringify(finished)).toEqual(["success", "success"]);
    expect(new Set(finished.map((j) => j.runId)).size).toBe(1);
    expect(await runCount()).toBe(before + 1);
  }, 60_000);
});

describe('the schedules when their server dies', () => {
  it('are taken over by another server within about one retry interval', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tessera-servers-c-'));
    cpSync(dir, root, { recursive: true, filter: (path) => !path.includes('.tessera') });
    const child = spawn(process.execPath, ['bin/tessera.js', 'serve', '--dir', root, '--port', '0', '--leader-retry', '1'], { env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let follower: RunningServer | undefined;
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const match = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
          if (match) {
            clearInterval(timer);
            resolve(match[0]);
          } else if (child.exitCode !== null) {
            clearInterval(timer);
            reject(new Error(`the server stopped: ${output}`));
          }
        }, 50);
      });
      expect(((await (await fetch(`${url}/healthz`)).json()) as { scheduler: string }).scheduler).toBe('leader');
      follower = await startServer({ root: dir, port: 0, logger: false, leaderRetryMs: 200 });
      expect(follower.leadsSchedules()).toBe(false);
      child.kill('SIGKILL');
      const killedAt = Date.now();
      while (!follower.leadsSchedules() && Date.now() - killedAt < 20_000) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(follower.leadsSchedules()).toBe(true);
      // For the closing note, not asserted: how long the schedules had no leader.
      process.stderr.write(`scheduler takeover after SIGKILL: ${Date.now() - killedAt} ms\n`);
    } finally {
      child.kill('SIGKILL');
      await follower?.close();
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});
