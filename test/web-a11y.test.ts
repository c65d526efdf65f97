/**
 * Every page of the web catalog, at a desktop (1440×900) and a phone (390×844) size:
 * axe-core finds no violation, the page does not overflow sideways, the header's search
 * box is reachable, and a screenshot of each lands in test-results/catalog/
 * (`<page>-desktop.png`, `<page>-phone.png`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axe, describeViolations, overflowing } from './support/axe.js';
import { FAILING, startCatalog, type CatalogSession } from './support/catalog-browser.js';

const SIZES = {
  desktop: { width: 1440, height: 900 },
  phone: { width: 390, height: 844 },
} as const;

interface PageCase {
  name: string;
  path: string;
  /** A selector that is on the page once its data is drawn. */
  ready: string;
  token?: null;
}

const PAGES: PageCase[] = [
  { name: 'catalog', path: '/', ready: 'article.result' },
  { name: 'map', path: '/map', ready: '[data-testid="mesh-map"][data-ready="true"], .map-list li' },
  { name: 'product', path: `/products/${FAILING.product}`, ready: '.product-about' },
  { name: 'teams', path: '/teams', ready: '.team-card' },
  { name: 'team', path: '/teams/finance', ready: '.team-scorecard' },
  { name: 'runs', path: '/runs', ready: 'table.runs-table tbody tr' },
  { name: 'run', path: '/runs/2', ready: '.gantt-bar' },
  { name: 'query', path: '/query', ready: '.query-port' },
  { name: 'access', path: '/access', ready: 'main h1' },
  { name: 'login', path: '/', ready: 'form input', token: null },
  { name: 'incidents', path: '/incidents', ready: 'table.incidents-table tbody tr' },
  { name: 'incident', path: '/incidents/1', ready: 'main h1' },
];

let session: CatalogSession;

describe('web catalog: every page at desktop and phone sizes', () => {
  beforeAll(async () => {
    session = await startCatalog();
  }, 90_000);
  afterAll(async () => {
    await session.close();
  });

  for (const [size, viewport] of Object.entries(SIZES)) {
    for (const { name, path, ready, token } of PAGES) {
      it(`${name} (${path}) at ${viewport.width}×${viewport.height}: no axe violation, no sideways overflow`, async () => {
        const { page, errors } = await session.open(path, { viewport, bypassCsp: true, ...(token === null ? { token: null } : {}) });
        try {
          await page.locator(ready).first().waitFor({ timeout: 20_000 });
          // Let lazy parts (charts, the graph) settle.
          await page.waitForLoadState('networkidle');
          await page.waitForTimeout(300);
          const violations = await axe(page);
          expect(violations, describeViolations(violations)).toEqual([]);
          const width = await page.evaluate<number>('document.documentElement.scrollWidth');
          expect(width, `${path} is wider than the screen: ${width > viewport.width ? await overflowing(page, viewport.width) : ''}`).toBeLessThanOrEqual(viewport.width);
          const search = page.locator('#global-search');
          if (token !== null) {
            const box = await search.boundingBox();
            expect(box, 'the search box is on the page').not.toBeNull();
            expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(viewport.width);
          }
          await session.screenshot(page, `${name}-${size}`);
          expect(errors.filter((e) => !e.includes('401')), `console errors on ${path}`).toEqual([]);
        } finally {
          await page.context().close();
        }
      }, 60_000);
    }
  }
});
