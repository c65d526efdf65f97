/**
 * A failed publish leaves nothing behind (issue 12, item 5): a port version table that
 * was built but never recorded as published does not outlive the run that built it,
 * and the next run finds no stray table either.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { writeFarm, writePrices, FARM_MESH } from './support/farm-mesh.js';
import { runCli } from './support/run-cli.js';
import type { Row } from '../src/warehouse/index.js';

const farms: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of farms.splice(0)) cleanup();
});

async function query(dir: string, sql: string): Promise<Row[]> {
  const result = await runCli(['query', '--dir', dir, '--json', sql]);
  if (result.exitCode !== 0) throw new Error(`query failed: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { rows: Row[] }).rows;
}

/** Version tables in the warehouse that no published record keeps. */
async function unrecorded(dir: string): Promise<string[]> {
  const rows = await query(
    dir,
    `select table_name from duckdb_tables() where schema_name = 'tessera_versions'
     and table_name not in (select table_name from tessera_state.port_versions where status = 'published') order by 1`,
  );
  return rows.map((r) => (typeof r.table_name === 'string' ? r.table_name : ''));
}

describe('a failed publish', () => {
  it('leaves no unrecorded version table behind, run after run', async () => {
    // DECIMAL(60,2) passes validate (the form is right) but the engine refuses it when the audit spells the types.
    const revenue = (FARM_MESH['products/finance/revenue/product.yaml'] ?? '').replace('"DECIMAL(38,2)"', '"DECIMAL(60,2)"');
    const f = writeFarm({ 'products/finance/revenue/product.yaml': revenue });
    farms.push(f.cleanup);
    await writePrices(f.dir, [{ product: 'apples', price: 2.5, updatedAt: '2026-11-01 08:00:00' }]);
    for (let i = 0; i < 2; i++) {
      const result = await runCli(['run', '--dir', f.dir, '--json']);
      expect(result.exitCode, result.stderr).not.toBe(0);
      expect(await unrecorded(f.dir)).toEqual([]);
    }
  });
});
