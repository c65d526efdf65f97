import { describe, expect, it } from 'vitest';
import type { GlossaryTermSpec, Product } from '../../spec/index.js';
import type { Finding } from '../rule.js';
import { bannedUses, glossaryRule, vocabularyOf } from './glossary.js';
import { specFile as file, memoryProduct as product, memoryMesh } from '../../../test/support/memory-mesh.js';

const GLOSSARY: GlossaryTermSpec[] = [
  { term: 'vehicle', domain: 'delivery', avoid: ['car', 'van'] },
  { term: 'car park', domain: 'delivery' },
  { term: 'customer', domain: 'commerce', synonyms: ['account holder'], avoid: ['client', 'user'] },
  { term: 'order', avoid: ['shopping basket', 'basket', 'purchase'] },
  { term: 'delivery', avoid: ['Shipment'] },
  { term: 'order line', avoid: ['item', 'car'] },
];

function check(products: Product[], glossary: GlossaryTermSpec[] = GLOSSARY): Finding[] {
  const mesh = memoryMesh(products, { glossary, glossaryFile: file('glossary.yaml') });
  return glossaryRule.check({ mesh, graph: { nodes: new Map(), products: new Map(), order: [] }, options: {}, today: '2026-11-21' });
}

const uses = (name: string): string[] => bannedUses(name, vocabularyOf(GLOSSARY)).map((u) => `${u.banned.avoid}→${u.suggestion}`);

describe('bannedUses', () => {
  it('finds banned words as whole words only', () => {
    expect(uses('car_id')).toEqual(['car→vehicle_id']);
    expect(uses('cart_id')).toEqual([]);
    expect(uses('scar_tissue')).toEqual([]);
    expect(uses('carrier_code')).toEqual([]);
    expect(uses('vehicle_id')).toEqual([]);
  });

  it('is case-insensitive and reads camelCase words', () => {
    expect(uses('CLIENT_ID')).toEqual(['client→customer_id']);
    expect(uses('userName')).toEqual(['user→customer_name']);
    expect(uses('shipment_date')).toEqual(['Shipment→delivery_date']);
  });

  it('matches plurals, and suggests the term in the plural', () => {
    expect(uses('cars')).toEqual(['car→vehicles']);
    expect(uses('vans_in_use')).toEqual(['van→vehicles_in_use']);
    expect(uses('shipments')).toEqual(['Shipment→deliveries']);
  });

  it('matches phrases as consecutive words, preferring the longest banned phrase', () => {
    expect(uses('shopping_basket_total')).toEqual(['shopping basket→order_total']);
    expect(uses('basket_total')).toEqual(['basket→order_total']);
    expect(uses('shopping_id_basket')).toEqual(['basket→shopping_id_order']);
  });

  it('leaves a banned word inside a longer accepted term alone', () => {
    expect(uses('car_park_id')).toEqual([]);
    expect(uses('car_park_car_count')).toEqual(['car→car_park_vehicle_count']);
  });

  it('reports each banned word once, with every use replaced; the first term to ban a word wins', () => {
    expect(uses('car_to_car')).toEqual(['car→vehicle_to_vehicle']);
    expect(uses('user_car_count')).toEqual(['car→user_vehicle_count', 'user→customer_car_count']);
  });
});

describe('glossary', () => {
  it('checks product, port and column names, not internal ones', () => {
    const fleet = product({
      name: 'car_fleet',
      domain: 'delivery',
      sources: [{ name: 'raw_cars', format: 'csv', path: 'c.csv' }],
      snapshots: [{ name: 'car_history', from: 'raw_cars', unique_key: 'car_id', strategy: 'check' }],
      ports: [
        { name: 'cars', version: 2, model: 'raw_cars', columns: [{ name: 'car_id' }, { name: 'car_park_id' }] },
        { name: 'hubs', columns: [{ name: 'hub_id' }] },
      ],
    });
    const findings = check([fleet]);
    const P = 'products/delivery/car_fleet/product.yaml';
    expect(findings.map((f) => `${f.location?.file ?? ''} ${f.domain ?? '-'}`)).toEqual([
      `${P}#name delivery`,
      `${P}#ports.0.name delivery`,
      `${P}#ports.0.columns.0.name delivery`,
    ]);
    expect(findings.map((f) => f.message)).toEqual([
      'Product delivery.car_fleet uses `car`, which the glossary says to avoid: the term is `vehicle` (domain delivery).',
      'Port delivery.cars_v2 uses `car`, which the glossary says to avoid: the term is `vehicle` (domain delivery).',
      'Column `car_id` of port delivery.cars_v2 uses `car`, which the glossary says to avoid: the term is `vehicle` (domain delivery).',
    ]);
    expect(findings.map((f) => f.hint)).toEqual([
      'Rename it to `vehicle_fleet` (its `name:` and its folder products/delivery/vehicle_fleet/).',
      'Rename it to `vehicles` (consumers then read delivery.vehicles_v2).',
      'Rename it to `vehicle_id` in the contract and in the SQL that produces it.',
    ]);
    expect(findings.every((f) => f.fix === undefined && f.severity === undefined)).toBe(true);
  });

  it('names a term without a domain plainly, and flags each banned word of a name', () => {
    const findings = check([product({ name: 'orders', domain: 'commerce', ports: [{ name: 'orders', columns: [{ name: 'user_purchase_count' }] }] })]);
    expect(findings.map((f) => f.message)).toEqual([
      'Column `user_purchase_count` of port commerce.orders uses `user`, which the glossary says to avoid: the term is `customer` (domain commerce).',
      'Column `user_purchase_count` of port commerce.orders uses `purchase`, which the glossary says to avoid: the term is `order`.',
    ]);
    expect(findings.map((f) => f.hint)).toEqual([
      'Rename it to `customer_purchase_count` in the contract and in the SQL that produces it.',
      'Rename it to `user_order_count` in the contract and in the SQL that produces it.',
    ]);
  });

  it('has nothing to say without a glossary, or without words to avoid', () => {
    const orders = product({ name: 'car_orders', domain: 'commerce' });
    expect(check([orders], [])).toEqual([]);
    expect(check([orders], [{ term: 'vehicle', synonyms: ['car'] }])).toEqual([]);
    expect(check([orders], [{ term: 'order', avoid: ['Order'] }])).toEqual([]);
  });
});
