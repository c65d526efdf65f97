/**
 * Every page of the web catalog, at a desktop (1440×900) and a phone (390×844) size:
 * axe-core finds no violation, the page does not overflow sideways, the header's search
 * box is reachable, and a screenshot of each lands in test-results/catalog/
 * (`<page>-desktop.png`, `<page>-phone.png`).
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILING, startCatalog, type CatalogSession } from './support/catalog-browser.js';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

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

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

let session: CatalogSession;

async function axe(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE });
  // A string: test/ has no DOM types.
  const result = await page.evaluate<{ violations: AxeViolation[] }>(`axe.run(document, { resultTypes: ['violations'] })`);
  return result.violations;
}

/** The innermost elements that reach past the right edge of the screen, to say what overflows. */
async function overflowing(page: Page, width: number): Promise<string> {
  return page.evaluate<string>(`(() => {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const box = el.getBoundingClientRect();
      if (box.right <= ${width} + 0.5 || box.width === 0) continue;
      if ([...el.children].some((c) => c.getBoundingClientRect().right > ${width} + 0.5)) continue;
      let scrolled = false;
      for (let p = el.parentElement; p; p = p.parentElement) if (p.scrollWidth > p.clientWidth && getComputedStyle(p).overflowX !== 'visible') scrolled = true;
      if (!scrolled) out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') + ' → ' + Math.round(box.right));
    }
    return out.slice(0, 8).join(', ');
  })()`);
}

function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact ?? '?'}): ${v.help}\n${v.nodes.slice(0, 5).map((n) => `  ${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('\n')}`)
    .join('\n');
}

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
