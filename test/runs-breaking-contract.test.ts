/**
 * Publishing a breaking change (issue 12, item 6): each version records the contract it
 * was built under, and a publish whose contract broke compatibility with the published
 * version's (a column dropped, allowed values narrowed, …) warns in the run, naming the
 * readers from lineage. A compatible change says nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FARM_MESH, writeFarm, writePrices } from './support/farm-mesh.js';
import { runCli } from './support/run-cli.js';
import type { RunSummary } from '../src/runner/index.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const PRODUCT = 'products/sales/orders/product.yaml';
const ORIGINAL = FARM_MESH[PRODUCT] ?? '';

async function run(dir: string, ...args: string[]): Promise<{ exitCode: number; summary: RunSummary; stdout: string }> {
  const result = await runCli(['run', '--dir', dir, '--json', ...args]);
  if (!result.stdout.startsWith('{')) throw new Error(`no JSON (exit ${result.exitCode}): ${result.stdout}\n${result.stderr}`);
  return { exitCode: result.exitCode, summary: JSON.parse(result.stdout) as RunSummary, stdout: result.stdout };
}

function warningsOf(summary: RunSummary, nodeId: string): readonly string[] {
  return summary.results.find((r) => r.nodeId === nodeId)?.warnings ?? [];
}

describe('a publish whose contract breaks compatibility with the published version', () => {
  it('warns in the run with what broke and who reads the port; a compatible change does not', async () => {
    const f = writeFarm();
    cleanups.push(f.cleanup);
    await writePrices(f.dir, [{ product: 'apples', price: 2.5, updatedAt: '2026-11-01 08:00:00' }]);
    expect((await run(f.dir)).exitCode).toBe(0);

    // Compatible: a description added. No warning.
    f.write(PRODUCT, ORIGINAL.replace('      - { name: customer_id, type: BIGINT, required: true }\n      - { name: amount', '      - { name: customer_id, type: BIGINT, required: true, description: The customer. }\n      - { name: amount'));
    const compatible = await run(f.dir, '--select', 'sales.orders');
    expect(compatible.exitCode).toBe(0);
    expect(warningsOf(compatible.summary, 'port:sales.orders')).toEqual([]);

    // Breaking: status no longer required and its allowed values narrowed; customer_id dropped from the contract.
    const broken = ORIGINAL.replace('      - { name: customer_id, type: BIGINT, required: true }\n', '').replace(
      '      - { name: status, type: VARCHAR, required: true, allowed_values: [placed, shipped, cancelled] }',
      '      - { name: status, type: VARCHAR, allowed_values: [placed, shipped] }',
    );
    f.write(PRODUCT, broken);
    const breaking = await run(f.dir, '--select', 'sales.orders');
    expect(breaking.exitCode).toBe(0);
    const [warning, ...more] = warningsOf(breaking.summary, 'port:sales.orders');
    expect(more).toEqual([]);
    expect(warning).toMatch(/^contract breaks compatibility with published v\d+: /);
    expect(warning).toMatch(/column customer_id removed/);
    expect(warning).toMatch(/column status may now be NULL/);
    expect(warning).toMatch(/column status: allowed values narrowed: removed 'cancelled'/);
    expect(warning).toMatch(/Readers: finance\.revenue \(finance-team\)/);
    // And people see it: the run's output lists it.
    const text = await runCli(['run', '--dir', f.dir, '--select', 'sales.orders']);
    expect(text.stdout).not.toMatch(/contract breaks compatibility/); // the published contract is the new one now
    f.write(PRODUCT, ORIGINAL.replace('[placed, shipped, cancelled]', '[placed, shipped, cancelled, returned]').replace('      - { name: amount, type: "DECIMAL(10,2)", required: true }\n', ''));
    const shown = await runCli(['run', '--dir', f.dir, '--select', 'sales.orders']);
    expect(shown.stdout).toMatch(/Warnings:\n {2}port sales\.orders: contract breaks compatibility with published v\d+: column amount removed\. Readers: finance\.revenue/);
    expect(shown.stderr).toMatch(/⚠ sales\.orders: contract breaks compatibility/);
  }, 30_000);
});
