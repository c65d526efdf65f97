/**
 * The mesh map in a real browser, on the example grocery mesh: run 1 (the demo, all
 * green) and run 2 (finance.daily_revenue with a failing check). The screenshot lands in
 * test-results/catalog/map.png for people to look at.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILING, startCatalog, type CatalogSession } from './support/catalog-browser.js';

interface MeshSummary {
  counts: { domains: number; products: number };
}

let session: CatalogSession;

async function api<T>(path: string): Promise<T> {
  const response = await fetch(new URL(path, session.url), { headers: session.auth });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/** Opens the map, waits until it is drawn, runs `body`, then requires that the page logged no errors. */
async function visitMap(body: (page: Page) => Promise<void>): Promise<void> {
  const { page, errors } = await session.open('/map');
  try {
    await page.locator('[data-testid="mesh-map"][data-ready="true"]').waitFor();
    await body(page);
    expect(errors, 'console errors on /map').toEqual([]);
  } finally {
    await page.context().close();
  }
}

/** The product whose link has the keyboard focus, if any. */
async function focusedProduct(page: Page): Promise<string | null> {
  const focused = page.locator('[data-product]:focus');
  return (await focused.count()) === 0 ? null : focused.getAttribute('data-product');
}

/** Each matching product link's health. */
async function healthsOf(page: Page, selector: string): Promise<(string | null)[]> {
  return Promise.all((await page.locator(selector).all()).map((link) => link.getAttribute('data-health')));
}

