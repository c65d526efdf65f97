// `tessera serve` on a generated mesh of 1,000 products (see bench/README.md):
//   API latency (p50/p99) and throughput on loopback under concurrent load (autocannon)
//   for search and the product page, against /healthz as Fastify's floor;
//   target p99 <= 20 ms and >= 2,000 req/s;
//   time until the mesh map is interactive in headless Chromium, target <= 2 s.
//   node bench/server/run.js [--products 1000] [--connections 10] [--duration 10] [--runs 3]
//                            [--map-runs 5] [--skip-map] [--skip-api] [--skip-run] [--quiet-server]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measure, median } from '../compile/measure.js';
import { load, percentile } from './load.js';
import { measureMap } from './map.js';
import { prepareMesh, productIds, searchTerms, writeStamp } from './mesh.js';
import { cpuTimes, startServe } from './server.js';
import { printTable } from '../table.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WORK = join(ROOT, 'bench/.work');
const TESSERA_BIN = join(ROOT, 'bin/tessera.js');
const QUIET_SERVE = join(ROOT, 'bench/server/serve.js');
const TARGETS = { p99Ms: 20, rps: 2000, mapMs: 2000 };

const { values: opts } = parseArgs({
  options: {
    products: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '42' },
    connections: { type: 'string', default: '10' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    runs: { type: 'string', default: '3' },
    'map-runs': { type: 'string', default: '5' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
    'skip-map': { type: 'boolean', default: false },
    'skip-api': { type: 'boolean', default: false },
    'skip-run': { type: 'boolean', default: false },
    'quiet-server': { type: 'boolean', default: false },
  },
});
const num = (name, min) => {
  const value = Number(opts[name]);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name}: expected a whole number ≥ ${min}, got ${opts[name]}`);
  return value;
};
const products = num('products', 1);
const seed = num('seed', 0);
const connections = num('connections', 1);
const duration = num('duration', 1);
const warmup = num('warmup', 0);
const runs = num('runs', 1);
const mapRuns = num('map-runs', 1);

const log = (message) => process.stderr.write(`${message}\n`);
const ms = (v) => (v === undefined || Number.isNaN(v) ? '-' : `${v.toFixed(v < 10 ? 2 : 1)} ms`);
const int = (n) => Math.round(n).toLocaleString('en-US');
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

let server;
async function fail(message) {
  log(`\n${message}`);
  await server?.stop();
  process.exit(1);
}

// ---------------------------------------------------------------- the mesh, built once

/** Runs the mesh once (3–4 minutes at 1,000 products), unless an earlier run of the same mesh succeeded. */
async function runMeshOnce(mesh) {
  const warehouse = join(mesh.dir, '.tessera', 'warehouse.duckdb');
  if (mesh.stamp.run?.status === 'success' && existsSync(warehouse)) {
    log(`[mesh] reusing the warehouse of the run of ${mesh.stamp.run.at} (run ${mesh.stamp.run.runId}: ${int(mesh.stamp.run.nodes)} nodes, ${int(mesh.stamp.run.published)} ports published, took ${(mesh.stamp.run.wallMs / 1000).toFixed(0)} s)`);
    return mesh.stamp.run;
  }
  if (opts['skip-run']) {
    log(`[mesh] --skip-run: serving a mesh that was never run (no versions, checks or runs: every product's health is unknown)`);
    return undefined;
  }
  log(`[mesh] running the mesh once (tessera run; ~3–4 minutes at 1,000 products on 2 cores) ...`);
  const result = await measure('node', [TESSERA_BIN, 'run', '--dir', mesh.dir, '--json'], { cwd: ROOT });
  let report;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    await fail(`tessera run failed (exit ${result.code}):\n${result.stderr.slice(-4000)}`);
  }
  if (report.status !== 'success') {
    const failed = report.results.filter((r) => r.status === 'failed').slice(0, 5).map((r) => `  ${r.nodeId}: ${r.error?.message ?? ''}`);
    await fail(`tessera run: status ${report.status}, ${report.failed} failed\n${failed.join('\n')}`);
  }
  const run = { at: new Date().toISOString(), runId: report.runId, status: report.status, nodes: report.nodes, published: report.published, runMs: report.milliseconds, wallMs: result.seconds * 1000 };
  writeStamp(mesh.dir, { ...mesh.stamp, run });
  log(`[mesh] ran ${int(run.nodes)} nodes, published ${int(run.published)} ports in ${(run.wallMs / 1000).toFixed(0)} s (peak RSS ${int(result.maxRssKb / 1024)} MB)`);
  return run;
}

