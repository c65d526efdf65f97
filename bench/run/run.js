// Times `tessera run` against the same SQL executed directly through @duckdb/node-api
// (see bench/README.md):
//   (a) the grocery example mesh at >= 10M order lines: wall time ratio, target <= 1.05;
//   (b) 1,000 trivial models: what Tessera adds per node, target <= 3 ms.
//   node bench/run/run.js [--runs N] [--scale ORDERS] [--seed 42] [--models 1000]
//                         [--skip-large] [--skip-trivial]
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measure, median } from '../compile/measure.js';
import { writeTrivialMesh } from './trivial-mesh.js';
import { printTable } from '../table.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WORK = join(ROOT, 'bench/.work');
const TESSERA_BIN = join(ROOT, 'bin/tessera.js');
const RECORD = join(ROOT, 'bench/run/record.js');
const DIRECT = join(ROOT, 'bench/run/direct.js');
const GROCERY = join(ROOT, 'examples/grocery');
/** The generator draws about 4.0 order lines per order (3.9997 measured): 2,550,000 orders give ~10.2M lines. */
const DEFAULT_SCALE = 2_550_000;
const MIN_ORDER_LINES = 10_000_000;
/**
 * The data ends today (UTC), as `tessera example-data` does by default: the example's ports
 * check freshness (e.g. `freshness(placed_at) < 1d`), so the cached data is good for the day.
 */
const AS_OF = new Date().toISOString().slice(0, 10);
const TARGETS = { ratio: 1.05, perNodeMs: 3 };

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string' },
    scale: { type: 'string', default: String(DEFAULT_SCALE) },
    seed: { type: 'string', default: '42' },
    models: { type: 'string', default: '1000' },
    'skip-large': { type: 'boolean', default: false },
    'skip-trivial': { type: 'boolean', default: false },
  },
});
const scale = Number(opts.scale);
const seed = Number(opts.seed);
const modelCount = Number(opts.models);
const runsLarge = Number(opts.runs ?? 3);
const runsTrivial = Number(opts.runs ?? 5);
for (const [name, value] of [['--scale', scale], ['--seed', seed], ['--models', modelCount], ['--runs', runsLarge]]) {
  if (!Number.isInteger(value) || value < (name === '--seed' ? 0 : 1)) throw new Error(`${name}: expected a whole number, got ${value}`);
}

