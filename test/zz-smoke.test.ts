import { expect, it } from 'vitest';
import { startCatalog } from './support/catalog-browser.js';
it('smoke', async () => {
  const s = await startCatalog();
  const { page, errors } = await s.open('/products/finance.daily_revenue');
  await page.getByRole('heading', { level: 1 }).waitFor();
  console.log(await page.content());
  await s.screenshot(page, 'smoke');
  expect(errors).toEqual([]);
  await s.close();
}, 60000);