// ---------------------------------------------------------------- checks and warm-up

async function getJson(path) {
  const started = performance.now();
  const response = await fetch(`${server.url}${path}`, { headers: server.headers });
  const body = await response.text();
  const elapsed = performance.now() - started;
  if (!response.ok) await fail(`GET ${path}: ${response.status} ${body.slice(0, 500)}`);
  return { json: JSON.parse(body), bytes: Buffer.byteLength(body), ms: elapsed };
}

/** Sequential requests, one at a time: checks every answer, and times the first (cold) product pages. */
async function checkAndWarm(graph) {
  const summary = (await getJson('/api/mesh')).json;
  if (summary.counts.products !== products) await fail(`/api/mesh counts ${summary.counts.products} products, expected ${products}`);
  log(`[api] /api/mesh: ${int(summary.counts.products)} products, ${int(summary.counts.models)} models, ${int(summary.counts.ports)} ports; health ${JSON.stringify(summary.health)}; latest run ${summary.latestRun}`);

  // The map page's data, laid out by the server (once per mesh load), if this build has it.
  const mapStarted = performance.now();
  const mapProbe = await fetch(`${server.url}/api/map`, { headers: server.headers });
  const mapBody = await mapProbe.text();
  let map;
  if (mapProbe.ok) {
    map = { firstMs: performance.now() - mapStarted, bytes: Buffer.byteLength(mapBody) };
    log(`[api] /api/map: ${kb(map.bytes)}; the first request (server-side layout) took ${ms(map.firstMs)}`);
  } else {
    log(`[api] /api/map: ${mapProbe.status}, not measured`);
  }

  const list = await getJson('/api/products');
  if (list.json.total !== products) await fail(`/api/products lists ${list.json.total} products, expected ${products}`);

  // Search terms, split by how much they find: every product (a broad term) or a few.
  const terms = [];
  for (const term of searchTerms(graph)) {
    const path = `/api/products?q=${encodeURIComponent(term)}`;
    const first = await getJson(path);
    terms.push({ term, path, hits: first.json.total, bytes: first.bytes, firstMs: first.ms });
  }
  // The first product pages after a start (or a run) read the state store; later ones come from the server's cache.
  const ids = productIds(graph);
  const cold = [];
  let bytes = 0;
  for (const id of ids) {
    const page = await getJson(`/api/products/${encodeURIComponent(id)}`);
    if (page.json.id !== id) await fail(`/api/products/${id} answered for ${page.json.id}`);
    cold.push(page.ms);
    bytes += page.bytes;
  }
  cold.sort((a, b) => a - b);
  const firstProducts = { p50: percentile(cold, 50), p99: percentile(cold, 99), max: cold[cold.length - 1], meanBytes: bytes / ids.length };
  log(`[api] first request of each of ${int(ids.length)} product pages, one at a time: p50 ${ms(firstProducts.p50)}, p99 ${ms(firstProducts.p99)}, max ${ms(firstProducts.max)}; ${kb(firstProducts.meanBytes)} on average`);

  // Each search term alone, one request at a time once warm: which terms cost what.
  for (const t of terms) {
    for (let i = 0; i < 3; i++) await getJson(t.path);
    const times = [];
    for (let i = 0; i < 15; i++) times.push((await getJson(t.path)).ms);
    t.sequentialMs = median(times);
    log(`[api] search ${JSON.stringify(t.term)}: ${int(t.hits)} products, ${kb(t.bytes)}; one at a time ${ms(t.sequentialMs)} (first ${ms(t.firstMs)})`);
  }
  return { summary, terms, ids, firstProducts, map };
}

// ---------------------------------------------------------------- load

