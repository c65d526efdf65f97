// Times Tessera's quality checks on one large table against the same aggregates written by
// hand, in one query (the limit) and as one query per check (see bench/README.md).
//   node bench/checks/run.js [--rows 10000000] [--runs 5] [--dist dist]
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { median } from '../compile/measure.js';
import { CHECKS_YAML, expected, fusedSql, perCheckSql } from './checks.js';
import { ensureOrders } from './data.js';
import { printTable } from '../table.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WORK = join(ROOT, 'bench/.work/checks');
const TARGET = 1.1;

const { values: opts } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    runs: { type: 'string', default: '5' },
    // The compiled Tessera to import; another build folder leaves dist/ alone for whoever uses it.
    dist: { type: 'string', default: 'dist' },
  },
});
const rows = Number(opts.rows.replaceAll('_', ''));
const runs = Number(opts.runs);
if (!Number.isSafeInteger(rows) || rows < 1) throw new Error(`--rows must be a positive integer, not ${opts.rows}`);
if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, not ${opts.runs}`);
const distDir = resolve(ROOT, opts.dist);
const dist = (path) => import(pathToFileURL(join(distDir, path)).href);

const log = (message) => process.stderr.write(`${message}\n`);
const int = (n) => Number(n).toLocaleString('en-US');
const ms = (value) => (value >= 1000 ? `${(value / 1000).toFixed(3)} s` : `${value.toFixed(1)} ms`);
const stats = (values) => ({ median: median(values), min: Math.min(...values), max: Math.max(...values), samples: values });

function fail(message) {
  log(`\n${message}`);
  process.exit(1);
}

// ---------------------------------------------------------------- setup (not timed)

const { openWarehouse } = await dist('warehouse/index.js');
const { parseChecks, planChecks } = await dist('checks/index.js');
const { evaluateChecks } = await dist('runner/index.js');
const { SqlStateStore } = await dist('state/index.js');

const dbPath = join(WORK, `orders-${rows}.duckdb`);
log(`checks bench: ${int(rows)} rows, ${runs} runs; node ${process.version}, ${cpus().length} cpus, load ${loadavg()[0].toFixed(2)}; Tessera from ${distDir}`);
const data = await ensureOrders(openWarehouse, dbPath, rows);
log(data.generated ? `generated ${dbPath} in ${ms(data.ms)}` : `reusing ${dbPath} (same rows and generator)`);

const warehouse = await openWarehouse({ type: 'duckdb', path: dbPath });
const d = warehouse.dialect;
const state = new SqlStateStore(warehouse, d);
await state.migrate();
const threads = (await warehouse.query(`SELECT current_setting('threads') AS t`))[0]?.t;
const table = d.table('main', 'orders');

const parseStarted = performance.now();
const spec = { path: 'bench.yaml', locate: () => ({ file: 'bench.yaml', line: 1, column: 1 }) };
const { checks, diagnostics } = parseChecks(parseYaml(CHECKS_YAML), spec, ['checks']);
const parseMs = performance.now() - parseStarted;
if (diagnostics.length > 0) fail(`the bench's checks do not parse:\n${diagnostics.map((x) => `- ${x.message}`).join('\n')}`);
const plan = planChecks(checks, table, d);
if (plan.scan === undefined || plan.sources.some((s) => s.from !== 'scan')) fail('every check of the bench should be measured by the fused scan');
const handFused = fusedSql(table);
const perCheck = perCheckSql(table);
if (perCheck.length !== checks.length) fail(`${checks.length} checks but ${perCheck.length} per-check queries`);
log(`${checks.length} checks, ${plan.metrics.length} distinct metrics in Tessera's scan; parsed in ${ms(parseMs)}`);
log(`Tessera's scan:\n  ${plan.scan}\n`);

// ---------------------------------------------------------------- the variants

const now = () => new Date();

