import { describe, expect, it } from 'vitest';
import type { SourcePosition } from '../../diagnostics/index.js';
import type { ModelDefinition, Product, ProductSpec } from '../../spec/index.js';
import type { Finding } from '../rule.js';
import { namingRule, SNAKE_CASE } from './naming.js';
import { specFile as file, memoryMesh } from '../../../test/support/memory-mesh.js';

const where = (location: SourcePosition | undefined): string => (location ? `${location.file}${location.file.includes('#') ? '' : `:${location.line}:${location.column}`}` : '');

type ModelInput = string | { name: string; listed: number };

function product(spec: Omit<ProductSpec, 'owner' | 'kind'>, models: ModelInput[] = []): Product {
  const dir = `products/${spec.domain}/${spec.name}`;
  return {
    id: `${spec.domain}.${spec.name}`,
    spec: { owner: 'team', kind: 'source-aligned', ...spec },
    dir,
    file: file(`${dir}/product.yaml`),
    models: models.map((m): ModelDefinition => {
      const name = typeof m === 'string' ? m : m.name;
      const sqlFile = `${dir}/models/${name}.sql`;
      return typeof m === 'string' ? { name, sqlFile, sql: 'select 1' } : { name, sqlFile, sql: 'select 1', spec: { name }, specIndex: m.listed };
    }),
  };
}

function check(products: Product[], options: Record<string, unknown> = {}): Finding[] {
  const mesh = memoryMesh(products, { spec: { name: 'test', policies: { naming: { options } } } });
  return namingRule.check({ mesh, graph: { nodes: new Map(), products: new Map(), order: [] }, options, today: '2026-11-21' });
}

const summary = (findings: Finding[]): string[] => findings.map((f) => `${where(f.location)} ${f.severity ?? '-'} ${f.domain ?? '-'}`);

const messy = (): Product[] => [
  product(
    {
      name: 'OrderBook',
      domain: 'commerce',
      sources: [{ name: 'rawOrders', format: 'csv', path: 'o.csv' }],
      snapshots: [{ name: 'order__history', from: 'StgOrders', unique_key: 'order_id', strategy: 'check' }],
      ports: [{ name: 'OrderLines', model: 'StgOrders', columns: [{ name: 'order_id' }, { name: 'orderTotal' }] }],
    },
    ['LineItems', { name: 'StgOrders', listed: 0 }],
  ),
];

