import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateGroceryData, type GenerateSummary } from './index.js';

/** The parts of product.yaml this test reads (the loader validates the rest). */
interface ColumnYaml {
  name: string;
  type?: string;
  required?: boolean;
  unique?: boolean;
  allowed_values?: (string | number | boolean)[];
}
interface SourceYaml {
  name: string;
  format: 'csv' | 'parquet' | 'json';
  path: string;
  columns?: ColumnYaml[];
  checks?: string[];
}
interface SnapshotYaml {
  name: string;
  from: string;
}
interface PortYaml {
  name: string;
  version?: number;
  model?: string;
  unique_key?: string | string[];
  columns?: ColumnYaml[];
  checks?: string[];
}
interface ProductYaml {
  name: string;
  domain: string;
  sources?: SourceYaml[];
  snapshots?: SnapshotYaml[];
  ports?: PortYaml[];
}
interface Product {
  spec: ProductYaml;
  /** Folder relative to the mesh root. */
  dir: string;
  /** Schema holding the product's sources, models and snapshots in the test database. */
  schema: string;
  models: { name: string; sql: string }[];
}

const meshRoot = fileURLToPath(new URL('../../examples/grocery/', import.meta.url));
const AS_OF = '2026-11-21';
const TINY = 400;

async function loadProducts(): Promise<Product[]> {
  const products: Product[] = [];
  for (const domain of (await readdir(join(meshRoot, 'products'))).sort()) {
    for (const name of (await readdir(join(meshRoot, 'products', domain))).sort()) {
      const dir = `products/${domain}/${name}`;
      const spec = parse(await readFile(join(meshRoot, dir, 'product.yaml'), 'utf8')) as ProductYaml;
      const models: Product['models'] = [];
      for (const file of (await readdir(join(meshRoot, dir, 'models'))).sort()) {
        if (file.endsWith('.sql')) models.push({ name: file.slice(0, -4), sql: await readFile(join(meshRoot, dir, 'models', file), 'utf8') });
      }
      products.push({ spec, dir, schema: `p_${spec.domain}__${spec.name}`, models });
    }
  }
  return products;
}

