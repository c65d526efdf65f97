/**
 * Pieces for tests that build meshes in memory, without files or DuckDB: spec
 * files whose positions name the YAML path they point at, products, and the
 * table references a model's SQL would be parsed into.
 */
import type { ModelSqlAnalysis } from '../../src/compiler/index.js';
import type { Mesh, Product, ProductSpec, SpecFile } from '../../src/spec/index.js';

/** A spec file whose positions say which path they point at: `product.yaml#ports.0.name`, ` (key)` for keys. */
export function specFile(path: string): SpecFile {
  return {
    path,
    locate: (at, options) => ({ file: `${path}#${at.join('.')}${options?.key ? ' (key)' : ''}`, line: 1, column: 1 }),
  };
}

/** A product with no models, owned by `team`, source-aligned unless said otherwise. */
export function memoryProduct(spec: Omit<ProductSpec, 'owner' | 'kind'> & Partial<Pick<ProductSpec, 'owner' | 'kind'>>): Product {
  const dir = `products/${spec.domain}/${spec.name}`;
  return { id: `${spec.domain}.${spec.name}`, spec: { owner: 'team', kind: 'source-aligned', ...spec }, dir, file: specFile(`${dir}/product.yaml`), models: [] };
}

/** What the SQL parser would report for simple SQL: every table after FROM or JOIN, at its offset. */
export function sqlReferences(sql: string): ModelSqlAnalysis['references'] {
  return [...sql.matchAll(/\b(?:from|join)\s+([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?)/gi)].map((m) => {
    const [, written = ''] = m;
    const offset = m.index + m[0].length - written.length;
    const [first = '', second] = written.split('.');
    return second !== undefined ? { schema: first, name: second, offset } : { name: first, offset };
  });
}

/** A mesh of these products; everything else empty unless given. */
export function memoryMesh(products: readonly Product[], parts: Partial<Omit<Mesh, 'products'>> = {}): Mesh {
  return {
    spec: { name: 'test' },
    file: specFile('tessera.yaml'),
    teams: [],
    glossary: [],
    unloadedDomains: [],
    unloadedPorts: [],
    unvalidatedModels: [],
    ...parts,
    products,
  };
}

/** A product whose models are given as SQL; what each reads goes into `sql`, as the parser would report it. */
export function memoryProductWithSql(
  spec: Omit<ProductSpec, 'owner' | 'kind'> & Partial<Pick<ProductSpec, 'owner' | 'kind'>>,
  models: Readonly<Record<string, string>>,
  sql: Map<string, ModelSqlAnalysis>,
): Product {
  const product = memoryProduct(spec);
  return {
    ...product,
    models: Object.entries(models).map(([name, text]) => {
      const sqlFile = `${product.dir}/models/${name}.sql`;
      sql.set(sqlFile, { references: sqlReferences(text) });
      return { name, sqlFile, sql: text };
    }),
  };
}
