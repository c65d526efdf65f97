// The baseline of the run benchmark: replays the statements bench/run/record.js recorded
// straight through @duckdb/node-api, in one process, and reports its phases as JSON on stdout.
//   node bench/run/direct.js --statements <file> --db <file> [--connections 1|N] [--builds-only]
// With one connection every statement runs in the recorded order (a valid build order).
// With N, N connections build the nodes N at a time, each node once what it waits for is
// built (upstream nodes, ports its reference checks read), as the runner schedules them;
// each node's statements run in order on one connection (its `SET search_path` included).
// --builds-only skips the queries (row counts, checks, audits): what a bare build costs.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';

const t0 = performance.now();
const { values: opts } = parseArgs({
  options: {
    statements: { type: 'string' },
    db: { type: 'string' },
    connections: { type: 'string', default: '1' },
    'builds-only': { type: 'boolean', default: false },
  },
});
if (!opts.statements || !opts.db) throw new Error('--statements and --db are required');
const connectionCount = Number(opts.connections);
const { schemas, nodes } = JSON.parse(readFileSync(opts.statements, 'utf8'));

// The settings Tessera opens its warehouse with (threads and memory left to DuckDB).
const instance = await DuckDBInstance.create(opts.db, { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
const connections = [];
for (let i = 0; i < connectionCount; i++) connections.push(await instance.connect());
const t1 = performance.now();

await connections[0].run(schemas.map((s) => `CREATE SCHEMA IF NOT EXISTS "${s.replaceAll('"', '""')}";`).join('\n'));

const isQuery = (sql) => /^\s*(SELECT|WITH)\b/i.test(sql);
let executed = 0;

/** Runs a node's statements; queries' rows are read into JS, as Tessera reads them. */
async function build(connection, node) {
  for (const sql of node.statements) {
    if (!isQuery(sql)) await connection.run(sql);
    else if (opts['builds-only']) continue;
    else (await connection.runAndReadAll(sql)).getRowObjectsJson();
    executed++;
  }
}

if (connectionCount === 1) {
  for (const node of nodes) await build(connections[0], node);
} else {
  // Nodes become ready when everything they read is built; the ready ones go in recorded order.
  const waitingOn = new Map(nodes.map((n) => [n.id, n.upstream.length]));
  const downstream = new Map(nodes.map((n) => [n.id, []]));
  for (const n of nodes) for (const u of n.upstream) downstream.get(u).push(n.id);
  const order = new Map(nodes.map((n, i) => [n.id, i]));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const ready = nodes.filter((n) => n.upstream.length === 0).map((n) => n.id);
  let running = 0;
  let done = 0;
  let wakers = [];
  const worker = async (connection) => {
    for (;;) {
      const id = ready.shift();
      if (id === undefined) {
        if (running === 0 || done === nodes.length) return;
        await new Promise((wake) => wakers.push(wake));
        continue;
      }
      running++;
      await build(connection, byId.get(id));
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
const t2 = performance.now();
for (const connection of connections) connection.closeSync();
instance.closeSync();
const t3 = performance.now();

const report = {
  startupMs: t0,
  openMs: t1 - t0,
  execMs: t2 - t1,
  closeMs: t3 - t2,
  nodes: nodes.length,
  statements: executed,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
