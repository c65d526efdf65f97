// Generates one synthetic model graph and writes it twice: as a Tessera mesh and as
// the equivalent Dataform project. Deterministic for a given (models, seed).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const DOMAINS = ['sales', 'finance', 'marketing', 'logistics', 'support', 'billing', 'catalog', 'identity', 'risk', 'analytics'];
const NOUNS = ['orders', 'customers', 'payments', 'shipments', 'inventory', 'sessions', 'invoices', 'tickets', 'campaigns', 'subscriptions', 'refunds', 'leads'];
const SOURCE_NOUNS = ['events', 'accounts', 'ledger', 'clicks', 'items', 'contracts'];
const CTE_NAMES = ['base', 'filtered', 'recent', 'enriched', 'scoped'];
const TEAMS = 5;
const MODELS_PER_PRODUCT = 10;

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n, width) => String(n).padStart(width, '0');

/**
 * The abstract graph: products with sources, models (each with 1–3 inputs) and ports.
 * An input is { kind: 'model' | 'source', name } of the same product, or
 * { kind: 'port', domain, name, model } of an earlier product. Only earlier things are read, so it is acyclic.
 */
export function buildGraph(models, seed = 42) {
  const rand = prng(seed);
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const productCount = Math.max(1, Math.round(models / MODELS_PER_PRODUCT));
  const products = [];
  const ports = []; // every port published so far: { domain, name, model }

  for (let p = 0; p < productCount; p++) {
    const domain = DOMAINS[p % DOMAINS.length];
    const noun = pick(NOUNS);
    const id = `p${pad(p, 4)}`;
    const name = `${id}_${noun}`;
    const aggregate = p >= DOMAINS.length && rand() < 0.6;
    const sources = Array.from({ length: int(1, 2) }, (_, s) => ({ name: `${id}_raw_${SOURCE_NOUNS[(p + s) % SOURCE_NOUNS.length]}` }));
    // Spread the models evenly so that the total is exactly `models`.
    const count = Math.floor(((p + 1) * models) / productCount) - Math.floor((p * models) / productCount);
    const productModels = [];
    for (let m = 0; m < count; m++) {
      const inputs = [];
      const wanted = pick([1, 2, 2, 3]);
      for (let attempt = 0; inputs.length < wanted && attempt < 10; attempt++) {
        const r = rand();
        let input;
        if (aggregate && ports.length > 0 && (r < 0.3 || (m === 0 && inputs.length === 0 && r < 0.6))) {
          input = { kind: 'port', ...pick(ports) };
        } else if (m > 0 && r < 0.8) {
          input = { kind: 'model', name: productModels[Math.max(0, m - int(1, 4))].name };
        } else {
          input = { kind: 'source', name: pick(sources).name };
        }
        if (!inputs.some((i) => i.name === input.name && i.kind === input.kind)) inputs.push(input);
      }
      productModels.push({ name: `${id}_m${pad(m, 2)}`, inputs, sql: sqlShape(rand, int, pick) });
    }
    const productPorts = [];
    const portCount = count > 1 ? int(1, 2) : 1;
    for (let k = 0; k < portCount; k++) {
      const model = productModels[count - 1 - k].name;
      productPorts.push({ domain, name: `${name}_${k === 0 ? 'daily' : 'summary'}`, model });
    }
    ports.push(...productPorts);
    products.push({
      name,
      domain,
      owner: `team_${(p % DOMAINS.length) % TEAMS + 1}`,
      kind: productModels.some((m) => m.inputs.some((i) => i.kind === 'port')) ? 'aggregate' : 'source-aligned',
      noun,
      sources,
      models: productModels,
      ports: productPorts,
    });
  }
  return { models, seed, products };
}

/** The random choices that make each model's SQL different; rendered by renderSql. */
function sqlShape(rand, int, pick) {
  const filters = [
    `a.amount > ${int(1, 500)}`,
    `a.event_date >= DATE '2024-${pad(int(1, 12), 2)}-${pad(int(1, 28), 2)}'`,
    `a.category <> '${pick(['test', 'internal', 'void', 'sample'])}'`,
    `a.quantity BETWEEN 1 AND ${int(10, 999)}`,
  ];
  return {
    cte: pick(CTE_NAMES),
    factor: (1 + rand()).toFixed(2),
    where: filters.filter(() => rand() < 0.6).slice(0, 3),
    keys: ['account_id', 'category', 'event_date'].filter((k, i) => i === 0 || rand() < 0.5),
    amountAgg: pick(['SUM', 'AVG', 'MAX']),
    quantityAgg: pick(['SUM', 'MAX', 'MIN']),
    having: rand() < 0.3 ? int(1, 50) : null,
  };
}

