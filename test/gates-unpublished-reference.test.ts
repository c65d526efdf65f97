/*
 * Issue 12, item 11: a reference check that reads a port never published says so,
 * instead of DuckDB's "Table with name … does not exist".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChecks } from '../src/checks/index.js';
import { evaluateChecks } from '../src/runner/index.js';
import { SqlStateStore } from '../src/state/index.js';
import { openWarehouse, type Warehouse } from '../src/warehouse/index.js';

const file = { path: 'product.yaml', locate: () => ({ file: 'product.yaml', line: 1, column: 1 }) };

let warehouse: Warehouse;
let state: SqlStateStore;
beforeAll(async () => {
  warehouse = await openWarehouse({ type: 'duckdb', path: ':memory:' });
  state = new SqlStateStore(warehouse, warehouse.dialect);
  await state.migrate();
  await warehouse.execute(`CREATE SCHEMA shop; CREATE TABLE shop.orders AS SELECT * FROM (VALUES (1, 10), (2, 11)) AS t(order_id, customer_id);
    CREATE SCHEMA IF NOT EXISTS tessera_raw; CREATE VIEW tessera_raw.crm__customers AS SELECT * FROM (VALUES (10), (11)) AS t(customer_id)`);
});
afterAll(async () => {
  await warehouse.close();
});

async function outcome(text: string) {
  const { checks } = parseChecks([text], file, ['ports', 0, 'checks']);
  const result = await evaluateChecks(warehouse, warehouse.dialect, state, { nodeId: 'port:shop.orders', table: 'shop.orders', checks, runId: 1, now: new Date() });
  return result.results[0];
}

describe('reference checks against a port never published', () => {
  it('say the port has never been published, and how to publish it', async () => {
    const result = await outcome('reference(customer_id) in crm.customers_v2(customer_id)');
    expect(result?.outcome).toBe('error');
    expect(result?.message).toContain('Port crm.customers_v2, which this check reads, has never been published');
    expect(result?.message).toContain('tessera run --select crm.customers_v2');
    expect(result?.message).not.toMatch(/Table with name/);
  });

  it('still pass against a published port', async () => {
    expect((await outcome('reference(customer_id) in crm.customers(customer_id)'))?.outcome).toBe('pass');
  });

  it('keep the engine message for other errors (a column the port lacks)', async () => {
    const result = await outcome('reference(customer_id) in crm.customers(nope)');
    expect(result?.outcome).toBe('error');
    expect(result?.message).not.toContain('never been published');
  });
});