function endpoints({ terms, ids, map }) {
  const broad = terms.filter((t) => t.hits === products);
  const selective = terms.filter((t) => t.hits < products);
  const list = [{ name: '/healthz (floor)', key: 'healthz', paths: ['/healthz'], target: false }];
  if (selective.length) list.push({ name: `search, ${selective.length} selective terms`, key: 'searchSelective', paths: selective.map((t) => t.path), target: true });
  if (broad.length) list.push({ name: `search, ${broad.length} terms matching all ${int(products)}`, key: 'searchBroad', paths: broad.map((t) => t.path), target: true });
  // The server remembers the hits of its last 200 queries (paging and filtering repeat one): a different
  // product name per request, cycling through all of them, never finds its query remembered.
  list.push({ name: `search, ${int(ids.length)} distinct names (never cached)`, key: 'searchDistinct', paths: ids.map((id) => `/api/products?q=${encodeURIComponent(id.slice(id.indexOf('.') + 1))}`), target: true });
  list.push({ name: `product page, ${int(ids.length)} ids`, key: 'product', paths: ids.map((id) => `/api/products/${encodeURIComponent(id)}`), target: true });
  // For reference, no target: what the catalog page loads first (a page of cards and the filters' facets over all products), and the mesh summary (catalog and map).
  list.push({ name: `catalog first page of ${int(products)} (reference)`, key: 'list', paths: ['/api/products'], target: false });
  list.push({ name: 'mesh summary /api/mesh (reference)', key: 'mesh', paths: ['/api/mesh'], target: false });
  if (map) list.push({ name: 'map layout /api/map (reference)', key: 'map', paths: ['/api/map'], target: false });
  return list;
}

async function benchApi(list) {
  if (warmup > 0) {
    for (const e of list) await load({ url: server.url, paths: e.paths, connections, duration: warmup, headers: server.headers });
    log(`[api] warmed up: ${warmup} s of load on each endpoint`);
  }
  const samples = Object.fromEntries(list.map((e) => [e.key, []]));
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < list.length; k++) {
      const e = list[(i + k) % list.length];
      const before = loadavg()[0];
      const cpuBefore = cpuTimes(server.pid);
      const sample = await load({ url: server.url, paths: e.paths, connections, duration, headers: server.headers });
      const cpuAfter = cpuTimes(server.pid);
      // The server's CPU per request: less at the mercy of the machine's other work than req/s.
      if (cpuBefore && cpuAfter && sample.requests > 0) {
        sample.cpuMsPerRequest = { total: (cpuAfter.total - cpuBefore.total) / sample.requests, main: (cpuAfter.main - cpuBefore.main) / sample.requests };
        sample.cpuCores = (cpuAfter.total - cpuBefore.total) / (sample.seconds * 1000);
      }
      if (sample.non2xx || sample.errors || sample.timeouts) {
        await fail(`${e.name}: ${sample.non2xx} non-2xx responses, ${sample.errors} errors, ${sample.timeouts} timeouts out of ${sample.requests}; status codes ${JSON.stringify(sample.autocannon.statusCodeStats)}. A benchmark of error responses means nothing.`);
      }
      samples[e.key].push({ ...sample, load: before });
      const cpu = sample.cpuMsPerRequest ? `; server CPU ${ms(sample.cpuMsPerRequest.total)}/request (JS thread ${ms(sample.cpuMsPerRequest.main)}), ${sample.cpuCores.toFixed(2)} cores busy` : '';
      log(`  api ${i + 1}/${runs} ${e.name}: ${int(sample.rps)} req/s, p50 ${ms(sample.latency.p50)}, p99 ${ms(sample.latency.p99)}, max ${ms(sample.latency.max)}, ${kb(sample.bytesPerResponse)}/response${cpu}; load ${before.toFixed(2)} before`);
    }
  }
  const floor = samples.healthz;
  return list.map((e) => {
    const own = samples[e.key];
    const p50 = median(own.map((s) => s.latency.p50));
    const p99 = median(own.map((s) => s.latency.p99));
    const rps = median(own.map((s) => s.rps));
    return {
      ...e,
      paths: e.paths.length,
      p50,
      p99,
      rps,
      bytesPerResponse: median(own.map((s) => s.bytesPerResponse)),
      cpuMsPerRequest: own[0].cpuMsPerRequest ? { total: median(own.map((s) => s.cpuMsPerRequest.total)), main: median(own.map((s) => s.cpuMsPerRequest.main)) } : undefined,
      vsFloor: { p50: p50 / median(floor.map((s) => s.latency.p50)), rps: median(floor.map((s) => s.rps)) / rps },
      samples: own.map(({ autocannon, ...rest }) => ({ ...rest, autocannonLatencyMs: { p50: autocannon.latency.p50, p99: autocannon.latency.p99 } })),
    };
  });
}