/** One plain SELECT; `ref(input)` spells a dependency in the target tool's syntax. */
export function renderSql(model, ref) {
  const { cte, factor, where, keys, amountAgg, quantityAgg, having } = model.sql;
  const [first, second, third] = model.inputs;
  const col = (name, agg) => (keys.includes(name) ? `b.${name}` : `${agg}(b.${name}) AS ${name}`);
  const lines = [
    `-- ${model.name}: ${keys.join(', ')} rollup of ${model.inputs.map((i) => i.name).join(', ')}`,
    `WITH ${cte} AS (`,
    `  SELECT a.id, a.account_id, a.event_date, a.category,`,
    `         a.amount * ${factor} AS amount, a.quantity`,
    `  FROM ${ref(first)} AS a`,
    ...(where.length ? [`  WHERE ${where.join('\n    AND ')}`] : []),
    `)`,
    `SELECT`,
    `  MIN(b.id) AS id,`,
    `  b.account_id,`,
    `  ${col('event_date', 'MAX')},`,
    `  ${col('category', 'MIN')},`,
    `  ${amountAgg}(b.amount${second ? ' + COALESCE(c.amount, 0)' : ''}) AS amount,`,
    `  ${quantityAgg}(b.quantity${third ? ' + COALESCE(d.quantity, 0)' : ''}) AS quantity`,
    `FROM ${cte} AS b`,
    ...(second ? [`LEFT JOIN ${ref(second)} AS c ON c.account_id = b.account_id`] : []),
    ...(third ? [`JOIN ${ref(third)} AS d ON d.id = b.id`] : []),
    `GROUP BY ${keys.map((k) => `b.${k}`).join(', ')}`,
    ...(having ? [`HAVING COUNT(*) >= ${having}`] : []),
  ];
  return lines.join('\n') + '\n';
}

function write(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Writes the graph as a Tessera mesh into `dir` (replacing what was there). */
export function writeTesseraMesh(graph, dir) {
  rmSync(dir, { recursive: true, force: true });
  write(join(dir, 'tessera.yaml'), 'name: bench\nwarehouse:\n  type: duckdb\n');
  const teams = Array.from({ length: TEAMS }, (_, t) => {
    const domains = DOMAINS.filter((_, d) => d % TEAMS === t);
    return `  - id: team_${t + 1}\n    name: Team ${t + 1}\n    domains: [${domains.join(', ')}]\n`;
  });
  write(join(dir, 'teams.yaml'), `teams:\n${teams.join('')}`);
  const ref = (input) => (input.kind === 'port' ? `${input.domain}.${input.name}` : input.name);
  for (const product of graph.products) {
    const productDir = join(dir, 'products', product.domain, product.name);
    write(join(productDir, 'product.yaml'), productYaml(product));
    for (const model of product.models) write(join(productDir, 'models', `${model.name}.sql`), renderSql(model, ref));
  }
}

function productYaml(product) {
  const sources = product.sources.map(
    (s) => `  - name: ${s.name}\n    format: csv\n    path: data/${product.domain}/${s.name}.csv\n`,
  );
  const ports = product.ports.map(
    (port) =>
      `  - name: ${port.name}\n` +
      `    model: ${port.model}\n` +
      `    description: ${product.noun} per account, published from ${port.model}.\n` +
      `    columns:\n` +
      `      - { name: id, type: BIGINT, description: Smallest source row id in the group. }\n` +
      `      - { name: account_id, type: BIGINT, description: The account the row belongs to. }\n`,
  );
  return (
    `name: ${product.name}\n` +
    `domain: ${product.domain}\n` +
    `owner: ${product.owner}\n` +
    `kind: ${product.kind}\n` +
    `description: Synthetic ${product.noun} product for the compile benchmark.\n` +
    // A purpose too: the generated mesh follows the shared guidelines, as a healthy mesh does.
    `purpose: Lets other teams use ${product.noun} data without asking.\n` +
    `sources:\n${sources.join('')}` +
    `ports:\n${ports.join('')}`
  );
}

/**
 * Writes the same graph as a Dataform project into `dir`: one .sqlx table per model,
 * sources as declarations, ports as refs to the model that feeds them. Only definitions/
 * and workflow_settings.yaml are replaced, so an installed node_modules/ survives.
 */
export function writeDataformProject(graph, dir) {
  rmSync(join(dir, 'definitions'), { recursive: true, force: true });
  write(
    join(dir, 'workflow_settings.yaml'),
    'defaultProject: bench-project\ndefaultDataset: bench\ndefaultLocation: US\ndefaultAssertionDataset: bench_assertions\n',
  );
  // @dataform/core is pinned in package.json and installed once (`dataform install`), so that
  // compile does not copy the project and run `npm i` on every call, as it does when
  // workflow_settings.yaml carries `dataformCoreVersion`.
  write(join(dir, 'package.json'), `${JSON.stringify({ dependencies: { '@dataform/core': DATAFORM_CORE_VERSION } }, null, 2)}\n`);
  const ref = (input) => `\${ref("${input.kind === 'port' ? input.model : input.name}")}`;
  for (const product of graph.products) {
    const productDir = join(dir, 'definitions', product.domain, product.name);
    const declarations = product.sources.map((s) => `declare({ schema: "raw", name: "${s.name}" });\n`);
    write(join(productDir, 'sources.js'), declarations.join(''));
    for (const model of product.models) {
      write(join(productDir, `${model.name}.sqlx`), `config { type: "table", schema: "${product.domain}" }\n\n${renderSql(model, ref)}`);
    }
  }
}

export const DATAFORM_CORE_VERSION = '3.0.62';

/** Totals the Dataform graph must contain: one table per model, one declaration per source. */
export function expectedCounts(graph) {
  let tables = 0;
  let declarations = 0;
  for (const product of graph.products) {
    tables += product.models.length;
    declarations += product.sources.length;
  }
  return { products: graph.products.length, tables, declarations };
}
