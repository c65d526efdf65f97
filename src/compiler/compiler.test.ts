import { describe, expect, it } from 'vitest';
import type { Mesh, Product, ProductSpec, SpecFile } from '../spec/index.js';
import { compileMesh, type ModelSqlAnalysis } from './compile.js';
import { cycleChain, findCycles, topologicalOrder } from './cycles.js';
import { productLineage } from './lineage.js';
import { memoryMesh } from '../../test/support/memory-mesh.js';

const file = (path: string): SpecFile => ({ path, locate: () => ({ file: path, line: 1, column: 1 }) });

interface ProductInput {
  spec: Omit<ProductSpec, 'owner' | 'kind'> & Partial<Pick<ProductSpec, 'owner' | 'kind'>>;
  models?: Record<string, string[] | string>;
}

/** A mesh in memory; model SQL is given as the list of tables it reads (the parser's output). */
function build(products: ProductInput[]): { mesh: Mesh; sql: Map<string, ModelSqlAnalysis> } {
  const sql = new Map<string, ModelSqlAnalysis>();
  const loaded: Product[] = products.map(({ spec, models = {} }) => {
    const full: ProductSpec = { owner: 'team', kind: 'source-aligned', ...spec };
    const dir = `products/${full.domain}/${full.name}`;
    return {
      id: `${full.domain}.${full.name}`,
      spec: full,
      dir,
      file: file(`${dir}/product.yaml`),
      models: Object.entries(models).map(([name, reads]) => {
        const sqlFile = `${dir}/models/${name}.sql`;
        const refs = typeof reads === 'string' ? [] : reads;
        sql.set(sqlFile, {
          references: refs.map((ref, i) => {
            const dot = ref.indexOf('.');
            return dot < 0 ? { name: ref, offset: i } : { name: ref.slice(dot + 1), schema: ref.slice(0, dot), offset: i };
          }),
          ...(typeof reads === 'string' ? { problem: { kind: 'syntax', message: reads, offset: 0 } } : {}),
        });
        return { name, sqlFile, sql: 'select 1' };
      }),
    };
  });
  const mesh = memoryMesh(loaded, { teams: [{ id: 'team', name: 'Team' }] });
  return { mesh, sql };
}

const groceries = (): ProductInput[] => [
  {
    spec: { name: 'orders', domain: 'commerce', sources: [{ name: 'raw_orders', format: 'csv', path: 'o.csv' }], ports: [{ name: 'orders', model: 'stg_orders' }] },
    models: { stg_orders: ['raw_orders'] },
  },
  {
    spec: { name: 'deliveries', domain: 'delivery', kind: 'aggregate', ports: [{ name: 'deliveries' }] },
    models: { deliveries: ['commerce.orders'] },
  },
  {
    spec: {
      name: 'revenue',
      domain: 'finance',
      kind: 'aggregate',
      ports: [{ name: 'daily_revenue' }],
      features: [{ name: 'revenue_board', type: 'dashboard', inputs: ['finance.daily_revenue', 'delivery.deliveries'] }],
    },
    models: { daily_revenue: ['delivery.deliveries', 'commerce.orders'] },
  },
];

