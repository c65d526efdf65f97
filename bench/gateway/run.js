// The SQL gateway (see bench/README.md):
//  (a) parse, authorize and rewrite a typical consumer query, against parsing alone;
//  (b) a 1M-row result read through the PostgreSQL port with node-postgres, against the
//      same query streamed directly from the engine in this process;
//  (c) 50 concurrent consumers running small queries over the wire while a build runs.
//   node bench/gateway/run.js [--rows 1000000] [--runs 3] [--seconds 10] [--dist dist]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { median } from '../compile/measure.js';
import { printTable } from '../table.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WORK = join(ROOT, 'bench/.work/gateway');

const { values: opts } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    consumers: { type: 'string', default: '50' },
    dist: { type: 'string', default: 'dist' },
  },
});
const rows = Number(opts.rows.replaceAll('_', ''));
const runs = Number(opts.runs);
const seconds = Number(opts.seconds);
const consumers = Number(opts.consumers);
const distDir = resolve(ROOT, opts.dist);
const dist = (path) => import(pathToFileURL(join(distDir, path)).href);
const log = (message) => process.stderr.write(`${message}\n`);
const int = (n) => Math.round(Number(n)).toLocaleString('en-US');
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

const { main } = await dist('cli/main.js');
const { startServer } = await dist('server/index.js');
const { QueryParser } = await dist('gateway/index.js');
const quiet = { out: () => undefined, err: () => undefined, color: false };

// ---------------------------------------------------------------- a mesh with one large port (not timed)

const MESH = {
  'tessera.yaml': 'name: gateway_bench\n',
  'teams.yaml': `teams:
  - { id: events-team, name: Events, domains: [analytics], members: [{ name: Owner, email: owner@bench.test }] }
  - { id: readers, name: Readers, domains: [reports], members: [{ name: Reader, email: reader@bench.test }] }
`,
  'products/analytics/events/product.yaml': `name: events
domain: analytics
owner: events-team
kind: source-aligned
sources:
  - { name: raw_events, format: parquet, path: data/events.parquet }
ports:
  - name: events
    access: internal
    columns:
      - { name: id, type: BIGINT, required: true }
      - { name: user_email, type: VARCHAR, classification: pii, masking: hash }
      - { name: kind, type: VARCHAR }
      - { name: amount, type: "DECIMAL(12,2)" }
      - { name: happened_at, type: TIMESTAMP }
`,
  'products/analytics/events/models/events.sql': 'select id, user_email, kind, amount, happened_at from raw_events\n',
};

