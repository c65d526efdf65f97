/*
 * Issue 12, "Done means": seeded mutations of the example mesh, each validated with
 * `tessera validate --json`. No mutant may give a stack trace or exit code 3, output that is
 * not JSON, `undefined`/`NaN`/`[object Object]` in a message or hint, or a diagnostic without
 * a file and line. The seed is printed; set TESSERA_FUZZ_SEED to replay one, and
 * TESSERA_FUZZ_MUTANTS to change the count. `node bench/fuzz/run.js --mutants 5000` runs more.
 * Each bug the fuzzer found has its own regression case below.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyMesh, followUpProblems, mutateMesh, problemsOf, seededRandom } from '../bench/fuzz/mutate.js';
import { runCli } from './support/run-cli.js';

const GROCERY = fileURLToPath(new URL('../examples/grocery/', import.meta.url));
/** ≈140 ms a mutant on 2 cores shared with other tests (validate, plus graph, lineage and scorecard for the ~20% that validate): 200 take ≈30 s, so that the file stays under 60 s in a full, parallel run. */
const MUTANTS = Number(process.env.TESSERA_FUZZ_MUTANTS ?? 200);
const SEED = Number(process.env.TESSERA_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

let work = '';
let base = '';
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tessera-fuzz-'));
  base = join(work, 'base');
  copyMesh(GROCERY, base);
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

let made = 0;
/** A fresh copy of the example mesh, edited by `edit`. */
function mesh(edit: (dir: string) => void): string {
  const dir = join(work, `case-${made++}`);
  copyMesh(base, dir);
  edit(dir);
  return dir;
}

async function validate(dir: string): Promise<{ problems: string[]; codes: string[]; messages: string[] }> {
  const run = await runCli(['validate', '--dir', dir, '--json']);
  const problems = problemsOf(run, undefined, dir);
  let diagnostics: { code: string; message: string }[] = [];
  try {
    diagnostics = (JSON.parse(run.stdout) as { diagnostics: { code: string; message: string }[] }).diagnostics;
  } catch {
    // reported in problems
  }
  return { problems, codes: diagnostics.map((d) => d.code), messages: diagnostics.map((d) => d.message) };
}

const VEHICLES = 'products/delivery/vehicles/product.yaml';
function edit(dir: string, file: string, change: (text: string) => string): void {
  writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));
}