const log = (message) => process.stderr.write(`${message}\n`);
const seconds = (ms) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(3)} s`);
const millis = (ms) => `${ms.toFixed(2)} ms`;
const int = (n) => n.toLocaleString('en-US');

function fail(message, result) {
  log(`\n${message}`);
  if (result) log(`exit code ${result.code}\n--- stdout ---\n${result.stdout.slice(-4000)}\n--- stderr ---\n${result.stderr.slice(-4000)}`);
  process.exit(1);
}

/** Runs `node args`; fails on a non-zero exit. Returns wall ms, and stdout parsed as JSON when `json`. */
async function node(label, args, { json = true } = {}) {
  const result = await measure('node', args, { cwd: ROOT });
  if (result.code !== 0) fail(`${label} failed`, result);
  let report;
  if (json) {
    try {
      report = JSON.parse(result.stdout);
    } catch {
      fail(`${label}: stdout is not JSON`, result);
    }
  }
  return { wallMs: result.seconds * 1000, maxRssKb: result.maxRssKb, report };
}

function removeWarehouse(meshDir) {
  const dir = join(meshDir, '.tessera');
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) if (name.startsWith('warehouse.duckdb')) rmSync(join(dir, name), { force: true });
}

function removeDb(path) {
  for (const suffix of ['', '.wal']) rmSync(`${path}${suffix}`, { force: true });
}

/** Median, min and max of the values. */
function stats(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), samples: values };
}

/** One sample of each variant per repetition; the order rotates, so no variant always follows the same one. */
async function repeat(label, count, variants) {
  const samples = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(i + k) % variants.length];
      const load = loadavg()[0];
      const sample = { ...(await v.run()), load };
      samples[v.name].push(sample);
      log(`  ${label} ${i + 1}/${count} ${v.name}: ${seconds(sample.wallMs)}${v.detail ? `  (${v.detail(sample)})` : ''}, load ${load.toFixed(2)} before`);
    }
  }
  return samples;
}

/** Tessera's CLI, then the direct replays, on a fresh warehouse each. */
function variants(meshDir, statementsFile, { inProcess = false } = {}) {
  const db = statementsFile.replace(/\.json$/, '-direct.duckdb');
  const direct = (connections, buildsOnly = false) => ({
    // Not named `direct…`: a bare build is not a baseline for the targets, only a reference.
    name: `${buildsOnly ? 'builds only (no queries), ' : ''}direct, ${connections} connection${connections === 1 ? '' : 's'}`,
    run: () => {
      removeDb(db);
      return node('direct', [DIRECT, '--statements', statementsFile, '--db', db, '--connections', String(connections), ...(buildsOnly ? ['--builds-only'] : [])]);
    },
    detail: (s) => `exec ${seconds(s.report.execMs)}, ${int(s.report.statements)} statements`,
  });
  const list = [
    {
      name: 'tessera run (CLI)',
      run: async () => {
        removeWarehouse(meshDir);
        const sample = await node('tessera run', [TESSERA_BIN, 'run', '--dir', meshDir, '--json']);
        if (sample.report.status !== 'success') {
          const failed = sample.report.results.filter((r) => r.status === 'failed').map((r) => `  ${r.nodeId}: ${r.error?.message ?? ''}`);
          fail(`tessera run: status ${sample.report.status}\n${failed.join('\n')}`);
        }
        return sample;
      },
      detail: (s) => `runMesh ${seconds(s.report.milliseconds)}`,
    },
    direct(1),
    direct(2),
    direct(2, true),
  ];
  if (inProcess) {
    list.splice(1, 0, {
      name: 'tessera runMesh (in process)',
      run: () => {
        removeWarehouse(meshDir);
        return node('record.js', [RECORD, '--dir', meshDir]);
      },
      detail: (s) => `compile ${seconds(s.report.compileMs)}, runMesh ${seconds(s.report.runMeshMs)}`,
    });
  }
  return list;
}

/** The part of each sample spent building: runMesh inside Tessera, the statements in the replay. */
function buildPart(name, sample) {
  if (name === 'tessera run (CLI)') return sample.report.milliseconds;
  if (name.startsWith('tessera runMesh')) return sample.report.runMeshMs;
  return sample.report.execMs;
}

function summarize(samples) {
  return Object.fromEntries(
    Object.entries(samples).map(([name, list]) => [
      name,
      {
        wall: stats(list.map((s) => s.wallMs)),
        build: stats(list.map((s) => buildPart(name, s))),
        ...(list[0].report.compileMs === undefined ? {} : { compile: stats(list.map((s) => s.report.compileMs)) }),
        maxRssKb: Math.max(...list.map((s) => s.maxRssKb)),
        loadBefore: list.map((s) => Number(s.load.toFixed(2))),
      },
    ]),
  );
}

/** Records the statements a run executes (one node at a time); doubles as the warm-up. */
async function record(label, meshDir, file) {
  removeWarehouse(meshDir);
  const sample = await node(`${label} record`, [RECORD, '--dir', meshDir, '--out', file, '--trace']);
  const recorded = JSON.parse(readFileSync(file, 'utf8'));
  log(`  ${label}: recorded ${int(sample.report.statements)} statements of ${int(recorded.nodes.length)} nodes in ${seconds(sample.wallMs)} (warm-up; compile ${seconds(sample.report.compileMs)}, runMesh ${seconds(sample.report.runMeshMs)}, one node at a time)`);
  return { ...sample.report, recordedNodes: recorded.nodes };
}

// ---------------------------------------------------------------- (a) the grocery mesh

function fileHash(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
}

/** Copies the example's YAML and SQL and generates its data, unless the same data is already there. */
async function prepareGrocery(meshDir) {
  mkdirSync(meshDir, { recursive: true });
  rmSync(join(meshDir, 'products'), { recursive: true, force: true });
  for (const name of ['tessera.yaml', 'teams.yaml', 'glossary.yaml', 'products']) cpSync(join(GROCERY, name), join(meshDir, name), { recursive: true });
  const stampFile = join(meshDir, 'data', 'bench-stamp.json');
  // The generator's code is part of the key: a changed generator may write different data.
  const key = { scale, seed, asOf: AS_OF, generator: fileHash(join(ROOT, 'dist/examples/grocery-data.js')) };
  const stamp = existsSync(stampFile) ? JSON.parse(readFileSync(stampFile, 'utf8')) : undefined;
  let files;
  if (stamp && JSON.stringify(stamp.key) === JSON.stringify(key)) {
    files = stamp.files;
    log(`[grocery] reusing the data generated earlier in ${meshDir}/data (scale ${int(scale)}, seed ${seed}, as of ${AS_OF}; took ${seconds(stamp.generationMs)} then)`);
  } else {
    rmSync(stampFile, { force: true });
    log(`[grocery] generating data at scale ${int(scale)} (seed ${seed}, as of ${AS_OF}) ...`);
    const generated = await node('example-data', [TESSERA_BIN, 'example-data', '--dir', meshDir, '--scale', String(scale), '--seed', String(seed), '--as-of', AS_OF, '--json']);
    files = generated.report.files;
    writeFileSync(stampFile, `${JSON.stringify({ key, generationMs: generated.wallMs, files }, null, 2)}\n`);
    log(`[grocery] generated ${files.length} files, ${(files.reduce((s, f) => s + f.bytes, 0) / 1e9).toFixed(2)} GB, in ${seconds(generated.wallMs)}`);
  }
  const orderLines = files.filter((f) => f.path.includes('order_lines/')).reduce((sum, f) => sum + f.rows, 0);
  if (orderLines < MIN_ORDER_LINES) log(`[grocery] note: ${int(orderLines)} order lines, fewer than the ${int(MIN_ORDER_LINES)} the target is set for`);
  return { orderLines, bytes: files.reduce((s, f) => s + f.bytes, 0) };
}

async function benchLarge() {
  // A folder per scale, so that a quick run at a small scale keeps the large data.
  const name = scale === DEFAULT_SCALE ? 'run-grocery' : `run-grocery-${scale}`;
  const meshDir = join(WORK, name);
  const data = await prepareGrocery(meshDir);
  const statements = join(WORK, `${name}-statements.json`);
  const recorded = await record('[grocery]', meshDir, statements);
  const samples = await repeat('[grocery]', runsLarge, variants(meshDir, statements));
  const warehouseBytes = statSync(join(meshDir, '.tessera', 'warehouse.duckdb')).size;
  return { scale, seed, ...data, warehouseBytes, runs: runsLarge, recorded: strip(recorded), results: summarize(samples) };
}

// ---------------------------------------------------------------- (b) trivial models

async function benchTrivial() {
  const meshDir = join(WORK, 'run-trivial');
  const shape = writeTrivialMesh(meshDir, { models: modelCount });
  log(`[trivial] wrote ${int(shape.models)} models in ${shape.products} products, ${shape.ports} ports`);
  const recorded = await record('[trivial]', meshDir, join(WORK, 'run-trivial-statements.json'));
  const samples = await repeat('[trivial]', runsTrivial, variants(meshDir, join(WORK, 'run-trivial-statements.json'), { inProcess: true }));
  return { ...shape, runs: runsTrivial, recorded: strip(recorded), results: summarize(samples) };
}

function strip(recorded) {
  const { recordedNodes, ...rest } = recorded;
  const statementsByKind = {};
  for (const n of recordedNodes) statementsByKind[n.kind] = (statementsByKind[n.kind] ?? 0) + n.statements.length;
  return { ...rest, statementsByKind };
}

// ---------------------------------------------------------------- report


const range = (s) => `${(s.min / 1000).toFixed(3)}–${(s.max / 1000).toFixed(3)} s`;

function printResults(title, results, tesseraName = 'tessera run (CLI)') {
  console.log(title);
  const tessera = results[tesseraName].wall.median;
  const rows = [['variant', 'wall (median)', 'wall min–max', 'build part (median)', 'build min–max', 'tessera wall / this']];
  for (const [name, r] of Object.entries(results)) {
    const part = name === tesseraName || name.startsWith('tessera runMesh') ? 'runMesh' : 'statements';
    rows.push([name, seconds(r.wall.median), range(r.wall), `${seconds(r.build.median)} ${part}`, range(r.build), (tessera / r.wall.median).toFixed(3)]);
  }
  printTable(rows);
  // The load of the machine drifts between repetitions; within one, the variants run back to back.
  const own = results[tesseraName].wall.samples;
  for (const [name, r] of Object.entries(results)) {
    if (name.startsWith('tessera')) continue;
    const paired = r.wall.samples.map((v, i) => own[i] / v);
    console.log(`    tessera wall / ${name}, per repetition: ${paired.map((v) => v.toFixed(3)).join(', ')} (median ${median(paired).toFixed(3)})`);
  }
  const bare = results['builds only (no queries), direct, 2 connections'];
  const full = results['direct, 2 connections'];
  if (bare && full) {
    console.log(`    the queries Tessera adds (row counts, checks, audits) cost ${(100 * (full.wall.median / bare.wall.median - 1)).toFixed(1)} % over a bare build (direct, 2 connections)`);
  }
}

/** The faster of the direct variants, by median wall time: the strictest baseline. */
function bestDirect(results, measureOf = (r) => r.wall.median) {
  const direct = Object.entries(results).filter(([name]) => name.startsWith('direct'));
  return direct.reduce((best, entry) => (measureOf(entry[1]) < measureOf(best[1]) ? entry : best));
}

/** Where runMesh's time went in the recording pass (one node at a time), by kind of call. */
function printTrace(recorded) {
  const entries = Object.entries(recorded.trace).sort((a, b) => b[1].ms - a[1].ms);
  const overlap = entries.reduce((sum, [, c]) => sum + c.ms, 0) - recorded.busyMs;
  if (overlap > 0.5) entries.push(['overlapping calls (state store writes meanwhile)', { calls: 0, ms: -overlap }]);
  entries.push(['not in a warehouse call (JS, scheduling, events) *', { calls: 0, ms: recorded.runMeshMs - recorded.busyMs }]);
  const rows = [['runMesh, one node at a time: where the time goes', 'calls', 'total', 'per call', 'per node', 'share']];
  for (const [name, c] of entries) {
    rows.push([name, c.calls || '', seconds(c.ms), c.calls ? millis(c.ms / c.calls) : '', millis(c.ms / recorded.nodes), `${((100 * c.ms) / recorded.runMeshMs).toFixed(1)} %`]);
  }
  rows.push(['runMesh in all', '', seconds(recorded.runMeshMs), '', millis(recorded.runMeshMs / recorded.nodes), '100.0 %']);
  printTable(rows);
  console.log('    * not replayed by the baseline: Tessera overhead. Times are of the calls as they ran in process, one node at a time.');
  const byNode = Object.entries(recorded.overheadByNode)
    .map(([id, parts]) => ({ id, ms: Object.values(parts).reduce((a, b) => a + b, 0), parts: Object.entries(parts).sort((a, b) => b[1] - a[1]) }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5);
  console.log('    nodes with the most time in calls not replayed:');
  for (const n of byNode) console.log(`      ${n.id}: ${seconds(n.ms)} (${n.parts.slice(0, 3).map(([c, ms]) => `${c} ${seconds(ms)}`).join(', ')})`);
  console.log('    slowest check and audit queries:');
  for (const c of recorded.slowestChecks.slice(0, 5)) console.log(`      ${seconds(c.ms)}  ${c.node}  ${c.category}: ${c.sql.replace(/\s+/g, ' ').slice(0, 110)}`);
}

const targets = [];
function target(label, value, limit, unit) {
  const met = value <= limit;
  targets.push({ label, value, limit, met });
  console.log(`${met ? '[ ok ]  ' : '[MISSED]'} ${label}: ${unit(value)} (target ≤ ${unit(limit)})`);
}

if (!existsSync(join(ROOT, 'dist/cli/main.js'))) fail('dist/cli/main.js is missing: run `npm run build` first.');
const distStamp = statSync(join(ROOT, 'dist/runner/run-mesh.js')).mtimeMs;
mkdirSync(WORK, { recursive: true });
log(`run bench: node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model ?? '?'})`);
const started = performance.now();
const results = {};
if (!opts['skip-large']) results.large = await benchLarge();
if (!opts['skip-trivial']) results.trivial = await benchTrivial();
if (statSync(join(ROOT, 'dist/runner/run-mesh.js')).mtimeMs !== distStamp) log('\nwarning: dist/ was rebuilt while the benchmark ran; the figures may mix two builds.');

console.log('');
const large = results.large;
if (large) {
  printResults(
    `(a) grocery mesh: ${int(large.orderLines)} order lines (scale ${int(large.scale)}), ${int(large.recorded.nodes)} nodes, ` +
      `${int(large.recorded.statements)} statements replayed; medians of ${large.runs} runs`,
    large.results,
  );
  console.log(`    compile (openMesh, in process, warm parse cache): ${seconds(large.recorded.compileMs)}; warehouse ${(large.warehouseBytes / 1e9).toFixed(2)} GB`);
  console.log('');
  printTrace(large.recorded);
  console.log('');
}
const trivial = results.trivial;
if (trivial) {
  printResults(
    `(b) ${int(trivial.models)} trivial models in ${trivial.products} products: ${int(trivial.recorded.nodes)} nodes, ` +
      `${int(trivial.recorded.statements)} statements replayed; medians of ${trivial.runs} runs`,
    trivial.results,
  );
  console.log(`    compile (openMesh, in process, warm parse cache): ${seconds(trivial.results['tessera runMesh (in process)'].compile.median)} (median)`);
  console.log('');
  printTrace(trivial.recorded);
  console.log('');
}

if (large) {
  // Paired: each repetition's tessera run over the same repetition's baseline, which ran
  // right before or after it; the median of those cancels the machine's drift between repetitions.
  const [name, best] = bestDirect(large.results);
  const own = large.results['tessera run (CLI)'].wall;
  const paired = median(best.wall.samples.map((v, i) => own.samples[i] / v));
  target(`(a) grocery, tessera run / direct wall, median of the per-repetition ratios (baseline: ${name}, the faster; ratio of medians ${(own.median / best.wall.median).toFixed(3)})`, paired, TARGETS.ratio, (v) => v.toFixed(3));
}
if (trivial) {
  const nodes = trivial.recorded.nodes;
  const [name, best] = bestDirect(trivial.results);
  target(`(b) per-node overhead, end to end: (tessera run wall − ${name} wall) / ${int(nodes)} nodes`, (trivial.results['tessera run (CLI)'].wall.median - best.wall.median) / nodes, TARGETS.perNodeMs, millis);
  const [execName, bestExec] = bestDirect(trivial.results, (r) => r.build.median);
  const inProcess = trivial.results['tessera runMesh (in process)'];
  target(`(b) per-node overhead, in process: (runMesh − ${execName} statements) / ${int(nodes)} nodes`, (inProcess.build.median - bestExec.build.median) / nodes, TARGETS.perNodeMs, millis);
}

const file = join(WORK, 'run-results.json');
const meta = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, minutes: (performance.now() - started) / 60_000 };
writeFileSync(file, `${JSON.stringify({ ...meta, results, targets }, null, 2)}\n`);
log(`\nresults written to ${file}; ${((performance.now() - started) / 60_000).toFixed(1)} min in all`);