/** Files under `root` (relative, forward slashes) matching a path with `*` and `**` wildcards. */
async function globFiles(root: string, pattern: string): Promise<string[]> {
  const regex = new RegExp(
    `^${pattern
      .split(/(\*\*\/|\*)/)
      .map((part) => (part === '**/' ? '(?:.*/)?' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
  );
  const all = (await readdir(root, { recursive: true })).map((f) => f.split('\\').join('/'));
  return all.filter((f) => regex.test(f)).sort();
}

async function fileBytes(root: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const file of (await readdir(join(root, 'data'), { recursive: true })).sort()) {
    if (/\.(csv|parquet|json)$/.test(file)) files.set(file, await readFile(join(root, 'data', file)));
  }
  return files;
}

async function withDuckDB<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const connection = await instance.connect();
  try {
    return await fn(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function rows(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS();
}

async function scalar(connection: DuckDBConnection, sql: string): Promise<number> {
  const [row] = await rows(connection, sql);
  return Number(Object.values(row ?? {})[0]);
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

function literal(value: string | number | boolean): string {
  return typeof value === 'string' ? `'${value.replaceAll("'", "''")}'` : String(value);
}

function normaliseType(type: string): string {
  return type.replace(/\s+/g, '').toUpperCase();
}

function reader(source: SourceYaml, meshDir: string, extra = ''): string {
  const path = literal(join(meshDir, source.path));
  switch (source.format) {
    case 'csv':
      return `read_csv(${path}, header = true${extra})`;
    case 'parquet':
      return `read_parquet(${path})`;
    case 'json':
      return `read_json(${path}, format = 'newline_delimited'${extra})`;
  }
}

function portTable(port: PortYaml): string {
  const version = port.version ?? 1;
  return version === 1 ? port.name : `${port.name}_v${version}`;
}

/**
 * Evaluates the check forms the example uses against a table; throws on a form it does not know,
 * so that a new kind of check in the example is noticed here.
 */
async function failedCheck(connection: DuckDBConnection, table: string, check: string, asOf: string): Promise<string | undefined> {
  let match: RegExpExecArray | null;
  let ok: boolean;
  if ((match = /^row_count > (\d+)$/.exec(check))) {
    ok = (await scalar(connection, `SELECT count(*) FROM ${table}`)) > Number(match[1]);
  } else if ((match = /^missing_count\((\w+)\) = 0$/.exec(check))) {
    ok = (await scalar(connection, `SELECT count(*) FROM ${table} WHERE ${quote(match[1] ?? '')} IS NULL`)) === 0;
  } else if ((match = /^duplicate_count\((\w+)\) = 0$/.exec(check))) {
    const column = quote(match[1] ?? '');
    ok = (await scalar(connection, `SELECT count(*) - count(DISTINCT ${column}) FROM ${table} WHERE ${column} IS NOT NULL`)) === 0;
  } else if ((match = /^avg\((\w+)\) between ([\d.]+) and ([\d.]+)$/.exec(check))) {
    const avg = await scalar(connection, `SELECT avg(${quote(match[1] ?? '')}) FROM ${table}`);
    ok = avg >= Number(match[2]) && avg <= Number(match[3]);
  } else if ((match = /^freshness\((\w+)\) < (\d+)d$/.exec(check))) {
    const sql = `SELECT max(${quote(match[1] ?? '')}) >= TIMESTAMP '${asOf}' - INTERVAL ${match[2]} DAY FROM ${table}`;
    ok = (await scalar(connection, `SELECT (${sql})::INTEGER`)) === 1;
  } else if ((match = /^reference\((\w+)\) in (\w+)\.(\w+)\((\w+)\)$/.exec(check))) {
    const [, column = '', domain = '', port = '', target = ''] = match;
    const sql = `SELECT count(*) FROM ${table} t WHERE t.${quote(column)} IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM ${quote(domain)}.${quote(port)} r WHERE r.${quote(target)} = t.${quote(column)})`;
    ok = (await scalar(connection, sql)) === 0;
  } else {
    throw new Error(`the test does not know the check "${check}"`);
  }
  return ok ? undefined : check;
}

describe('grocery example data', () => {
  let products: Product[];
  let workDir: string;
  let tiny: GenerateSummary;
  const tinyDir = (): string => join(workDir, 'tiny');

  beforeAll(async () => {
    products = await loadProducts();
    workDir = await mkdtemp(join(tmpdir(), 'tessera-grocery-'));
    tiny = await generateGroceryData(tinyDir(), { scale: TINY, seed: 7, asOf: AS_OF });
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('has at least 5 domains, 8 products and every kind of product', () => {
    expect(new Set(products.map((p) => p.spec.domain)).size).toBeGreaterThanOrEqual(5);
    expect(products.length).toBeGreaterThanOrEqual(8);
    for (const product of products) expect(product.dir).toBe(`products/${product.spec.domain}/${product.spec.name}`);
  });

  it('writes every source file the example mesh declares', async () => {
    const sources = products.flatMap((p) => p.spec.sources ?? []);
    expect(sources.length).toBeGreaterThan(8);
    for (const source of sources) {
      const matches = await globFiles(tinyDir(), source.path);
      expect(matches, `${source.name}: ${source.path}`).not.toEqual([]);
      for (const file of matches) {
        const written = tiny.files.find((f) => f.path === file);
        expect(written?.rows, file).toBeGreaterThan(0);
      }
    }
    // and nothing the mesh does not read
    const declared = new Set<string>();
    for (const source of sources) for (const file of await globFiles(tinyDir(), source.path)) declared.add(file);
    expect(tiny.files.map((f) => f.path).filter((f) => !declared.has(f))).toEqual([]);
  });

  it('writes files whose columns are the ones the sources declare', async () => {
    await withDuckDB(async (connection) => {
      for (const source of products.flatMap((p) => p.spec.sources ?? [])) {
        const declared = source.columns ?? [];
        if (declared.length === 0) continue;
        const described = await rows(connection, `DESCRIBE SELECT * FROM ${reader(source, tinyDir())}`);
        expect(described.map((c) => c.column_name), source.name).toEqual(declared.map((c) => c.name));
        const typed = declared.filter((c) => c.type !== undefined);
        if (source.format === 'parquet') {
          for (const column of typed) {
            const actual = described.find((c) => c.column_name === column.name)?.column_type;
            expect(normaliseType(String(actual)), `${source.name}.${column.name}`).toBe(normaliseType(column.type ?? ''));
          }
        } else {
          // Every value must parse as the declared type.
          const columns = `, columns = {${typed.map((c) => `${literal(c.name)}: ${literal(c.type ?? '')}`).join(', ')}}`;
          const count = await scalar(connection, `SELECT count(*) FROM ${reader(source, tinyDir(), columns)}`);
          expect(count, source.name).toBeGreaterThan(0);
        }
      }
    });
  });

  it('scales its row counts with `scale`', async () => {
    const double = await generateGroceryData(join(workDir, 'double'), { scale: TINY * 2, seed: 7, asOf: AS_OF });
    const rowsOf = (summary: GenerateSummary, prefix: string): number =>
      summary.files.filter((f) => f.path.startsWith(prefix)).reduce((sum, f) => sum + f.rows, 0);
    expect(rowsOf(tiny, 'data/commerce/orders.csv')).toBe(TINY);
    expect(rowsOf(double, 'data/commerce/orders.csv')).toBe(TINY * 2);
    // The clickstream has a fixed floor of sessions per day, so it grows a little slower at tiny scales.
    const growth: [string, number][] = [
      ['data/commerce/order_lines/', 1.8],
      ['data/commerce/customers.csv', 1.8],
      ['data/delivery/drops.csv', 1.8],
      ['data/fulfilment/pick_events/', 1.8],
      ['data/growth/events/', 1.4],
    ];
    for (const [prefix, atLeast] of growth) {
      const ratio = rowsOf(double, prefix) / rowsOf(tiny, prefix);
      expect(ratio, prefix).toBeGreaterThan(atLeast);
      expect(ratio, prefix).toBeLessThan(2.2);
    }
    const lines = rowsOf(double, 'data/commerce/order_lines/');
    expect(lines / (TINY * 2)).toBeGreaterThan(3.5);
    expect(lines / (TINY * 2)).toBeLessThan(4.5);
  });

  it('is deterministic: same seed, same bytes (whatever the threads); another seed, other bytes', async () => {
    const again = join(workDir, 'again');
    await generateGroceryData(again, { scale: TINY, seed: 7, asOf: AS_OF, threads: 1 });
    const first = await fileBytes(tinyDir());
    const second = await fileBytes(again);
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [file, bytes] of first) expect(second.get(file)?.equals(bytes), file).toBe(true);

    const other = join(workDir, 'other-seed');
    await generateGroceryData(other, { scale: TINY, seed: 8, asOf: AS_OF });
    const third = await fileBytes(other);
    for (const file of ['commerce/orders.csv', 'commerce/customers.csv', 'delivery/vehicles.csv', 'commerce/articles.parquet']) {
      expect(third.get(file)?.equals(first.get(file) ?? Buffer.alloc(0)), file).toBe(false);
    }
  });

  it('writes the same bytes on 1 and 4 threads when the data spans many row groups', async () => {
    // 250,000 orders: 1M order lines and pick events, so every pipeline runs on several threads.
    const options = { scale: 250_000, seed: 3, asOf: AS_OF };
    const one = join(workDir, 'threads-1');
    const four = join(workDir, 'threads-4');
    await generateGroceryData(one, { ...options, threads: 1 });
    await generateGroceryData(four, { ...options, threads: 4 });
    const a = await fileBytes(one);
    const b = await fileBytes(four);
    expect([...b.keys()]).toEqual([...a.keys()]);
    const different = [...a].filter(([file, bytes]) => !b.get(file)?.equals(bytes)).map(([file]) => file);
    expect(different).toEqual([]);
    await rm(one, { recursive: true });
    await rm(four, { recursive: true });
  }, 120_000);

  it('changes some vehicles and prices, and nothing else, in the next generation', async () => {
    const next = join(workDir, 'generation-1');
    await generateGroceryData(next, { scale: TINY, seed: 7, asOf: AS_OF, generation: 1 });
    const before = await fileBytes(tinyDir());
    const after = await fileBytes(next);
    const changed = [...before.keys()].filter((file) => !after.get(file)?.equals(before.get(file) ?? Buffer.alloc(0)));
    expect(changed.sort()).toEqual(['commerce/articles.parquet', 'delivery/vehicles.csv']);
    await withDuckDB(async (connection) => {
      const vehicles = (dir: string) => `read_csv('${join(dir, 'data/delivery/vehicles.csv')}')`;
      const moved = await scalar(
        connection,
        `SELECT count(*) FROM ${vehicles(tinyDir())} a JOIN ${vehicles(next)} b USING (vehicle_id)
         WHERE a.status <> b.status OR upper(a.hub_code) <> upper(b.hub_code)`,
      );
      expect(moved).toBeGreaterThan(0);
      const total = await scalar(connection, `SELECT count(*) FROM ${vehicles(next)}`);
      expect(moved).toBeLessThan(total / 2);
    });
  });

  it('rejects bad options', async () => {
    await expect(generateGroceryData(join(workDir, 'bad'), { scale: 0 })).rejects.toThrow(/scale/);
    await expect(generateGroceryData(join(workDir, 'bad'), { asOf: '21-11-2026' })).rejects.toThrow(/asOf/);
  });

  it('runs every model of the example on the generated data and fills every port per its contract', async () => {
    await withDuckDB(async (connection) => {
      const domains = new Set(products.map((p) => p.spec.domain));
      for (const domain of domains) await connection.run(`CREATE SCHEMA ${quote(domain)}`);

      type Step = { product: Product; kind: 'model' | 'snapshot' | 'port'; name: string; sql: string };
      let pending: Step[] = [];
      for (const product of products) {
        const schema = quote(product.schema);
        await connection.run(`CREATE SCHEMA ${schema}`);
        for (const source of product.spec.sources ?? []) {
          await connection.run(`CREATE VIEW ${schema}.${quote(source.name)} AS SELECT * FROM ${reader(source, tinyDir())}`);
        }
        for (const model of product.models) {
          pending.push({ product, kind: 'model', name: model.name, sql: `CREATE TABLE ${schema}.${quote(model.name)} AS ${model.sql}` });
        }
        for (const snapshot of product.spec.snapshots ?? []) {
          // A snapshot here is its source as of now: one version per key, valid from its last update.
          const sql = `CREATE VIEW ${schema}.${quote(snapshot.name)} AS
            SELECT *, updated_at AS valid_from, CAST(NULL AS TIMESTAMP) AS valid_to, TRUE AS is_current FROM ${schema}.${quote(snapshot.from)}`;
          pending.push({ product, kind: 'snapshot', name: snapshot.name, sql });
        }
        for (const port of product.spec.ports ?? []) {
          const sql = `CREATE VIEW ${quote(product.spec.domain)}.${quote(portTable(port))} AS SELECT * FROM ${schema}.${quote(port.model ?? port.name)}`;
          pending.push({ product, kind: 'port', name: portTable(port), sql });
        }
      }

      // Dependency order without a parser: retry what failed for a missing table until nothing moves.
      const errors = new Map<string, string>();
      let progress = true;
      while (pending.length > 0 && progress) {
        progress = false;
        const retry: Step[] = [];
        for (const step of pending) {
          await connection.run(`SET search_path = '${step.product.schema}'`);
          try {
            await connection.run(step.sql);
            progress = true;
            errors.delete(`${step.kind} ${step.product.dir}/${step.name}`);
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            errors.set(`${step.kind} ${step.product.dir}/${step.name}`, message.split('\n')[0] ?? message);
            if (!/Catalog Error: (Table|View) with name \w+ does not exist/.test(message)) throw new Error(`${step.kind} ${step.product.dir}/${step.name}: ${message}`);
            retry.push(step);
          }
        }
        pending = retry;
      }
      await connection.run(`SET search_path = 'main'`);
      expect(Object.fromEntries(errors)).toEqual({});
      expect(pending).toEqual([]);

      const failures: string[] = [];
      for (const product of products) {
        const schema = quote(product.schema);
        for (const source of product.spec.sources ?? []) {
          for (const check of source.checks ?? []) {
            const failed = await failedCheck(connection, `${schema}.${quote(source.name)}`, check, AS_OF);
            if (failed) failures.push(`${product.dir} source ${source.name}: ${failed}`);
          }
        }
        for (const model of product.models) {
          expect(await scalar(connection, `SELECT count(*) FROM ${schema}.${quote(model.name)}`), `${product.dir}/${model.name}`).toBeGreaterThan(0);
        }
        for (const port of product.spec.ports ?? []) {
          const table = `${quote(product.spec.domain)}.${quote(portTable(port))}`;
          const label = `${product.spec.domain}.${portTable(port)}`;
          expect(await scalar(connection, `SELECT count(*) FROM ${table}`), label).toBeGreaterThan(0);

          // The contract: the columns in order with their types, and what each column promises.
          const described = await rows(connection, `DESCRIBE ${table}`);
          const contract = port.columns ?? [];
          expect(described.map((c) => `${String(c.column_name)} ${normaliseType(String(c.column_type))}`), label).toEqual(
            contract.map((c) => `${c.name} ${normaliseType(c.type ?? '')}`),
          );
          for (const column of contract) {
            const name = quote(column.name);
            if (column.required && (await scalar(connection, `SELECT count(*) FROM ${table} WHERE ${name} IS NULL`)) > 0) {
              failures.push(`${label}.${column.name} is required but has NULLs`);
            }
            if (column.unique && (await scalar(connection, `SELECT count(${name}) - count(DISTINCT ${name}) FROM ${table}`)) > 0) {
              failures.push(`${label}.${column.name} is unique but has duplicates`);
            }
            if (column.allowed_values) {
              const outside = await rows(
                connection,
                `SELECT DISTINCT ${name}::VARCHAR AS value FROM ${table} WHERE ${name} NOT IN (${column.allowed_values.map(literal).join(', ')})`,
              );
              if (outside.length > 0) failures.push(`${label}.${column.name} has values outside allowed_values: ${outside.map((r) => String(r.value)).join(', ')}`);
            }
          }
          const key = port.unique_key === undefined ? [] : Array.isArray(port.unique_key) ? port.unique_key : [port.unique_key];
          if (key.length > 0) {
            const columns = key.map(quote).join(', ');
            const duplicates = await scalar(connection, `SELECT count(*) FROM (SELECT ${columns} FROM ${table} GROUP BY ALL HAVING count(*) > 1)`);
            if (duplicates > 0) failures.push(`${label}: unique_key (${key.join(', ')}) has duplicates`);
          }
          for (const check of port.checks ?? []) {
            const failed = await failedCheck(connection, table, check, AS_OF);
            if (failed) failures.push(`${label}: ${failed}`);
          }
        }
      }
      expect(failures).toEqual([]);
    });
  });
});