// ---------------------------------------------------------------- report


const targets = [];
/** `at most`: the value must be ≤ the limit, else ≥. `extra` can fail a target whose value is met. */
function target(label, value, limit, atMost, unit, extra = true) {
  const met = (atMost ? value <= limit : value >= limit) && extra;
  targets.push({ label, value, limit, met });
  console.log(`${met ? '[ ok ]' : '[FAIL]'} ${label}: ${unit(value)} (target ${atMost ? '≤' : '≥'} ${unit(limit)})`);
}

// ---------------------------------------------------------------- main

if (!existsSync(join(ROOT, 'dist/server/index.js'))) {
  log('dist/server/index.js is missing: run `npm run build` first.');
  process.exit(1);
}
mkdirSync(WORK, { recursive: true });
log(`server bench: node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model ?? '?'}); ${int(products)} products, ${connections} connections, ${duration} s × ${runs} runs`);
const started = performance.now();

const meshDir = join(WORK, products === 1000 ? 'server-mesh' : `server-mesh-${products}`);
const mesh = prepareMesh(meshDir, { products, seed });
log(mesh.reused ? `[mesh] reusing ${meshDir} (${int(products)} products, seed ${seed}, generated ${mesh.stamp.generatedAt})` : `[mesh] generated ${meshDir}: ${int(products)} products, ${int(products * 10)} models, ${int(mesh.stamp.sourceFiles)} source files`);
const run = await runMeshOnce(mesh);

server = await startServe({ bin: TESSERA_BIN, quietScript: QUIET_SERVE, mesh: mesh.dir, products, quiet: opts['quiet-server'] });
log(`[serve] ${opts['quiet-server'] ? 'bench/server/serve.js (no request logs)' : 'tessera serve --no-schedule (request logs to /dev/null)'} at ${server.url}, pid ${server.pid}: /healthz answered with ${int(products)} products after ${(server.startMs / 1000).toFixed(1)} s`);

const results = { serverStartMs: server.startMs, run };
try {
  if (!opts['skip-api']) {
    const warm = await checkAndWarm(mesh.graph);
    results.searchTerms = warm.terms;
    results.firstProductPages = warm.firstProducts;
    results.mapLayout = warm.map;
    results.api = await benchApi(endpoints(warm));
  }
  if (!opts['skip-map']) {
    // The server lays the map out once per mesh load: do it before the timed loads (a no-op after the API part).
    const layoutStarted = performance.now();
    const layout = await fetch(`${server.url}/api/map`, { headers: server.headers });
    await layout.arrayBuffer();
    if (layout.ok && !results.mapLayout) results.mapLayout = { firstMs: performance.now() - layoutStarted };
    log(`[map] GET /api/map before the browser: ${layout.status} in ${ms(performance.now() - layoutStarted)}`);
    log(`[map] ${mapRuns} runs of ${server.url}/map in headless Chromium (${opts.chromium}), a fresh context each: first load, then a reload`);
    results.map = await measureMap({ url: server.url, token: server.token, runs: mapRuns, executablePath: opts.chromium, log });
    if (results.map.skipped) log(`[map] ${results.map.skipped}`);
  }
} finally {
  await server.stop();
}

