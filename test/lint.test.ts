/**
 * `tessera lint` and the shared guidelines inside `tessera validate`, through
 * the CLI on a copy of the valid fixture: findings, --fix that keeps the file as
 * written, configuration mistakes, and the rule list.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiagnosticJson } from '../src/diagnostics/index.js';
import { runCli } from './support/run-cli.js';

const VALID = fileURLToPath(new URL('fixtures/valid/', import.meta.url));
const CUSTOMERS = 'products/commerce/customers/product.yaml';

let mesh: string;
beforeEach(async () => {
  mesh = await mkdtemp(join(tmpdir(), 'tessera-lint-'));
  await cp(VALID, mesh, { recursive: true });
});
afterEach(async () => {
  await rm(mesh, { recursive: true, force: true });
});

/** Adds a public-facing e-mail column that nobody classified, with a comment that must survive fixing. */
async function addUnclassifiedEmail(): Promise<string> {
  const path = join(mesh, CUSTOMERS);
  const text = (await readFile(path, 'utf8'))
    .replace('  - name: customers\n', '  - name: customers\n    access: public   # read by partners too\n')
    .concat('      # How customers log in.\n      - { name: email, type: VARCHAR }\n');
  await writeFile(path, text);
  return text;
}

async function lint(...args: string[]): Promise<{ exitCode: number; diagnostics: DiagnosticJson[]; fixed: number }> {
  const run = await runCli(['lint', '--dir', mesh, '--json', ...args]);
  const parsed = JSON.parse(run.stdout) as { diagnostics: DiagnosticJson[]; fixed: number };
  return { exitCode: run.exitCode, ...parsed };
}

describe('tessera lint', () => {
  it('reports a guideline broken, with its rule as code and the YAML position', async () => {
    await addUnclassifiedEmail();
    const { exitCode, diagnostics } = await lint();
    expect(exitCode).toBe(1);
    expect(diagnostics.map((d) => [d.code, d.severity, d.file, d.line, d.column])).toEqual([['policy/pii-classified', 'error', CUSTOMERS, 20, 17]]);
    expect(diagnostics[0]?.hint).toContain('tessera lint --fix');
  });

  it('--fix classifies and then masks, in rounds, keeping every line and comment as written', async () => {
    const before = await addUnclassifiedEmail();
    const { exitCode, diagnostics, fixed } = await lint('--fix');
    expect(exitCode).toBe(0);
    expect(diagnostics).toEqual([]);
    expect(fixed).toBe(1);
    const after = await readFile(join(mesh, CUSTOMERS), 'utf8');
    expect(after).toBe(before.replace('{ name: email, type: VARCHAR }', '{ name: email, type: VARCHAR, classification: pii, masking: hash }'));
  });

  it('is part of validate: a guideline error fails validation', async () => {
    await addUnclassifiedEmail();
    const run = await runCli(['validate', '--dir', mesh, '--json']);
    expect(run.exitCode).toBe(1);
    const { diagnostics } = JSON.parse(run.stdout) as { diagnostics: DiagnosticJson[] };
    expect(diagnostics.map((d) => d.code)).toEqual(['policy/pii-classified']);
  });

  it('obeys tessera.yaml: a rule set to warning no longer fails, a rule turned off is silent', async () => {
    await addUnclassifiedEmail();
    const config = join(mesh, 'tessera.yaml');
    const original = await readFile(config, 'utf8');
    await writeFile(config, `${original}  pii-classified: warning\n`);
    expect((await lint()).exitCode).toBe(0);
    expect((await lint()).diagnostics.map((d) => d.severity)).toEqual(['warning']);
    await writeFile(config, `${original}  pii-classified: { domains: { commerce: off } }\n`);
    expect((await lint()).diagnostics).toEqual([]);
  });

  it('reports a policy that names no rule, with a suggestion', async () => {
    const config = join(mesh, 'tessera.yaml');
    await writeFile(config, `${await readFile(config, 'utf8')}  glosary: off\n`);
    const { exitCode, diagnostics } = await lint();
    expect(exitCode).toBe(1);
    expect(diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([['policy/unknown-rule', 'tessera.yaml', 10]]);
    expect(diagnostics[0]?.message).toContain('Did you mean `glossary`?');
  });

  it('--rules lists every rule with its severity, whether it fixes, and its options', async () => {
    const run = await runCli(['lint', '--rules', '--json']);
    const { rules } = JSON.parse(run.stdout) as { rules: { id: string; severity: string; fixable: boolean }[] };
    expect(rules.map((r) => r.id)).toEqual([
      'naming',
      'documentation',
      'ownership',
      'glossary',
      'internal-naming',
      'pii-classified',
      'pii-masked',
      'kind-boundaries',
      'deprecation',
      'access-grants',
      'channel-secrets',
    ]);
    expect(rules.filter((r) => r.fixable).map((r) => r.id)).toEqual(['pii-classified', 'pii-masked', 'deprecation']);
  });
});
