// The checks of the bench, written three ways (see bench/README.md):
//   CHECKS_YAML       what a product author writes: Tessera parses, plans and evaluates it (a);
//   fusedSql()        one SELECT written by hand computing the same aggregates, the limit (b);
//   perCheckSql()     one hand-written query per check, run one after another (c).
// `expected()` turns the row of (b) into the value each check reports, to check that the
// three compute the same thing. Every check passes on the generated data, so that no
// failing check makes Tessera fetch sample rows inside the timing.
import { STATUSES } from './data.js';

/** 15 checks, all aggregates of one table; `duplicate_count(id)` is written twice (one metric). */
export const CHECKS_YAML = `
- row_count > 0
- missing_count(customer_id) = 0
- missing_count(email) < 1000000
- missing_percent(email) < 20
- duplicate_count(id) = 0
- duplicate_count(id) < 1: { name: ids unique (the same metric again) }
- invalid_count(status) = 0: { valid_values: [${STATUSES.join(', ')}] }
- invalid_count(quantity) = 0: { valid_min: 1, valid_max: 100 }
- min(amount) >= 0
- max(amount) < 10000
- avg(amount) between 10 and 500
- sum(quantity) > 0
- stddev(amount) < 1000
- percentile(amount, 0.95) < 1000
- freshness(placed_at) < 3650d
`;

const statusList = STATUSES.map((s) => `'${s}'`).join(', ');

/** (b): what someone who knows SQL would write to get every number in one scan. */
export function fusedSql(table) {
  return `SELECT
  count(*) AS row_count,
  count(*) FILTER (WHERE customer_id IS NULL) AS customer_id_missing,
  count(*) FILTER (WHERE email IS NULL) AS email_missing,
  count(id) - count(DISTINCT id) AS id_duplicates,
  count(*) FILTER (WHERE status NOT IN (${statusList})) AS status_invalid,
  count(*) FILTER (WHERE quantity NOT BETWEEN 1 AND 100) AS quantity_invalid,
  min(amount) AS amount_min,
  max(amount) AS amount_max,
  avg(amount) AS amount_avg,
  sum(quantity) AS quantity_sum,
  stddev_samp(amount) AS amount_stddev,
  quantile_cont(amount, 0.95) AS amount_p95,
  max(placed_at) AS placed_at_newest
FROM ${table}`;
}

/** Per check, in the order of CHECKS_YAML: its value taken from the row of fusedSql(). */
const FROM_FUSED = [
  (r) => r.row_count,
  (r) => r.customer_id_missing,
  (r) => r.email_missing,
  (r) => (100 * Number(r.email_missing)) / Number(r.row_count),
  (r) => r.id_duplicates,
  (r) => r.id_duplicates,
  (r) => r.status_invalid,
  (r) => r.quantity_invalid,
  (r) => r.amount_min,
  (r) => r.amount_max,
  (r) => r.amount_avg,
  (r) => r.quantity_sum,
  (r) => r.amount_stddev,
  (r) => r.amount_p95,
  (r) => r.placed_at_newest,
];

export function expected(fusedRow) {
  return FROM_FUSED.map((value) => value(fusedRow));
}

/** (c): one query per check, in the order of CHECKS_YAML, each returning a column `value`. */
export function perCheckSql(table) {
  return [
    `SELECT count(*) AS value FROM ${table}`,
    `SELECT count(*) AS value FROM ${table} WHERE customer_id IS NULL`,
    `SELECT count(*) AS value FROM ${table} WHERE email IS NULL`,
    `SELECT 100.0 * count(*) FILTER (WHERE email IS NULL) / count(*) AS value FROM ${table}`,
    `SELECT count(id) - count(DISTINCT id) AS value FROM ${table}`,
    `SELECT count(id) - count(DISTINCT id) AS value FROM ${table}`,
    `SELECT count(*) AS value FROM ${table} WHERE status NOT IN (${statusList})`,
    `SELECT count(*) AS value FROM ${table} WHERE quantity NOT BETWEEN 1 AND 100`,
    `SELECT min(amount) AS value FROM ${table}`,
    `SELECT max(amount) AS value FROM ${table}`,
    `SELECT avg(amount) AS value FROM ${table}`,
    `SELECT sum(quantity) AS value FROM ${table}`,
    `SELECT stddev_samp(amount) AS value FROM ${table}`,
    `SELECT quantile_cont(amount, 0.95) AS value FROM ${table}`,
    `SELECT max(placed_at) AS value FROM ${table}`,
  ];
}