rmSync(WORK, { recursive: true, force: true });
for (const [path, text] of Object.entries(MESH)) {
  mkdirSync(dirname(join(WORK, path)), { recursive: true });
  writeFileSync(join(WORK, path), text);
}
mkdirSync(join(WORK, 'data'), { recursive: true });
const { DuckDBInstance } = await import('@duckdb/node-api');
{
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`COPY (SELECT range AS id, 'user' || (range % 50000) || '@example.com' AS user_email, ['view', 'cart', 'buy'][1 + range % 3] AS kind,
      CAST((range % 10000) / 100.0 AS DECIMAL(12,2)) AS amount, TIMESTAMP '2026-01-01' + INTERVAL (range) SECOND AS happened_at
    FROM range(${rows})) TO '${join(WORK, 'data/events.parquet')}' (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
}
log(`gateway bench: ${int(rows)} rows, ${runs} runs, node ${process.version}, ${cpus().length} cpus, load ${loadavg()[0].toFixed(2)}`);
if ((await main(['run', '--dir', WORK], quiet)) !== 0) throw new Error('the bench mesh did not build');

const server = await startServer({ root: WORK, port: 0, pgPort: 0, logger: false, schedule: false, limits: { perMinute: 1_000_000, concurrentPerIdentity: 1000, maxRows: rows + 1 } });
const reader = (await server.context.access.createToken({ kind: 'member', email: 'reader@bench.test' }, { createdBy: 'bench' })).secret;
const identity = { kind: 'member', email: 'reader@bench.test', teams: ['readers'] };
const results = [['measure', 'Tessera', 'baseline', 'ratio', 'target']];

// ---------------------------------------------------------------- (a) parse, authorize, rewrite

const typical = `with recent as (select user_email, kind, amount from analytics.events where happened_at >= timestamp '2026-01-02')
select kind, count(distinct user_email) as users, sum(amount) as revenue from recent group by kind order by revenue desc limit 10`;
const parser = await QueryParser.open();
const time = async (work, n) => {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await work();
    samples.push(performance.now() - t0);
  }
  return samples;
};
await time(() => server.context.gateway.prepare(identity, typical), 200);
const prepared = await time(() => server.context.gateway.prepare(identity, typical), 2000);
const parsedOnly = await time(() => parser.serialize(typical), 2000);
parser.close();
results.push(['(a) prepare a consumer query, median', `${median(prepared).toFixed(3)} ms`, `${median(parsedOnly).toFixed(3)} ms (parse only)`, (median(prepared) / median(parsedOnly)).toFixed(2), '≤ 2 ms']);
log(`(a) prepare: median ${median(prepared).toFixed(3)} ms, p99 ${percentile(prepared, 99).toFixed(3)} ms`);

// ---------------------------------------------------------------- (b) 1M rows over the wire

// Consumers run in their own process, as a BI tool would: their parsing must not share the server's event loop.
const client = async (...args) => JSON.parse((await promisify(execFile)(process.execPath, [join(ROOT, 'bench/gateway/client.js'), ...args.slice(0, 1), server.pg.host, String(server.pg.port), 'reader@bench.test', reader, 'gateway_bench', ...args.slice(1).map(String)], { maxBuffer: 1 << 30 })).stdout);
const big = 'select id, user_email, kind, amount, happened_at from analytics.events';
const throughWire = [];
const direct = [];
for (let run = 0; run < runs; run++) {
  const answer = await client('read', big);
  throughWire.push(answer.rows / answer.seconds);
  if (answer.rows !== rows) throw new Error(`the wire returned ${answer.rows} rows, not ${rows}`);
  // The engine alone: the same (masked) relation streamed in process, every value converted as the gateway does.
  const session = await server.context.warehouse.connect();
  const t0 = performance.now();
  const streamed = await session.stream('SELECT id, user_email, kind, amount, happened_at FROM analytics.events', []);
  let count = 0;
  for (let chunk = await streamed.next(); chunk; chunk = await streamed.next()) count += chunk.length;
  direct.push(count / ((performance.now() - t0) / 1000));
  await session.close();
  log(`(b) run ${run + 1}: wire ${int(throughWire.at(-1))} rows/s, direct ${int(direct.at(-1))} rows/s`);
}
results.push([`(b) ${int(rows)} rows, rows/s (median)`, `${int(median(throughWire))} (node-postgres, own process)`, `${int(median(direct))} (engine in process)`, (median(throughWire) / median(direct)).toFixed(2), '≥ 0.5']);

// ---------------------------------------------------------------- (c) 50 consumers during a build

const admin = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
const job = await (await fetch(`${server.url}/api/jobs`, { method: 'POST', headers: admin, body: JSON.stringify({ kind: 'run', fullRefresh: true }) })).json();
const { latencies, errors } = await client('load', consumers, seconds);
let status = '';
for (let i = 0; i < 600 && !['success', 'failed'].includes(status); i++) {
  status = (await (await fetch(`${server.url}/api/jobs/${job.id}`, { headers: admin })).json()).status;
  if (!['success', 'failed'].includes(status)) await new Promise((done) => setTimeout(done, 100));
}
results.push([`(c) ${consumers} consumers during a build: p99 / p50`, `${percentile(latencies, 99).toFixed(1)} ms / ${median(latencies).toFixed(1)} ms`, `${int(latencies.length)} queries, ${errors} errors`, '', 'errors = 0']);
log(`(c) ${int(latencies.length)} queries in ${seconds} s, p50 ${median(latencies).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, ${errors} errors; the build: ${status}`);

await server.close();
console.log('');
printTable(results);
if (errors > 0) process.exitCode = 1;
