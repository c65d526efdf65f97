/**
 * Issue 14, item 4: what `tessera test` tests. After a run whose audit rejected a
 * version, `test` says it checked the published version and that the run's version
 * failed (with the failing checks); `test --run N` shows that run's check results for
 * the versions it rejected; `tessera run` prints sample rows of a failed check.
 */
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addProduct, addTeam, initMesh } from '../src/workspace/index.js';
import { runCli } from './support/run-cli.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-test-cmd-'));
  await initMesh(dir, { name: 'shop' });
  await addTeam(dir, { id: 'sales-analytics', domain: 'sales' });
  await addProduct(dir, { id: 'sales.orders', kind: 'source-aligned', owner: 'sales-analytics' });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tessera test after a rejected version', () => {
  it('run 1 publishes v1; run 2 is rejected and prints the failed check with its sample rows', async () => {
    const first = await runCli(['run', '--dir', dir]);
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    // A row without a label: the contract says `required: true`.
    await appendFile(join(dir, 'data/sales/orders.csv'), '4,,5.00,2026-01-07 10:00:00\n');
    const second = await runCli(['run', '--dir', dir]);
    expect(second.exitCode).toBe(1);
    expect(second.stdout).toContain('Failed:');
    expect(second.stdout).toMatch(/port sales\.orders: Port sales\.orders was not published/);
    expect(second.stdout).toMatch(/✗ contract: label is required\s+missing_count\(label\) is 1/);
    expect(second.stdout).toContain('sample (1 row):');
    expect(second.stdout).toContain('"id":4');
  });

  it('tessera test checks the published version, and says that run 2 rejected a newer one and why', async () => {
    const test = await runCli(['test', '--dir', dir]);
    expect(test.exitCode, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toContain('sales.orders (port, tessera_raw.sales__orders) · published v1 (run 1)');
    expect(test.stdout).toContain("! run 2's version v2 was rejected by its audit (consumers still read v1, which is what was checked above); it failed:");
    expect(test.stdout).toMatch(/ {4}✗ contract: label is required\s+missing_count\(label\) is 1/);
    expect(test.stdout).toMatch(/✓ Test run \d+ on the published versions: \d+ passed, 0 warned, 0 failed/);
    expect(test.stdout).toContain('`tessera test --run 2` shows its check results.');

    const json = await runCli(['test', '--json', '--dir', dir]);
    const summary = JSON.parse(json.stdout) as { nodes: { nodeId: string; published?: { version: number }; rejected?: { version: number; runId: number; failed: { name: string }[] } }[] };
    const port = summary.nodes.find((n) => n.nodeId === 'port:sales.orders');
    expect(port?.published?.version).toBe(1);
    expect(port?.rejected).toMatchObject({ version: 2, runId: 2, failed: [{ name: 'contract: label is required' }] });
  });

  it('tessera test --run 2 shows the rejected version\'s check results; --run 1 rejected nothing; an unknown run is an error', async () => {
    const rejected = await runCli(['test', '--run', '2', '--dir', dir]);
    expect(rejected.exitCode).toBe(1);
    expect(rejected.stdout).toContain('sales.orders: the version run 2 wrote was rejected; consumers kept the version before it');
    expect(rejected.stdout).toContain('[port/audit-failed]');
    expect(rejected.stdout).toMatch(/✓ row_count > 0\s+row_count is 4/);
    expect(rejected.stdout).toMatch(/✗ contract: label is required\s+missing_count\(label\) is 1/);
    expect(rejected.stdout).toContain('"id":4');
    expect(rejected.stdout).toContain('✗ Run 2 rejected 1 port version.');
    const json = JSON.parse((await runCli(['test', '--run', '2', '--json', '--dir', dir])).stdout) as { rejected: { port: string; checks: unknown[] }[] };
    expect(json.rejected.map((r) => r.port)).toEqual(['sales.orders']);

    const clean = await runCli(['test', '--run', '1', '--dir', dir]);
    expect(clean.exitCode).toBe(0);
    expect(clean.stdout).toBe('Run 1 rejected no port version.');
    const unknown = await runCli(['test', '--run', '99', '--dir', dir]);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('there is no run 99');
    expect((await runCli(['test', '--run', 'x', '--dir', dir])).exitCode).toBe(2);
  });
});
