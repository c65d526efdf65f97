/*
 * Issue 12, item 3: reference checks are dependencies. A port's
 * `reference(col) in <domain>.<port>(col)` reads another port: the compiled graph carries it
 * as a check edge, shown by `tessera graph` (text, JSON, dot, product level), `tessera lineage`,
 * `GET /api/lineage` and the product lineage, marked as a check edge. It is not a data edge:
 * a check edge that would close a cycle is not a graph/cycle, and the run still builds
 * (ADR 0012). When both ports are in a run, the port read is built before the check reads it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { productLineage } from '../src/compiler/index.js';
import { readFileSync } from 'node:fs';
import { adminTokenPath, startServer, type RunningServer } from '../src/server/index.js';
import { openMesh } from '../src/workspace/index.js';
import { FARM_MESH, writeFarm, writePrices } from './support/farm-mesh.js';
import { runCli } from './support/run-cli.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * The farm with two reference checks: lab.trials (which reads nothing of sales) checks its
 * trials against sales.orders, and finance.revenue (built from sales.orders) checks its
 * statuses against sales.orders, which it also reads.
 */
async function farm(overrides: Record<string, string> = {}): Promise<string> {
  const revenue = `${FARM_MESH['products/finance/revenue/product.yaml'] ?? ''}    checks:\n      - reference(status) in sales.orders(status)\n`;
  const trials = `${FARM_MESH['products/lab/trials/product.yaml'] ?? ''}    checks:\n      - reference(trial) in sales.orders(order_id)\n`;
  const f = writeFarm({
    'products/finance/revenue/product.yaml': revenue,
    'products/lab/trials/product.yaml': trials,
    'products/lab/trials/models/trials.sql': 'select range + 1 as trial from range(3)\n',
    ...overrides,
  });
  cleanups.push(f.cleanup);
  await writePrices(f.dir, [{ product: 'apples', price: 2.5, updatedAt: '2026-11-01 08:00:00' }]);
  return f.dir;
}

const dir = await farm();

describe('the compiled graph', () => {
  it('keeps reference checks as check edges, apart from the data edges', async () => {
    const opened = await openMesh(dir);
    expect(opened.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const graph = opened.graph;
    if (!graph) throw new Error('no graph');
    expect(graph.checkEdges).toEqual([
      { from: 'port:sales.orders', to: 'port:finance.revenue', checks: ['reference(status) in sales.orders(status)'] },
      { from: 'port:sales.orders', to: 'port:lab.trials', checks: ['reference(trial) in sales.orders(order_id)'] },
    ]);
    // Not data: no upstream/downstream, and every node is in the build order.
    expect(graph.nodes.get('port:lab.trials')?.upstream).toEqual(['model:lab.trials.trials']);
    expect(graph.nodes.get('port:sales.orders')?.downstream).not.toContain('port:lab.trials');
    expect(graph.order).toHaveLength(graph.nodes.size);
    const lineage = productLineage(graph, 'sales.orders');
    expect(lineage.checks).toEqual({
      reads: [],
      readBy: [
        { product: 'finance.revenue', ports: ['sales.orders'], checks: ['finance.revenue reference(status) in sales.orders(status)'] },
        { product: 'lab.trials', ports: ['sales.orders'], checks: ['lab.trials reference(trial) in sales.orders(order_id)'] },
      ],
    });
    expect(lineage.downstream.map((l) => l.product)).toEqual(['finance.revenue']);
    expect(productLineage(graph, 'lab.trials').checks.reads).toEqual([{ product: 'sales.orders', ports: ['sales.orders'], checks: ['lab.trials reference(trial) in sales.orders(order_id)'] }]);
  });

  it('a check edge that would close a cycle is check/cycle at the check, not a build-order cycle', async () => {
    const orders = (FARM_MESH['products/sales/orders/product.yaml'] ?? '').replace(
      '      - { name: status, type: VARCHAR, required: true, allowed_values: [placed, shipped, cancelled] }',
      '      - { name: status, type: VARCHAR, required: true, allowed_values: [placed, shipped, cancelled] }\n    checks:\n      - reference(status) in finance.revenue(status)',
    );
    const cyclic = await farm({ 'products/sales/orders/product.yaml': orders });
    const run = await runCli(['validate', '--dir', cyclic, '--json']);
    expect(run.exitCode).toBe(1);
    const diagnostics = (JSON.parse(run.stdout) as { diagnostics: { code: string; message: string; file: string; line: number }[] }).diagnostics.filter((d) => !d.code.startsWith('policy/'));
    expect(diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([['check/cycle', 'products/sales/orders/product.yaml', 31]]);
    expect(diagnostics[0]?.message).toContain('reads finance.revenue, which is built from sales.orders (port sales.orders → model finance.revenue.revenue → port finance.revenue)');
  });

  it('a mesh without reference checks has no check edges', async () => {
    const opened = await openMesh(await farm({ 'products/finance/revenue/product.yaml': FARM_MESH['products/finance/revenue/product.yaml'] ?? '', 'products/lab/trials/product.yaml': FARM_MESH['products/lab/trials/product.yaml'] ?? '' }));
    expect(opened.graph?.checkEdges).toEqual([]);
  });
});

describe('tessera graph and tessera lineage', () => {
  it('graph: text, JSON and dot mark the check edges', async () => {
    const text = await runCli(['graph', '--dir', dir]);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/port\s+lab\.trials\s+← trials · checks against sales\.orders/);
    const json = JSON.parse((await runCli(['graph', '--dir', dir, '--json'])).stdout) as { checkEdges: unknown[] };
    expect(json.checkEdges).toContainEqual({ kind: 'check', from: 'port:sales.orders', to: 'port:lab.trials', checks: ['reference(trial) in sales.orders(order_id)'] });
    const dot = (await runCli(['graph', '--dir', dir, '--format', 'dot'])).stdout;
    expect(dot).toContain('"port:sales.orders" -> "port:lab.trials" [style=dashed, label="check", constraint=false, fontsize=8];');
  });

  it('graph --level product lists check edges apart from the data edges', async () => {
    const json = JSON.parse((await runCli(['graph', '--dir', dir, '--level', 'product', '--json'])).stdout) as { edges: { from: string; to: string }[]; checkEdges: unknown[] };
    expect(json.edges.map((e) => `${e.from}→${e.to}`)).toEqual(['sales.orders→finance.revenue']);
    expect(json.checkEdges).toEqual([
      { kind: 'check', from: 'sales.orders', to: 'finance.revenue', ports: ['sales.orders'], checks: ['finance.revenue reference(status) in sales.orders(status)'] },
      { kind: 'check', from: 'sales.orders', to: 'lab.trials', ports: ['sales.orders'], checks: ['lab.trials reference(trial) in sales.orders(order_id)'] },
    ]);
    const text = await runCli(['graph', '--dir', dir, '--level', 'product']);
    expect(text.stdout).toMatch(/⇢ lab\.trials\s+checks against sales\.orders/);
  });

  it('lineage: the reference checks each way, and who checks each port', async () => {
    const text = await runCli(['lineage', 'sales.orders', '--dir', dir]);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/Reference checks[^\n]*\n\s+checked by finance\.revenue\s+sales\.orders · finance\.revenue reference\(status\)/);
    expect(text.stdout).toMatch(/checked by lab\.trials\s+sales\.orders · lab\.trials reference\(trial\)/);
    expect(text.stdout).toMatch(/sales\.orders\s+← finance\.revenue · checked by finance\.revenue, lab\.trials/);
    const json = JSON.parse((await runCli(['lineage', 'sales.orders', '--dir', dir, '--json'])).stdout) as { ports: { port: string; checkedBy: string[] }[]; checks: { readBy: { product: string }[] } };
    expect(json.ports.find((p) => p.port === 'sales.orders')?.checkedBy).toEqual(['finance.revenue', 'lab.trials']);
    expect(json.checks.readBy.map((l) => l.product)).toEqual(['finance.revenue', 'lab.trials']);
    const trials = await runCli(['lineage', 'lab.trials', '--dir', dir]);
    expect(trials.stdout).toMatch(/checks against sales\.orders\s+sales\.orders · lab\.trials reference\(trial\)/);
  });
});