console.log('');
if (results.api) {
  console.log(`API on loopback, ${connections} connections, medians of ${runs} runs of ${duration} s (latency of 2xx responses; req/s = 2xx per second)`);
  const rows = [['endpoint', 'p50', 'p99', 'req/s', 'response', 'server CPU/request (JS thread)', 'p50 / floor', 'floor req/s / this']];
  for (const e of results.api) {
    const cpu = e.cpuMsPerRequest ? `${ms(e.cpuMsPerRequest.total)} (${ms(e.cpuMsPerRequest.main)})` : '-';
    rows.push([e.name, ms(e.p50), ms(e.p99), int(e.rps), kb(e.bytesPerResponse), cpu, `${e.vsFloor.p50.toFixed(1)}x`, `${e.vsFloor.rps.toFixed(1)}x`]);
  }
  printTable(rows);
  const f = results.firstProductPages;
  console.log(`    first request of each product page (state store reads, one at a time): p50 ${ms(f.p50)}, p99 ${ms(f.p99)}`);
  console.log(`    search terms, one request at a time: ${results.searchTerms.map((t) => `${JSON.stringify(t.term)} ${int(t.hits)} hits ${ms(t.sequentialMs)}`).join('; ')}`);
  console.log(`    server start until /healthz answers: ${(results.serverStartMs / 1000).toFixed(1)} s`);
  console.log('');
}
if (results.map?.samples?.length) {
  const s = results.map.samples;
  const m = (pick) => median(s.map(pick));
  const coldReady = m((x) => x.cold.readyMs);
  const products0 = s[0].cold.products;
  console.log(`Mesh map (${server.url.replace(/:\d+$/, '')}/map), medians of ${s.length} runs, ms since navigation start:`);
  printTable([
    ['load', 'ready (interactive)', 'next frame', 'DOMContentLoaded', 'requests', 'transferred', 'data-products', 'product elements'],
    ['first (cold cache)', ms(coldReady), ms(m((x) => x.cold.frameMs)), ms(m((x) => x.cold.domContentLoadedMs)), m((x) => x.cold.requests), kb(m((x) => x.cold.transferBytes)), products0, m((x) => x.cold.rendered)],
    ['reload (warm)', ms(m((x) => x.warm.readyMs)), ms(m((x) => x.warm.frameMs)), ms(m((x) => x.warm.domContentLoadedMs)), m((x) => x.warm.requests), kb(m((x) => x.warm.transferBytes)), s[0].warm.products, m((x) => x.warm.rendered)],
  ]);
  const errors = s.flatMap((x) => x.errors);
  if (errors.length) console.log(`    page errors: ${errors.slice(0, 3).join(' | ')}`);
  console.log('');
  results.map.summary = { coldReadyMs: coldReady, warmReadyMs: m((x) => x.warm.readyMs), products: products0 };
} else if (results.map?.skipped) {
  console.log(`Mesh map: not measured: ${results.map.skipped}`);
  console.log('');
}

for (const e of results.api ?? []) {
  if (!e.target) continue;
  target(`${e.name}: p99`, e.p99, TARGETS.p99Ms, true, ms);
  target(`${e.name}: throughput`, e.rps, TARGETS.rps, false, (v) => `${int(v)} req/s`);
}
if (results.map?.summary) {
  const { coldReadyMs, products: laidOut } = results.map.summary;
  const all = results.map.samples.every((x) => x.cold.products === products && x.warm.products === products);
  target(`mesh map interactive, first load (cold cache), median`, coldReadyMs, TARGETS.mapMs, true, ms, all);
  if (!all) console.log(`[FAIL] the map laid out ${laidOut} product nodes (data-products), expected ${products}`);
} else if (!opts['skip-map']) {
  console.log(`[ -- ] mesh map interactive ≤ 2 s: not measured (${results.map?.skipped ?? 'skipped'})`);
}

// Another size writes its own file, so that a quick run does not replace the default's results.
const file = join(WORK, products === 1000 ? 'server-results.json' : `server-results-${products}.json`);
// A run of one part keeps the other part's results of the previous run in the file, dated.
if (existsSync(file) && (opts['skip-api'] || opts['skip-map'])) {
  const previous = JSON.parse(readFileSync(file, 'utf8'));
  const isMap = (t) => t.label.startsWith('mesh map');
  const keep = (part, keys, own) => {
    if (!previous.results?.[part]) return;
    for (const key of keys) if (previous.results[key] !== undefined) results[key] = previous.results[key];
    results[`${part}From`] = previous.results[`${part}From`] ?? previous.date;
    targets.push(...(previous.targets ?? []).filter(own));
  };
  if (opts['skip-api']) keep('api', ['api', 'searchTerms', 'firstProductPages', 'mapLayout'], (t) => !isMap(t));
  if (opts['skip-map']) keep('map', ['map'], isMap);
}
const meta = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, products, seed, connections, duration, runs, mapRuns, quietServer: opts['quiet-server'], minutes: (performance.now() - started) / 60_000 };
writeFileSync(file, `${JSON.stringify({ ...meta, results, targets }, null, 2)}\n`);
log(`\nresults written to ${file}; ${((performance.now() - started) / 60_000).toFixed(1)} min in all`);
