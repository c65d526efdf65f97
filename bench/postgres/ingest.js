// (c) Ingestion of a PostgreSQL table into the embedded DuckDB warehouse (see bench/README.md):
// `tessera run` of a product whose source is `type: postgres` (a server-side cursor into
// DuckDB's appender) against the baseline of `COPY … TO` a CSV file plus DuckDB's
// `read_csv` into a table. Starts its own PostgreSQL server (./server.js).
//   node bench/postgres/ingest.js [--rows 5000000] [--runs 3]
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { printTable } from '../table.js';
import { startPostgres } from './server.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: opts } = parseArgs({ options: { rows: { type: 'string', default: '5000000' }, runs: { type: 'string', default: '3' } } });
const rows = Number(opts.rows);
const runs = Number(opts.runs);
if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(runs) || runs < 1) throw new Error('--rows and --runs take whole numbers');
const log = (message) => process.stderr.write(`${message}\n`);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
function runTessera(mesh, url) {
  return new Promise((done) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(ROOT, 'bin/tessera.js'), 'run', '--dir', mesh, '--json', '--select', 'bench.orders'], { env: { ...process.env, BENCH_PG_URL: url, CI: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => {
      const wall = performance.now() - t0;
      if (code !== 0) throw new Error(`tessera run failed (${code}): ${stdout.slice(-2000)}\n${stderr.slice(-2000)}`);
      const summary = JSON.parse(stdout);
      const node = summary.results.find((r) => r.nodeId === 'source:bench.orders.orders');
      done({ wall, node: node.durationMs, loaded: node.rows });
    });
  });
}

async function baseline(url, dir) {
  const csv = join(dir, 'orders.csv');
  const t0 = performance.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await pipeline(client.query(copyStreams.to('COPY orders TO STDOUT (FORMAT csv, HEADER)')), createWriteStream(csv));
  await client.end();
  const instance = await DuckDBInstance.create(join(dir, `baseline-${Date.now()}.duckdb`));
  const connection = await instance.connect();
  await connection.run(`CREATE TABLE orders AS SELECT * FROM read_csv('${csv}', header = true)`);
  const count = Number((await connection.runAndReadAll('SELECT count(*) FROM orders')).getRows()[0][0]);
  connection.closeSync();
  instance.closeSync();
  if (count !== rows) throw new Error(`baseline loaded ${count} rows, not ${rows}`);
  return performance.now() - t0;
}

const work = mkdtempSync(join(tmpdir(), 'tessera-bench-ingest-'));
const server = await startPostgres();
const url = server.urlOf('postgres');
try {
  log(`filling orders with ${rows.toLocaleString('en-US')} rows…`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL, amount numeric(10,2) NOT NULL, status text NOT NULL, updated_at timestamp NOT NULL);
    INSERT INTO orders SELECT g, 'customer_' || (g % 5000), (g % 100000) / 100.0, (ARRAY['placed','shipped','cancelled'])[1 + g % 3], TIMESTAMP '2026-01-01' + g * INTERVAL '1 second'
    FROM generate_series(1, ${rows}) AS g`);
  await client.query("VACUUM ANALYZE orders");
  await client.end();
  const mesh = join(work, 'mesh');
  const write = (path, text) => {
    mkdirSync(dirname(join(mesh, path)), { recursive: true });
    writeFileSync(join(mesh, path), text);
  };
  write('tessera.yaml', 'name: bench\n');
  write('teams.yaml', 'teams:\n  - { id: bench-team, name: Bench, domains: [bench] }\n');
  write('products/bench/orders/product.yaml', 'name: orders\ndomain: bench\nowner: bench-team\nkind: source-aligned\nsources:\n  - { name: orders, type: postgres, url_env: BENCH_PG_URL, table: orders }\n');

  const tessera = [];
  const base = [];
  for (let i = 0; i < runs; i++) {
    const t = await runTessera(mesh, url);
    if (t.loaded !== rows) throw new Error(`tessera loaded ${t.loaded} rows, not ${rows}`);
    tessera.push(t);
    const b = await baseline(url, work);
    base.push(b);
    log(`run ${i + 1}/${runs}: tessera run ${(t.wall / 1000).toFixed(2)} s (node ${(t.node / 1000).toFixed(2)} s), COPY + read_csv ${(b / 1000).toFixed(2)} s`);
  }
  const wall = median(tessera.map((t) => t.wall));
  const node = median(tessera.map((t) => t.node));
  const copy = median(base);
  const perSecond = (ms) => Math.round(rows / (ms / 1000)).toLocaleString('en-US');
  printTable([
    ['path', `median of ${runs}`, 'rows/s'],
    ['tessera run (whole command)', `${(wall / 1000).toFixed(2)} s`, perSecond(wall)],
    ['tessera run (source node)', `${(node / 1000).toFixed(2)} s`, perSecond(node)],
    ['COPY TO csv + read_csv', `${(copy / 1000).toFixed(2)} s`, perSecond(copy)],
  ]);
  console.log(`\nsource node / baseline: ${(node / copy).toFixed(2)}×`);
} finally {
  server.stop();
  rmSync(work, { recursive: true, force: true });
}
