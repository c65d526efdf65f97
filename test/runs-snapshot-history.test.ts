/**
 * Snapshot history is audited before it changes (issue 12, item 12): a bad input row
 * (a city outside the allowed values of the port that serves the snapshot) fails the
 * run at the snapshot, leaves its history as it was and the port on its last good
 * version; once the input is fixed the next run passes, with no hand-written SQL.
 * `tessera snapshot history` shows the versions; `tessera snapshot repair` removes one,
 * joins the history up again and records what it removed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ordersWithAllowedCities, writeFarm, writePrices } from './support/farm-mesh.js';
import { runCli } from './support/run-cli.js';
import type { RunSummary } from '../src/runner/index.js';
import type { Row } from '../src/warehouse/index.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const CITIES = ['Utrecht', 'Leiden', 'Delft'];

async function farm(): Promise<ReturnType<typeof writeFarm>> {
  const f = writeFarm({ 'products/sales/orders/product.yaml': ordersWithAllowedCities(CITIES) });
  cleanups.push(f.cleanup);
  await writePrices(f.dir, [{ product: 'apples', price: 2.5, updatedAt: '2026-11-01 08:00:00' }]);
  return f;
}

async function run(dir: string): Promise<{ exitCode: number; summary: RunSummary }> {
  const result = await runCli(['run', '--dir', dir, '--json', '--select', 'sales.orders']);
  if (!result.stdout.startsWith('{')) throw new Error(`no JSON (exit ${result.exitCode}): ${result.stdout}\n${result.stderr}`);
  return { exitCode: result.exitCode, summary: JSON.parse(result.stdout) as RunSummary };
}

async function query(dir: string, sql: string): Promise<Row[]> {
  const result = await runCli(['query', '--dir', dir, '--json', sql]);
  if (result.exitCode !== 0) throw new Error(`query failed: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { rows: Row[] }).rows;
}

const HISTORY = 'select customer_id, city, is_current from sales__orders.customer_history order by customer_id, valid_from';

describe('a snapshot change that the port serving it would reject', () => {
  it('fails the run at the snapshot, keeps the history and the port as they were, and passes once the input is fixed', async () => {
    const f = await farm();
    expect((await run(f.dir)).exitCode).toBe(0);
    const before = await query(f.dir, HISTORY);
    expect(before).toHaveLength(2);

    f.write('data/customers.json', '{"customer_id": 10, "city": "Utrecht"}\n{"customer_id": 11, "city": "Atlantis"}\n');
    const bad = await run(f.dir);
    expect(bad.exitCode).toBe(1);
    const snapshot = bad.summary.results.find((r) => r.nodeId === 'snapshot:sales.orders.customer_history');
    expect(snapshot?.status).toBe('failed');
    expect(snapshot?.error?.code).toBe('snapshot/change-rejected');
    expect(snapshot?.error?.message).toMatch(/kept this run's changes out of its history: the contract of port sales\.customer_history, which serves this history, would reject the new versions: check `contract: city has allowed values` failed/);
    expect(snapshot?.error?.hint).toMatch(/history is as it was/);
    expect(bad.summary.results.find((r) => r.nodeId === 'port:sales.customer_history')?.status).toBe('skipped');
    expect(await query(f.dir, HISTORY)).toEqual(before);
    expect(await query(f.dir, `select version from tessera_state.port_versions where port = 'sales.customer_history' and is_current`)).toEqual([{ version: 1 }]);

    f.write('data/customers.json', '{"customer_id": 10, "city": "Utrecht"}\n{"customer_id": 11, "city": "Delft"}\n');
    const fixed = await run(f.dir);
    expect(fixed.summary.results.filter((r) => r.status !== 'success').map((r) => r.error?.message)).toEqual([]);
    expect(fixed.exitCode).toBe(0);
    expect(await query(f.dir, HISTORY)).toEqual([
      { customer_id: 10, city: 'Utrecht', is_current: true },
      { customer_id: 11, city: 'Leiden', is_current: false },
      { customer_id: 11, city: 'Delft', is_current: true },
    ]);
  }, 30_000);
});

describe('tessera snapshot history and repair', () => {
  it('lists versions by key, removes one with a record, and re-opens the version before it', async () => {
    const f = await farm();
    expect((await run(f.dir)).exitCode).toBe(0);
    f.write('data/customers.json', '{"customer_id": 10, "city": "Utrecht"}\n{"customer_id": 11, "city": "Delft"}\n');
    expect((await run(f.dir)).exitCode).toBe(0);

    const listed = await runCli(['snapshot', 'history', 'sales.orders.customer_history', '--dir', f.dir, '--key', '11', '--json']);
    expect(listed.exitCode, listed.stderr).toBe(0);
    const { versions } = JSON.parse(listed.stdout) as { versions: { valid_from: string; city: string; is_current: boolean }[] };
    expect(versions.map((v) => [v.city, v.is_current])).toEqual([['Leiden', false], ['Delft', true]]);
    const text = await runCli(['snapshot', 'history', 'sales.orders.customer_history', '--dir', f.dir]);
    expect(text.stdout).toMatch(/valid_from\s+valid_to\s+is_current\s+customer_id\s+city/);

    const dropped = versions[1]?.valid_from ?? '';
    const dry = await runCli(['snapshot', 'repair', 'sales.orders.customer_history', '--dir', f.dir, '--key', '11', '--drop-version', dropped, '--dry-run']);
    expect(dry.stdout).toMatch(/Would remove 1 version/);
    expect(await query(f.dir, HISTORY)).toHaveLength(3);

    const repaired = await runCli(['snapshot', 'repair', 'sales.orders.customer_history', '--dir', f.dir, '--key', '11', '--drop-version', dropped, '--reason', 'test row']);
    expect(repaired.exitCode, repaired.stderr).toBe(0);
    expect(repaired.stdout).toMatch(/Removed 1 version\(s\).*1 earlier version\(s\) took over their end/);
    expect(await query(f.dir, 'select customer_id, city, is_current, valid_to from sales__orders.customer_history order by customer_id, valid_from')).toEqual([
      { customer_id: 10, city: 'Utrecht', is_current: true, valid_to: null },
      { customer_id: 11, city: 'Leiden', is_current: true, valid_to: null },
    ]);
    const record = await runCli(['snapshot', 'history', 'sales.orders.customer_history', '--dir', f.dir, '--json']);
    const { repairs } = JSON.parse(record.stdout) as { repairs: { action: string; reason: string; removed: { city: string }[] }[] };
    expect(repairs.map((r) => [r.action, r.reason, r.removed.map((x) => x.city)])).toEqual([[`--drop-version ${dropped} --key 11`, 'test row', ['Delft']]]);

    // A version in the middle: the one before it takes over its end and stays closed.
    f.write('data/customers.json', '{"customer_id": 10, "city": "Utrecht"}\n{"customer_id": 11, "city": "Delft"}\n');
    expect((await run(f.dir)).exitCode).toBe(0);
    f.write('data/customers.json', '{"customer_id": 10, "city": "Utrecht"}\n{"customer_id": 11, "city": "Utrecht"}\n');
    expect((await run(f.dir)).exitCode).toBe(0);
    const three = JSON.parse((await runCli(['snapshot', 'history', 'sales.orders.customer_history', '--dir', f.dir, '--key', '11', '--json'])).stdout) as { versions: { valid_from: string; valid_to: string | null; city: string }[] };
    expect(three.versions.map((v) => v.city)).toEqual(['Leiden', 'Delft', 'Utrecht']);
    const middle = await runCli(['snapshot', 'repair', 'sales.orders.customer_history', '--dir', f.dir, '--key', '11', '--drop-version', three.versions[1]?.valid_from ?? '']);
    expect(middle.exitCode, middle.stderr).toBe(0);
    const two = JSON.parse((await runCli(['snapshot', 'history', 'sales.orders.customer_history', '--dir', f.dir, '--key', '11', '--json'])).stdout) as { versions: { valid_from: string; valid_to: string | null; city: string; is_current: boolean }[] };
    expect(two.versions.map((v) => [v.city, v.valid_to, v.is_current])).toEqual([
      ['Leiden', three.versions[2]?.valid_from, false],
      ['Utrecht', null, true],
    ]);

    const unknown = await runCli(['snapshot', 'repair', 'sales.orders.customer_history', '--dir', f.dir, '--drop-version', '1999-01-01 00:00:00']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/No version of `customer_history` matches/);
    const wrong = await runCli(['snapshot', 'history', 'sales.orders.nope', '--dir', f.dir]);
    expect(wrong.stderr).toMatch(/No snapshot `sales\.orders\.nope`.*sales\.orders\.customer_history/);
  }, 30_000);
});
