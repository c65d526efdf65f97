// Times `tessera validate` against `dataform compile` on generated meshes (see bench/README.md).
//   node bench/compile/run.js [--sizes 1000,10000] [--runs 5] [--dataform-runs N]
//                             [--skip-dataform] [--skip-tessera] [--seed 42]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DATAFORM_CORE_VERSION, buildGraph, expectedCounts, writeDataformProject, writeTesseraMesh } from './generate.js';
import { measure, median } from './measure.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WORK = join(ROOT, 'bench/.work');
const PEERS = join(ROOT, 'bench/.peers');
const DATAFORM_CLI_VERSION = '3.0.69';
const DATAFORM_BIN = join(PEERS, 'node_modules/@dataform/cli/bundle.js');
const TESSERA_BIN = join(ROOT, 'bin/tessera.js');
const TARGETS = { models: 10_000, coldSeconds: 2, warmSeconds: 0.5, ratio: 30 };

const { values: opts } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000' },
    runs: { type: 'string', default: '5' },
    'dataform-runs': { type: 'string' },
    'skip-dataform': { type: 'boolean', default: false },
    'skip-tessera': { type: 'boolean', default: false },
    seed: { type: 'string', default: '42' },
  },
});
const sizes = opts.sizes.split(',').map(Number);
const runs = Number(opts.runs);
const dataformRuns = (models) => Number(opts['dataform-runs'] ?? (models <= 1000 ? 3 : 1));

const log = (message) => process.stderr.write(`${message}\n`);
const fmtSeconds = (s) => (s === undefined ? '-' : `${s.toFixed(3)} s`);
const fmtMb = (kb) => (kb === undefined ? '-' : `${Math.round(kb / 1024)} MB`);

