// Writes a mesh of trivial models for the per-node overhead part of the run benchmark
// (see bench/README.md): `products` products in one domain, the models split evenly among
// them. Every tenth model of a product is a constant `SELECT`; the others read the
// previous model of the same product by bare name, so each product is a set of chains of
// ten. Each product publishes its last model through one port with declared columns, so
// the run also audits and publishes. The data is one row per model: the time is Tessera's.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const TRIVIAL_PRODUCTS = 10;
const DOMAIN = 'bench';
const CHAIN = 10;

function write(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const pad = (n, width) => String(n).padStart(width, '0');

/** Writes the mesh into `dir` (replacing it) and returns its shape. */
export function writeTrivialMesh(dir, { models, products = TRIVIAL_PRODUCTS }) {
  if (models < products) throw new Error(`need at least ${products} models, got ${models}`);
  rmSync(dir, { recursive: true, force: true });
  write(join(dir, 'tessera.yaml'), 'name: run_bench\nwarehouse:\n  type: duckdb\n');
  write(join(dir, 'teams.yaml'), `teams:\n  - id: team_1\n    name: Team 1\n    domains: [${DOMAIN}]\n`);
  const width = String(models).length;
  let written = 0;
  for (let p = 0; p < products; p++) {
    const product = `p${pad(p + 1, 2)}`;
    const count = Math.floor(models / products) + (p < models % products ? 1 : 0);
    const productDir = join(dir, 'products', DOMAIN, product);
    const name = (i) => `m${pad(i, width)}`;
    for (let i = 1; i <= count; i++) {
      const sql = (i - 1) % CHAIN === 0 ? `select ${i} as id, 'x' as label\n` : `select id + 1 as id, label\nfrom ${name(i - 1)}\n`;
      write(join(productDir, 'models', `${name(i)}.sql`), sql);
    }
    write(
      join(productDir, 'product.yaml'),
      `name: ${product}\n` +
        `domain: ${DOMAIN}\n` +
        `owner: team_1\n` +
        `kind: source-aligned\n` +
        `description: Trivial product for the run benchmark.\n` +
        `purpose: Measures what Tessera adds to each node it builds.\n` +
        `ports:\n` +
        `  - name: ${product}_items\n` +
        `    model: ${name(count)}\n` +
        `    description: The last model of ${product}.\n` +
        `    columns:\n` +
        `      - { name: id, type: INTEGER, required: true, unique: true, description: A number. }\n` +
        `      - { name: label, type: VARCHAR, description: Always x. }\n`,
    );
    written += count;
  }
  return { products, models: written, ports: products };
}
