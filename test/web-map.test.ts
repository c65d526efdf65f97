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
      expect(await page.locator(`[data-product="${FAILING.product}"]`).getAttribute('aria-label')).toContain('Failing');
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
});