const variants = [
  {
    name: 'a',
    label: "(a) Tessera's checks (evaluateChecks)",
    queries: 1,
    run: async () => {
      const at = now();
      const t0 = performance.now();
      const outcome = await evaluateChecks(warehouse, d, state, { nodeId: 'bench.orders', table, checks, runId: 1, now: at });
      const total = performance.now() - t0;
      // Each fused check carries an equal share of the scan's time: their sum is the scan.
      const scanMs = outcome.results.reduce((sum, r) => sum + r.durationMs, 0);
      return { ms: total, scanMs, values: outcome.results.map((r) => r.value), outcomes: outcome.results.map((r) => r.outcome), samples: outcome.results.filter((r) => r.sample).length };
    },
  },
  {
    name: 'a-scan',
    label: "(a') Tessera's scan SQL, run directly",
    queries: 1,
    run: async () => {
      const t0 = performance.now();
      await warehouse.query(plan.scan);
      return { ms: performance.now() - t0 };
    },
  },
  {
    name: 'b',
    label: '(b) one hand-written query (the limit)',
    queries: 1,
    run: async () => {
      const t0 = performance.now();
      const row = (await warehouse.query(handFused))[0];
      return { ms: performance.now() - t0, values: expected(row) };
    },
  },
  {
    name: 'c',
    label: '(c) one query per check',
    queries: perCheck.length,
    run: async () => {
      const each = [];
      const values = [];
      const t0 = performance.now();
      for (const sql of perCheck) {
        const q0 = performance.now();
        values.push((await warehouse.query(sql))[0]?.value ?? null);
        each.push(performance.now() - q0);
      }
      return { ms: performance.now() - t0, each, values };
    },
  },
];

function same(x, y) {
  if (typeof x === 'string' && typeof y === 'string' && Number.isNaN(Number(x))) return x === y;
  const a = Number(x);
  const b = Number(y);
  return Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** The warm-up round: reads the table into DuckDB's buffers, and checks that a, b and c agree. */
async function warmUp() {
  const t0 = performance.now();
  const result = {};
  for (const v of variants) result[v.name] = await v.run();
  const a = result.a;
  const failing = checks.filter((_, i) => a.outcomes[i] !== 'pass');
  if (failing.length > 0) fail(`checks that do not pass (their sample queries would distort the timing): ${failing.map((c) => c.name).join(', ')}`);
  const disagree = checks.flatMap((check, i) =>
    same(a.values[i], result.b.values[i]) && same(a.values[i], result.c.values[i]) ? [] : [`${check.name}: a ${a.values[i]}, b ${result.b.values[i]}, c ${result.c.values[i]}`],
  );
  if (disagree.length > 0) fail(`the variants disagree:\n${disagree.join('\n')}`);
  log(`warm-up in ${ms(performance.now() - t0)}: all ${checks.length} checks pass (no sample queries), and a, b and c agree on every value`);
  return checks.map((check, i) => ({ name: check.name, value: a.values[i] }));
}

/** One sample of each variant per repetition; the order rotates, so no variant always follows the same one. */
async function repeat() {
  const samples = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(i + k) % variants.length];
      const load = loadavg()[0];
      const sample = { ...(await v.run()), load };
      samples[v.name].push(sample);
      const detail = v.name === 'a' ? `, of which the scan ${ms(sample.scanMs)}` : '';
      log(`  ${i + 1}/${runs} ${v.label}: ${ms(sample.ms)}${detail}, load ${load.toFixed(2)} before`);
    }
  }
  return samples;
}

const values = await warmUp();
const samples = await repeat();
await warehouse.close();

// ---------------------------------------------------------------- report

const summary = Object.fromEntries(variants.map((v) => [v.name, { label: v.label, queries: v.queries, ...stats(samples[v.name].map((s) => s.ms)), loadBefore: samples[v.name].map((s) => Number(s.load.toFixed(2))) }]));
summary.a.scan = stats(samples.a.map((s) => s.scanMs));
summary.a.overhead = stats(samples.a.map((s) => s.ms - s.scanMs));
const limit = summary.b.median;
const ratio = (name) => summary[name].median / limit;
// The ratio within each repetition (the samples of one repetition run back to back), then its
// median: less sensitive to load that changes between repetitions than the ratio of medians.
const paired = (name) => median(samples[name].map((s, i) => s.ms / samples.b[i].ms));
// The fastest samples: those least disturbed by other work on the machine.
const minRatio = (name) => summary[name].min / summary.b.min;
for (const v of variants) Object.assign(summary[v.name], { ratio: ratio(v.name), pairedRatio: paired(v.name), minRatio: minRatio(v.name) });

