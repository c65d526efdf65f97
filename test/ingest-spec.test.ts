/**
 * Database sources in product.yaml (issue 15, item 4): what the loader refuses, each
 * with a stable code, the file, line and column of the field, and a hint; what the
 * JSON Schema for editors accepts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMesh } from '../src/loader/index.js';
import { urlHasPassword } from '../src/spec/index.js';
import type { Diagnostic } from '../src/diagnostics/index.js';
import { writeIngestMesh, type IngestMesh } from './support/ingest-mesh.js';

const meshes: IngestMesh[] = [];
afterEach(() => {
  for (const m of meshes.splice(0)) m.cleanup();
});

async function diagnosticsOf(sources: string): Promise<Diagnostic[]> {
  const mesh = writeIngestMesh({
    'tessera.yaml': 'name: spec\n',
    'teams.yaml': 'teams:\n  - { id: shop-team, name: Shop, domains: [shop] }\n',
    'products/shop/orders/product.yaml': `name: orders\ndomain: shop\nowner: shop-team\nkind: source-aligned\nsources:\n${sources}`,
  });
  meshes.push(mesh);
  return (await loadMesh(mesh.dir)).diagnostics.filter((d) => d.severity === 'error');
}

const FILE = 'products/shop/orders/product.yaml';

describe('database sources in product.yaml', () => {
  it('accepts a postgres table and a mysql query with an incremental cursor', async () => {
    expect(
      await diagnosticsOf(`  - { name: orders, type: postgres, url_env: SHOP_URL, table: sales.orders, incremental: { cursor: updated_at }, unique_key: id }
  - { name: big, type: mysql, url_env: SHOP_URL, query: "select * from orders where amount > 100;" }
  - { name: files, format: csv, path: data/x.csv }
`),
    ).toEqual([]);
  });

  it('refuses a URL with a password in the repository, pointing at it and saying to use url_env', async () => {
    const [d, ...rest] = await diagnosticsOf('  - name: orders\n    type: postgres\n    url: postgres://app:s3cret@db:5432/shop\n    table: orders\n');
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'spec/invalid-value', location: { file: FILE, line: 8, column: 10 } });
    expect(d?.message).toMatch(/`sources\[0\]\.url` holds a password/);
    expect(d?.hint).toMatch(/url_env:/);
    expect(urlHasPassword('mysql://app@db/shop')).toBe(false);
    expect(urlHasPassword('postgres://db/shop?user=app&password=x')).toBe(true);
  });

  it('asks for exactly one of table and query, a SELECT, a unique key for incremental loads, and a URL', async () => {
    const found = await diagnosticsOf(`  - { name: a, type: postgres, url_env: U }
  - { name: b, type: postgres, url_env: U, table: t, query: select 1 }
  - { name: c, type: mysql, url_env: U, query: delete from t }
  - { name: d, type: mysql, url_env: U, table: t, incremental: { cursor: updated_at } }
  - { name: e, type: mysql, table: t }
  - { name: f, type: mysql, url_env: U, table: "t; drop table t" }
  - { name: g, type: oracle, url_env: U, table: t }
`);
    const byLine = found.map((d) => [d.location?.line, d.message]);
    expect(byLine).toEqual([
      [6, expect.stringMatching(/needs `table:` or `query:`/)],
      [7, expect.stringMatching(/`table` and `query` are both given/)],
      [8, expect.stringMatching(/`sources\[2\]\.query` must be a SELECT/)],
      [9, expect.stringMatching(/`sources\[3\]\.incremental` needs `unique_key`/)],
      [10, expect.stringMatching(/needs `url_env`/)],
      [11, expect.stringMatching(/`sources\[5\]\.table` must be a table name/)],
      [12, expect.stringMatching(/`sources\[6\]\.type` is "oracle", which is not allowed/)],
    ]);
    expect(found.every((d) => d.location?.file === FILE && d.hint !== undefined)).toBe(true);
    expect(found.at(-1)?.hint).toBe('Use one of: file, postgres, mysql.');
  });

  it('is in the JSON Schema editors check product.yaml against', () => {
    const schema = JSON.parse(readFileSync(join(fileURLToPath(new URL('../', import.meta.url)), 'schema', 'product.schema.json'), 'utf8')) as object;
    const validate = new Ajv2020({ strict: false, validateFormats: false }).compile(schema);
    const product = (source: object): object => ({ name: 'orders', domain: 'shop', owner: 'shop-team', kind: 'source-aligned', sources: [source] });
    expect(validate(product({ name: 'o', type: 'postgres', url_env: 'U', table: 'orders', incremental: { cursor: 'updated_at', deletes: 'full_key_scan' }, unique_key: 'id' }))).toBe(true);
    expect(validate(product({ name: 'o', format: 'csv', path: 'x.csv' }))).toBe(true);
    expect(validate(product({ name: 'o', type: 'postgres', url_env: 'U', table: 'orders', format: 'csv' }))).toBe(false);
    expect(validate(product({ name: 'o', type: 'postgres', url_env: 'U', table: 'orders', incremental: { cursor: 'u', deletes: 'sometimes' } }))).toBe(false);
  });
});
