// The alerting benchmark (see bench/README.md), on dist/ (`npm run build` first):
//   (a) delivery: 1,000 incidents over 50 teams, recorded at a steady pace while the delivery
//       loop runs, against a local receiver where 10% of requests fail (500) or time out:
//       zero silently dropped (every notification delivered, or a visible dead letter), and
//       the p50/p99 time from the incident's commit to its delivery (first attempts only:
//       retries excluded);
//   (b) cost: runs of a 1,000-product mesh with alerting (record the run's events, deliver
//       to files) against the same runs without; target <= 2%.
//   node bench/alerts/run.js [--incidents 1000] [--teams 50] [--failure 0.1] [--runs 3] [--products 1000] [--skip-delivery] [--skip-cost]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeTrivialMesh } from '../run/trivial-mesh.js';
import { printTable } from '../table.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WORK = join(ROOT, 'bench/.work/alerts');
const dist = (path) => import(join(ROOT, 'dist', path));

const { values: opts } = parseArgs({
  options: {
    incidents: { type: 'string', default: '1000' },
    teams: { type: 'string', default: '50' },
    failure: { type: 'string', default: '0.1' },
    runs: { type: 'string', default: '3' },
    products: { type: 'string', default: '1000' },
    'skip-delivery': { type: 'boolean', default: false },
    'skip-cost': { type: 'boolean', default: false },
  },
});

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const median = (values) => percentile(values, 50);