const report = [['variant', 'queries', 'median', 'min–max', 'spread', '/ (b)', 'paired / (b)', 'min / (b) min']];
for (const v of variants) {
  const s = summary[v.name];
  report.push([v.label, String(v.queries), ms(s.median), `${ms(s.min)} – ${ms(s.max)}`, `${(((s.max - s.min) / s.median) * 100).toFixed(0)} %`, `${ratio(v.name).toFixed(3)}x`, `${paired(v.name).toFixed(3)}x`, `${minRatio(v.name).toFixed(3)}x`]);
  if (v.name === 'a') {
    report.push(['    of which the scan query', '', ms(s.scan.median), `${ms(s.scan.min)} – ${ms(s.scan.max)}`, '', '', '', '']);
    report.push(['    of which the rest (plan, judge)', '', ms(s.overhead.median), `${ms(s.overhead.min)} – ${ms(s.overhead.max)}`, '', '', '', '']);
  }
}
printTable(report);

// Where one-query-per-check spends its time: which aggregates are expensive alone.
const each = checks.map((check, i) => ({ check: check.name, sql: perCheck[i], ...stats(samples.c.map((s) => s.each[i])) }));
const eachTotal = each.reduce((sum, e) => sum + e.median, 0);
console.log('\n(c) per query, by median:');
printTable([['check', 'median', 'share'], ...[...each].sort((x, y) => y.median - x.median).map((e) => [e.check, ms(e.median), `${((e.median / eachTotal) * 100).toFixed(0)} %`])]);

// (c) again, but without the queries that repeat an earlier one (a metric written twice):
// derived from the same samples, not measured apart. What fusing saves beyond deduplication.
const firstOfItsSql = perCheck.map((sql, i) => perCheck.indexOf(sql) === i);
summary.cOnce = stats(samples.c.map((s) => s.each.reduce((sum, t, i) => sum + (firstOfItsSql[i] ? t : 0), 0)));
const onceQueries = firstOfItsSql.filter(Boolean).length;
console.log(`\n(c) counting each distinct query once (${onceQueries} queries, from the same samples): median ${ms(summary.cOnce.median)}, ${(summary.cOnce.median / limit).toFixed(3)}x (b); min ${ms(summary.cOnce.min)}, ${(summary.cOnce.min / summary.b.min).toFixed(3)}x (b) min`);

const met = ratio('a') <= TARGET;
console.log('');
console.log(`${met ? '[ ok ]' : '[MISSED]'} (a) <= ${TARGET.toFixed(2)} x (b): ${ratio('a').toFixed(3)}x (${ms(summary.a.median)} vs ${ms(limit)})`);
console.log(`       paired (median of per-repetition ratios): ${paired('a').toFixed(3)}x; fastest over fastest: ${minRatio('a').toFixed(3)}x`);
// The verdict is on the ratio of medians; say so when the other two estimates would disagree.
const verdicts = [paired('a'), minRatio('a')].map((r) => r <= TARGET);
if (verdicts.some((v) => v !== met)) console.log(`       [noisy] the paired or fastest-sample ratio says the opposite: rerun with more --runs on a quieter machine`);
console.log(`       (c) / (b): ${ratio('c').toFixed(2)}x (paired ${paired('c').toFixed(2)}x, fastest ${minRatio('c').toFixed(2)}x); (c) / (a): ${(summary.c.median / summary.a.median).toFixed(2)}x`);
const loads = Object.values(samples).flat().map((s) => s.load);
console.log(`       ${int(rows)} rows, ${checks.length} checks (${plan.metrics.length} distinct metrics), ${runs} runs; DuckDB threads ${threads}, ${cpus().length} cpus, load ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} during the runs`);

const file = join(WORK, 'checks-results.json');
const meta = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, threads, rows, runs, target: TARGET, met };
writeFileSync(file, `${JSON.stringify({ ...meta, checks: values, sql: { tessera: plan.scan, fused: handFused, perCheck }, parseMs, summary, perCheckQuery: each, samples }, null, 2)}\n`);
log(`\nresults written to ${file}`);

