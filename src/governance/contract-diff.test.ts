import { describe, expect, it } from 'vitest';
import type { DirEntry, MeshFiles } from '../loader/index.js';
import { openMesh } from '../workspace/index.js';
import { SHOP_MESH, swap } from '../../test/support/shop-mesh.js';
import { diffContracts, normalizeType, type ContractChange, type ContractSide } from './contract-diff.js';

const BASE = SHOP_MESH;

const ORDERS = 'products/commerce/orders/product.yaml';

/** The loader's view of a record of files, sorted by name like the disk. */
function memoryFiles(files: Record<string, string>): MeshFiles {
  const dirs = new Map<string, Map<string, boolean>>();
  for (const path of Object.keys(files)) {
    const parts = path.split('/');
    parts.forEach((name, i) => {
      const parent = parts.slice(0, i).join('/');
      const entries = dirs.get(parent) ?? new Map<string, boolean>();
      entries.set(name, i < parts.length - 1);
      dirs.set(parent, entries);
    });
  }
  return {
    readText: (path) => files[path],
    listDir: (path): DirEntry[] =>
      [...(dirs.get(path) ?? [])].map(([name, isDirectory]) => ({ name, isDirectory })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}

/** The mesh with some files edited: a function of the old text, a new text, or null to delete. */
function variant(edits: Record<string, ((text: string) => string) | string | null>): Record<string, string> {
  const files = { ...BASE };
  for (const [path, edit] of Object.entries(edits)) {
    if (edit === null) {
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
      delete files[path];
    } else {
      files[path] = typeof edit === 'string' ? edit : edit(files[path] ?? '');
    }
  }
  return files;
}

async function side(files: Record<string, string>): Promise<ContractSide> {
  const opened = await openMesh('/virtual/shop', { files: memoryFiles(files), cache: false });
  expect(opened.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return opened;
}

async function diff(head: Record<string, string>, base: Record<string, string> = BASE, today = '2025-06-01') {
  return diffContracts(await side(base), await side(head), { today });
}

const brief = (c: ContractChange): string => `${c.port} ${c.change}${c.breaking ? ' breaking' : ''}${c.error ? ' error' : ''}`;

describe('normalizeType', () => {
  it('ignores case, spaces and DuckDB synonyms of the type name', () => {
    expect(normalizeType('decimal(12, 2)')).toBe(normalizeType('DECIMAL(12,2)'));
    expect(normalizeType('numeric(12,2)')).toBe('DECIMAL(12,2)');
    expect(normalizeType('int')).toBe('INTEGER');
    expect(normalizeType('text[]')).toBe('VARCHAR[]');
    expect(normalizeType('BIGINT')).not.toBe(normalizeType('INTEGER'));
    expect(normalizeType('STRUCT(a INT, b VARCHAR)')).toBe('STRUCT(AINT,BVARCHAR)');
  });
});

describe('diffContracts', () => {
  it('finds nothing between a mesh and itself', async () => {
    const result = await diff(BASE);
    expect(result.changes).toEqual([]);
    expect(result.summary).toEqual({ portsCompared: 4, portsChanged: 0, changes: 0, breaking: 0, errors: 0, affectedTeams: [] });
  });

  it('a column added is compatible; the readers are listed all the same', async () => {
    const result = await diff(variant({ [ORDERS]: swap('    checks:', '      - name: note\n        type: VARCHAR\n    checks:') }));
    expect(result.changes).toHaveLength(1);
    const [change] = result.changes;
    expect(change).toMatchObject({ port: 'commerce.orders', portId: 'port:commerce.orders', product: 'commerce.orders', owner: 'commerce-team', change: 'column-added', column: 'note', detail: 'column note VARCHAR added', breaking: false, error: false });
    expect(change?.downstream).toEqual([{ product: 'finance.revenue', owner: 'finance-team' }]);
    expect(change?.features).toEqual([{ product: 'finance.revenue', feature: 'revenue_dashboard', type: 'dashboard', owner: 'finance-team' }]);
    expect(result.summary).toMatchObject({ changes: 1, breaking: 0, errors: 0, affectedTeams: [] });
  });

  it('a column removed is a breaking error, with the next version to publish instead', async () => {
    const result = await diff(variant({ [ORDERS]: swap('      - name: amount\n        type: DECIMAL(12,2)\n', '') }));
    expect(result.changes.map(brief)).toEqual(['commerce.orders column-removed breaking error']);
    expect(result.changes[0]).toMatchObject({ detail: 'column amount removed', nextVersion: 'commerce.orders_v2' });
    expect(result.summary).toMatchObject({ breaking: 1, errors: 1, affectedTeams: ['finance-team'] });
  });

  it('a column replaced in place by one of the same type is reported as a likely rename', async () => {
    const result = await diff(variant({ [ORDERS]: swap('name: amount', 'name: total') }));
    expect(result.changes.map((c) => c.detail)).toEqual(['column amount removed (renamed to total?)', 'column total DECIMAL(12,2) added']);
    expect(result.changes.map((c) => c.error)).toEqual([true, false]);
  });

  it('a type change is breaking; the same type spelled differently is no change', async () => {
    const changed = await diff(variant({ [ORDERS]: swap('type: DECIMAL(12,2)', 'type: DOUBLE') }));
    expect(changed.changes.map(brief)).toEqual(['commerce.orders column-type-changed breaking error']);
    expect(changed.changes[0]?.detail).toBe('column amount: type DECIMAL(12,2) → DOUBLE');
    const respelled = await diff(variant({ [ORDERS]: swap('type: DECIMAL(12,2)', 'type: numeric(12, 2)') }));
    expect(respelled.changes).toEqual([]);
  });

  it('a column no longer required is breaking; a newly required one is not', async () => {
    const nullable = await diff(variant({ [ORDERS]: swap('        type: BIGINT\n        required: true\n      - name: amount', '        type: BIGINT\n      - name: amount') }));
    expect(nullable.changes.map(brief)).toEqual(['commerce.orders column-nullable breaking error']);
    expect(nullable.changes[0]?.column).toBe('customer_id');
    const required = await diff(variant({ [ORDERS]: swap('type: DECIMAL(12,2)', 'type: DECIMAL(12,2)\n        required: true') }));
    expect(required.changes.map(brief)).toEqual(['commerce.orders column-required']);
  });

  it('allowed values: narrowing (or limiting a free column) breaks, widening does not', async () => {
    const narrowed = await diff(variant({ [ORDERS]: swap('[placed, shipped, cancelled]', '[placed, shipped]') }));
    expect(narrowed.changes.map(brief)).toEqual(['commerce.orders allowed-values-narrowed breaking error']);
    expect(narrowed.changes[0]?.detail).toBe("column status: allowed values narrowed: removed 'cancelled'");
    const widened = await diff(variant({ [ORDERS]: swap('[placed, shipped, cancelled]', '[placed, shipped, cancelled, returned]') }));
    expect(widened.changes.map(brief)).toEqual(['commerce.orders allowed-values-widened']);
    const reordered = await diff(variant({ [ORDERS]: swap('[placed, shipped, cancelled]', '[cancelled, placed, shipped]') }));
    expect(reordered.changes).toEqual([]);
    const limited = await diff(variant({ [ORDERS]: swap('type: DECIMAL(12,2)', 'type: DECIMAL(12,2)\n        allowed_values: [1, 2]') }));
    expect(limited.changes.map(brief)).toEqual(['commerce.orders allowed-values-narrowed breaking error']);
    const freed = await diff(variant({ [ORDERS]: swap('\n        allowed_values: [placed, shipped, cancelled]', '') }));
    expect(freed.changes.map(brief)).toEqual(['commerce.orders allowed-values-widened']);
  });

  it('unique dropped and the grain changed are breaking; declaring them is not', async () => {
    const dropped = await diff(variant({ [ORDERS]: swap('        unique: true\n', '') }));
    expect(dropped.changes.map(brief)).toEqual(['commerce.orders unique-dropped breaking error']);
    const grain = await diff(variant({ [ORDERS]: swap('unique_key: order_id', 'unique_key: [order_id, customer_id]') }));
    expect(grain.changes.map(brief)).toEqual(['commerce.orders grain-changed breaking error']);
    expect(grain.changes[0]?.detail).toBe('grain changed: unique_key [order_id] → [order_id, customer_id]');
    const reordered = await diff(variant({ 'products/finance/revenue/product.yaml': swap('[day, country]', '[country, day]') }));
    expect(reordered.changes).toEqual([]);
    const declared = await diff(variant({ 'products/commerce/customers/product.yaml': swap('  - name: customers\n', '  - name: customers\n    unique_key: customer_id\n') }));
    expect(declared.changes.map(brief)).toEqual(['commerce.customers grain-declared']);
  });

  it('access tightened is breaking, also through the mesh default; loosened is not', async () => {
    const tightened = await diff(variant({ [ORDERS]: swap('    model: stg_orders\n', '    model: stg_orders\n    access: restricted\n') }));
    expect(tightened.changes.map(brief)).toEqual(['commerce.orders access-tightened breaking error']);
    expect(tightened.changes[0]?.detail).toBe('access tightened: public (default) → restricted');
    const byDefault = await diff(variant({ 'tessera.yaml': 'name: shop\ndefaults:\n  access: internal\n' }));
    expect(byDefault.changes.map(brief)).toEqual([
      'commerce.customers access-tightened breaking error',
      'commerce.orders access-tightened breaking error',
      'finance.daily_revenue access-tightened breaking error',
    ]);
    const loosened = await diff(variant({ 'products/growth/segments/product.yaml': swap('access: internal', 'access: public') }));
    expect(loosened.changes.map(brief)).toEqual(['growth.segments access-loosened']);
  });

  it('checks removed, changed or added, descriptions and classifications are compatible', async () => {
    const result = await diff(
      variant({
        [ORDERS]: (text) =>
          swap('row_count > 0', 'row_count > 10\n      - missing_count(amount) = 0')(
            swap('One row per order.', 'Every order, one row each.')(swap('type: VARCHAR\n        allowed', 'type: VARCHAR\n        classification: internal\n        allowed')(text)),
          ),
      }),
    );
    expect(result.changes.map((c) => `${c.change}: ${c.detail}`)).toEqual([
      'classification-changed: column status: unclassified → internal',
      'check-removed: check removed: row_count > 0',
      'check-added: check added: row_count > 10',
      'check-added: check added: missing_count(amount) = 0',
      'description-changed: description changed',
    ]);
    expect(result.summary.breaking).toBe(0);
  });

  it('a port removed is a breaking error, listing whom it reached at base', async () => {
    const removed = await diff(
      variant({
        'products/growth/segments/product.yaml': (text) => text.slice(0, text.indexOf('ports:')),
      }),
    );
    expect(removed.changes.map(brief)).toEqual(['growth.segments port-removed breaking error']);
    expect(removed.changes[0]).toMatchObject({ detail: 'port removed', features: [{ product: 'growth.segments', feature: 'churn_model', type: 'ml_model', owner: 'growth-team' }] });
    expect(removed.changes[0]?.nextVersion).toBeUndefined();
    expect(removed.summary.affectedTeams).toEqual(['growth-team']);
  });

  it('a new version next to an unchanged, deprecated old one breaks nothing', async () => {
    const v2 = `  - name: orders
    version: 2
    model: stg_orders
    unique_key: order_id
    columns:
      - name: order_id
        type: BIGINT
        required: true
      - name: amount_cents
        type: BIGINT
`;
    const head = variant({
      [ORDERS]: (text) => swap('    unique_key: order_id\n    description', '    deprecated:\n      sunset: 2025-12-31\n      replaced_by: commerce.orders_v2\n    unique_key: order_id\n    description')(text) + v2,
    });
    const result = await diff(head);
    expect(result.changes.map((c) => `${brief(c)}: ${c.detail}`)).toEqual([
      'commerce.orders port-deprecated: deprecated: sunset 2025-12-31, replaced by commerce.orders_v2',
      'commerce.orders_v2 port-added: version 2 of commerce.orders added',
    ]);
    expect(result.summary.errors).toBe(0);

    // Later: the old version goes. Before its sunset that breaks readers' trust; after it, it is expected.
    const withoutV1 = variant({
      [ORDERS]: head[ORDERS] ?? '',
      'products/finance/revenue/product.yaml': swap('[commerce.orders]', '[commerce.orders_v2]'),
      'products/finance/revenue/models/daily_revenue.sql': swap('commerce.orders as o', 'commerce.orders_v2 as o'),
    });
    const v1Text = withoutV1[ORDERS] ?? '';
    withoutV1[ORDERS] = v1Text.slice(0, v1Text.indexOf('  - name: orders\n')) + v1Text.slice(v1Text.indexOf('  - name: orders\n    version: 2'));
    const early = await diff(withoutV1, head, '2025-12-31');
    expect(early.changes.map(brief)).toEqual(['commerce.orders port-removed breaking error']);
    expect(early.changes[0]?.detail).toBe('port removed (deprecated, sunset 2025-12-31)');
    expect(early.changes[0]?.downstream).toEqual([{ product: 'finance.revenue', owner: 'finance-team' }]);
    const late = await diff(withoutV1, head, '2026-01-01');
    expect(late.changes.map(brief)).toEqual(['commerce.orders port-removed breaking']);
    expect(late.changes[0]?.allowed).toBe('sunset-reached');
  });

  it('a draft product may still change its contracts', async () => {
    const draft = variant({ [ORDERS]: swap('kind: source-aligned\n', 'kind: source-aligned\nstatus: draft\n') });
    const result = await diff(
      variant({ [ORDERS]: (text) => swap('      - name: amount\n        type: DECIMAL(12,2)\n', '')(swap('kind: source-aligned\n', 'kind: source-aligned\nstatus: active\n')(text)) }),
      draft,
    );
    expect(result.changes.map(brief)).toEqual(['commerce.orders column-removed breaking']);
    expect(result.changes[0]?.allowed).toBe('draft');
    expect(result.summary).toMatchObject({ breaking: 1, errors: 0 });
  });

  it('the next version is numbered after the highest one on either side', async () => {
    const head = variant({
      [ORDERS]: (text) => swap('      - name: amount\n        type: DECIMAL(12,2)\n', '')(text) + '  - name: orders\n    version: 3\n    model: stg_orders\n',
    });
    const result = await diff(head);
    expect(result.changes.find((c) => c.error)?.nextVersion).toBe('commerce.orders_v4');
  });

  it('compares against an empty base: every port added', async () => {
    const result = diffContracts({}, await side(BASE), { today: '2025-06-01' });
    expect(result.changes.map(brief)).toEqual([
      'commerce.customers port-added',
      'commerce.orders port-added',
      'finance.daily_revenue port-added',
      'growth.segments port-added',
    ]);
  });
});
