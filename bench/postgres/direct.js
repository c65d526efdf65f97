// The baseline of bench/postgres/mesh.js: replays what ./record.js recorded straight through
// node-postgres, in one process, and reports its phases as JSON on stdout.
//   node bench/postgres/direct.js --statements <file> --url <postgres url> [--connections N] [--builds-only]
// Per node, in order on one connection: its file loads, then its statements (its `SET
// search_path` included). With N connections, N nodes build at once, each once what it waits
// for is built, as the runner schedules them (as bench/run/direct.js does on DuckDB).
//
// A load is done the plain way with the same tools: an in-memory DuckDB (one thread, as
// Tessera's reader) writes the file's rows as CSV with its native writer into a temporary
// file, which is streamed into the recorded `COPY … FROM STDIN (FORMAT csv)` after the
// recorded `CREATE TABLE`. Tessera instead turns DuckDB's rows into CSV text in JS.
// --builds-only skips the queries (row counts, checks, audits): what a bare build costs.
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';

const t0 = performance.now();
const { values: opts } = parseArgs({
  options: {
    statements: { type: 'string' },
    url: { type: 'string' },
    connections: { type: 'string', default: '2' },
    'builds-only': { type: 'boolean', default: false },
  },
});
if (!opts.statements || !opts.url) throw new Error('--statements and --url are required');
const connectionCount = Number(opts.connections);
const { schemas, nodes } = JSON.parse(readFileSync(opts.statements, 'utf8'));
const scratch = mkdtempSync(join(tmpdir(), 'tessera-bench-direct-'));

const connections = [];
for (let i = 0; i < connectionCount; i++) {
  const client = new pg.Client({ connectionString: opts.url });
  await client.connect();
  connections.push(client);
}
const t1 = performance.now();
await connections[0].query(schemas.map((s) => `CREATE SCHEMA IF NOT EXISTS "${s.replaceAll('"', '""')}";`).join('\n'));

const isQuery = (sql) => /^\s*(SELECT|WITH)\b/i.test(sql);
const quote = (name) => `"${name.replaceAll('"', '""')}"`;
let executed = 0;
let loadMs = 0;
let loads = 0;

/** A file into its table: DuckDB's CSV writer, then COPY. Nested values go as JSON text (jsonb columns). */
async function load(client, { columns, reader, create, copy }) {
  const t = performance.now();
  const csv = join(scratch, `load-${loads++}.csv`);
  const instance = await DuckDBInstance.create(':memory:', { threads: '1', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const duck = await instance.connect();
  const list = columns.map((c) => (c.type === 'jsonb' ? `CAST(to_json(${quote(c.name)}) AS VARCHAR) AS ${quote(c.name)}` : quote(c.name))).join(', ');
  await duck.run(`COPY (SELECT ${list} FROM ${reader}) TO '${csv.replaceAll("'", "''")}' (FORMAT csv, HEADER false)`);
  duck.closeSync();
  instance.closeSync();
  await client.query(create);
  await pipeline(createReadStream(csv), client.query(copyStreams.from(copy)));
  rmSync(csv, { force: true });
  loadMs += performance.now() - t;
}

/** Milliseconds per kind of node (source, model, snapshot, port), as Tessera's summary has them. */
const byKind = {};

async function build(client, node) {
  const t = performance.now();
  await buildNode(client, node);
  byKind[node.kind] = (byKind[node.kind] ?? 0) + performance.now() - t;
}

async function buildNode(client, node) {
  for (const l of node.loads) await load(client, l);
  for (const sql of node.statements) {
    if (opts['builds-only'] && isQuery(sql)) continue;
    await client.query(sql);
    executed++;
  }
}

try {
  if (connectionCount === 1) {
    for (const node of nodes) await build(connections[0], node);
  } else {
    const waitingOn = new Map(nodes.map((n) => [n.id, n.upstream.length]));
    const downstream = new Map(nodes.map((n) => [n.id, []]));
    for (const n of nodes) for (const u of n.upstream) downstream.get(u).push(n.id);
    const order = new Map(nodes.map((n, i) => [n.id, i]));
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const ready = nodes.filter((n) => n.upstream.length === 0).map((n) => n.id);
    let running = 0;
    let done = 0;
    let wakers = [];
    const worker = async (client) => {
      for (;;) {
        const id = ready.shift();
        if (id === undefined) {
          if (running === 0 || done === nodes.length) return;
          await new Promise((wake) => wakers.push(wake));
          continue;
        }
        running++;
        await build(client, byId.get(id));
        running--;
        done++;
        for (const next of downstream.get(id)) {
          const left = waitingOn.get(next) - 1;
          waitingOn.set(next, left);
          if (left === 0) ready.push(next);
        }
        ready.sort((a, b) => order.get(a) - order.get(b));
        const wake = wakers;
        wakers = [];
        for (const w of wake) w();
      }
    };
    await Promise.all(connections.map(worker));
    if (done !== nodes.length) throw new Error(`built ${done} of ${nodes.length} nodes`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const t2 = performance.now();
for (const client of connections) await client.end();
const t3 = performance.now();

process.stdout.write(`${JSON.stringify({ startupMs: t0, openMs: t1 - t0, execMs: t2 - t1, loadMs, byKind, closeMs: t3 - t2, nodes: nodes.length, loads, statements: executed })}\n`);