function fail(message, result) {
  log(`\n${message}`);
  if (result) log(`exit code ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
  process.exit(1);
}

/** Runs `command` `count` times, calling `before` first each time; fails on a non-zero exit. */
async function repeat(label, count, command, args, { before, stdoutFile } = {}) {
  const samples = [];
  for (let i = 1; i <= count; i++) {
    before?.();
    const result = await measure(command, args, { cwd: ROOT, stdoutFile });
    if (result.code !== 0) fail(`${label} failed`, result);
    log(`  ${label} ${i}/${count}: ${fmtSeconds(result.seconds)}, ${fmtMb(result.maxRssKb)}`);
    samples.push(result);
  }
  return samples;
}

const summary = (samples) => ({
  seconds: samples.map((s) => s.seconds),
  median: median(samples.map((s) => s.seconds)),
  maxRssKb: Math.max(...samples.map((s) => s.maxRssKb)),
});

async function benchTessera(models, meshDir, graph) {
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) fail('dist/cli/main.js is missing: run `npm run build` first (or pass --skip-tessera).');
  const args = [TESSERA_BIN, 'validate', '--dir', meshDir];
  const clearCache = () => rmSync(join(meshDir, '.tessera'), { recursive: true, force: true });
  const cold = await repeat(`[${models}] tessera cold`, runs, 'node', args, { before: clearCache });
  const warm = await repeat(`[${models}] tessera warm`, runs, 'node', args);
  // Warm again, but after editing one model each time: the parse cache serves the others.
  const edited = join(meshDir, 'products', graph.products[0].domain, graph.products[0].name, 'models', `${graph.products[0].models[0].name}.sql`);
  const original = readFileSync(edited, 'utf8');
  let edits = 0;
  const edit = () => writeFileSync(edited, `${original}-- edit ${++edits}\n`);
  const oneEdit = await repeat(`[${models}] tessera 1 edit`, runs, 'node', args, { before: edit });
  writeFileSync(edited, original);
  const all = [cold, warm, oneEdit].map(summary);
  return { cold: all[0], warm: all[1], oneEdit: all[2], maxRssKb: Math.max(...all.map((s) => s.maxRssKb)) };
}

function ensureDataform(projectDir) {
  if (!existsSync(DATAFORM_BIN)) {
    log(`installing @dataform/cli@${DATAFORM_CLI_VERSION} into bench/.peers ...`);
    execFileSync('npm', ['install', '--prefix', PEERS, `@dataform/cli@${DATAFORM_CLI_VERSION}`], { stdio: ['ignore', 2, 2] });
  }
  const corePackage = join(projectDir, 'node_modules/@dataform/core/package.json');
  if (!existsSync(corePackage) || JSON.parse(readFileSync(corePackage, 'utf8')).version !== DATAFORM_CORE_VERSION) {
    log(`installing @dataform/core@${DATAFORM_CORE_VERSION} into ${projectDir} ...`);
    execFileSync('node', [DATAFORM_BIN, 'install', projectDir], { stdio: ['ignore', 2, 2] });
  }
}

async function benchDataform(models, projectDir, graph) {
  ensureDataform(projectDir);
  const output = join(WORK, `dataform-${models}.json`);
  const args = [DATAFORM_BIN, 'compile', '--json', '--timeout', '20m', projectDir];
  const samples = await repeat(`[${models}] dataform compile`, dataformRuns(models), 'node', args, { stdoutFile: output });
  // Check that it compiled the whole graph, without errors.
  const compiled = JSON.parse(readFileSync(output, 'utf8'));
  const expected = expectedCounts(graph);
  const errors = compiled.graphErrors?.compilationErrors ?? [];
  const tables = compiled.tables?.length ?? 0;
  const declarations = compiled.declarations?.length ?? 0;
  if (errors.length > 0 || tables !== expected.tables || declarations !== expected.declarations) {
    fail(
      `dataform compiled ${tables}/${expected.tables} tables, ${declarations}/${expected.declarations} declarations, ` +
        `${errors.length} errors:\n${JSON.stringify(errors.slice(0, 5), null, 2)}`,
    );
  }
  return { cold: summary(samples), maxRssKb: summary(samples).maxRssKb };
}

function printTable(results) {
  const rows = [['models', 'products', 'tool', 'cold (median)', 'warm (median)', 'warm, 1 edit', 'peak RSS', 'dataform/tessera']];
  for (const r of results) {
    if (r.tessera) rows.push([r.models, r.products, 'tessera', fmtSeconds(r.tessera.cold.median), fmtSeconds(r.tessera.warm.median), fmtSeconds(r.tessera.oneEdit.median), fmtMb(r.tessera.maxRssKb), r.ratio ? `${r.ratio.toFixed(1)}x` : '-']);
    if (r.dataform) rows.push([r.models, r.products, 'dataform', fmtSeconds(r.dataform.cold.median), '-', '-', fmtMb(r.dataform.maxRssKb), '']);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
  const line = (row) => row.map((cell, c) => String(cell).padEnd(widths[c])).join('  ').trimEnd();
  console.log(line(rows[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows.slice(1)) console.log(line(row));
}

function checkTargets(results) {
  const r = results.find((x) => x.models === TARGETS.models);
  const check = (label, value, ok) => ({ label, value, met: value === undefined ? null : ok(value) });
  return [
    check(`${TARGETS.models} models cold <= ${TARGETS.coldSeconds} s`, r?.tessera?.cold.median, (v) => v <= TARGETS.coldSeconds),
    check(`${TARGETS.models} models >= ${TARGETS.ratio}x faster than dataform (cold)`, r?.ratio, (v) => v >= TARGETS.ratio),
    check(`${TARGETS.models} models warm <= ${TARGETS.warmSeconds} s`, r?.tessera?.warm.median, (v) => v <= TARGETS.warmSeconds),
  ];
}

mkdirSync(WORK, { recursive: true });
log(`compile bench: sizes ${sizes.join(', ')}; node ${process.version}, ${cpus().length} cpus`);
const results = [];
for (const models of sizes) {
  const started = performance.now();
  const graph = buildGraph(models, Number(opts.seed));
  const meshDir = join(WORK, `mesh-${models}`);
  const dataformDir = join(WORK, `dataform-${models}`);
  if (!opts['skip-tessera']) writeTesseraMesh(graph, meshDir);
  if (!opts['skip-dataform']) writeDataformProject(graph, dataformDir);
  const counts = expectedCounts(graph);
  log(`[${models}] generated ${counts.products} products, ${counts.tables} models, ${counts.declarations} sources in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const result = { models, products: counts.products };
  if (!opts['skip-tessera']) result.tessera = await benchTessera(models, meshDir, graph);
  if (!opts['skip-dataform']) result.dataform = await benchDataform(models, dataformDir, graph);
  if (result.tessera && result.dataform) result.ratio = result.dataform.cold.median / result.tessera.cold.median;
  results.push(result);
}

console.log('');
printTable(results);
const targets = checkTargets(results);
console.log('');
for (const t of targets) {
  const value = t.value === undefined ? 'not measured' : t.label.includes('faster') ? `${t.value.toFixed(1)}x` : fmtSeconds(t.value);
  console.log(`${t.met === null ? '[ -- ]' : t.met ? '[ ok ]' : '[FAIL]'} ${t.label}: ${value}`);
}
const file = join(WORK, 'compile-results.json');
const meta = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, seed: Number(opts.seed) };
writeFileSync(file, `${JSON.stringify({ ...meta, results, targets }, null, 2)}\n`);
log(`\nresults written to ${file}`);
