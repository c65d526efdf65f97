/**
 * The incidents pages of the web catalog in a real browser, on the example grocery mesh
 * whose second run (offline, `tessera run`) failed a check of finance.daily_revenue: the
 * incident across the mesh, on the team's page, with its timeline and delivery log, and
 * acknowledged then resolved from the page.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILING, startCatalog, type CatalogSession } from './support/catalog-browser.js';

let session: CatalogSession;

function visit(path: string, body: (page: Page) => Promise<void>): Promise<void> {
  return session.visit(path, body);
}

describe('web catalog: incidents', () => {
  beforeAll(async () => {
    session = await startCatalog();
  }, 90_000);
  afterAll(async () => {
    await session.close();
  });

  it('lists the open incident of the failed check, with its team, and the times per team', async () => {
    await visit('/incidents', async (page) => {
      const row = page.locator('table.incidents-table tr[data-incident="1"]');
      await row.waitFor();
      expect(await row.locator('.incident-status').getAttribute('data-status')).toBe('open');
      expect(await row.textContent()).toContain('finance');
      expect(await row.textContent()).toContain(FAILING.check);
      expect(await page.locator('table.team-times tr[data-team="finance"]').textContent()).toContain('1');
      await session.screenshot(page, 'incidents');
    });
  });

  it("shows the incident on the owning team's page", async () => {
    await visit('/teams/finance', async (page) => {
      const banner = page.locator('.open-incidents li[data-incident="1"]');
      await banner.waitFor();
      expect(await banner.textContent()).toContain('finance.daily_revenue');
    });
  });

  it("shows the product's open incident as a banner on its page", async () => {
    await visit(`/products/${FAILING.product}`, async (page) => {
      const banner = page.locator('.product-incidents [data-relation="own"]');
      await banner.waitFor();
      expect(await banner.textContent()).toContain('#1');
    });
  });

  it('shows the timeline and the delivery log, and is acknowledged then resolved from the page', async () => {
    await visit('/incidents/1', async (page) => {
      await page.locator('.incident-timeline li[data-kind="opened"]').waitFor();
      // The example's finance team has a Slack channel from the environment (unset here) and a file.
      expect(await page.locator('.incident-timeline li[data-kind="skipped-channel"]').textContent()).toContain('GROCERY_FINANCE_SLACK_URL');
      const delivered = page.locator('table.delivery-log tr[data-status="delivered"]');
      expect(await delivered.count()).toBe(1);
      expect(await delivered.textContent()).toContain('.tessera/alerts/finance.log');

      await page.getByRole('button', { name: 'Acknowledge' }).click();
      await page.locator('.incident-status[data-status="acknowledged"]').first().waitFor();
      expect(await page.locator('.incident-timeline li[data-kind="acknowledged"]').textContent()).toContain('admin');

      await page.locator('select[name="reason"]').selectOption('expected');
      await page.locator('input[name="note"]').fill('a test of the example');
      await page.getByRole('button', { name: 'Resolve' }).click();
      await page.locator('.incident-status[data-status="resolved"]').first().waitFor();
      expect(await page.locator('.incident-timeline li[data-kind="resolved"]').textContent()).toContain('a test of the example');
      await session.screenshot(page, 'incident');
    });
  });
});
