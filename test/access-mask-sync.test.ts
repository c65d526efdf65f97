/**
 * A mask declared after a port was published holds from the next run, whatever that
 * run selects: the port's consumer view is re-pointed, without a new version.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { writeFarm, writePrices } from './support/farm-mesh.js';
import { runCli } from './support/run-cli.js';

const farm = writeFarm();
afterAll(() => {
  farm.cleanup();
});

async function statuses(): Promise<string[]> {
  const answer = await runCli(['query', '--dir', farm.dir, '--json', 'select status from sales.orders order by order_id']);
  expect(answer.exitCode, answer.stderr).toBe(0);
  return (JSON.parse(answer.stdout) as { rows: { status: string }[] }).rows.map((r) => r.status);
}

it('masks an already published port at the next run, even one that does not build it', async () => {
  await writePrices(farm.dir, [{ product: 'apples', price: 2.5, updatedAt: '2026-11-01 08:00:00' }]);
  expect((await runCli(['run', '--dir', farm.dir])).exitCode).toBe(0);
  expect(await statuses()).toEqual(['placed', 'shipped', 'placed']);
  const file = join(farm.dir, 'products/sales/orders/product.yaml');
  const spec = readFileSync(file, 'utf8');
  const declared = '{ name: status, type: VARCHAR, required: true, allowed_values: [placed, shipped, cancelled] }';
  expect(spec).toContain(declared);
  writeFileSync(file, spec.replace(declared, declared.replace(' }', ', masking: hash }')));
  expect((await runCli(['run', '--dir', farm.dir, '--select', 'lab.trials'])).exitCode).toBe(0);
  const masked = await statuses();
  expect(masked.every((s) => /^[0-9a-f]{32}$/.test(s))).toBe(true);
  expect(masked[0]).toBe(masked[2]);
  // The raw relation is unchanged, and no new version of sales.orders was published.
  const raw = await runCli(['query', '--dir', farm.dir, '--json', "select count(*) as n from tessera_state.port_versions where port = 'sales.orders'"]);
  expect((JSON.parse(raw.stdout) as { rows: { n: number }[] }).rows[0]?.n).toBe(1);
});
