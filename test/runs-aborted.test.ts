/**
 * Aborted runs never look fine (issue 12, item 14), with the real binary in a child
 * process: SIGTERM or SIGINT on `tessera run` lets the running nodes end, starts
 * nothing else, records the run as `abandoned` and exits 128 + the signal (143, 130);
 * a reader that goes away (`tessera run 2>&1 | head -1`: EPIPE) does not stop the
 * build, and the exit code is the run's own, never 0 for a failed run.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { FARM_MESH, slowTrialsSql, writeFarm, writePrices } from './support/farm-mesh.js';
import { runCli } from './support/run-cli.js';
import type { Row } from '../src/warehouse/index.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** The farm, with a trials model slow enough (a few hundred ms) that a signal lands mid-run. */
async function farm(overrides: Record<string, string> = {}): Promise<string> {
  const f = writeFarm({ 'products/lab/trials/models/trials.sql': slowTrialsSql(60_000_000), ...overrides });
  cleanups.push(f.cleanup);
  await writePrices(f.dir, [{ product: 'apples', price: 2.5, updatedAt: '2026-11-01 08:00:00' }]);
  return f.dir;
}

function start(dir: string, ...args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['bin/tessera.js', 'run', '--dir', dir, ...args], { cwd: process.cwd(), env: { ...process.env, CI: '1' } });
}

function exited(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((done) => child.on('close', (code, signal) => { done({ code, signal }); }));
}

async function query(dir: string, sql: string): Promise<Row[]> {
  const result = await runCli(['query', '--dir', dir, '--json', sql]);
  if (result.exitCode !== 0) throw new Error(`query failed: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { rows: Row[] }).rows;
}

describe('a run stopped by a signal', () => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`${signal}: running nodes end, the rest never start, the run is recorded abandoned, exit ${code}`, async () => {
      const dir = await farm();
      const child = start(dir, '--threads', '1');
      let stderr = '';
      let sent = false;
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        // Signal as soon as the run has started (its first line): most nodes are still to come.
        if (!sent && /^Run \d+: \d+ nodes/m.test(stderr)) {
          sent = true;
          child.kill(signal);
        }
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const { code: exit } = await exited(child);
      expect(sent).toBe(true);
      expect(stderr).not.toMatch(/internal error|at .*\.js:\d+/);
      expect(stderr).toMatch(new RegExp(`Stopping \\(${signal}\\)`));
      expect(stdout).toMatch(new RegExp(`Run 1 stopped \\(${signal}\\) before its end, recorded as abandoned`));
      expect(exit).toBe(code);
      expect(await query(dir, 'select id, status from tessera_state.runs order by id')).toEqual([{ id: 1, status: 'abandoned' }]);
      const nodes = await query(dir, `select count(*) as n from tessera_state.node_results where run_id = 1 and status = 'skipped' and error like '%run/stopped%'`);
      expect(Number(nodes[0]?.n)).toBeGreaterThan(0);
      // The next run builds everything and succeeds.
      const next = await runCli(['run', '--dir', dir, '--json']);
      expect(next.exitCode, next.stderr).toBe(0);
    }, 30_000);
  }
});

describe('a run whose reader goes away', () => {
  it('keeps building after EPIPE, records the end, and exits with the run’s code (1 for a failed run, not 0)', async () => {
    // finance.revenue's contract asks for a column its model does not make: the run fails at that port.
    const revenue = (FARM_MESH['products/finance/revenue/product.yaml'] ?? '').replace('      - { name: orders, type: BIGINT, required: true }', '      - { name: orders, type: BIGINT, required: true }\n      - { name: missing_column, type: BIGINT }');
    const dir = await farm({ 'products/finance/revenue/product.yaml': revenue });
    const child = start(dir, '--threads', '1');
    // `2>&1 | head -1`: read the first line, then the reader is gone.
    const firstLine = new Promise<void>((done) => {
      child.stderr.once('data', () => {
        child.stderr.destroy();
        child.stdout.destroy();
        done();
      });
    });
    await firstLine;
    const { code } = await exited(child);
    expect(code).toBe(1);
    const runs = await query(dir, 'select id, status, failed from tessera_state.runs order by id');
    expect(runs).toEqual([{ id: 1, status: 'failed', failed: 1 }]);
    const published = await query(dir, `select port from tessera_state.port_versions where status = 'published' order by port`);
    expect(published.map((r) => r.port)).toEqual(['lab.trials', 'sales.customer_history', 'sales.orders']);
  }, 30_000);
});
