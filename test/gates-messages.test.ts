/*
 * Issue 12, item 8: no `undefined` in messages, and one mistake gives one diagnostic
 * (an empty or list-shaped file, a tab-indented line, a broken teams.yaml).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { DiagnosticJson } from '../src/diagnostics/index.js';
import { runCli } from './support/run-cli.js';

const VALID = fileURLToPath(new URL('fixtures/valid/', import.meta.url));
const ORDERS = 'products/commerce/orders/product.yaml';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function diagnose(edit: (path: (file: string) => string) => void): Promise<DiagnosticJson[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-gates-msg-'));
  made.push(dir);
  cpSync(VALID, dir, { recursive: true });
  edit((file) => join(dir, file));
  const { stdout, exitCode } = await runCli(['validate', '--dir', dir, '--json', '--no-cache']);
  expect(exitCode).toBe(1);
  return (JSON.parse(stdout) as { diagnostics: DiagnosticJson[] }).diagnostics;
}

function edit(file: string, change: (text: string) => string) {
  return (path: (file: string) => string): void => {
    writeFileSync(path(file), change(readFileSync(path(file), 'utf8')));
  };
}

const CASES: { title: string; change: (path: (file: string) => string) => void; expected: string; includes: string }[] = [
  { title: 'an empty tessera.yaml', change: edit('tessera.yaml', () => ''), expected: 'spec/missing-field tessera.yaml:1:1', includes: '`tessera.yaml` is empty' },
  { title: 'an empty teams.yaml', change: edit('teams.yaml', () => ''), expected: 'spec/missing-field teams.yaml:1:1', includes: '`teams.yaml` is empty' },
  { title: 'a teams.yaml with a bad team', change: edit('teams.yaml', (t) => t.replace('id: commerce-team', 'id: Commerce Team')), expected: 'spec/invalid-value teams.yaml:2:9', includes: 'teams[0].id' },
  { title: 'an empty product.yaml', change: edit(ORDERS, () => ''), expected: `spec/missing-field ${ORDERS}:1:1`, includes: 'is empty' },
  { title: 'a product.yaml of comments only', change: edit(ORDERS, () => '# to do\n'), expected: `spec/missing-field ${ORDERS}:1:1`, includes: 'is empty' },
  { title: 'a list-shaped product.yaml', change: edit(ORDERS, () => '- name: orders\n- domain: commerce\n'), expected: `spec/invalid-type ${ORDERS}:1:1`, includes: 'holds a list' },
  { title: 'a scalar product.yaml', change: edit(ORDERS, () => 'orders\n'), expected: `spec/invalid-type ${ORDERS}:1:1`, includes: 'holds string "orders"' },
  {
    title: 'a tab-indented line',
    change: edit(ORDERS, (t) => t.replace('    format: csv', '\tformat: csv')),
    expected: `yaml/syntax ${ORDERS}:7:1`,
    includes: 'Tabs are not allowed',
  },
  {
    title: 'a snapshot without unique_key',
    change: edit(ORDERS, (t) => t.replace('    unique_key: order_id\n    strategy', '    strategy')),
    expected: `spec/missing-field ${ORDERS}:10:5`,
    includes: 'Missing required field `unique_key` in `snapshots[0]`',
  },
  {
    title: "a model's SQL file missing, while a snapshot, a port and another product read the model",
    change: edit(ORDERS, (t) => `${t}models:\n  - name: stg_orders\n    sql: models/gone.sql\n`),
    expected: `file/missing ${ORDERS}:26:10`,
    includes: 'models/gone.sql',
  },
];

describe('one mistake, one diagnostic, no undefined', () => {
  for (const { title, change, expected, includes } of CASES) {
    it(title, async () => {
      const diagnostics = await diagnose(change);
      expect(diagnostics.map((d) => `${d.code} ${d.file ?? ''}:${d.line ?? ''}:${d.column ?? ''}`)).toEqual([expected]);
      const [d] = diagnostics;
      expect(d?.message).toContain(includes);
      expect(`${d?.message ?? ''} ${d?.hint ?? ''}`).not.toMatch(/undefined|null null/);
    });
  }
});
