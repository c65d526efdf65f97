/**
 * The catalog's search page and product page in a real browser, against the example
 * grocery mesh with finance.daily_revenue's basket-size check broken (see
 * support/catalog-browser.ts). Every wait is for something to appear, never for time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILING, startCatalog, type CatalogSession } from './support/catalog-browser.js';

let session: CatalogSession;

beforeAll(async () => {
  session = await startCatalog();
}, 120_000);

afterAll(async () => {
  await session.close();
});

/** The result list's product links, in order. */
async function resultIds(page: Page): Promise<string[]> {
  const links = await page.locator('ol.results .result-title a').all();
  const hrefs = await Promise.all(links.map((link) => link.getAttribute('href')));
  return hrefs.map((href) => decodeURIComponent((href ?? '').replace('/products/', '')));
}

/** The status line says how many products match; waiting on it waits for the answer to the latest request. */
async function waitForCount(page: Page, text: RegExp): Promise<void> {
  await page.locator('.result-count', { hasText: text }).waitFor();
  await page.locator('ol.results[aria-busy="false"]').waitFor();
}

describe('catalog search (/)', () => {
  it('lists every product with the mesh summary on top', async () => {
    const { page, errors } = await session.open('/');
    await waitForCount(page, /^11 products$/);
    expect(await resultIds(page)).toHaveLength(11);
    await expect(page.title()).resolves.toBe('Catalog · Tessera');
    const strip = page.locator('.mesh-strip');
    await expect(strip.locator('.mesh-counts div', { hasText: /products/i }).locator('dd').innerText()).resolves.toBe('11');
    // The failing count links to the catalog filtered on it.
    await expect(strip.getByRole('link', { name: /1 failing/ }).getAttribute('href')).resolves.toBe('/?health=failing');
    await session.screenshot(page, 'catalog');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('finds products by a column name typed into the header search, and says what matched', async () => {
    const { page, errors } = await session.open('/');
    await waitForCount(page, /^11 products$/);
    await page.locator('#global-search').fill('vehicle_id');
    await waitForCount(page, /3 products match “vehicle_id”/);
    expect(new URL(page.url()).searchParams.get('q')).toBe('vehicle_id');
    expect((await resultIds(page)).sort()).toEqual(['delivery.deliveries', 'delivery.trips', 'delivery.vehicles']);
    const trips = page.locator('ol.results > li', { has: page.locator('a[href="/products/delivery.trips"]') });
    const matched = await trips.locator('.result-matches').innerText();
    expect(matched).toContain('column vehicle_id in delivery.trips');
    expect(matched).toContain('column vehicle_id in delivery.drops');
    // The query's words are marked where they matched.
    await expect(trips.locator('.result-matches mark').first().innerText()).resolves.toBe('vehicle_id');
    await session.screenshot(page, 'search');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('narrows the list with filters kept in the URL, so that the view can be shared', async () => {
    const { page, errors } = await session.open('/');
    await waitForCount(page, /^11 products$/);
    await page.getByLabel('Health', { exact: true }).selectOption('failing');
    await waitForCount(page, /^1 product matches the filters$/);
    expect(new URL(page.url()).searchParams.get('health')).toBe('failing');
    expect(await resultIds(page)).toEqual([FAILING.product]);

    await page.getByLabel('Health', { exact: true }).selectOption('');
    await page.getByLabel('Domain', { exact: true }).selectOption('growth');
    await waitForCount(page, /^3 products match the filters$/);
    expect(new URL(page.url()).searchParams.get('domain')).toBe('growth');
    expect((await resultIds(page)).every((id) => id.startsWith('growth.'))).toBe(true);
    await page.context().close();

    // The same address opened afresh shows the same view.
    const shared = await session.open('/?domain=growth&q=customer');
    await waitForCount(shared.page, /products? match(es)? “customer”/);
    await expect(shared.page.getByLabel('Domain', { exact: true }).inputValue()).resolves.toBe('growth');
    const ids = await resultIds(shared.page);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => id.startsWith('growth.'))).toBe(true);
    expect([...errors, ...shared.errors]).toEqual([]);
    await shared.page.context().close();
  });
});

describe('product page (/products/:id)', () => {
  it("shows a healthy product's contract and its passing checks", async () => {
    const { page, errors } = await session.open('/products/commerce.orders');
    await page.locator('h1', { hasText: 'orders' }).waitFor();
    await expect(page.title()).resolves.toBe('commerce.orders · Tessera');
    await expect(page.locator('.product-header [data-health]').getAttribute('data-health')).resolves.toBe('ok');
    // First screen: the owner with a way to reach them.
    const owner = page.locator('section[aria-labelledby="owner-heading"]');
    await expect(owner.locator('a[href^="mailto:"]').count()).resolves.toBeGreaterThan(0);

    // The contract: the port's columns with their types.
    const port = page.locator('section.port', { has: page.locator('h3', { hasText: /^commerce\.orders$/ }) });
    const row = port.locator('.columns-table tbody tr', { has: page.locator('th', { hasText: /^customer_id$/ }) });
    await expect(row.locator('.column-type').innerText()).resolves.toBe('BIGINT');
    const orderId = port.locator('.columns-table tbody tr', { has: page.locator('th', { hasText: /^order_id/ }) });
    await expect(orderId.innerText()).resolves.toContain('unique');

    // The tabs follow the ARIA pattern: arrow keys move between them.
    await page.getByRole('tab', { name: /Ports and contracts/ }).focus();
    await page.keyboard.press('ArrowRight');
    await page.locator('.checks-ok').waitFor();
    await expect(page.getByRole('tab', { name: /Checks/ }).getAttribute('aria-selected')).resolves.toBe('true');
    await expect(page.locator('.check-row [data-outcome="pass"]').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('[data-outcome="fail"], [data-outcome="error"]').count()).resolves.toBe(0);
    // The history chart (uPlot, loaded with the tab) draws.
    await page.locator('.check-chart canvas').first().waitFor();
    expect(new URL(page.url()).hash).toBe('#checks');
    await page.getByRole('tab', { name: /Ports and contracts/ }).click();
    await session.screenshot(page, 'product');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows the failing check of finance.daily_revenue as failing, and the product as failing', async () => {
    const { page, errors } = await session.open(`/products/${FAILING.product}#checks`);
    await page.locator('.checks-alert').waitFor();
    await expect(page.locator('.product-header [data-health]').getAttribute('data-health')).resolves.toBe('failing');
    await expect(page.locator('.product-header').innerText()).resolves.toContain('Failing');
    const row = page.locator('tr.check-row', { hasText: FAILING.check });
    await expect(row.locator('[data-outcome]').getAttribute('data-outcome')).resolves.toBe('fail');
    // Flagged on top of the tab, and sorted first in its port's table.
    await expect(page.locator('.checks-alert').innerText()).resolves.toContain(FAILING.check);
    await expect(page.locator('.node-checks').first().locator('tr.check-row').first().innerText()).resolves.toContain(FAILING.check);
    // The first screen says it too, before any tab.
    await expect(page.locator('.health-panel').innerText()).resolves.toContain(FAILING.check);
    await page.locator('.check-chart canvas').first().waitFor();
    await session.screenshot(page, 'product-failing');

    // The internal graph loads xyflow on demand and lays the nodes out.
    await page.getByRole('tab', { name: 'Internal graph' }).click();
    await page.locator('.react-flow__node').first().waitFor();
    await expect(page.locator('.react-flow__node', { hasText: 'revenue_lines' }).count()).resolves.toBe(1);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('says that an unknown product does not exist, with the did-you-mean', async () => {
    const { page, errors } = await session.open('/products/finance.daily_revenu');
    await page.getByRole('heading', { name: 'No such product' }).waitFor();
    await expect(page.locator('.not-found-message').innerText()).resolves.toContain('Did you mean');
    await expect(page.locator('.not-found-message a').getAttribute('href')).resolves.toBe('/products/finance.daily_revenue');
    // The browser logs the API's 404 itself; that one is the point of this page, anything else is not.
    expect(errors.filter((e) => !/Failed to load resource: the server responded with a status of 404/.test(e))).toEqual([]);
    await page.context().close();
  });
});

describe('product page details (issue 14, item 8; issue 12, item 6)', () => {
  it('tells v1 and v2 of commerce.customers apart, and shows the schedule in words with the cron beside it', async () => {
    const { page, errors } = await session.open('/products/commerce.customers');
    await page.locator('section.port').first().waitFor();
    const v2 = page.locator('section.port', { has: page.locator('h3', { hasText: /^commerce\.customers_v2$/ }) });
    const schedule = v2.locator('.facts div', { has: page.locator('dt', { hasText: 'Schedule' }) }).locator('dd');
    await expect(schedule.innerText()).resolves.toContain('daily at 05:00 UTC');
    await expect(schedule.locator('code').innerText()).resolves.toBe('0 5 * * *');
    // The checks tab names each port as consumers read it.
    await page.getByRole('tab', { name: /Checks/ }).click();
    const headings = await page.locator('.node-checks h3 code').allInnerTexts();
    expect(headings).toContain('commerce.customers');
    expect(headings).toContain('commerce.customers_v2');
    // So does the product graph.
    await page.getByRole('tab', { name: 'Internal graph' }).click();
    await page.locator('.react-flow__node').first().waitFor();
    await expect(page.locator('.react-flow__node', { hasText: /^port\s*commerce\.customers_v2/ }).count()).resolves.toBe(1);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('marks a version whose publish broke the contract of the one before, with what broke and who reads it', async () => {
    const file = join(session.dir, 'products', 'commerce', 'customers', 'product.yaml');
    const spec = readFileSync(file, 'utf8');
    const birth = '      - { name: birth_date, type: DATE, classification: pii, masking: remove, description: "Date of birth; NULL when not given." }\n';
    expect(spec).toContain(birth);
    writeFileSync(file, spec.replace(birth, ''));
    const headers = { ...session.auth, 'content-type': 'application/json' };
    type Detail = { ports: { id: string; columns: { name: string }[]; versions: { version: number; breaking?: { previous: number; changes: string[]; readers: string[] } }[] }[] };
    const product = async (): Promise<Detail> => (await (await fetch(new URL('/api/products/commerce.customers', session.url), { headers })).json()) as Detail;
    // The server reloads the mesh when the file changes.
    await expect.poll(async () => (await product()).ports.find((p) => p.id === 'commerce.customers_v2')?.columns.some((c) => c.name === 'birth_date'), { timeout: 20_000 }).toBe(false);
    const job = (await (await fetch(new URL('/api/jobs', session.url), { method: 'POST', headers, body: JSON.stringify({ kind: 'run', select: ['commerce.customers'] }) })).json()) as { id: string };
    await expect
      .poll(async () => ((await (await fetch(new URL(`/api/jobs/${job.id}`, session.url), { headers })).json()) as { status: string }).status, { timeout: 60_000, interval: 500 })
      .toMatch(/^(succeeded|failed|done|success)$/);
    const v2 = (await product()).ports.find((p) => p.id === 'commerce.customers_v2');
    const broke = v2?.versions.find((v) => v.breaking);
    expect(broke?.breaking?.changes.join('; ')).toMatch(/birth_date/);
    expect(broke?.breaking?.readers.join(', ')).toContain('growth.customer_segments');

    const { page, errors } = await session.open('/products/commerce.customers');
    const note = page.locator('section.port', { has: page.locator('h3', { hasText: /^commerce\.customers_v2$/ }) }).locator('.version-breaking');
    await note.waitFor();
    const text = await note.innerText();
    expect(text).toContain(`v${broke?.version ?? 0} breaks v${broke?.breaking?.previous ?? 0}'s contract`);
    await expect(note.locator('code', { hasText: 'birth_date' }).count()).resolves.toBe(1);
    await expect(note.getByRole('link', { name: 'growth.customer_segments' }).getAttribute('href')).resolves.toBe('/products/growth.customer_segments');
    await session.screenshot(page, 'product-breaking-version');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);
});
