/**
 * Issue 14, item 6: versions that mean something. Each version records a content
 * digest; a run whose data did not change publishes nothing and says "unchanged".
 */
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addProduct, addTeam, initMesh } from '../src/workspace/index.js';
import { runCli } from './support/run-cli.js';

let dir: string;
const csv = (): string => join(dir, 'data/sales/orders.csv');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-versions-'));
  await initMesh(dir, { name: 'shop' });
  await addTeam(dir, { id: 'sales-analytics', domain: 'sales' });
  await addProduct(dir, { id: 'sales.orders', kind: 'source-aligned', owner: 'sales-analytics' });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Versions {
  versions: { version: number; status: string; current: boolean; digest?: string }[];
}

async function versions(): Promise<Versions['versions']> {
  const out = await runCli(['query', '--json', '--dir', dir, "select version, status, is_current as current, digest from tessera_state.port_versions where port = 'sales.orders' order by version"]);
  if (out.exitCode === 0) return (JSON.parse(out.stdout) as { rows: Versions['versions'] }).rows;
  throw new Error(out.stderr);
}

describe('content digests and unchanged versions', () => {
  it('the first run publishes v1 with a digest', async () => {
    const run = await runCli(['run', '--dir', dir]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/sales\.orders\s+v1\s+3 rows/);
  });

  it('a run on the same data publishes nothing and says unchanged, in the output and the run record', async () => {
    const run = await runCli(['run', '--dir', dir]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain('✓ port     sales.orders  unchanged: consumers keep v1');
    expect(run.stdout).toContain('Unchanged (the same content as the published version; nothing published):\n  sales.orders  v1');
    expect(run.stdout).toMatch(/Run 2 succeeded: 2 built, 0 published, 1 unchanged, 0 failed/);
    const shown = JSON.parse((await runCli(['runs', 'show', '2', '--json', '--dir', dir])).stdout) as { nodes: { nodeId: string; unchanged?: { version: number } }[] };
    expect(shown.nodes.find((n) => n.nodeId === 'port:sales.orders')?.unchanged).toEqual({ version: 1 });
    const json = JSON.parse((await runCli(['run', '--json', '--dir', dir])).stdout) as { published: number; publishedPorts: unknown[]; results: { nodeId: string; unchanged?: unknown }[] };
    expect(json.published).toBe(0);
    expect(json.publishedPorts).toEqual([]);
    expect(json.results.find((r) => r.nodeId === 'port:sales.orders')?.unchanged).toEqual({ version: 1 });
  });

  it('the digest does not depend on row order; a changed value publishes v2; going back publishes v3', async () => {
    const original = await readFile(csv(), 'utf8');
    const [header, ...rows] = original.trimEnd().split('\n');
    await writeFile(csv(), `${[header, ...rows.reverse()].join('\n')}\n`);
    const reordered = await runCli(['run', '--dir', dir]);
    expect(reordered.stdout).toContain('1 unchanged');
    await writeFile(csv(), original.replace('12.50', '12.75'));
    const changed = await runCli(['run', '--dir', dir]);
    expect(changed.stdout).toMatch(/sales\.orders\s+v2\s+3 rows/);
    await writeFile(csv(), original);
    const back = await runCli(['run', '--dir', dir]);
    expect(back.stdout).toMatch(/sales\.orders\s+v3\s+3 rows/);
    const list = await versions();
    expect(list.map((v) => [v.version, v.status, v.current])).toEqual([
      [1, 'published', false],
      [2, 'published', false],
      [3, 'published', true],
    ]);
    expect(list[0]?.digest).toMatch(/^[0-9a-f]{32}$/);
    expect(list[0]?.digest).toBe(list[2]?.digest);
    expect(list[1]?.digest).not.toBe(list[0]?.digest);
  });
});
