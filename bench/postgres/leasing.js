// What spreading a run over `tessera worker` processes costs per node (see bench/README.md,
// bench/postgres): the same mesh of trivial models on PostgreSQL, built by `tessera run
// --local --threads 3` (nodes built in the run's own process) and by `tessera run --workers`
// with 3 workers of one slot each (every node queued, leased with SKIP LOCKED, built by a
// worker, its outcome handed back). Target: at most 5 ms more per node. Medians of --runs.
//   node bench/postgres/leasing.js [--models 1000] [--runs 3]
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from '../compile/measure.js';
import { writeTrivialMesh } from '../run/trivial-mesh.js';
import { printTable } from '../table.js';
import { startPostgres } from './server.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin/tessera.js');
const WORK = join(ROOT, 'bench/.work/leasing');
const WORKERS = 3;
const TARGET_MS = 5;

const { values: opts } = parseArgs({ options: { models: { type: 'string', default: '1000' }, runs: { type: 'string', default: '3' } } });
const models = Number(opts.models);
const runs = Number(opts.runs);
if (!Number.isInteger(models) || models < 10 || !Number.isInteger(runs) || runs < 1) throw new Error('--models (at least 10) and --runs take whole numbers');
const log = (message) => process.stderr.write(`${message}\n`);

/** The trivial mesh, on the database in $BENCH_LEASING_URL. */
function writeMesh(dir) {
  const shape = writeTrivialMesh(dir, { models });
  writeFileSync(join(dir, 'tessera.yaml'), 'name: leasing_bench\nwarehouse: { type: postgres, url_env: BENCH_LEASING_URL }\n');
  return shape;
}

function tessera(args, url) {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, BENCH_LEASING_URL: url, CI: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`tessera ${args.join(' ')} exited ${code}:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
      const summary = JSON.parse(stdout);
      if (summary.status !== 'success') return fail(new Error(`run ${summary.runId} did not succeed: ${JSON.stringify(summary.results.filter((r) => r.status !== 'success').slice(0, 3))}`));
      done({ wall: performance.now() - t0, run: summary.milliseconds, nodes: summary.nodes });
    });
  });
}

function startWorker(dir, url) {
  const child = spawn(process.execPath, [BIN, 'worker', '--dir', dir, '--concurrency', '1'], { env: { ...process.env, BENCH_LEASING_URL: url, CI: '1' } });
  let output = '';
  const ready = new Promise((done, fail) => {
    child.stderr.on('data', (c) => {
      output += c;
      if (output.includes('builds nodes of runs')) done();
    });
    child.on('close', (code) => fail(new Error(`worker exited ${code}: ${output.slice(-2000)}`)));
  });
  const exited = new Promise((done) => child.on('close', (code) => done(code)));
  return { child, ready, exited, output: () => output };
}

const server = await startPostgres();
const workers = [];
try {
  const localDir = join(WORK, 'local');
  const spreadDir = join(WORK, 'spread');
  const shape = writeMesh(localDir);
  writeMesh(spreadDir);
  const localUrl = await server.createDatabase('local');
  const spreadUrl = await server.createDatabase('spread');
  log(`PostgreSQL ${server.version}; ${shape.models} models + ${shape.ports} ports in ${shape.products} products; ${cpus().length} cores; ${runs} run(s) each`);
  for (let i = 0; i < WORKERS; i++) workers.push(startWorker(spreadDir, spreadUrl));
  await Promise.all(workers.map((w) => w.ready));
  // The first run of each creates every table; the timed runs rebuild them (ports come out unchanged).
  log('warming up: one run each');
  await tessera(['run', '--dir', localDir, '--json', '--local', '--threads', String(WORKERS)], localUrl);
  await tessera(['run', '--dir', spreadDir, '--json', '--workers'], spreadUrl);
  const local = [];
  const spread = [];
  for (let i = 0; i < runs; i++) {
    local.push(await tessera(['run', '--dir', localDir, '--json', '--local', '--threads', String(WORKERS)], localUrl));
    spread.push(await tessera(['run', '--dir', spreadDir, '--json', '--workers'], spreadUrl));
    log(`run ${i + 1}: local ${(local.at(-1).run / 1000).toFixed(2)} s, over workers ${(spread.at(-1).run / 1000).toFixed(2)} s`);
  }
  const nodes = local[0].nodes;
  const m = { local: median(local.map((r) => r.run)), spread: median(spread.map((r) => r.run)), localWall: median(local.map((r) => r.wall)), spreadWall: median(spread.map((r) => r.wall)) };
  const perNode = (m.spread - m.local) / nodes;
  printTable([
    ['what', 'median run', 'median wall', 'per node'],
    [`tessera run --local --threads ${WORKERS}`, `${(m.local / 1000).toFixed(3)} s`, `${(m.localWall / 1000).toFixed(3)} s`, `${(m.local / nodes).toFixed(2)} ms`],
    [`tessera run --workers (${WORKERS} workers)`, `${(m.spread / 1000).toFixed(3)} s`, `${(m.spreadWall / 1000).toFixed(3)} s`, `${(m.spread / nodes).toFixed(2)} ms`],
  ]);
  console.log(`\n${nodes} nodes; ratio (workers / local) ${(m.spread / m.local).toFixed(2)}; leasing adds ${perNode.toFixed(2)} ms per node (target <= ${TARGET_MS} ms): ${perNode <= TARGET_MS ? 'met' : 'NOT met'}`);
} finally {
  for (const w of workers) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
  server.stop();
}
