// Catalog reads while the server builds the example mesh (issue 12, item 17): p50/p99 of
// product pages, lists, searches and the mesh summary from 4 concurrent clients, first
// with the server idle (the baseline, same run), then during a full-refresh run submitted
// through the API. Target: p99 <= 100 ms during the build.
//   node bench/server/during-build.js [--scale 100000] [--clients 4] [--idle-seconds 5]
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { percentile } from './load.js';
import { startServe } from './server.js';
import { printTable } from '../table.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WORK = join(ROOT, 'bench/.work/during-build');
const BIN = join(ROOT, 'bin/tessera.js');
const TARGET_P99 = 100;

const { values: opts } = parseArgs({
  options: {
    scale: { type: 'string', default: '100000' },
    clients: { type: 'string', default: '4' },
    'idle-seconds': { type: 'string', default: '5' },
  },
});
const scale = Number(opts.scale);
const clients = Number(opts.clients);
const idleSeconds = Number(opts['idle-seconds']);
const log = (message) => process.stderr.write(`${message}\n`);

const PATHS = ['/api/products', '/api/products/commerce.orders', '/api/mesh', '/api/products/finance.daily_revenue', '/api/products?q=customer', '/api/teams/growth', '/api/runs'];

// ---------------------------------------------------------------- the example at scale (not timed)
if (!existsSync(join(WORK, `.scale-${scale}`))) {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  cpSync(join(ROOT, 'examples/grocery'), WORK, { recursive: true, filter: (src) => !src.includes('/.tessera') && !src.includes('/data/') });
  log(`building the example at --scale ${scale} …`);
  execFileSync(process.execPath, [BIN, 'demo', '--dir', WORK, '--scale', String(scale)], { stdio: ['ignore', 'ignore', 'inherit'] });
  mkdirSync(join(WORK, `.scale-${scale}`));
}
log(`during-build bench: scale ${scale}, ${clients} clients, node ${process.version}, ${cpus().length} cpus, load ${loadavg()[0].toFixed(2)}`);
const server = await startServe({ bin: BIN, quietScript: join(ROOT, 'bench/server/serve.js'), mesh: WORK, products: 11, quiet: true });

async function measure(until) {
  const latencies = [];
  let errors = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = c; !until(); i++) {
        const t0 = performance.now();
        const response = await fetch(server.url + PATHS[i % PATHS.length], { headers: server.headers });
        await response.arrayBuffer();
        if (response.ok) latencies.push(performance.now() - t0);
        else errors++;
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), errors };
}

try {
  const idleUntil = performance.now() + idleSeconds * 1000;
  const idle = await measure(() => performance.now() > idleUntil);
  const headers = { ...server.headers, 'content-type': 'application/json' };
  const job = await (await fetch(`${server.url}/api/jobs`, { method: 'POST', headers, body: JSON.stringify({ kind: 'run', fullRefresh: true }) })).json();
  let finished = false;
  const buildStarted = performance.now();
  const watcher = (async () => {
    for (;;) {
      const state = await (await fetch(`${server.url}/api/jobs/${job.id}`, { headers })).json();
      if (['success', 'failed', 'cancelled'].includes(state.status)) {
        finished = true;
        return state.status;
      }
      await new Promise((done) => setTimeout(done, 250));
    }
  })();
  const busy = await measure(() => finished);
  const status = await watcher;
  const buildSeconds = (performance.now() - buildStarted) / 1000;
  const row = (name, m) => [name, String(m.latencies.length), `${percentile(m.latencies, 50).toFixed(1)} ms`, `${percentile(m.latencies, 99).toFixed(1)} ms`, `${(m.latencies.at(-1) ?? NaN).toFixed(1)} ms`, String(m.errors)];
  console.log('');
  printTable([
    ['catalog reads', 'requests', 'p50', 'p99', 'max', 'errors'],
    row('server idle (baseline)', idle),
    row(`during a full build (${buildSeconds.toFixed(1)} s, ${status})`, busy),
  ]);
  console.log(`\ntarget: p99 ≤ ${TARGET_P99} ms during the build: ${percentile(busy.latencies, 99) <= TARGET_P99 ? 'met' : 'NOT met'}`);
} finally {
  await server.stop();
}
