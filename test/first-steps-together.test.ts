/**
 * Issue 14, item 6: `publish: together`. In a run, either all of a product's ports
 * switch to the new data or none does.
 */
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productSchema } from '../src/spec/index.js';
import { addProduct, addTeam, initMesh } from '../src/workspace/index.js';
import { runCli } from './support/run-cli.js';

let dir: string;

const SECOND_PORT = `  - name: order_amounts
    model: stg_orders
    description: The amount of each record.
    columns:
      - { name: id, type: BIGINT, required: true, description: Identifier of the record. }
      - { name: amount, type: "DECIMAL(12,2)", description: An amount in euros. }
    checks:
      - max(amount) < 100
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-together-'));
  await initMesh(dir, { name: 'shop' });
  await addTeam(dir, { id: 'sales-analytics', domain: 'sales' });
  await addProduct(dir, { id: 'sales.orders', kind: 'source-aligned', owner: 'sales-analytics' });
  const path = join(dir, 'products/sales/orders/product.yaml');
  const yaml = (await readFile(path, 'utf8')).replace('# publish: together ', 'publish: together   ');
  await writeFile(path, `${yaml}${SECOND_PORT}`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const out = await runCli(['query', '--json', '--dir', dir, sql]);
  expect(out.exitCode, out.stderr).toBe(0);
  return (JSON.parse(out.stdout) as { rows: Record<string, unknown>[] }).rows;
}

describe('publish: together', () => {
  it('is a product field: each or together', () => {
    const base = { name: 'orders', domain: 'sales', owner: 'sales', kind: 'source-aligned' };
    expect(productSchema.safeParse({ ...base, publish: 'together' }).success).toBe(true);
    expect(productSchema.safeParse({ ...base, publish: 'each' }).success).toBe(true);
    expect(productSchema.safeParse({ ...base, publish: 'both' }).success).toBe(false);
  });

  it('validates clean, and publishes both ports in the run when both pass', async () => {
    const validate = await runCli(['validate', '--json', '--no-cache', '--dir', dir]);
    expect(JSON.parse(validate.stdout)).toEqual({ diagnostics: [] });
    const run = await runCli(['run', '--dir', dir]);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Published:\n\s+sales\.order_amounts\s+v1\s+3 rows\n\s+sales\.orders\s+v1\s+3 rows/);
    expect(run.stdout).toMatch(/2 built, 2 published, 0 failed/);
    const shown = JSON.parse((await runCli(['runs', 'show', 'latest', '--json', '--dir', dir])).stdout) as { nodes: { nodeId: string; status: string; warnings?: string[] }[] };
    // Both ports start together, so their order in the run is not fixed: sort by id.
    const ports = shown.nodes.filter((n) => n.nodeId.startsWith('port:')).sort((a, b) => a.nodeId.localeCompare(b.nodeId));
    expect(ports.map((n) => [n.nodeId, n.status, n.warnings])).toEqual([
      ['port:sales.order_amounts', 'success', undefined],
      ['port:sales.orders', 'success', undefined],
    ]);
  });

  it('publishes neither when one port fails: the other, though it passed, is held back and says why', async () => {
    const csv = join(dir, 'data/sales/orders.csv');
    await writeFile(csv, (await readFile(csv, 'utf8')).replace('40.00', '400.00'));
    const run = await runCli(['run', '--dir', dir]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('port sales.order_amounts: Port sales.order_amounts was not published: check `max(amount) < 100` failed');
    expect(run.stdout).toContain(
      'port sales.orders: Port sales.orders passed its audit but was not published: product sales.orders publishes its ports together (`publish: together`), and sales.order_amounts did not pass.',
    );
    expect(run.stdout).toMatch(/0 published, 2 failed/);
    // Consumers read the first load on both ports.
    expect(await rows('select max(amount) as m from sales.orders')).toEqual([{ m: 40 }]);
    expect(await rows('select max(amount) as m from sales.order_amounts')).toEqual([{ m: 40 }]);
    const versions = await rows("select port, version, status, is_current from tessera_state.port_versions where run_id = 2 order by port");
    expect(versions).toEqual([
      { port: 'sales.order_amounts', version: 2, status: 'rejected', is_current: false },
      { port: 'sales.orders', version: 2, status: 'rejected', is_current: false },
    ]);
    expect(await rows("select table_name from duckdb_tables() where schema_name = 'tessera_versions' order by 1")).toEqual([
      { table_name: 'sales__order_amounts__v1' },
      { table_name: 'sales__orders__v1' },
    ]);
    const shown = JSON.parse((await runCli(['runs', 'show', '2', '--json', '--dir', dir])).stdout) as { nodes: { nodeId: string; status: string; error?: { code: string } }[] };
    expect(shown.nodes.find((n) => n.nodeId === 'port:sales.orders')).toMatchObject({ status: 'failed', error: { code: 'port/not-published-together' } });
  });

  it('publishes both again once both pass; an unchanged port counts as passing', async () => {
    const path = join(dir, 'products/sales/orders/product.yaml');
    await writeFile(path, (await readFile(path, 'utf8')).replace('max(amount) < 100', 'max(amount) < 1000'));
    const run = await runCli(['run', '--dir', dir]);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/sales\.order_amounts\s+v3\s+3 rows\n\s+sales\.orders\s+v3\s+3 rows/);
    expect(await rows('select max(amount) as m from sales.orders')).toEqual([{ m: 400 }]);
    const again = await runCli(['run', '--dir', dir]);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toMatch(/0 published, 2 unchanged, 0 failed/);
  });
});