describe('bugs the fuzzer found', () => {
  it('a check written as Jinja (`- {{ jinja }}`, a mapping as a key) is a YAML diagnostic, not "[object Object]"', async () => {
    const dir = mesh((d) => {
      edit(d, VEHICLES, (t) => t.replace('      - reference(hub_id) in delivery.hubs(hub_id)', '      - {{ jinja }}'));
    });
    const { problems, codes, messages } = await validate(dir);
    expect(problems).toEqual([]);
    expect(codes).toContain('yaml/syntax');
    expect(messages.join('\n')).toContain('is a mapping or a list, not text');
  });

  it('a product that does not load (an invalid owner) gives one diagnostic, not "not a port" in the products that read it', async () => {
    const dir = mesh((d) => {
      edit(d, VEHICLES, (t) => t.replace('owner: last-mile', 'owner: toString'));
    });
    const { problems, codes } = await validate(dir);
    expect(problems).toEqual([]);
    expect(codes.filter((c) => !c.startsWith('policy/'))).toEqual(['spec/invalid-value']);
  });

  it('a YAML .nan or .inf is named as written, not as JSON\'s "null"', async () => {
    const dir = mesh((d) => {
      edit(d, VEHICLES, (t) => t.replace('freshness: 7d', 'freshness: .nan').replace('kind: source-aligned', 'kind: .inf'));
    });
    const { problems, messages } = await validate(dir);
    expect(problems).toEqual([]);
    expect(messages).toContain('`ports[1].freshness` must be a string, not number .nan.');
    expect(messages).toContain('`kind` is .inf, which is not allowed.');
  });

  it('a control character in YAML is reported where it is, not on a line after the end of the file', async () => {
    const dir = mesh((d) => {
      writeFileSync(join(d, 'tessera.yaml'), 'name: grocery\u001b[31m\n');
    });
    const run = await runCli(['validate', '--dir', dir, '--json']);
    expect(problemsOf(run, undefined, dir)).toEqual([]);
    const [first] = (JSON.parse(run.stdout) as { diagnostics: { code: string; message: string; line: number; column: number }[] }).diagnostics;
    expect(first).toMatchObject({ code: 'yaml/syntax', line: 1, column: 14, message: 'A control character (U+001B) is not allowed in YAML.' });
  });

  it('the YAML parser\'s own messages show control characters escaped, never raw', async () => {
    const dir = mesh((d) => {
      writeFileSync(join(d, 'glossary.yaml'), 'terms: *\u0011x\n');
    });
    const run = await runCli(['validate', '--dir', dir, '--json']);
    expect(problemsOf(run, undefined, dir)).toEqual([]);
    expect(run.stdout).not.toMatch(/[\u0000-\u0008\u000B-\u001F]/);
  });

  it('a model file that is a symbolic link to nothing is file/unreadable at the file, even when product.yaml is gone', async () => {
    const dir = mesh((d) => {
      const sql = join(d, 'products/delivery/deliveries/models/hub_performance_daily.sql');
      rmSync(sql);
      symlinkSync('no-such-file', sql);
      rmSync(join(d, 'products/delivery/deliveries/product.yaml'));
    });
    const run = await runCli(['validate', '--dir', dir, '--json']);
    expect(problemsOf(run, undefined, dir)).toEqual([]);
    const found = (JSON.parse(run.stdout) as { diagnostics: { code: string; message: string; file: string }[] }).diagnostics;
    expect(found).toContainEqual(expect.objectContaining({ code: 'file/unreadable', file: 'products/delivery/deliveries/models/hub_performance_daily.sql', message: '`products/delivery/deliveries/models/hub_performance_daily.sql` is a symbolic link to a file that does not exist.' }));
  });

  it('a NUL byte is file/encoding at its place, once: the SQL after it is not silently lost, the YAML not misreported', async () => {
    const dir = mesh((d) => {
      writeFileSync(join(d, 'products/delivery/vehicles/models/hubs.sql'), 'select 1\u0000 as x\n');
      edit(d, VEHICLES, (t) => t.replace('kind: source-aligned', 'kind: source-aligned\u0000'));
    });
    const run = await runCli(['validate', '--dir', dir, '--json']);
    expect(problemsOf(run, undefined, dir)).toEqual([]);
    const found = (JSON.parse(run.stdout) as { diagnostics: { code: string; file: string; line: number; column: number }[] }).diagnostics.filter((d) => !d.code.startsWith('policy/'));
    expect(found.map((d) => [d.code, d.file, d.line, d.column])).toEqual([
      ['file/encoding', 'products/delivery/vehicles/models/hubs.sql', 1, 9],
      ['file/encoding', VEHICLES, 5, 21],
    ]);
  });
});

describe(`fuzzing validate: ${MUTANTS} mutants of examples/grocery, seed ${SEED}`, () => {
  it('every mutant gets diagnostics, never a crash or a message without a place', { timeout: 120_000 }, async () => {
    console.log(`fuzz-mesh: ${MUTANTS} mutants, seed ${SEED} (replay with TESSERA_FUZZ_SEED=${SEED})`);
    const rng = seededRandom(SEED);
    const failures: string[] = [];
    const started = performance.now();
    for (let i = 0; i < MUTANTS; i++) {
      const dir = join(work, `m${i}`);
      mkdirSync(dir);
      copyMesh(base, dir);
      const mutations = mutateMesh(dir, rng);
      const run = await runCli(['validate', '--dir', dir, '--json']);
      const problems = problemsOf(run, undefined, dir);
      // A mutant that validates must also go through graph, lineage and scorecard.
      if (run.exitCode === 0 && problems.length === 0) problems.push(...(await followUpProblems(runCli, dir)));
      if (problems.length > 0) failures.push(`mutant ${i}:\n  ${mutations.join('\n  ')}\n  → ${problems.join('\n  → ')}`);
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(`fuzz-mesh: ${MUTANTS} mutants in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(failures, `seed ${SEED}`).toEqual([]);
  });
});
