// All four PostgreSQL benchmarks of issue 15, one after another (see bench/README.md):
//   (a) mesh.js     the grocery mesh: `tessera run` vs the same work replayed with node-postgres
//   (b) checks.js   15 checks on 10M rows: fused vs one query per check
//   (c) ingest.js   a PostgreSQL table into DuckDB vs COPY to CSV + read_csv
//   (d) leasing.js  per-node cost of spreading a run over 3 workers
//   node bench/postgres/run.js [--parts mesh,checks,ingest,leasing] [--scale N] [--rows N] [--ingest-rows N] [--models N]
// Each part starts its own PostgreSQL server and prints its own table; a failing part stops the rest.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = dirname(fileURLToPath(import.meta.url));
const { values: opts } = parseArgs({
  options: {
    parts: { type: 'string', default: 'mesh,checks,ingest,leasing' },
    scale: { type: 'string' },
    rows: { type: 'string' },
    'ingest-rows': { type: 'string' },
    models: { type: 'string' },
  },
});
const flag = (name, value) => (value === undefined ? [] : [name, value]);
const PARTS = {
  mesh: ['mesh.js', ...flag('--scale', opts.scale)],
  checks: ['checks.js', ...flag('--rows', opts.rows)],
  ingest: ['ingest.js', ...flag('--rows', opts['ingest-rows'])],
  leasing: ['leasing.js', ...flag('--models', opts.models)],
};
const parts = opts.parts.split(',').map((p) => p.trim()).filter(Boolean);
const unknown = parts.filter((p) => !(p in PARTS));
if (unknown.length > 0) throw new Error(`--parts: unknown ${unknown.join(', ')} (choose from ${Object.keys(PARTS).join(', ')})`);
for (const part of parts) {
  const [script, ...args] = PARTS[part];
  console.log(`\n=== bench/postgres/${script} ${args.join(' ')}`.trimEnd());
  const t0 = performance.now();
  const result = spawnSync(process.execPath, [join(HERE, script), ...args], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`bench/postgres/${script} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
  console.log(`=== ${script}: ${((performance.now() - t0) / 60_000).toFixed(1)} min`);
}
