// (a) `tessera run` of the grocery example on a PostgreSQL warehouse against the same work
// replayed directly through node-postgres (see bench/README.md, bench/postgres):
// target tessera wall / direct wall <= 1.05. Starts its own PostgreSQL (./server.js).
//   node bench/postgres/mesh.js [--scale 2550000] [--runs 1] [--seed 42] [--builds-only]
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { measure, median } from '../compile/measure.js';
import { printTable } from '../table.js';
import { startPostgres } from './server.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WORK = join(ROOT, 'bench/.work');
const BIN = join(ROOT, 'bin/tessera.js');
const RECORD = join(ROOT, 'bench/postgres/record.js');
const DIRECT = join(ROOT, 'bench/postgres/direct.js');
const GROCERY = join(ROOT, 'examples/grocery');
/** ~4.0 order lines per order: 2,550,000 orders give ~10.2M lines (as bench/run). */
const DEFAULT_SCALE = 2_550_000;
const MIN_ORDER_LINES = 10_000_000;
/** The example's ports check freshness: the data ends today (UTC), and is kept for the day. */
const AS_OF = new Date().toISOString().slice(0, 10);
const TARGET = 1.05;

const { values: opts } = parseArgs({
  options: {
    scale: { type: 'string', default: String(DEFAULT_SCALE) },
    // One repetition by default: at 10M order lines it takes ~11 minutes after a ~8-minute recording pass.
    runs: { type: 'string', default: '1' },
    seed: { type: 'string', default: '42' },
    'builds-only': { type: 'boolean', default: false },
  },
});
const scale = Number(opts.scale.replaceAll('_', ''));
const runs = Number(opts.runs);
const seed = Number(opts.seed);
for (const [name, value] of [['--scale', scale], ['--runs', runs], ['--seed', seed + 1]]) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: expected a whole number`);
}
const started = performance.now();
const log = (message) => process.stderr.write(`${message}\n`);
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const int = (n) => n.toLocaleString('en-US');

function fail(message, result) {
  log(`\n${message}`);
  if (result) log(`exit code ${result.code}\n--- stdout ---\n${result.stdout.slice(-3000)}\n--- stderr ---\n${result.stderr.slice(-3000)}`);
  process.exit(1);
}

/** `node args` with the mesh's PostgreSQL variant on `url`; wall time and stdout's JSON. */
async function node(label, args, url) {
  Object.assign(process.env, { TESSERA_CONFIG: 'tessera.postgres.yaml', TESSERA_WAREHOUSE_URL: url, CI: '1' });
  const result = await measure('node', args, { cwd: ROOT });
  if (result.code !== 0) fail(`${label} failed`, result);
  let report;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    fail(`${label}: stdout is not JSON`, result);
  }
  return { wallMs: result.seconds * 1000, maxRssKb: result.maxRssKb, report };
}

const fileHash = (path) => createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);

/** The example's YAML and SQL, and its data unless the same data is already there. */
async function prepare(meshDir) {
  mkdirSync(meshDir, { recursive: true });
  rmSync(join(meshDir, 'products'), { recursive: true, force: true });
  for (const name of ['tessera.yaml', 'tessera.postgres.yaml', 'teams.yaml', 'glossary.yaml', 'products']) cpSync(join(GROCERY, name), join(meshDir, name), { recursive: true });
  const stampFile = join(meshDir, 'data', 'bench-stamp.json');
  const key = { scale, seed, asOf: AS_OF, generator: fileHash(join(ROOT, 'dist/examples/grocery-data.js')) };
  const stamp = existsSync(stampFile) ? JSON.parse(readFileSync(stampFile, 'utf8')) : undefined;
  let files;
  if (stamp && JSON.stringify(stamp.key) === JSON.stringify(key)) {
    files = stamp.files;
    log(`[mesh] reusing the data in ${meshDir}/data (scale ${int(scale)}, seed ${seed}, as of ${AS_OF})`);
  } else {
    rmSync(stampFile, { force: true });
    log(`[mesh] generating data at scale ${int(scale)} (seed ${seed}, as of ${AS_OF}) ...`);
    const result = await measure('node', [BIN, 'example-data', '--dir', meshDir, '--scale', String(scale), '--seed', String(seed), '--as-of', AS_OF, '--json'], { cwd: ROOT });
    if (result.code !== 0) fail('example-data failed', result);
    files = JSON.parse(result.stdout).files;
    writeFileSync(stampFile, `${JSON.stringify({ key, generationMs: result.seconds * 1000, files }, null, 2)}\n`);
    log(`[mesh] generated ${files.length} files in ${seconds(result.seconds * 1000)}`);
  }
  const orderLines = files.filter((f) => f.path.includes('order_lines/')).reduce((sum, f) => sum + f.rows, 0);
  const rows = files.reduce((sum, f) => sum + f.rows, 0);
  if (orderLines < MIN_ORDER_LINES) log(`[mesh] note: ${int(orderLines)} order lines, fewer than the ${int(MIN_ORDER_LINES)} the target is set for`);
  return { orderLines, rows, bytes: files.reduce((sum, f) => sum + f.bytes, 0) };
}

const meshDir = join(WORK, scale === DEFAULT_SCALE ? 'pg-grocery' : `pg-grocery-${scale}`);
const statementsFile = `${meshDir}-statements.json`;
const data = await prepare(meshDir);
const server = await startPostgres();
// Stopped however the script ends: an error, `fail()`'s exit, Ctrl-C, a closed pipe.
let stopped = false;
const stopServer = () => {
  if (stopped) return;
  stopped = true;
  server.stop();
};
process.on('exit', stopServer);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(130));
let databases = 0;
/** A fresh database per sample; the previous sample's is dropped first (disk). */
let previous;
async function freshDatabase() {
  const admin = new pg.Client({ connectionString: server.urlOf('postgres') });
  await admin.connect();
  if (previous) await admin.query(`DROP DATABASE IF EXISTS "${previous}"`);
  await admin.end();
  previous = `bench_${++databases}`;
  return server.createDatabase(previous);
}

const results = {};
try {
  log(`[mesh] PostgreSQL ${server.version}; ${int(data.orderLines)} order lines, ${int(data.rows)} source rows, ${(data.bytes / 1e9).toFixed(2)} GB of files`);
  const rec = await node('record', [RECORD, '--dir', meshDir, '--out', statementsFile], await freshDatabase());
  log(`[mesh] recorded ${rec.report.loads} loads and ${int(rec.report.statements)} statements of ${rec.report.nodes} nodes in ${seconds(rec.wallMs)} (warm-up; one node at a time)`);

  const variants = [
    {
      name: 'tessera run (CLI)',
      run: async () => {
        const sample = await node('tessera run', [BIN, 'run', '--dir', meshDir, '--json'], await freshDatabase());
        if (sample.report.status !== 'success') fail(`tessera run: ${sample.report.status}: ${JSON.stringify(sample.report.results.filter((r) => r.status !== 'success').slice(0, 3))}`);
        const byKind = {};
        for (const r of sample.report.results) byKind[r.kind] = (byKind[r.kind] ?? 0) + r.durationMs;
        return { ...sample, buildMs: sample.report.milliseconds, byKind };
      },
    },
    {
      name: 'direct, 2 connections',
      run: async () => {
        const url = await freshDatabase();
        const sample = await node('direct', [DIRECT, '--statements', statementsFile, '--url', url, '--connections', '2'], url);
        return { ...sample, buildMs: sample.report.execMs, byKind: sample.report.byKind };
      },
    },
  ];
  if (opts['builds-only']) {
    variants.push({
      name: 'builds only (no queries), direct, 2 connections',
      run: async () => {
        const url = await freshDatabase();
        const sample = await node('direct', [DIRECT, '--statements', statementsFile, '--url', url, '--connections', '2', '--builds-only'], url);
        return { ...sample, buildMs: sample.report.execMs };
      },
    });
  }
  const samples = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(i + k) % variants.length];
      const load = loadavg()[0];
      const sample = { ...(await v.run()), load };
      samples[v.name].push(sample);
      log(`  ${i + 1}/${runs} ${v.name}: ${seconds(sample.wallMs)} (build part ${seconds(sample.buildMs)}), load ${load.toFixed(2)} before`);
    }
  }
  for (const [name, list] of Object.entries(samples)) {
    const wall = list.map((s) => s.wallMs);
    results[name] = { wall: { median: median(wall), min: Math.min(...wall), max: Math.max(...wall), samples: wall }, build: median(list.map((s) => s.buildMs)), byKind: Object.fromEntries(Object.keys(list[0].byKind ?? {}).map((k) => [k, median(list.map((s) => s.byKind?.[k] ?? 0))])), maxRssKb: Math.max(...list.map((s) => s.maxRssKb)), loadBefore: list.map((s) => Number(s.load.toFixed(2))) };
  }
} finally {
  stopServer();
}

const tessera = results['tessera run (CLI)'];
const direct = results['direct, 2 connections'];
console.log(`(a) grocery mesh on PostgreSQL: scale ${int(scale)}, ${int(data.orderLines)} order lines, ${runs} runs`);
const rows = [['variant', 'wall (median)', 'wall min–max', 'build part (median)', 'tessera wall / this']];
for (const [name, r] of Object.entries(results)) rows.push([name, seconds(r.wall.median), `${seconds(r.wall.min)}–${seconds(r.wall.max)}`, seconds(r.build), (tessera.wall.median / r.wall.median).toFixed(3)]);
printTable(rows);
// Where the two differ: the nodes' own time by kind (summed over nodes; two build at once).
const kinds = [...new Set([...Object.keys(tessera.byKind), ...Object.keys(direct.byKind)])];
printTable([['node time by kind (median, summed)', 'tessera', 'direct', 'tessera / direct'], ...kinds.map((k) => [k, seconds(tessera.byKind[k] ?? 0), seconds(direct.byKind[k] ?? 0), ((tessera.byKind[k] ?? 0) / (direct.byKind[k] || NaN)).toFixed(2)])]);
const paired = direct.wall.samples.map((d, i) => tessera.wall.samples[i] / d);
const ratio = median(paired);
console.log(`    tessera / direct per repetition: ${paired.map((r) => r.toFixed(3)).join(', ')}`);
console.log(`${ratio <= TARGET ? '[ ok ]' : '[MISSED]'} (a) tessera wall / direct wall <= ${TARGET}: ${ratio.toFixed(3)} (paired median; ratio of medians ${(tessera.wall.median / direct.wall.median).toFixed(3)})${data.orderLines < MIN_ORDER_LINES ? ` — at ${int(data.orderLines)} order lines, below the 10M of the target` : ''}`);
const loads = Object.values(results).flatMap((r) => r.loadBefore);
console.log(`    load average ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} before the samples; ${cpus().length} cpus; ${((performance.now() - started) / 60_000).toFixed(1)} min in all`);
const file = join(WORK, scale === DEFAULT_SCALE ? 'postgres-mesh-results.json' : `postgres-mesh-results-${scale}.json`);
writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, scale, seed, ...data, runs, ratio, results }, null, 2)}\n`);
log(`results written to ${file}`);