describe('the server', () => {
  let server: RunningServer | undefined;
  afterAll(async () => {
    await server?.close();
  });

  it('GET /api/lineage, the product lineage and the product page carry the check edges', async () => {
    server = await startServer({ root: dir, port: 0, logger: false, schedule: false });
    const headers = { authorization: `Bearer ${readFileSync(adminTokenPath(dir), 'utf8').trim()}` };
    const get = async <T>(path: string): Promise<T> => {
      const response = await fetch(`${server?.url ?? ''}${path}`, { headers });
      expect(response.status, path).toBe(200);
      return (await response.json()) as T;
    };
    const mesh = await get<{ edges: { from: string; to: string; kind?: string }[] }>('/api/lineage');
    expect(mesh.edges).toContainEqual({ from: 'sales.orders', to: 'finance.revenue', ports: ['sales.orders'] });
    expect(mesh.edges).toContainEqual({ from: 'sales.orders', to: 'lab.trials', ports: ['sales.orders'], kind: 'check', checks: ['lab.trials reference(trial) in sales.orders(order_id)'] });
    const nodes = await get<{ nodes: { id: string; external: boolean }[]; edges: { from: string; to: string; kind?: string }[] }>('/api/products/lab.trials/lineage');
    expect(nodes.edges).toContainEqual({ from: 'port:sales.orders', to: 'port:lab.trials', kind: 'check', checks: ['reference(trial) in sales.orders(order_id)'] });
    expect(nodes.nodes).toContainEqual(expect.objectContaining({ id: 'port:sales.orders', external: true }));
    const products = await get<{ edges: { from: string; to: string; kind?: string }[] }>('/api/products/lab.trials/lineage?level=product');
    expect(products.edges).toEqual([{ from: 'sales.orders', to: 'lab.trials', kind: 'check', checks: ['lab.trials reference(trial) in sales.orders(order_id)'] }]);
    const page = await get<{ lineage: { checks: { reads: { product: string }[] } } }>('/api/products/lab.trials');
    expect(page.lineage.checks.reads.map((l) => l.product)).toEqual(['sales.orders']);
    await server.close();
    server = undefined;
  });
});

describe('tessera run', () => {
  it('builds the port a check reads before the check, on a fresh warehouse', async () => {
    // A fresh warehouse: had lab.trials been audited before sales.orders was published, its check would fail.
    const run = await runCli(['run', '--dir', dir, '--json', '--threads', '1']);
    expect(run.exitCode, run.stdout).toBe(0);
    const summary = JSON.parse(run.stdout) as { results: { nodeId: string; status: string }[] };
    const ids = summary.results.map((r) => r.nodeId);
    expect(ids.indexOf('port:sales.orders')).toBeLessThan(ids.indexOf('port:lab.trials'));
    expect(summary.results.every((r) => r.status === 'success')).toBe(true);
  }, 30_000);
});
