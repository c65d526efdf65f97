// Fuzzes `tessera validate --json` with seeded mutations of the example mesh (see bench/README.md).
//   node bench/fuzz/run.js [--mutants 5000] [--seed N] [--keep]
// Needs dist/ (npm run build). Prints every mutant that breaks a rule (a stack trace, exit code 3,
// JSON that does not parse, undefined/NaN/[object Object] in a message, a diagnostic without a
// file and line), then a summary; exits 1 when any did.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { copyMesh, followUpProblems, mutateMesh, problemsOf, seededRandom } from './mutate.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: opts } = parseArgs({
  options: {
    mutants: { type: 'string', default: '5000' },
    seed: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const mutants = Number(opts.mutants);
const seed = opts.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(opts.seed);
const { main } = await import(join(ROOT, 'dist/cli/main.js'));

/** The CLI in process, its output captured. */
async function cli(argv) {
  const out = [];
  const err = [];
  const exitCode = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t), color: false });
  return { exitCode, stdout: out.join('\n'), stderr: err.join('\n') };
}

const work = mkdtempSync(join(tmpdir(), 'tessera-fuzz-'));
const base = join(work, 'base');
copyMesh(join(ROOT, 'examples/grocery'), base);
process.stderr.write(`fuzzing ${mutants} mutants of examples/grocery, seed ${seed} (TESSERA_FUZZ_SEED / --seed)\n`);

const rng = seededRandom(seed);
const byProblem = new Map();
const exitCodes = new Map();
const codes = new Map();
let failed = 0;
const started = performance.now();
for (let i = 0; i < mutants; i++) {
  const dir = join(work, `m${i}`);
  copyMesh(base, dir);
  const mutations = mutateMesh(dir, rng);
  const run = await cli(['validate', '--dir', dir, '--json']);
  const { exitCode } = run;
  exitCodes.set(exitCode, (exitCodes.get(exitCode) ?? 0) + 1);
  try {
    for (const d of JSON.parse(run.stdout).diagnostics) codes.set(d.code, (codes.get(d.code) ?? 0) + 1);
  } catch {
    // counted as a problem below
  }
  const problems = problemsOf(run, undefined, dir);
  if (exitCode === 0 && problems.length === 0) problems.push(...(await followUpProblems(cli, dir)));
  if (problems.length > 0) {
    failed++;
    process.stdout.write(`\nmutant ${i} (seed ${seed}):\n  ${mutations.join('\n  ')}\n  → ${problems.join('\n  → ')}\n`);
    for (const problem of new Set(problems.map((p) => p.replace(/\d+/g, 'N').slice(0, 120)))) byProblem.set(problem, (byProblem.get(problem) ?? 0) + 1);
  }
  if (!(opts.keep && problems.length > 0)) rmSync(dir, { recursive: true, force: true });
  if ((i + 1) % 500 === 0) process.stderr.write(`  ${i + 1} mutants, ${failed} with problems, ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}
const seconds = (performance.now() - started) / 1000;
if (!opts.keep) rmSync(work, { recursive: true, force: true });
else mkdirSync(work, { recursive: true });

process.stdout.write(`\n${mutants} mutants · seed ${seed} · ${seconds.toFixed(1)} s (${((seconds * 1000) / mutants).toFixed(1)} ms each)\n`);
process.stdout.write(`exit codes: ${[...exitCodes].sort().map(([code, n]) => `${code}: ${n}`).join(', ')}\n`);
process.stdout.write(`diagnostic codes seen: ${codes.size} (${[...codes].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([c, n]) => `${c} ${n}`).join(', ')}, …)\n`);
process.stdout.write(`mutants with problems: ${failed}\n`);
for (const [problem, n] of [...byProblem].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${n} × ${problem}\n`);
if (opts.keep && failed > 0) process.stdout.write(`failing mutants kept in ${work}\n`);
process.exitCode = failed > 0 ? 1 : 0;
