/*
 * Issue 12, item 3: checks and contracts checked at validate time (undeclared
 * columns, unknown types), model columns that keep their promises (required, unique,
 * allowed_values fail the node), and reference checks against deprecated ports warn.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { isKnownColumnType } from '../src/compiler/column-types.js';
import type { DiagnosticJson } from '../src/diagnostics/index.js';
import { runCli } from './support/run-cli.js';

const VALID = fileURLToPath(new URL('fixtures/valid/', import.meta.url));
const CUSTOMERS = 'products/commerce/customers/product.yaml';
const REVENUE = 'products/finance/revenue/product.yaml';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-gates-contracts-'));
  made.push(dir);
  return dir;
}

async function validateValid(edits: Record<string, (text: string) => string>): Promise<DiagnosticJson[]> {
  const dir = tempDir();
  cpSync(VALID, dir, { recursive: true });
  for (const [file, edit] of Object.entries(edits)) writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
  const { stdout } = await runCli(['validate', '--dir', dir, '--json', '--no-cache']);
  return (JSON.parse(stdout) as { diagnostics: DiagnosticJson[] }).diagnostics.filter((d) => !d.code.startsWith('policy/'));
}

const summary = (ds: readonly DiagnosticJson[]): string[] => ds.map((d) => `${d.severity} ${d.code} ${d.file ?? ''}:${d.line ?? ''}`);

describe('column types', () => {
  const known = [
    'BIGINT', 'integer', 'DECIMAL(12,2)', 'numeric(5)', 'VARCHAR', 'varchar(20)', 'TEXT', 'STRING', 'DOUBLE', 'DOUBLE PRECISION', 'REAL', 'BOOLEAN',
    'DATE', 'TIMESTAMP', 'timestamp with time zone', 'TIMESTAMPTZ', 'TIMESTAMP_MS', 'TIME', 'INTERVAL', 'UUID', 'JSON', 'BLOB', 'HUGEINT', 'UTINYINT',
    'VARCHAR[]', 'INTEGER[3]', 'INTEGER[][]', 'STRUCT(a INT, b VARCHAR)', 'STRUCT("my field" INT, b STRUCT(c DATE)[])', 'MAP(VARCHAR, INTEGER)',
    'UNION(num INT, str VARCHAR)', "ENUM('a', 'b')",
  ];
  const unknown = ['STRNG', 'VARCHR', 'DECIMAL(a,b)', 'DECIMAL(1,2,3)', 'STRUCT(a NOPE)', 'STRUCT(INT)', 'MAP(INT)', 'BIGINT(', 'INT[x]', 'DATE(3)', 'ENUM(a)', ''];

  it('accepts what DuckDB accepts and refuses what it refuses', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const engineKnows = async (type: string): Promise<boolean> => {
      try {
        await connection.run(`select cast(null as ${type})`);
        return true;
      } catch {
        return false;
      }
    };
    try {
      for (const type of known) {
        expect(isKnownColumnType(type), type).toBe(true);
        expect(await engineKnows(type), `DuckDB knows ${type}`).toBe(true);
      }
      for (const type of unknown) {
        expect(isKnownColumnType(type), type).toBe(false);
        expect(await engineKnows(type), `DuckDB refuses ${type}`).toBe(false);
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('are checked on model and source columns too, at the type', async () => {
    const ds = await validateValid({ [CUSTOMERS]: (t) => t.replace('    path: data/commerce/customers/*.parquet\n', '    path: data/commerce/customers/*.parquet\n    columns:\n      - { name: customer_id, type: BIGNT }\n') });
    expect(summary(ds)).toEqual([`error column/unknown-type ${CUSTOMERS}:10`]);
    expect(ds[0]?.message).toContain('Column `customer_id` of source `raw_customers` has type `BIGNT`');
  });
});

describe('checks name declared columns', () => {
  it('on the port itself, at the check line', async () => {
    const ds = await validateValid({ [CUSTOMERS]: (t) => `${t}    checks:\n      - missing_count(nope) = 0\n      - duplicate_count(customer_id, cuntry) = 0\n      - freshness(updated) < 1d\n` });
    expect(summary(ds)).toEqual([`error check/unknown-column ${CUSTOMERS}:19`, `error check/unknown-column ${CUSTOMERS}:20`, `error check/unknown-column ${CUSTOMERS}:21`]);
    expect(ds[1]?.message).toContain('Did you mean `country`?');
  });

  it('on the port a reference check reads', async () => {
    const ds = await validateValid({ [REVENUE]: (t) => t.replace('        type: DECIMAL(14,2)\n', '        type: DECIMAL(14,2)\n    checks:\n      - reference(day) in commerce.customers(nope)\n') });
    expect(summary(ds)).toEqual([`error check/unknown-column ${REVENUE}:18`]);
    expect(ds[0]?.message).toContain('which port commerce.customers does not declare');
  });

  it('are not judged where no columns are declared', async () => {
    const ds = await validateValid({ [REVENUE]: (t) => t.replace('    description: Revenue per day and country.\n', '    description: Revenue per day and country.\n    checks:\n      - missing_count(anything) = 0\n') });
    expect(ds).toEqual([]);
  });
});

describe('a reference check against a deprecated port', () => {
  it('warns, naming the replacement', async () => {
    const ds = await validateValid({
      [CUSTOMERS]: (t) => t.replace('  - name: customers\n', '  - name: customers\n    deprecated: { sunset: 2999-01-01, replaced_by: commerce.customers_v2 }\n'),
      [REVENUE]: (t) => t.replace('        type: DATE\n', '        type: DATE\n      - name: country\n        type: VARCHAR\n').replace('features:', '    checks:\n      - reference(country) in commerce.customers(country)\nfeatures:'),
    });
    expect(summary(ds)).toEqual([`warning check/deprecated-port ${REVENUE}:20`]);
    expect(ds[0]?.hint).toContain('commerce.customers_v2');
  });
});

describe('columns on a model keep their promises', () => {
  const MESH: Record<string, string> = {
    'tessera.yaml': 'name: lab\n',
    'teams.yaml': 'teams:\n  - { id: lab-team, name: Lab, domains: [lab] }\n',
    'products/lab/trials/product.yaml':
      'name: trials\ndomain: lab\nowner: lab-team\nkind: source-aligned\nmodels:\n  - name: trials\n    columns:\n      - { name: trial, type: BIGINT, required: true }\n      - { name: batch, type: BIGINT, unique: true }\nports:\n  - name: trials\n',
    'products/lab/trials/models/trials.sql': 'select case when range = 3 then null else range end as trial, range % 2 as batch from range(5)\n',
  };

  it('required and unique become checks that fail the model node', async () => {
    const dir = tempDir();
    for (const [path, text] of Object.entries(MESH)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const run = await runCli(['run', '--dir', dir]);
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(1);
    expect(`${run.stdout}\n${run.stderr}`).toMatch(/model `trials` of lab\.trials was built but fails its checks/);
    expect(`${run.stdout}\n${run.stderr}`).toContain('batch is unique');
  });
});