describe('web catalog: the mesh map', () => {
  beforeAll(async () => {
    session = await startCatalog();
  }, 90_000);
  afterAll(async () => {
    await session.close();
  });

  it('draws every product of the mesh in its domain, with its health', async () => {
    const mesh = await api<MeshSummary>('/api/mesh');
    expect(mesh.counts.products).toBeGreaterThanOrEqual(10);
    await visitMap(async (page) => {
      const map = page.locator('[data-testid="mesh-map"]');
      expect(await map.getAttribute('data-products')).toBe(String(mesh.counts.products));
      expect(await page.locator('[data-product]').count()).toBe(mesh.counts.products);
      expect(await page.locator('.map-domain-label').count()).toBe(mesh.counts.domains);
      expect(await page.locator(`[data-product="${FAILING.product}"]`).getAttribute('data-health')).toBe('failing');
      const healths = await healthsOf(page, '[data-product]');
      expect(healths.every((h) => h === 'ok' || h === 'warning' || h === 'failing' || h === 'unknown')).toBe(true);
      // Health reads without colour: the badge says it in a word.
      expect(await page.locator(`[data-product="${FAILING.product}"]`).textContent()).toContain('Failing');
      // Up close the visible text is the link's name; a tile (zoomed out) has an aria-label.
      const failing = page.locator(`[data-product="${FAILING.product}"]`);
      expect((await failing.getAttribute('aria-label')) ?? (await failing.textContent())).toContain('Failing');
      // The legend counts the products by health.
      const failingCount = await page.locator('.map-legend-item', { hasText: 'Failing' }).locator('.map-legend-count').textContent();
      expect(failingCount).toBe(String(healths.filter((h) => h === 'failing').length));
      await session.screenshot(page, 'map');
    });
  });

  it('opens a product when its node is clicked', async () => {
    await visitMap(async (page) => {
      await page.locator(`[data-product="${FAILING.product}"]`).click();
      await page.waitForURL(`**/products/${FAILING.product}`);
      expect(new URL(page.url()).pathname).toBe(`/products/${FAILING.product}`);
    });
  });

  it('reaches the products with Tab, moves between them with the arrow keys and opens one with Enter', async () => {
    await visitMap(async (page) => {
      let first: string | null = null;
      for (let presses = 0; presses < 40 && first === null; presses++) {
        await page.keyboard.press('Tab');
        first = await focusedProduct(page);
      }
      expect(first, 'a product reached with Tab').not.toBeNull();
      let moved: string | null = first;
      for (const key of ['ArrowRight', 'ArrowDown', 'ArrowLeft', 'ArrowUp']) {
        await page.keyboard.press(key);
        moved = await focusedProduct(page);
        if (moved !== first) break;
      }
      expect(moved).not.toBeNull();
      expect(moved).not.toBe(first);
      await page.keyboard.press('Enter');
      await page.waitForURL(`**/products/${moved ?? ''}`);
      expect(new URL(page.url()).pathname).toBe(`/products/${moved ?? ''}`);
    });
  });

  it('picks out products by name and by health', async () => {
    await visitMap(async (page) => {
      await page.getByLabel('Find a product on the map').fill('daily_rev');
      await page.locator('.map-matches', { hasText: '1 of' }).waitFor();
      await page.locator(`.react-flow__node.is-match [data-product="${FAILING.product}"]`).waitFor();
      expect(await page.locator('.react-flow__node.is-match').count()).toBe(1);
      expect(await page.locator('.react-flow__node-product.is-dimmed').count()).toBe((await page.locator('[data-product]').count()) - 1);

      await page.getByRole('button', { name: 'Clear' }).click();
      await page.locator('.react-flow__node.is-dimmed').first().waitFor({ state: 'detached' });
      const failing = page.locator('.map-legend-item', { hasText: 'Failing' });
      await failing.click();
      expect(await failing.getAttribute('aria-pressed')).toBe('true');
      await page.locator('.react-flow__node.is-match').first().waitFor();
      const picked = await healthsOf(page, '.react-flow__node.is-match [data-product]');
      expect(picked.length).toBeGreaterThan(0);
      expect(picked.every((h) => h === 'failing')).toBe(true);
    });
  });
  it('keeps the overview clear of the products, and draws cross-domain edges in lanes free of other products', async () => {
    const { page, errors } = await session.open('/map', { viewport: { width: 1440, height: 900 } });
    try {
      await page.locator('[data-testid="mesh-map"][data-ready="true"]').waitFor();
      const overview = page.locator('.react-flow__minimap');
      await overview.waitFor();
      const mini = await overview.boundingBox();
      expect(mini).not.toBeNull();
      for (const product of await page.locator('[data-product]').all()) {
        const box = await product.boundingBox();
        if (!box || !mini) continue;
        const apart = box.x + box.width <= mini.x || mini.x + mini.width <= box.x || box.y + box.height <= mini.y || mini.y + mini.height <= box.y;
        expect(apart, `${(await product.getAttribute('data-product')) ?? ''} under the overview`).toBe(true);
      }
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
    // The server's layout keeps a lane free from each domain's left side to the products read from other domains.
    const map = await api<{ products: { id: string; domain: string; x: number; y: number; width: number; height: number }[]; domains: { id: string; x: number }[]; edges: { from: string; to: string }[] }>('/api/map');
    const at = new Map(map.products.map((p) => [p.id, p]));
    const domainX = new Map(map.domains.map((d) => [d.id, d.x]));
    for (const edge of map.edges) {
      const from = at.get(edge.from);
      const to = at.get(edge.to);
      if (!from || !to || from.domain === to.domain) continue;
      const left = domainX.get(to.domain) ?? 0;
      // Some height on the target's side is free of its domain's other products between the domain's edge and the target.
      const blockers = map.products.filter((p) => p.domain === to.domain && p.id !== to.id && p.x < to.x && p.x + p.width > left);
      const free = Array.from({ length: to.height - 16 }, (_, i) => to.y + 8 + i).some((y) => blockers.every((b) => y < b.y - 6 || y > b.y + b.height + 6));
      expect(free, `${edge.from} → ${edge.to} has a free lane`).toBe(true);
    }
  });

  it('shows a list of the domains and products with their health on a phone, and the map on request', async () => {
    const mesh = await api<MeshSummary>('/api/mesh');
    const { page, errors } = await session.open('/map', { viewport: { width: 390, height: 844 } });
    try {
      const items = page.locator('.map-list li[data-product]');
      await items.first().waitFor();
      expect(await items.count()).toBe(mesh.counts.products);
      expect(await page.locator('.map-list h2').count()).toBe(mesh.counts.domains);
      const failing = page.locator(`.map-list li[data-product="${FAILING.product}"]`);
      expect(await failing.getAttribute('data-health')).toBe('failing');
      expect(await failing.textContent()).toContain('Failing');
      expect(await failing.getByRole('link').getAttribute('href')).toBe(`/products/${FAILING.product}`);
      // The filter applies to the list too.
      await page.getByLabel('Find a product on the map').fill('daily_rev');
      await expect.poll(() => items.count()).toBe(1);
      await page.getByRole('button', { name: 'Map', exact: true }).click();
      await page.locator('[data-testid="mesh-map"][data-ready="true"]').waitFor();
      // No overview on a phone: it would cover the map.
      expect(await page.locator('.react-flow__minimap').isVisible()).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
