/**
 * A small mesh for runner tests, written to a temporary folder: a farm shop whose
 * `sales.orders` ingests CSV, Parquet and JSON, keeps snapshots and an incremental
 * model, and publishes ports that `finance.revenue` reads; `lab.trials` is
 * independent of both (failure isolation).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const FARM_MESH: Readonly<Record<string, string>> = {
  'tessera.yaml': 'name: farm\n',
  'teams.yaml': `teams:
  - { id: sales-team, name: Sales, domains: [sales] }
  - { id: finance-team, name: Finance, domains: [finance] }
  - { id: lab-team, name: Lab, domains: [lab] }
`,
  'products/sales/orders/product.yaml': `name: orders
domain: sales
owner: sales-team
kind: source-aligned
sources:
  - { name: raw_orders, format: csv, path: data/orders.csv }
  - { name: raw_prices, format: parquet, path: data/prices.parquet }
  - { name: raw_customers, format: json, path: data/customers.json }
models:
  - name: order_log
    materialization: incremental
    unique_key: order_id
    columns:
      - { name: order_id, type: BIGINT }
      - { name: customer_id, type: BIGINT }
      - { name: amount, type: "DECIMAL(10,2)" }
      - { name: status, type: VARCHAR }
      - { name: seen_in_run, type: INTEGER }
snapshots:
  - { name: customer_history, from: raw_customers, unique_key: customer_id, strategy: check, check_columns: [city] }
  - { name: price_history, from: raw_prices, unique_key: product, strategy: timestamp, updated_at: updated_at }
ports:
  - name: orders
    unique_key: order_id
    columns:
      - { name: order_id, type: BIGINT, required: true, unique: true }
      - { name: customer_id, type: BIGINT, required: true }
      - { name: amount, type: "DECIMAL(10,2)", required: true }
      - { name: status, type: VARCHAR, required: true, allowed_values: [placed, shipped, cancelled] }
  - name: customer_history
    columns:
      - { name: customer_id, type: BIGINT, required: true }
      - { name: city, type: VARCHAR }
      - { name: valid_from, type: TIMESTAMP, required: true }
      - { name: valid_to, type: TIMESTAMP }
      - { name: is_current, type: BOOLEAN, required: true }
`,
  'products/sales/orders/models/orders.sql': `select
    cast(order_id as bigint) as order_id,
    cast(customer_id as bigint) as customer_id,
    cast(amount as decimal(10, 2)) as amount,
    status
from raw_orders
`,
  'products/sales/orders/models/order_log.sql': `-- Orders never seen before, or whose status changed, stamped with how many runs came before.
select o.order_id, o.customer_id, o.amount, o.status,
       cast((select count(distinct seen_in_run) from this) + 1 as integer) as seen_in_run
from orders as o
where not exists (select 1 from this as t where t.order_id = o.order_id and t.status = o.status);
`,
  'products/finance/revenue/product.yaml': `name: revenue
domain: finance
owner: finance-team
kind: aggregate
ports:
  - name: revenue
    columns:
      - { name: status, type: VARCHAR, required: true, unique: true }
      - { name: orders, type: BIGINT, required: true }
      - { name: amount, type: "DECIMAL(38,2)" }
`,
  'products/finance/revenue/models/revenue.sql': `select status, count(*) as orders, sum(amount) as amount
from sales.orders
group by status
`,
  'products/lab/trials/product.yaml': `name: trials
domain: lab
owner: lab-team
kind: source-aligned
ports:
  - name: trials
`,
  'products/lab/trials/models/trials.sql': 'select range as trial from range(5)\n',
};

export const ORDERS_CSV = 'order_id,customer_id,amount,status\n1,10,12.50,placed\n2,11,8.00,shipped\n3,10,30.25,placed\n';

export const CUSTOMERS_JSON = '{"customer_id": 10, "city": "Utrecht"}\n{"customer_id": 11, "city": "Leiden"}\n';

/**
 * The farm on a PostgreSQL warehouse whose URL is in the environment variable `urlEnv`:
 * the models that use DuckDB-only SQL written in SQL both engines run (the same rows).
 */
export function postgresFarm(urlEnv: string): Record<string, string> {
  return {
    'tessera.yaml': `name: farm\nwarehouse: { type: postgres, url_env: ${urlEnv} }\n`,
    'products/lab/trials/models/trials.sql': 'select * from (values (0), (1), (2), (3), (4)) as t(trial)\n',
    // DuckDB's sum of a DECIMAL(10,2) is a DECIMAL(38,2), PostgreSQL's a numeric of any precision: the contract says DECIMAL(38,2).
    'products/finance/revenue/models/revenue.sql': 'select status, count(*) as orders, cast(sum(amount) as decimal(38, 2)) as amount\nfrom sales.orders\ngroup by status\n',
  };
}

/** A mesh folder with the farm's files (and any overrides); remove it with `cleanup`. */
export function writeFarm(overrides: Readonly<Record<string, string>> = {}): { dir: string; write: (path: string, text: string) => void; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-farm-'));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  for (const [path, text] of Object.entries({ ...FARM_MESH, 'data/orders.csv': ORDERS_CSV, 'data/customers.json': CUSTOMERS_JSON, ...overrides })) write(path, text);
  return { dir, write, cleanup: () => { rmSync(dir, { recursive: true, force: true }); } };
}

/** Writes data/prices.parquet: one row per product with its price and when it last changed. */
export async function writePrices(dir: string, rows: readonly { product: string; price: number; updatedAt: string }[]): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const values = rows.map((r) => `('${r.product}', CAST(${r.price} AS DOUBLE), TIMESTAMP '${r.updatedAt}')`).join(', ');
    mkdirSync(join(dir, 'data'), { recursive: true });
    await connection.run(`COPY (SELECT * FROM (VALUES ${values}) AS t(product, price, updated_at)) TO '${join(dir, 'data', 'prices.parquet')}' (FORMAT parquet)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The farm's orders product with the allowed cities of `sales.customer_history` (the port serving a snapshot's history). */
export function ordersWithAllowedCities(cities: readonly string[]): string {
  return (FARM_MESH['products/sales/orders/product.yaml'] ?? '').replace('      - { name: city, type: VARCHAR }', `      - { name: city, type: VARCHAR, allowed_values: [${cities.join(', ')}] }`);
}

/** A trials model slow enough (a scan of `rows` generated rows) that a signal lands mid-run. */
export function slowTrialsSql(rows: number): string {
  return `select range as trial from range(5) where (select count(*) from range(${rows}) t(i) where i % 7 = 3) > 0\n`;
}
