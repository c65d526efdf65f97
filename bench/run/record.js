// Runs a mesh in process, through dist/ (the code `tessera run` runs), and reports how long
// each phase took, as JSON on stdout. With --out it also records the statements the build
// executes, grouped by node, for bench/run/direct.js to replay (see bench/README.md).
//   node bench/run/record.js --dir <mesh> [--out statements.json] [--trace] [--concurrency N]
//
// What is recorded is what runMesh's `onStatement` hook reports: every statement run on the
// connections that build nodes (builds, `SET search_path`, row counts, checks and audits),
// minus the state store's writes that happen there (inside a port's publishing
// transaction): bookkeeping is Tessera's overhead, not part of the baseline.
// Recording builds one node at a time (--concurrency 1 is forced): the hook does not say
// which connection a statement is for, so only then does each statement belong to the node
// that last started. The SQL is the same at any concurrency.
//
// With --trace, every call the run makes on the warehouse is timed and put in a category
// (the build statements, the audits, the state store, catalog lookups, ...), marked as
// replayed or not: the report's `trace` says where runMesh's time goes. Use it with one
// node at a time (as when recording), or the calls of two nodes overlap.
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (path) => import(pathToFileURL(join(ROOT, 'dist', path)).href);

const { values: opts } = parseArgs({
  options: {
    dir: { type: 'string' },
    out: { type: 'string' },
    concurrency: { type: 'string' },
    trace: { type: 'boolean', default: false },
  },
});
if (!opts.dir) throw new Error('--dir is required');
const recording = opts.out !== undefined;
const concurrency = recording ? 1 : opts.concurrency === undefined ? undefined : Number(opts.concurrency);

const t0 = performance.now();
const { openMesh } = await dist('workspace/index.js');
const runner = await dist('runner/index.js');
const opened = await openMesh(opts.dir);
const errors = opened.diagnostics.filter((d) => d.severity === 'error');
if (errors.length > 0 || !opened.mesh || !opened.graph) {
  throw new Error(`the mesh has errors:\n${errors.map((d) => `${d.location?.file ?? ''}: ${d.message}`).join('\n')}`);
}
const { mesh, graph, root } = opened;
const t1 = performance.now();
const { warehouse, release } = await runner.openMeshWarehouse(root, mesh.spec, { command: 'bench/run/record.js' });
const t2 = performance.now();

/** Nodes in the order they were built, each with the statements it executed. */
const nodes = [];
let current;
/** State store statements the hook reported; not replayed. */
let bookkeeping = 0;
/** The statement the hook reported last, not yet run: the next call with the same text is replayed. */
let announced;

const isStateStore = (sql) => sql.includes('"tessera_state"');

/** What a call does, from its SQL and the kind of node being built. */
function label(method, sql) {
  if (method !== 'execute' && method !== 'query') return `catalog: ${method}()`;
  const kind = current?.kind ?? '?';
  if (isStateStore(sql)) return 'state store';
  if (/^CREATE SCHEMA/.test(sql)) return 'create schemas';
  if (sql.startsWith('SET search_path')) return 'SET search_path';
  if (kind === 'port' && sql.startsWith('CREATE OR REPLACE VIEW')) return 'port: switch view';
  if (kind === 'port' && /^CREATE (OR REPLACE )?TABLE "tessera_versions"/.test(sql)) return 'port: write version';
  if (/^(CREATE|INSERT|UPDATE|DELETE|DROP)\b/.test(sql)) return `build: ${kind}`;
  if (sql.startsWith('SELECT (SELECT count(*) FROM')) return 'rows and width after build';
  // Checks and audits: a port's in its audit, a source's or model's after it is built.
  const checks = kind === 'port' ? 'port audit' : `${kind} checks`;
  if (sql.startsWith('SELECT count(*) AS n FROM')) return `${checks}: row count`;
  if (sql.includes('typeof(CAST(NULL')) return `${checks}: declared types`;
  if (/ AS m0\b/.test(sql)) return `${checks}: fused scan`;
  if (sql.startsWith('SELECT count(*) AS value FROM') && sql.includes('NOT EXISTS')) return `${checks}: reference`;
  if (sql.startsWith('WITH "this" AS')) return `${checks}: sql`;
  if (/LIMIT \d+$/.test(sql)) return `${checks}: failing-row samples`;
  if (sql.includes('HAVING count(*) > 1')) return 'snapshot: key check';
  return `other: ${sql.slice(0, 40)}`;
}

/** Milliseconds and calls per category, when tracing; ` *` marks what the baseline does not replay. */
const trace = {};
/** Per node, the time of its calls that are not replayed; and the slowest of those calls. */
const overheadByNode = {};
const slowest = [];
const SLOWEST = 12;

/** The slowest check and audit queries (replayed or not). */
const slowestChecks = [];

function keep(list, entry) {
  list.push(entry);
  list.sort((a, b) => b.ms - a.ms);
  list.length = Math.min(list.length, SLOWEST);
}

