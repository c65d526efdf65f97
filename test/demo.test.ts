/**
 * The README's first command: `tessera demo` generates the example grocery's data
 * and runs the whole mesh on embedded DuckDB. Here on a copy of examples/grocery,
 * at a small scale, through the real CLI.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

const EXAMPLE = fileURLToPath(new URL('../examples/grocery/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tessera-demo-'));
cpSync(EXAMPLE, dir, { recursive: true, filter: (source) => !/[/\\](data|\.tessera)$/.test(source) });
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('tessera demo', () => {
  it('builds every product of the example and publishes all 21 ports, then the suggested query works', async () => {
    const demo = await runCli(['demo', '--dir', dir, '--scale', '300']);
    expect(demo.stderr).not.toContain('✗');
    expect(demo.exitCode).toBe(0);
    expect(demo.stdout).toMatch(/✓ Run 1 succeeded: 43 built, 21 published, 0 failed, 0 skipped/);
    expect(demo.stdout).toContain('commerce.orders');
    const suggested = /npx tessera query --dir \S+ "([^"]+)"/.exec(demo.stdout)?.[1];
    expect(suggested).toBeDefined();
    const answer = await runCli(['query', '--dir', dir, '--json', suggested ?? '']);
    expect(answer.exitCode).toBe(0);
    const { rows } = JSON.parse(answer.stdout) as { rows: { orders: number }[] };
    expect(rows.reduce((sum, r) => sum + r.orders, 0)).toBe(300);
  }, 60_000);
});
