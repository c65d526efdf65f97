// Runs a mesh on its PostgreSQL warehouse in process, through dist/ (the code `tessera run`
// runs), one node at a time, and records what the build does for ./direct.js to replay
// (see bench/README.md, bench/postgres/mesh.js):
//   TESSERA_CONFIG=tessera.postgres.yaml TESSERA_WAREHOUSE_URL=… node bench/postgres/record.js --dir <mesh> --out statements.json
//
// As bench/run/record.js: the statements runMesh's `onStatement` hook reports (every
// statement on the connections that build nodes, minus the state store's), per node in
// build order with what the node waits for. On PostgreSQL a file source is not a statement:
// the runner reads the file with an in-memory DuckDB and bulk-loads its rows through
// `Warehouse.load()` (`COPY … FROM STDIN`) on a session of its own. Those loads are recorded
// too (target table, its columns and types, the DuckDB expression that reads the file), from
// a wrapper around the warehouse's `load`.
import { writeFileSync } from 'node:fs';
import { isAbsolute, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: opts } = parseArgs({ options: { dir: { type: 'string' }, out: { type: 'string' }, dist: { type: 'string', default: 'dist' } } });
if (!opts.dir || !opts.out) throw new Error('--dir and --out are required');
const dist = (path) => import(pathToFileURL(join(resolve(ROOT, opts.dist), path)).href);

const t0 = performance.now();
const { openMesh } = await dist('workspace/index.js');
const runner = await dist('runner/index.js');
const { duckdbDialect } = await dist('warehouse/index.js');
// The DDL and COPY statement the adapter's load() runs, as text for the replay.
const { copySql, createSql } = await dist('warehouse/postgres/load.js');
const opened = await openMesh(opts.dir);
const errors = opened.diagnostics.filter((d) => d.severity === 'error');
if (errors.length > 0 || !opened.mesh || !opened.graph) {
  throw new Error(`the mesh has errors:\n${errors.map((d) => `${d.location?.file ?? ''}: ${d.message}`).join('\n')}`);
}
const { mesh, graph, root } = opened;
if (mesh.spec.warehouse?.type !== 'postgres') throw new Error(`the mesh's warehouse is ${mesh.spec.warehouse?.type ?? 'duckdb'}: set TESSERA_CONFIG to its PostgreSQL variant`);
const t1 = performance.now();
const { warehouse, release } = await runner.openMeshWarehouse(root, mesh.spec, { command: 'bench/postgres/record.js' });
const t2 = performance.now();

const nodes = [];
let current;
let bookkeeping = 0;

/** The warehouse with `load` recorded; everything else as it is (a Proxy keeps the adapter's `this`). */
const recorded = new Proxy(warehouse, {
  get(target, property) {
    if (property === 'load') {
      return async (schema, name, columns, batches, options) => {
        const node = current && graph.nodes.get(current.id);
        if (node?.kind !== 'source' || !node.spec.format) throw new Error(`a load outside a file source: ${schema}.${name} in ${current?.id}`);
        const path = isAbsolute(node.spec.path) ? node.spec.path : resolve(root, node.spec.path);
        const reader = duckdbDialect.readFiles(node.spec.format, path, node.spec.options ?? {});
        const append = options?.append === true;
        current.loads.push({ columns, reader, create: createSql(schema, name, columns, append), copy: copySql(schema, name, columns) });
        return target.load(schema, name, columns, batches, options);
      };
    }
    if (property === 'loadCsv') {
      // The CSV path (scalar columns): DuckDB writes the CSV, COPY reads it; recorded the same way.
      return async (schema, name, columns, csv) => {
        const node = current && graph.nodes.get(current.id);
        if (node?.kind !== 'source' || !node.spec.format) throw new Error(`a load outside a file source: ${schema}.${name} in ${current?.id}`);
        const path = isAbsolute(node.spec.path) ? node.spec.path : resolve(root, node.spec.path);
        const reader = duckdbDialect.readFiles(node.spec.format, path, node.spec.options ?? {});
        current.loads.push({ columns, reader, create: createSql(schema, name, columns, false), copy: copySql(schema, name, columns) });
        return target.loadCsv(schema, name, columns, csv);
      };
    }
    const value = Reflect.get(target, property, target);
    return typeof value === 'function' ? value.bind(target) : value;
  },
});

const summary = await runner.runMesh({
  root,
  mesh,
  graph,
  warehouse: recorded,
  concurrency: 1,
  workers: 'local',
  onEvent: (event) => {
    if (event.type !== 'node-started') return;
    current = { id: event.nodeId, kind: graph.nodes.get(event.nodeId)?.kind, loads: [], statements: [] };
    nodes.push(current);
  },
  onStatement: (sql) => {
    if (!current) throw new Error(`a statement before any node started: ${sql.slice(0, 80)}`);
    if (sql.includes('"tessera_state"')) {
      bookkeeping++;
      return;
    }
    current.statements.push(sql);
  },
});
const t3 = performance.now();
await release();
if (summary.status !== 'success') {
  const failed = summary.results.filter((r) => r.status === 'failed').map((r) => `${r.nodeId}: ${r.error?.message ?? ''}`);
  throw new Error(`the run failed:\n${failed.join('\n')}`);
}

// The schemas the runner creates before building anything (outside the hook), in its order.
const schemas = [runner.VERSIONS_SCHEMA, runner.RAW_SCHEMA, ...new Set([...graph.products.keys()].map(runner.productSchema)), ...new Set([...graph.products.values()].map((p) => p.domain))];
const position = new Map(nodes.map((n, i) => [n.id, i]));
const before = (id, other) => (position.get(other) ?? Infinity) < (position.get(id) ?? -1);
const out = nodes.map((n) => {
  const node = graph.nodes.get(n.id);
  const references = (node?.checks ?? []).filter((c) => c.type === 'reference').map((c) => `port:${c.port.domain}.${c.port.table}`);
  const upstream = [...new Set([...(node?.upstream ?? []), ...references])].filter((u) => u !== n.id && before(n.id, u));
  return { id: n.id, kind: n.kind, upstream, loads: n.loads, statements: n.statements };
});
writeFileSync(opts.out, `${JSON.stringify({ schemas, nodes: out })}\n`);

process.stdout.write(
  `${JSON.stringify({
    compileMs: t1 - t0,
    openMs: t2 - t1,
    runMeshMs: t3 - t2,
    nodes: summary.nodes,
    loads: nodes.reduce((sum, n) => sum + n.loads.length, 0),
    statements: nodes.reduce((sum, n) => sum + n.statements.length, 0),
    stateStoreStatementsNotRecorded: bookkeeping,
  })}\n`,
);