function note(name, ms, sql) {
  trace[name] ??= { calls: 0, ms: 0 };
  trace[name].calls++;
  trace[name].ms += ms;
  if (!current) return;
  const entry = () => ({ node: current.id, category: name, ms, sql: sql.length > 400 ? `${sql.slice(0, 400)} …` : sql });
  if (typeof sql === 'string' && /audit|checks/.test(name)) keep(slowestChecks, entry());
  if (!name.endsWith(' *')) return;
  overheadByNode[current.id] ??= {};
  overheadByNode[current.id][name] = (overheadByNode[current.id][name] ?? 0) + ms;
  if (typeof sql === 'string') keep(slowest, entry());
}

/** Time during which at least one call was in flight: calls may overlap (the state store writes node results on a timer). */
let inFlight = 0;
let busySince = 0;
let busyMs = 0;
function enter() {
  if (inFlight++ === 0) busySince = performance.now();
}
function leave() {
  if (--inFlight === 0) busyMs += performance.now() - busySince;
}

/** A session whose calls are timed; a transaction's work gets a traced session too, its BEGIN/COMMIT are the rest. */
function traced(session) {
  const timed = (method) => async (...args) => {
    const replayed = method === 'execute' || method === 'query' ? args[0] === announced : false;
    if (replayed) announced = undefined;
    const name = `${label(method, args[0])}${replayed ? '' : ' *'}`;
    const t = performance.now();
    enter();
    try {
      return await session[method](...args);
    } finally {
      leave();
      note(name, performance.now() - t, args[0]);
    }
  };
  return {
    dialect: session.dialect,
    readOnly: session.readOnly,
    execute: timed('execute'),
    query: timed('query'),
    relations: timed('relations'),
    columns: timed('columns'),
    transaction: async (work) => {
      const t = performance.now();
      let inner = 0;
      enter();
      try {
        return await session.transaction(async (tx) => {
          const before = Object.values(trace).reduce((sum, c) => sum + c.ms, 0);
          try {
            return await work(traced(tx));
          } finally {
            inner = Object.values(trace).reduce((sum, c) => sum + c.ms, 0) - before;
          }
        });
      } finally {
        leave();
        note('transactions: BEGIN/COMMIT *', performance.now() - t - inner);
      }
    },
    connect: async () => traced(await session.connect()),
    close: () => session.close(),
  };
}

const summary = await runner.runMesh({
  root,
  mesh,
  graph,
  warehouse: opts.trace ? traced(warehouse) : warehouse,
  ...(concurrency === undefined ? {} : { concurrency }),
  onEvent: (event) => {
    if (event.type !== 'node-started') return;
    current = { id: event.nodeId, kind: graph.nodes.get(event.nodeId)?.kind, statements: [] };
    nodes.push(current);
  },
  ...(recording || opts.trace
    ? {
        onStatement: (sql) => {
          if (!current) throw new Error(`a statement before any node started: ${sql.slice(0, 80)}`);
          if (isStateStore(sql)) {
            bookkeeping++;
            return;
          }
          current.statements.push(sql);
          announced = sql;
        },
      }
    : {}),
});
const t3 = performance.now();
await release();
const t4 = performance.now();
if (summary.status !== 'success') {
  const failed = summary.results.filter((r) => r.status === 'failed').map((r) => `${r.nodeId}: ${r.error?.message ?? ''}`);
  throw new Error(`the run failed:\n${failed.join('\n')}`);
}

if (recording) {
  // The schemas the runner creates before building anything (outside the statement hook), in its order.
  const schemas = [
    runner.VERSIONS_SCHEMA,
    ...new Set([...graph.products.keys()].map(runner.productSchema)),
    ...new Set([...graph.products.values()].map((p) => p.domain)),
  ];
  const position = new Map(nodes.map((n, i) => [n.id, i]));
  const before = (id, other) => (position.get(other) ?? Infinity) < (position.get(id) ?? -1);
  const recorded = nodes.map((n) => {
    const node = graph.nodes.get(n.id);
    // What must be built first: the upstream nodes, and the ports its reference checks read
    // (the runner orders those first too, unless that would make a cycle: then they came later).
    const references = (node?.checks ?? []).filter((c) => c.type === 'reference').map((c) => `port:${c.port.domain}.${c.port.table}`);
    const upstream = [...new Set([...(node?.upstream ?? []), ...references])].filter((u) => u !== n.id && before(n.id, u));
    return { id: n.id, kind: n.kind, upstream, statements: n.statements };
  });
  writeFileSync(opts.out, `${JSON.stringify({ schemas, nodes: recorded })}\n`);
}

const byKind = {};
for (const r of summary.results) {
  byKind[r.kind] ??= { nodes: 0, ms: 0 };
  byKind[r.kind].nodes++;
  byKind[r.kind].ms += r.durationMs;
}
const report = {
  compileMs: t1 - t0,
  openMs: t2 - t1,
  runMeshMs: t3 - t2,
  closeMs: t4 - t3,
  nodes: summary.nodes,
  statements: nodes.reduce((sum, n) => sum + n.statements.length, 0),
  stateStoreStatementsNotRecorded: bookkeeping,
  byKind,
  ...(opts.trace ? { trace, busyMs, overheadByNode, slowest, slowestChecks } : {}),
};
process.stdout.write(`${JSON.stringify(report)}\n`);