describe('naming', () => {
  it('accepts snake_case names, digits included', () => {
    const clean = product(
      {
        name: 'orders',
        domain: 'commerce',
        sources: [{ name: 'raw_orders', format: 'csv', path: 'o.csv' }],
        snapshots: [{ name: 'order_history', from: 'stg_orders', unique_key: 'order_id', strategy: 'check' }],
        ports: [{ name: 'orders_90d', version: 2, columns: [{ name: 'order_id' }, { name: 'amount_2' }] }],
      },
      ['stg_orders'],
    );
    expect(check([clean])).toEqual([]);
  });

  it('flags every kind of name, where it is declared, in product order', () => {
    const findings = check(messy());
    const P = 'products/commerce/OrderBook/product.yaml';
    expect(summary(findings)).toEqual([
      `${P}#name - commerce`,
      `${P}#sources.0.name - commerce`,
      // A model not listed in product.yaml is its SQL file; a listed one its `models:` entry.
      'products/commerce/OrderBook/models/LineItems.sql:1:1 - commerce',
      `${P}#models.0.name - commerce`,
      `${P}#snapshots.0.name - commerce`,
      `${P}#ports.0.name - commerce`,
      `${P}#ports.0.columns.1.name - commerce`,
    ]);
    expect(findings.map((f) => f.message)).toEqual([
      `Product name \`OrderBook\` does not match the naming convention, snake_case (\`${SNAKE_CASE}\`).`,
      `Source name \`rawOrders\` of product commerce.OrderBook does not match the naming convention, snake_case (\`${SNAKE_CASE}\`).`,
      `Model name \`LineItems\` of product commerce.OrderBook does not match the naming convention, snake_case (\`${SNAKE_CASE}\`).`,
      `Model name \`StgOrders\` of product commerce.OrderBook does not match the naming convention, snake_case (\`${SNAKE_CASE}\`).`,
      `Snapshot name \`order__history\` of product commerce.OrderBook does not match the naming convention, snake_case (\`${SNAKE_CASE}\`).`,
      `Port name \`OrderLines\` of product commerce.OrderBook does not match the naming convention, snake_case (\`${SNAKE_CASE}\`).`,
      `Column name \`orderTotal\` of port commerce.OrderLines does not match the naming convention, snake_case (\`${SNAKE_CASE}\`).`,
    ]);
    expect(findings.map((f) => f.hint)).toEqual([
      'Rename it to `order_book` (its `name:` and its folder products/commerce/order_book/).',
      'Rename it to `raw_orders` and update what refers to it (model SQL, `from:`, `model:`).',
      'Rename it to `line_items` (the file models/line_items.sql) and update what refers to it (model SQL, `from:`, `model:`).',
      'Rename it to `stg_orders` (the file models/stg_orders.sql and its `models:` entry) and update what refers to it (model SQL, `from:`, `model:`).',
      'Rename it to `order_history` and update what refers to it (model SQL, `from:`, `model:`).',
      'Rename it to `order_lines` (consumers then read commerce.order_lines).',
      'Rename it to `order_total` in the contract and in the SQL that produces it.',
    ]);
    expect(findings.every((f) => f.fix === undefined)).toBe(true);
  });

  it('names the table a versioned port is read as', () => {
    const [finding] = check([product({ name: 'orders', domain: 'commerce', ports: [{ name: 'Orders', version: 3 }] })]);
    expect(finding?.hint).toBe('Rename it to `orders` (consumers then read commerce.orders_v3).');
  });

  it('gives no suggestion when snake_case cannot fix the name', () => {
    const [finding] = check([product({ name: 'orders', domain: 'commerce', ports: [{ name: '_2fa' }] })]);
    expect(finding?.hint).toBe(`Rename it so that it matches \`${SNAKE_CASE}\`.`);
  });

  describe('options', () => {
    it('`pattern` applies to every kind, a kind of its own overrides it', () => {
      const products = [
        product({ name: 'Orders', domain: 'commerce', ports: [{ name: 'Orders', columns: [{ name: 'OrderId' }] }] }, ['Orders']),
      ];
      expect(check(products, { pattern: '[A-Z][A-Za-z]*' })).toEqual([]);
      const findings = check(products, { pattern: '[A-Z][A-Za-z]*', ports: '^(fct|dim)_[a-z0-9_]+$' });
      expect(summary(findings)).toEqual(['products/commerce/Orders/product.yaml#ports.0.name - commerce']);
      expect(findings[0]?.message).toBe('Port name `Orders` of product commerce.Orders does not match the naming pattern `^(fct|dim)_[a-z0-9_]+$`.');
      expect(findings[0]?.hint).toBe('Rename it so that it matches `^(fct|dim)_[a-z0-9_]+$` (policies.naming.options.ports in tessera.yaml).');
    });

    it('a pattern must match the whole name, anchored or not', () => {
      const products = [product({ name: 'orders', domain: 'commerce', ports: [{ name: 'fct_orders' }, { name: 'orders' }] })];
      expect(summary(check(products, { ports: 'fct_[a-z_]+' }))).toEqual(['products/commerce/orders/product.yaml#ports.1.name - commerce']);
    });

    it('suggests the snake_case spelling when it fits a configured pattern', () => {
      const [finding] = check([product({ name: 'orders', domain: 'commerce', ports: [{ name: 'fctOrders' }] })], { ports: '^fct_[a-z_]+$' });
      expect(finding?.hint).toBe('Rename it to `fct_orders` (consumers then read commerce.fct_orders).');
    });

    it('an invalid pattern is one error at its option, and the names it governs are not checked', () => {
      const findings = check(messy(), { columns: '([a-z' });
      const config = findings.filter((f) => f.severity === 'error');
      expect(summary(config)).toEqual(['tessera.yaml#policies.naming.options.columns error -']);
      expect(config[0]?.message).toBe('Option `columns` of policy naming, `([a-z`, is not a valid regular expression: Unterminated character class.');
      expect(findings.some((f) => f.message.startsWith('Column name'))).toBe(false);
      expect(findings).toHaveLength(7);
    });

    it('an invalid `pattern` stops every kind that falls back to it', () => {
      const findings = check(messy(), { pattern: '*', products: '[A-Z][A-Za-z]+' });
      expect(summary(findings)).toEqual(['tessera.yaml#policies.naming.options.pattern error -']);
    });

    it('reports a pattern that is not a string, and options it does not know', () => {
      const findings = check([], { ports: 42, port: '^x$' });
      expect(summary(findings)).toEqual(['tessera.yaml#policies.naming.options.port (key) error -', 'tessera.yaml#policies.naming.options.ports error -']);
      expect(findings[0]?.message).toBe('Policy naming has no option `port`. Did you mean `ports`?');
      expect(findings[1]?.message).toBe('Option `ports` of policy naming must be a regular expression as a string, not 42.');
    });
  });
});
