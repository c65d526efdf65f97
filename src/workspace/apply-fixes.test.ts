import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyYamlEdits } from './apply-fixes.js';

const PRODUCT = `# yaml-language-server: $schema=../../../schema/product.schema.json
# The customers of the web shop.
name: customers
domain: commerce
owner: commerce-team   # the team that answers questions
kind: source-aligned

ports:
  - name: customers
    access: public     # read by the whole company
    columns:
      - name: customer_id
        type: BIGINT
        description: Customer identifier.
      # Personal data below.
      - name: email
        type: VARCHAR
        description: E-mail address, lower-cased.
    deprecated:
      sunset: "2027-03-31"
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-fix-'));
  await writeFile(join(dir, 'product.yaml'), PRODUCT);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('applyYamlEdits', () => {
  it('adds and changes values while every comment and untouched line stays as written', async () => {
    const result = await applyYamlEdits(dir, [
      { file: 'product.yaml', path: ['ports', 0, 'columns', 1, 'classification'], value: 'pii' },
      { file: 'product.yaml', path: ['ports', 0, 'columns', 1, 'masking'], value: 'hash' },
      { file: 'product.yaml', path: ['ports', 0, 'deprecated', 'replaced_by'], value: 'commerce.customers_v2' },
    ]);
    expect(result).toEqual({ files: ['product.yaml'], edits: 3, skipped: 0 });
    const after = await readFile(join(dir, 'product.yaml'), 'utf8');
    const before = PRODUCT.split('\n');
    const lines = after.split('\n');
    // Every original line survives, in order, comments included.
    let cursor = 0;
    for (const line of before) {
      const found = lines.indexOf(line, cursor);
      expect(found, `line kept: ${line}`).toBeGreaterThanOrEqual(0);
      cursor = found + 1;
    }
    const added = lines.filter((line) => !before.includes(line));
    expect(added).toEqual(['        classification: pii', '        masking: hash', '      replaced_by: commerce.customers_v2']);
  });

  it('creates missing parent mappings, quotes what needs quoting, writes lists in flow style', async () => {
    await applyYamlEdits(dir, [
      { file: 'product.yaml', path: ['ports', 0, 'columns', 0, 'tags'], value: ['key', 'id'] },
      { file: 'product.yaml', path: ['ports', 0, 'owner_note', 'text'], value: 'Ask: #commerce' },
    ]);
    const after = await readFile(join(dir, 'product.yaml'), 'utf8');
    expect(after).toContain('        description: Customer identifier.\n        tags: ["key","id"]\n      # Personal data below.');
    expect(after).toContain('      sunset: "2027-03-31"\n    owner_note:\n      text: "Ask: #commerce"\n');
    const { parse } = await import('yaml');
    const parsed = parse(after) as { ports: { columns: { tags?: string[] }[]; owner_note: { text: string } }[] };
    expect(parsed.ports[0]?.columns[0]?.tags).toEqual(['key', 'id']);
    expect(parsed.ports[0]?.owner_note.text).toBe('Ask: #commerce');
  });

  it('edits flow mappings too, inside their braces', async () => {
    await writeFile(
      join(dir, 'product.yaml'),
      'ports:\n  - name: customers   # v1\n    columns:\n      - { name: email, type: VARCHAR }   # login\n      - {}\n',
    );
    const result = await applyYamlEdits(dir, [
      { file: 'product.yaml', path: ['ports', 0, 'columns', 0, 'classification'], value: 'pii' },
      { file: 'product.yaml', path: ['ports', 0, 'columns', 0, 'masking'], value: 'hash' },
      { file: 'product.yaml', path: ['ports', 0, 'columns', 1, 'name'], value: 'x' },
      { file: 'product.yaml', path: ['ports', 0, 'columns', 0, 'rules', 'level'], value: 2 },
    ]);
    expect(result.skipped).toBe(0);
    expect(await readFile(join(dir, 'product.yaml'), 'utf8')).toBe(
      'ports:\n  - name: customers   # v1\n    columns:\n      - { name: email, type: VARCHAR, classification: pii, masking: hash, rules: { level: 2 } }   # login\n      - { name: x }\n',
    );
  });

  it('leaves a file it does not need to change untouched', async () => {
    const result = await applyYamlEdits(dir, [{ file: 'product.yaml', path: ['kind'], value: 'source-aligned' }]);
    expect(result.files).toEqual([]);
    expect(await readFile(join(dir, 'product.yaml'), 'utf8')).toBe(PRODUCT);
  });
});