describe('compileMesh', () => {
  it('builds one DAG with edges both ways and an upstream-first order', () => {
    const { mesh, sql } = build(groceries());
    const { graph, diagnostics } = compileMesh(mesh, sql);
    expect(diagnostics).toEqual([]);
    const model = graph.nodes.get('model:delivery.deliveries.deliveries');
    expect(model?.upstream).toEqual(['port:commerce.orders']);
    expect(graph.nodes.get('port:commerce.orders')?.downstream.sort()).toEqual(['model:delivery.deliveries.deliveries', 'model:finance.revenue.daily_revenue']);
    const position = (id: string): number => graph.order.indexOf(id);
    expect(position('source:commerce.orders.raw_orders')).toBeLessThan(position('model:commerce.orders.stg_orders'));
    expect(position('port:commerce.orders')).toBeLessThan(position('model:delivery.deliveries.deliveries'));
    expect(position('port:delivery.deliveries')).toBeLessThan(position('model:finance.revenue.daily_revenue'));
    expect(graph.order).toHaveLength(graph.nodes.size);
  });

  it('names later port versions <port>_v<N> and resolves them', () => {
    const products = groceries();
    products[0]?.spec.ports?.push({ name: 'orders', version: 2, model: 'stg_orders' });
    const deliveries = products[1];
    if (deliveries) deliveries.models = { deliveries: ['commerce.orders_v2'] };
    const { mesh, sql } = build(products);
    const { graph, diagnostics } = compileMesh(mesh, sql);
    expect(diagnostics).toEqual([]);
    expect(graph.nodes.get('model:delivery.deliveries.deliveries')?.upstream).toEqual(['port:commerce.orders_v2']);
  });

  it('refuses to read another product\'s internals, by any spelling', () => {
    for (const spelling of ['stg_orders', 'commerce.stg_orders', 'orders.stg_orders', 'raw_orders']) {
      const products = groceries();
      const deliveries = products[1];
      if (deliveries) deliveries.models = { deliveries: [spelling] };
      const { mesh, sql } = build(products);
      const { diagnostics } = compileMesh(mesh, sql);
      expect(diagnostics.map((d) => d.code), spelling).toEqual(['ref/internal']);
      expect(diagnostics[0]?.hint).toContain('commerce.orders');
    }
  });

  it('suggests the port a bare name meant', () => {
    const products = groceries();
    const deliveries = products[1];
    if (deliveries) deliveries.models = { deliveries: ['orders'] };
    const { mesh, sql } = build(products);
    const [diagnostic] = compileMesh(mesh, sql).diagnostics;
    expect(diagnostic?.code).toBe('ref/unknown');
    expect(diagnostic?.hint).toContain('commerce.orders');
  });

  it('does not report references into a domain whose product failed to load', () => {
    const products = groceries();
    const deliveries = products[1];
    if (deliveries) deliveries.models = { deliveries: ['broken.thing'] };
    const { mesh, sql } = build(products);
    expect(compileMesh({ ...mesh, unloadedDomains: ['broken'] }, sql).diagnostics).toEqual([]);
    expect(compileMesh({ ...mesh, unloadedPorts: ['broken.thing'] }, sql).diagnostics).toEqual([]);
    expect(compileMesh({ ...mesh, unloadedPorts: ['broken.other'] }, sql).diagnostics.map((d) => d.code)).toEqual(['ref/unknown']);
    expect(compileMesh(mesh, sql).diagnostics.map((d) => d.code)).toEqual(['ref/unknown']);
  });

  it('prints the chain of a cycle across products', () => {
    const products = groceries();
    const orders = products[0];
    if (orders) orders.models = { stg_orders: ['raw_orders', 'finance.daily_revenue'] };
    const { mesh, sql } = build(products);
    const { diagnostics, graph } = compileMesh(mesh, sql);
    const cycle = diagnostics.find((d) => d.code === 'graph/cycle');
    expect(cycle?.message).toContain('model commerce.orders.stg_orders → port commerce.orders');
    expect(cycle?.message).toContain('port finance.daily_revenue → model commerce.orders.stg_orders');
    expect(graph.order).not.toContain('model:commerce.orders.stg_orders');
  });
});

describe('productLineage', () => {
  it('walks upstream and downstream products transitively, with the ports on each link and the features fed', () => {
    const { mesh, sql } = build(groceries());
    const { graph } = compileMesh(mesh, sql);
    const finance = productLineage(graph, 'finance.revenue');
    expect(finance.upstream).toEqual([
      { product: 'commerce.orders', ports: ['commerce.orders'], depth: 1 },
      { product: 'delivery.deliveries', ports: ['delivery.deliveries'], depth: 1 },
    ]);
    const commerce = productLineage(graph, 'commerce.orders');
    expect(commerce.downstream.map((l) => [l.product, l.depth])).toEqual([
      ['delivery.deliveries', 1],
      ['finance.revenue', 1],
    ]);
    const delivery = productLineage(graph, 'delivery.deliveries');
    expect(delivery.features).toEqual([{ feature: 'revenue_board', product: 'finance.revenue', type: 'dashboard', ports: ['delivery.deliveries'] }]);
  });
});

describe('graph algorithms', () => {
  it('handles a 50,000-node chain without overflowing the stack', () => {
    const n = 50_000;
    const ids = Array.from({ length: n }, (_, i) => `n${i}`);
    const upstreamOf = (id: string): string[] => {
      const i = Number(id.slice(1));
      return i === 0 ? [] : [`n${i - 1}`];
    };
    expect(findCycles(ids, upstreamOf)).toEqual([]);
    const order = topologicalOrder(ids, upstreamOf, new Set());
    expect(order[0]).toBe('n0');
    expect(order[n - 1]).toBe(`n${n - 1}`);
  });

  it('finds self-loops and multi-node cycles and shows them in data-flow order', () => {
    const edges: Record<string, string[]> = { a: ['c'], b: ['a'], c: ['b'], d: ['d'], e: [] };
    const upstreamOf = (id: string): string[] => edges[id] ?? [];
    const cycles = findCycles(Object.keys(edges), upstreamOf).map((c) => [...c].sort());
    expect(cycles).toEqual([['a', 'b', 'c'], ['d']]);
    expect(cycleChain(['a', 'b', 'c'], upstreamOf)).toEqual(['a', 'b', 'c', 'a']);
  });
});
