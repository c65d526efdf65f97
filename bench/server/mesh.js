// The mesh the server bench serves: bench/compile's generated graph (10 models per
// product), plus the CSV files its sources declare, so that it can be run. Kept across
// invocations while the stamp (products, seed, generator code) matches, so that the
// warehouse of an earlier run is reused.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGraph, prng, writeTesseraMesh } from '../compile/generate.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const GENERATOR_FILES = [join(HERE, '../compile/generate.js'), fileURLToPath(import.meta.url)];
/** Rows per source CSV: enough for every model's filters and joins to leave some rows, small enough to run fast. */
const ROWS = 60;
const CATEGORIES = ['retail', 'wholesale', 'online', 'partner', 'test', 'internal'];
/**
 * bench/compile's ports declare two columns (id, account_id), and a port serves only its
 * declared columns, so a model reading another product's port would miss the rest. The
 * bench declares them too, without a type (SUM(quantity) is a HUGEINT, MAX(quantity) a BIGINT).
 */
const PORT_COLUMN = '      - { name: account_id, type: BIGINT, description: The account the row belongs to. }\n';
const MORE_PORT_COLUMNS =
  '      - { name: event_date, description: Day of the newest event in the group. }\n' +
  '      - { name: category, description: Category of the events in the group. }\n' +
  '      - { name: amount, description: Weighted amount over the group. }\n' +
  '      - { name: quantity, description: Quantity over the group. }\n';

export const STAMP = 'bench-stamp.json';

function generatorHash() {
  const hash = createHash('sha256');
  for (const file of GENERATOR_FILES) hash.update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

export function readStamp(dir) {
  const file = join(dir, STAMP);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

export function writeStamp(dir, stamp) {
  writeFileSync(join(dir, STAMP), `${JSON.stringify(stamp, null, 2)}\n`);
}


/** One source file: the columns every generated model reads (id, account_id, event_date, category, amount, quantity). */
function sourceCsv(rand) {
  const lines = ['id,account_id,event_date,category,amount,quantity'];
  for (let i = 1; i <= ROWS; i++) {
    const month = String(1 + Math.floor(rand() * 12)).padStart(2, '0');
    const day = String(1 + Math.floor(rand() * 28)).padStart(2, '0');
    const category = CATEGORIES[Math.floor(rand() * CATEGORIES.length)];
    const amount = (1 + rand() * 999).toFixed(2);
    lines.push(`${i},${1 + Math.floor(rand() * 12)},2024-${month}-${day},${category},${amount},${1 + Math.floor(rand() * 20)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes the mesh of `products` products into `dir` unless the same one is there already.
 * Returns { dir, graph, reused, stamp }. Regenerating deletes the folder, warehouse included.
 */
export function prepareMesh(dir, { products, seed }) {
  const key = { products, seed, generator: generatorHash() };
  const graph = buildGraph(products * 10, seed);
  const stamp = readStamp(dir);
  if (stamp && JSON.stringify(stamp.key) === JSON.stringify(key)) return { dir, graph, reused: true, stamp };
  writeTesseraMesh(graph, dir);
  const rand = prng(seed);
  let files = 0;
  for (const product of graph.products) {
    const specFile = join(dir, 'products', product.domain, product.name, 'product.yaml');
    const spec = readFileSync(specFile, 'utf8');
    if (!spec.includes(PORT_COLUMN)) throw new Error(`${specFile}: the generator's port columns changed; update bench/server/mesh.js`);
    writeFileSync(specFile, spec.replaceAll(PORT_COLUMN, PORT_COLUMN + MORE_PORT_COLUMNS));
    for (const source of product.sources) {
      const path = join(dir, 'data', product.domain, `${source.name}.csv`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, sourceCsv(rand));
      files++;
    }
  }
  const fresh = { key, generatedAt: new Date().toISOString(), sourceFiles: files };
  writeStamp(dir, fresh);
  return { dir: resolve(dir), graph, reused: false, stamp: fresh };
}

/**
 * Realistic search terms from the generated mesh: a column name, a product-name fragment
 * (the noun and the numbered prefix), a description word, a port name, a domain word,
 * two words at once, a prefix, and one word that matches nothing (an empty answer is an
 * answer too). The caller reports how many products each one finds.
 */
export function searchTerms(graph) {
  const nouns = [...new Set(graph.products.map((p) => p.noun))];
  const some = graph.products[Math.floor(graph.products.length / 3)];
  const port = graph.products[Math.floor(graph.products.length / 2)].ports[0].name;
  return [
    'account_id', // a column of every port: matches all products
    nouns[0], // a product-name fragment: ~1/12 of the products
    nouns[1],
    some.name.split('_')[0], // a numbered prefix, e.g. p0333: one product
    'synthetic', // a description word: every product
    'rollup', // no product
    port, // a whole port name
    'smallest', // a word of a column description
    `${nouns[2]} account`, // two words, both must match
    'pay', // a prefix (payments)
  ];
}

/** Product ids (`domain.product`) of the graph, in order. */
export function productIds(graph) {
  return graph.products.map((p) => `${p.domain}.${p.name}`);
}
