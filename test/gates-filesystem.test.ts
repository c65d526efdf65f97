/*
 * Issue 12, item 7: file-system edge cases give a diagnostic and exit 1, never a stack
 * trace; a wrong --dir creates nothing.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { DiagnosticJson } from '../src/diagnostics/index.js';
import { runCli, type CliRun } from './support/run-cli.js';

const VALID = fileURLToPath(new URL('fixtures/valid/', import.meta.url));
const ORDERS = 'products/commerce/orders';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function copyValid(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-gates-fs-'));
  made.push(dir);
  cpSync(VALID, dir, { recursive: true });
  return dir;
}

function diagnosticsOf(run: CliRun): DiagnosticJson[] {
  return (JSON.parse(run.stdout) as { diagnostics: DiagnosticJson[] }).diagnostics.filter((d) => !d.code.startsWith('policy/'));
}

async function validate(dir: string, ...flags: string[]): Promise<CliRun> {
  return runCli(['validate', '--dir', dir, '--json', ...flags]);
}

describe('the mesh folder', () => {
  it('--dir naming a file: a diagnostic, exit 1, nothing created', async () => {
    const dir = copyValid();
    const file = join(dir, 'tessera.yaml');
    const run = await validate(file);
    expect(run.exitCode).toBe(1);
    const [d, ...rest] = diagnosticsOf(run);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'file/unreadable', line: 1, column: 1 });
    expect(d?.message).toContain('is a file, not a mesh folder');
    expect(existsSync(join(dir, '.tessera'))).toBe(false);
  });

  it('--dir naming a folder that does not exist: file/missing, and the folder is not created', async () => {
    const dir = copyValid();
    const nowhere = join(dir, 'no', 'such', 'mesh');
    const run = await validate(nowhere);
    expect(run.exitCode).toBe(1);
    expect(diagnosticsOf(run).map((d) => d.code)).toEqual(['file/missing']);
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });

  for (const command of [['graph'], ['lint'], ['lineage', 'commerce.orders'], ['scorecard']]) {
    it(`${command[0] ?? ''} with --dir naming a file exits 1 with the diagnostic`, async () => {
      const dir = copyValid();
      const run = await runCli([...command, '--dir', join(dir, 'tessera.yaml')]);
      expect(run.exitCode).toBe(1);
      expect(`${run.stdout}\n${run.stderr}`).toContain('is a file, not a mesh folder');
      expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/\n\s+at /);
    });
  }
});

describe('files that exist but cannot be read', () => {
  const cases: { title: string; setup: (dir: string) => string; message: string }[] = [
    {
      title: 'product.yaml is a folder (EISDIR)',
      setup: (dir) => {
        rmSync(join(dir, ORDERS, 'product.yaml'));
        mkdirSync(join(dir, ORDERS, 'product.yaml'));
        return `${ORDERS}/product.yaml`;
      },
      message: 'is a folder, not a file',
    },
    {
      title: 'product.yaml is a looping symbolic link (ELOOP)',
      setup: (dir) => {
        rmSync(join(dir, ORDERS, 'product.yaml'));
        symlinkSync('product.yaml', join(dir, ORDERS, 'product.yaml'));
        return `${ORDERS}/product.yaml`;
      },
      message: 'symbolic link that loops',
    },
    {
      title: 'a model file is a looping symbolic link (ELOOP)',
      setup: (dir) => {
        symlinkSync('loop.sql', join(dir, ORDERS, 'models', 'loop.sql'));
        return `${ORDERS}/models/loop.sql`;
      },
      message: 'symbolic link that loops',
    },
    {
      title: 'a model names a SQL file too long for the file system (ENAMETOOLONG)',
      setup: (dir) => {
        const path = join(dir, ORDERS, 'product.yaml');
        writeFileSync(path, `${readFileSync(path, 'utf8')}models:\n  - name: stg_orders\n    sql: models/${'x'.repeat(300)}.sql\n`);
        return `${ORDERS}/models/${'x'.repeat(300)}.sql`;
      },
      message: 'name too long',
    },
  ];
  for (const { title, setup, message } of cases) {
    it(`${title}: file/unreadable, one diagnostic, exit 1`, async () => {
      const dir = copyValid();
      const file = setup(dir);
      for (const flags of [['--no-cache'], []]) {
        const run = await validate(dir, ...flags);
        expect(run.exitCode).toBe(1);
        const diagnostics = diagnosticsOf(run);
        expect(diagnostics.map((d) => `${d.code} ${d.file ?? ''}:${d.line ?? ''}`)).toEqual([`file/unreadable ${file}:1`]);
        expect(diagnostics[0]?.message).toContain(message);
      }
    });
  }

  it('a cache that cannot be written (.tessera is a file) does not stop validate', async () => {
    const dir = copyValid();
    writeFileSync(join(dir, '.tessera'), 'not a folder\n');
    const run = await validate(dir);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
  });

  it('the validate memo notices when an unreadable file is fixed', async () => {
    const dir = copyValid();
    const path = join(dir, ORDERS, 'product.yaml');
    const text = readFileSync(path, 'utf8');
    rmSync(path);
    symlinkSync('product.yaml', path);
    expect((await validate(dir)).exitCode).toBe(1);
    rmSync(path);
    writeFileSync(path, text);
    expect((await validate(dir)).exitCode).toBe(0);
  });
});