function write(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

async function receiver(failure) {
  const arrivals = new Map();
  let requests = 0;
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      requests++;
      const roll = Math.random();
      if (roll < failure / 2) return response.writeHead(500).end('bench failure');
      if (roll < failure) return; // never answers: the sender times out
      const key = request.headers['idempotency-key'];
      if (!arrivals.has(key)) arrivals.set(key, Date.now());
      response.writeHead(200).end('ok');
    });
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${server.address().port}`, arrivals, requests: () => requests, close: () => { server.closeAllConnections(); return new Promise((done) => server.close(done)); } };
}

async function delivery() {
  const incidents = Number(opts.incidents);
  const teams = Number(opts.teams);
  const dir = join(WORK, 'delivery');
  rmSync(dir, { recursive: true, force: true });
  const hook = await receiver(Number(opts.failure));
  const env = {};
  const teamYaml = [];
  for (let t = 0; t < teams; t++) {
    env[`BENCH_HOOK_${t}`] = `${hook.url}/team-${t}`;
    teamYaml.push(`  - id: team-${t}\n    name: Team ${t}\n    domains: [d${t}]\n    channels:\n      - { type: webhook, url_env: BENCH_HOOK_${t} }`);
  }
  write(join(dir, 'tessera.yaml'), 'name: alerts_bench\n');
  write(join(dir, 'teams.yaml'), `teams:\n${teamYaml.join('\n')}\n`);
  write(join(dir, 'products/d0/p/product.yaml'), 'name: p\ndomain: d0\nowner: team-0\nkind: source-aligned\nports:\n  - name: p\n    columns: [{ name: x, type: INTEGER }]\n');
  write(join(dir, 'products/d0/p/models/p.sql'), 'select 1 as x\n');
  const { openMesh } = await dist('workspace/index.js');
  const { openMeshWarehouse } = await dist('runner/index.js');
  const { openAlerts } = await dist('alerts/index.js');
  const opened = await openMesh(dir);
  const { warehouse, release } = await openMeshWarehouse(dir, opened.mesh.spec, { command: 'bench' });
  const alerts = await openAlerts(warehouse, { root: dir, env, timeoutMs: 500, backoffMs: 100, maxBackoffMs: 1000, maxAttempts: 10, parallelChannels: 16, mesh: () => opened.mesh });
  alerts.deliverer.start(50);
  const started = performance.now();
  const pace = 2; // ms between incidents: 500 a second
  for (let i = 0; i < incidents; i++) {
    const team = i % teams;
    const event = { kind: 'audit-failed', severity: 'critical', product: `d${team}.p${i}`, team: `team-${team}`, node: `port:d${team}.t${i}`, check: 'row_count > 0', runId: i, title: `d${team}.t${i} not published`, message: 'row_count is 0' };
    await alerts.recorder.record(opened.mesh, opened.graph, { events: [event], passed: [], attachments: [] }, `run:${i}`);
    alerts.deliverer.poke();
    const due = started + (i + 1) * pace - performance.now();
    if (due > 0) await new Promise((done) => setTimeout(done, due));
  }
  const recordedMs = performance.now() - started;
  const deadline = Date.now() + 120_000;
  let rows = await alerts.store.outbox({ limit: 100_000 });
  while (rows.some((r) => r.status === 'pending') && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 200));
    rows = await alerts.store.outbox({ limit: 100_000 });
  }
  await alerts.close();
  await release();
  await hook.close();
  const delivered = rows.filter((r) => r.status === 'delivered');
  const dead = rows.filter((r) => r.status === 'dead');
  const pending = rows.filter((r) => r.status === 'pending');
  const arrived = rows.filter((r) => hook.arrivals.has(r.key));
  const silentlyDropped = rows.filter((r) => r.status !== 'dead' && !hook.arrivals.has(r.key)).length;
  const latencies = delivered.filter((r) => r.attempts === 1 && hook.arrivals.has(r.key)).map((r) => hook.arrivals.get(r.key) - Date.parse(r.createdAt));
  const retried = delivered.filter((r) => r.attempts > 1).length;
  printTable([
    ['delivery', 'value'],
    ['incidents / teams', `${incidents} / ${teams}`],
    ['notifications (outbox rows)', String(rows.length)],
    ['recorded in', `${(recordedMs / 1000).toFixed(1)} s (${((recordedMs / incidents)).toFixed(1)} ms each, paced at ${pace} ms)`],
    ['receiver requests', `${hook.requests()} (${(Number(opts.failure) * 100).toFixed(0)}% failing or timing out)`],
    ['delivered / dead / pending', `${delivered.length} / ${dead.length} / ${pending.length}`],
    ['arrived at the receiver', String(arrived.length)],
    ['delivered after retries', String(retried)],
    ['silently dropped', String(silentlyDropped)],
    ['event → delivered p50 (first attempts)', `${median(latencies).toFixed(0)} ms`],
    ['event → delivered p99 (first attempts)', `${percentile(latencies, 99).toFixed(0)} ms`],
  ]);
  return { silentlyDropped, p99: percentile(latencies, 99) };
}

async function cost() {
  const products = Number(opts.products);
  const runs = Number(opts.runs);
  const dir = join(WORK, 'cost');
  writeTrivialMesh(dir, { models: products, products });
  write(join(dir, 'teams.yaml'), 'teams:\n  - id: team_1\n    name: Team 1\n    domains: [bench]\n    channels:\n      - { type: file, path: .tessera/alerts/team_1.log }\n');
  const { openMesh } = await dist('workspace/index.js');
  const { openMeshWarehouse, openState, runMesh } = await dist('runner/index.js');
  const { openAlerts, runFacts, lastPublishedOf } = await dist('alerts/index.js');
  const opened = await openMesh(dir);
  if (!opened.mesh) throw new Error(JSON.stringify(opened.diagnostics.slice(0, 3)));
  const { warehouse, release } = await openMeshWarehouse(dir, opened.mesh.spec, { command: 'bench' });
  const off = [];
  const on = [];
  const alerting = [];
  // One warm-up run, then alternate so that drift hits both sides alike.
  await runMesh({ root: dir, mesh: opened.mesh, graph: opened.graph, warehouse });
  for (let i = 0; i < runs; i++) {
    for (const withAlerts of [false, true]) {
      const t0 = performance.now();
      const summary = await runMesh({ root: dir, mesh: opened.mesh, graph: opened.graph, warehouse });
      const t1 = performance.now();
      if (withAlerts) {
        const state = await openState(warehouse);
        const alerts = await openAlerts(warehouse, { root: dir, env: {}, only: ['file'] });
        await alerts.recorder.recordRun(opened.mesh, opened.graph, runFacts(summary, await state.checkResults(summary.runId)), new Date(), lastPublishedOf(await state.portVersions()));
        await alerts.deliverer.flush();
        await alerts.close();
        const t2 = performance.now();
        on.push(t2 - t0);
        alerting.push(t2 - t1);
      } else off.push(t1 - t0);
    }
  }
  await release();
  const ratio = median(on) / median(off);
  printTable([
    ['cost', 'value'],
    ['mesh', `${products} products, ${opened.graph.nodes.size} nodes`],
    ['run without alerting (median)', `${(median(off) / 1000).toFixed(2)} s`],
    ['run with alerting (median)', `${(median(on) / 1000).toFixed(2)} s`],
    ['alerting itself (median)', `${median(alerting).toFixed(0)} ms`],
    ['alerting / run (target <= 2%)', `${((median(alerting) / median(off)) * 100).toFixed(2)}%`],
    ['ratio of the medians (noisy on a shared machine)', ratio.toFixed(3)],
  ]);
  return { ratio, alertingMs: median(alerting), offMs: median(off) };
}

if (!opts['skip-delivery']) await delivery();
if (!opts['skip-cost']) await cost();
