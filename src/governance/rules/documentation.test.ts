import { describe, expect, it } from 'vitest';
import type { Product } from '../../spec/index.js';
import type { Finding } from '../rule.js';
import { documentationRule } from './documentation.js';
import { memoryProduct as product, memoryMesh } from '../../../test/support/memory-mesh.js';

function check(products: Product[]): Finding[] {
  const mesh = memoryMesh(products);
  return documentationRule.check({ mesh, graph: { nodes: new Map(), products: new Map(), order: [] }, options: {}, today: '2026-11-21' });
}

const summary = (findings: Finding[]): string[] => findings.map((f) => `${f.location?.file ?? ''} ${f.domain ?? '-'}: ${f.message}`);

describe('documentation', () => {
  it('is satisfied by a described product, port and columns', () => {
    const documented = product({
      name: 'orders',
      domain: 'commerce',
      description: 'Every order.',
      purpose: 'The one record of orders.',
      ports: [{ name: 'orders', description: 'One row per order.', columns: [{ name: 'order_id', description: 'Order number.' }] }],
    });
    expect(check([documented])).toEqual([]);
  });

  it('reports each missing item once, at what lacks it', () => {
    const bare = product({
      name: 'customers',
      domain: 'commerce',
      ports: [
        { name: 'customers', description: 'One row per customer.', columns: [{ name: 'customer_id', description: 'Id.' }, { name: 'country' }] },
        { name: 'customers', version: 2, columns: [{ name: 'customer_id' }] },
        { name: 'contacts', description: 'No contract yet.' },
      ],
    });
    const P = 'products/commerce/customers/product.yaml';
    expect(summary(check([bare]))).toEqual([
      `${P}#name (key) commerce: Product commerce.customers has no \`description\`.`,
      `${P}#name (key) commerce: Product commerce.customers has no \`purpose\`.`,
      `${P}#ports.0.columns.1.name (key) commerce: Column \`country\` of port commerce.customers has no \`description\`.`,
      `${P}#ports.1.name (key) commerce: Port commerce.customers_v2 has no \`description\`.`,
      `${P}#ports.1.columns.0.name (key) commerce: Column \`customer_id\` of port commerce.customers_v2 has no \`description\`.`,
    ]);
  });

  it('treats a blank text as missing, and points at it', () => {
    const blank = product({
      name: 'revenue',
      domain: 'finance',
      description: '   ',
      purpose: '',
      ports: [{ name: 'daily_revenue', description: '\n', columns: [{ name: 'day', description: '' }] }],
    });
    const P = 'products/finance/revenue/product.yaml';
    expect(summary(check([blank]))).toEqual([
      `${P}#description finance: Product finance.revenue has an empty \`description\`.`,
      `${P}#purpose finance: Product finance.revenue has an empty \`purpose\`.`,
      `${P}#ports.0.description finance: Port finance.daily_revenue has an empty \`description\`.`,
      `${P}#ports.0.columns.0.description finance: Column \`day\` of port finance.daily_revenue has an empty \`description\`.`,
    ]);
  });

  it('says how to fix it', () => {
    const findings = check([product({ name: 'orders', domain: 'commerce', purpose: 'Why.', ports: [{ name: 'orders', columns: [{ name: 'id' }] }] })]);
    expect(findings.map((f) => f.hint)).toEqual([
      'Add `description:` to products/commerce/orders/product.yaml: what the product holds, in a sentence or two.',
      'Add `description:` to the port: what one row is, and what consumers can rely on it for.',
      'Add `description:` to the column: what a value means, with its unit if it has one.',
    ]);
    expect(findings.every((f) => f.severity === undefined && f.fix === undefined)).toBe(true);
  });
});
