/**
 * The CLI as users and scripts meet it: help on every command, exit codes,
 * and the graph, lineage and schema outputs on a real fixture mesh.
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonSchemaFor, specSchemas, type SpecSchemaFile } from '../src/spec/index.js';
import { runCli } from './support/run-cli.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));
let mesh: string;

beforeAll(async () => {
  // graph and lineage keep a parse cache in the mesh: work on a copy.
  mesh = await mkdtemp(join(tmpdir(), 'tessera-cli-'));
  await cp(join(REPO, 'test/fixtures/valid'), mesh, { recursive: true });
});
afterAll(async () => {
  await rm(mesh, { recursive: true, force: true });
});

describe('command line', () => {
  it.each(['validate', 'lint', 'graph', 'lineage', 'diff', 'scorecard', 'schema', 'example-data'])('%s --help explains the command and exits 0', async (command) => {
    const { exitCode, stdout } = await runCli([command, '--help']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain(`Usage: tessera ${command}`);
    expect(stdout).toContain('--dir <path>');
  });

  it('exits 2 on usage errors: an unknown command, an unknown option, a bad format, a missing argument', async () => {
    for (const argv of [['bogus'], ['validate', '--bogus'], ['graph', '--format', 'png'], ['lineage']]) {
      const run = await runCli(argv);
      expect(run.exitCode, argv.join(' ')).toBe(2);
      expect(run.stderr, argv.join(' ')).toMatch(/error/);
    }
  });

  it('exits 1 with errors and 0 without, as a real process started through the bin', () => {
    const bin = join(REPO, 'bin/tessera.js');
    const ok = spawnSync(process.execPath, [bin, 'validate', '--dir', mesh], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('0 errors');
    const broken = spawnSync(process.execPath, [bin, 'validate', '--no-cache', '--dir', join(REPO, 'test/fixtures/errors/ref-unknown')], { encoding: 'utf8' });
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain('products/commerce/orders/models/orders.sql:2:6');
    expect(broken.stdout).toContain('[ref/unknown]');
  });
});

describe('tessera graph', () => {
  it('prints every product with its nodes and what each reads', async () => {
    const { exitCode, stdout } = await runCli(['graph', '--dir', mesh]);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/finance\.revenue\s+aggregate · owner finance-team/);
    expect(stdout).toMatch(/model\s+order_lines\s+← commerce\.orders, commerce\.customers/);
    expect(stdout).toContain('3 products, 11 nodes');
  });

  it('--json lists nodes upstream first, with edges both ways', async () => {
    const { stdout } = await runCli(['graph', '--dir', mesh, '--json']);
    const graph = JSON.parse(stdout) as { nodes: { id: string; upstream: string[]; downstream: string[] }[] };
    const index = new Map(graph.nodes.map((n, i) => [n.id, i]));
    for (const node of graph.nodes) {
      for (const up of node.upstream) {
        expect(index.get(up), `${up} before ${node.id}`).toBeLessThan(index.get(node.id) ?? -1);
        expect(graph.nodes.find((n) => n.id === up)?.downstream).toContain(node.id);
      }
    }
    expect(graph.nodes.find((n) => n.id === 'port:commerce.orders')?.downstream).toEqual(['model:finance.revenue.order_lines']);
  });

  it('--format dot writes a Graphviz digraph clustered by domain and product', async () => {
    const { stdout } = await runCli(['graph', '--dir', mesh, '--format', 'dot']);
    expect(stdout.startsWith('digraph mesh {')).toBe(true);
    expect(stdout).toContain('label="commerce"');
    expect(stdout).toContain('label="revenue (aggregate)"');
    expect(stdout).toContain('"port:commerce.orders" -> "model:finance.revenue.order_lines";');
    expect(stdout.trimEnd().endsWith('}')).toBe(true);
  });

  it('--level product shows products and the ports between them, as text, JSON and DOT', async () => {
    const text = await runCli(['graph', '--dir', mesh, '--level', 'product']);
    expect(text.stdout).toMatch(/commerce\.orders\s+source-aligned[^\n]*\n\s+→ finance\.revenue\s+reads commerce\.orders/);
    expect(text.stdout).toContain('3 products, 2 links between them');
    const json = JSON.parse((await runCli(['graph', '--dir', mesh, '--level', 'product', '--json'])).stdout) as { edges: unknown[] };
    expect(json.edges).toEqual([
      { from: 'commerce.customers', to: 'finance.revenue', ports: ['commerce.customers'] },
      { from: 'commerce.orders', to: 'finance.revenue', ports: ['commerce.orders'] },
    ]);
    const dot = (await runCli(['graph', '--dir', mesh, '--level', 'product', '--format', 'dot'])).stdout;
    expect(dot).toContain('"commerce.orders" -> "finance.revenue" [label="commerce.orders", fontsize=8];');
  });

  it('refuses to draw a broken mesh: diagnostics on stderr, exit 1', async () => {
    const { exitCode, stdout, stderr } = await runCli(['graph', '--dir', join(REPO, 'test/fixtures/errors/graph-cycle')]);
    expect(exitCode).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('[graph/cycle]');
    await rm(join(REPO, 'test/fixtures/errors/graph-cycle/.tessera'), { recursive: true, force: true });
  });
});

describe('tessera lineage', () => {
  it('shows upstream and downstream products, the ports between them, and the features fed', async () => {
    const upstream = await runCli(['lineage', 'finance.revenue', '--dir', mesh]);
    expect(upstream.exitCode).toBe(0);
    expect(upstream.stdout).toMatch(/Upstream[^\n]*\n\s+commerce\.customers\s+owner commerce-team · via commerce\.customers/);
    const json = await runCli(['lineage', 'commerce.orders', '--dir', mesh, '--json']);
    const lineage = JSON.parse(json.stdout) as { downstream: { product: string; ports: string[] }[]; ports: { port: string; readers: string[] }[] };
    expect(lineage.downstream).toEqual([{ product: 'finance.revenue', ports: ['commerce.orders'], depth: 1 }]);
    expect(lineage.ports).toEqual([{ port: 'commerce.orders', version: 1, deprecated: false, readers: ['finance.revenue'], checkedBy: [] }]);
  });

  it('suggests the product meant, with exit 2', async () => {
    const { exitCode, stderr } = await runCli(['lineage', 'commerce.order', '--dir', mesh]);
    expect(exitCode).toBe(2);
    expect(stderr).toContain('Did you mean `commerce.orders`?');
  });
});

describe('tessera example-data', () => {
  it('writes every source file the example mesh declares, and says what it wrote', async () => {
    const out = join(mesh, 'example');
    const { exitCode, stdout } = await runCli(['example-data', '--dir', out, '--scale', '200', '--as-of', '2026-01-31', '--json']);
    expect(exitCode).toBe(0);
    const summary = JSON.parse(stdout) as { files: { path: string; rows: number }[]; asOf: string; scale: number };
    expect(summary).toMatchObject({ asOf: '2026-01-31', scale: 200 });
    expect(summary.files.find((f) => f.path === 'data/commerce/orders.csv')?.rows).toBe(200);
    const orders = await readFile(join(out, 'data/commerce/orders.csv'), 'utf8');
    expect(orders.trim().split('\n')).toHaveLength(201);
  });
});

describe('tessera schema', () => {
  it('writes the JSON Schemas, and the committed copies under schema/ are current', async () => {
    const out = join(mesh, 'written-schema');
    const { exitCode } = await runCli(['schema', '--out', out]);
    expect(exitCode).toBe(0);
    const files = (await readdir(out)).sort();
    expect(files).toEqual(Object.keys(specSchemas).sort());
    for (const file of files as SpecSchemaFile[]) {
      const written = await readFile(join(out, file), 'utf8');
      expect(JSON.parse(written)).toEqual(jsonSchemaFor(file));
      const committed = await readFile(join(REPO, 'schema', file), 'utf8');
      expect(committed, `schema/${file} is stale: run \`npx tessera schema --out schema\``).toBe(written);
    }
  });

  it('rejects what the loader rejects: unknown fields are not allowed', () => {
    const product = jsonSchemaFor('product.schema.json') as { additionalProperties?: boolean; required?: string[] };
    expect(product.additionalProperties).toBe(false);
    expect(product.required).toEqual(expect.arrayContaining(['name', 'domain', 'owner', 'kind']));
  });
});
