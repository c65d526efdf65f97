import { describe, expect, it } from 'vitest';
import type { Product } from '../../spec/index.js';
import type { Finding } from '../rule.js';
import { internalNamingRule, internalPrefix } from './internal-naming.js';
import { memoryProduct as product, memoryMesh } from '../../../test/support/memory-mesh.js';

function check(products: Product[], options: Record<string, unknown> = {}): Finding[] {
  const mesh = memoryMesh(products);
  return internalNamingRule.check({ mesh, graph: { nodes: new Map(), products: new Map(), order: [] }, options, today: '2026-11-21' });
}

const summary = (findings: Finding[]): string[] => findings.map((f) => `${f.location?.file ?? ''} ${f.severity ?? 'warning'} ${f.domain ?? '-'}`);

const P = 'products/commerce/orders/product.yaml';

describe('internalPrefix', () => {
  it('finds the longest prefix, case-insensitively', () => {
    expect(internalPrefix('stg_orders', ['stg_', 'raw_'])).toBe('stg_');
    expect(internalPrefix('STG_Orders', ['stg_'])).toBe('stg_');
    expect(internalPrefix('int_tmp_x', ['int_', 'int_tmp_'])).toBe('int_tmp_');
    expect(internalPrefix('internal_note', ['int_'])).toBeUndefined();
    expect(internalPrefix('orders_stg', ['stg_'])).toBeUndefined();
  });
});

describe('internal-naming', () => {
  it('leaves consumer-facing names, and internal assets, alone', () => {
    const clean = product({
      name: 'orders',
      domain: 'commerce',
      sources: [{ name: 'raw_orders', format: 'csv', path: 'o.csv' }],
      snapshots: [{ name: 'tmp_history', from: 'stg_orders', unique_key: 'id', strategy: 'check' }],
      ports: [{ name: 'orders', model: 'stg_orders', columns: [{ name: 'order_id' }, { name: 'internal_note' }, { name: 'raw' }] }],
    });
    expect(check([clean])).toEqual([]);
  });

  it('flags port names and port columns that start with an internal prefix', () => {
    const exposed = product({
      name: 'orders',
      domain: 'commerce',
      ports: [
        { name: 'stg_orders', columns: [{ name: 'order_id' }, { name: 'raw_amount' }, { name: 'TMP_flag' }] },
        { name: 'int_order_totals', model: 'order_totals', version: 2 },
      ],
    });
    const findings = check([exposed]);
    expect(summary(findings)).toEqual([
      `${P}#ports.0.name warning commerce`,
      `${P}#ports.0.columns.1.name warning commerce`,
      `${P}#ports.0.columns.2.name warning commerce`,
      `${P}#ports.1.name warning commerce`,
    ]);
    expect(findings.map((f) => f.message)).toEqual([
      "Port commerce.stg_orders starts with `stg_`, a prefix for internal assets, but a port is the product's public face.",
      "Column `raw_amount` of port commerce.stg_orders starts with `raw_`, a prefix for internal assets, but a port is the product's public face.",
      "Column `TMP_flag` of port commerce.stg_orders starts with `tmp_`, a prefix for internal assets, but a port is the product's public face.",
      "Port commerce.int_order_totals_v2 starts with `int_`, a prefix for internal assets, but a port is the product's public face.",
    ]);
    expect(findings.map((f) => f.hint)).toEqual([
      // Without `model:` a port is fed by the model of its name: renaming it needs `model:`.
      'Rename the port to a consumer-facing name such as `orders`, and set `model: stg_orders` so that the same model still feeds it.',
      'Rename it to a consumer-facing name such as `amount`: `raw_amount AS amount` in the SQL, and in the contract.',
      'Rename it to a consumer-facing name such as `flag`: `TMP_flag AS flag` in the SQL, and in the contract.',
      'Rename the port to a consumer-facing name such as `order_totals`.',
    ]);
  });

  it('does not suggest a name that is taken, or that is no name', () => {
    const products = [
      product({ name: 'orders', domain: 'commerce', ports: [{ name: 'stg_orders', model: 'x', columns: [{ name: 'raw_amount' }, { name: 'amount' }, { name: 'tmp_1' }] }] }),
      product({ name: 'shop', domain: 'commerce', ports: [{ name: 'orders', model: 'y' }] }),
    ];
    expect(check(products).map((f) => f.hint)).toEqual([
      'Rename the port to a consumer-facing name (commerce.orders is taken).',
      'Rename it to a consumer-facing name (`amount` is taken in this port), in the contract and as an alias in the SQL.',
      'Rename it to a consumer-facing name, in the contract and as an alias in the SQL.',
    ]);
  });

  it('takes its prefixes from the options', () => {
    const orders = product({ name: 'orders', domain: 'commerce', ports: [{ name: 'stg_orders', model: 'x', columns: [{ name: 'wip_total' }] }] });
    expect(summary(check([orders], { prefixes: ['wip_'] }))).toEqual([`${P}#ports.0.columns.0.name warning commerce`]);
    expect(check([orders], { prefixes: [] })).toEqual([]);
  });

  it('reports options it cannot use as errors in tessera.yaml', () => {
    const orders = product({ name: 'orders', domain: 'commerce', ports: [{ name: 'stg_orders', model: 'x' }] });
    const findings = check([orders], { prefixes: 'stg_', prefix: ['x_'] });
    expect(summary(findings)).toEqual([
      'tessera.yaml#policies.internal-naming.options.prefix (key) error -',
      'tessera.yaml#policies.internal-naming.options.prefixes error -',
    ]);
    expect(findings.map((f) => f.message)).toEqual([
      'Policy internal-naming has no option `prefix`. Did you mean `prefixes`?',
      'Option `prefixes` of policy internal-naming must be a list of non-empty strings, not "stg_".',
    ]);
  });
});
