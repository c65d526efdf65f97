/**
 * The JSON Schemas in schema/ are what editors check YAML against. They must
 * accept every valid file the loader accepts and reject what it rejects, and the
 * example mesh must point each file at the right one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
const validators = Object.fromEntries(
  ['tessera', 'teams', 'glossary', 'product'].map((kind) => [kind, ajv.compile(JSON.parse(readFileSync(join(REPO, 'schema', `${kind}.schema.json`), 'utf8')) as object)]),
);

function schemaKind(file: string): string {
  const name = file.split('/').pop() ?? '';
  // tessera.postgres.yaml is a mesh file too (TESSERA_CONFIG picks it).
  return name === 'product.yaml' ? 'product' : name.startsWith('tessera.') ? 'tessera' : name.replace(/\.yaml$/, '');
}

function yamlFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'data' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.yaml')) found.push(path);
    }
  };
  walk(root);
  return found.sort();
}

function check(file: string): string[] {
  const validate = validators[schemaKind(file)];
  if (!validate) throw new Error(`no schema for ${file}`);
  const ok = validate(jsYaml.load(readFileSync(file, 'utf8'), { schema: jsYaml.CORE_SCHEMA }));
  return ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

describe('JSON Schemas for editors', () => {
  const meshes = [join(REPO, 'examples/grocery'), join(REPO, 'test/fixtures/valid')];

  it.each(meshes.flatMap((mesh) => yamlFiles(mesh)).map((f) => relative(REPO, f)))('accepts %s', (file) => {
    expect(check(join(REPO, file))).toEqual([]);
  });

  it('rejects what the loader rejects: unknown fields, bad enum values, wrong types', () => {
    for (const fixture of ['spec-unknown-field', 'spec-invalid-value-enum', 'spec-invalid-type', 'spec-missing-field']) {
      const file = join(REPO, 'test/fixtures/errors', fixture, 'products/commerce/orders/product.yaml');
      expect(check(file), fixture).not.toEqual([]);
    }
  });

  it('is referenced from every YAML file of the example mesh, by a path that exists', () => {
    for (const file of yamlFiles(join(REPO, 'examples/grocery'))) {
      const firstLine = readFileSync(file, 'utf8').split('\n')[0] ?? '';
      const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(firstLine);
      expect(match, relative(REPO, file)).not.toBeNull();
      const target = resolve(dirname(file), match?.[1] ?? '');
      expect(relative(REPO, target)).toBe(`schema/${schemaKind(file)}.schema.json`);
    }
  });
});
