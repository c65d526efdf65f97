/**
 * Governed access in the web catalog, in a real browser against a real server: logging
 * in with a token, what each member may do with commerce.customers' ports, asking for
 * access and deciding on it, and querying through the catalog's Query page.
 *
 * Members of the example mesh: felix (growth: a standing grant on customers_v2, masked),
 * pieter (finance: no grant), sanne (commerce-platform: the owner, decides).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCatalog, type CatalogSession } from './support/catalog-browser.js';

const FELIX = 'felix.wagner@grocery.example';
const PIETER = 'pieter.degroot@grocery.example';
const SANNE = 'sanne.dewit@grocery.example';
const V2 = 'commerce.customers_v2';

interface AccessRequest {
  id: number;
  port: string;
  requester: string;
  status: string;
  purpose: string;
}

let session: CatalogSession;
const tokens = new Map<string, string>();

/** An API call as the admin, or as `as` (an e-mail with a token made in beforeAll). */
async function call(path: string, init: RequestInit & { as?: string } = {}): Promise<Response> {
  const { as, ...rest } = init;
  const auth = as === undefined ? session.auth : { authorization: `Bearer ${tokens.get(as) ?? ''}` };
  const headers = { ...auth, ...(rest.body ? { 'content-type': 'application/json' } : {}) };
  return fetch(new URL(path, session.url), { ...rest, headers });
}

/** A GET as the admin that must answer 200. */
async function api<T>(path: string): Promise<T> {
  const response = await call(path);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

function tokenOf(email: string): string {
  const token = tokens.get(email);
  if (!token) throw new Error(`no token for ${email}`);
  return token;
}

/**
 * Console errors but the browser's own log line for an API answer the page expects (a
 * 401 before logging in, a 403 refusal): the page handles those; anything else is a bug.
 */
function unexpected(errors: readonly string[], ...statuses: number[]): string[] {
  return errors.filter((e) => !statuses.some((status) => e.includes(`Failed to load resource: the server responded with a status of ${status}`)));
}

/** A port's section on the product page, by its id. */
function portSection(page: Page, id: string): ReturnType<Page['locator']> {
  return page.locator('section.port', { has: page.locator('h3', { hasText: new RegExp(`^${id.replace('.', '\\.')}$`) }) });
}

beforeAll(async () => {
  session = await startCatalog();
  for (const email of [FELIX, PIETER, SANNE]) {
    const { secret } = await session.server.context.access.createToken({ kind: 'member', email }, { createdBy: 'test' });
    tokens.set(email, secret);
  }
}, 120_000);

afterAll(async () => {
  await session.close();
});

describe('web catalog: logging in', () => {
  it('shows the login screen without a session, and a pasted token logs in to the page asked for', async () => {
    const { page, errors } = await session.open('/teams', { token: null });
    await page.getByRole('heading', { name: 'Log in to the catalog' }).waitFor();
    await expect(page.title()).resolves.toBe('Log in · Tessera');
    const text = await page.locator('main').innerText();
    expect(text).toContain('tessera serve');
    expect(text).toContain('tessera token create --as <e-mail>');
    // No navigation to pages that would only answer 401.
    await expect(page.getByRole('navigation', { name: 'Sections' }).count()).resolves.toBe(0);

    // A wrong token: the server's message, and still the login screen.
    const field = page.getByLabel('Personal token');
    await field.fill('tsr_not-a-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'not valid' }).innerText()).resolves.toContain('That token is not valid');
    await session.screenshot(page, 'login');

    await field.fill(tokenOf(FELIX));
    await field.press('Enter');
    const identity = page.locator('.identity');
    await identity.locator('.identity-name', { hasText: FELIX }).waitFor();
    await expect(identity.locator('.identity-teams').innerText()).resolves.toContain('growth');
    // The page asked for, at the same address.
    await page.getByRole('heading', { level: 1, name: 'Teams' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/teams');

    // Log out: back to the login screen.
    await identity.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in to the catalog' }).waitFor();
    expect(unexpected(errors, 401)).toEqual([]);
    await page.context().close();
  });

  it('shows the admin as "admin", and keeps the header within a narrow window', async () => {
    const { page, errors } = await session.open('/');
    await page.locator('.identity-name', { hasText: /^admin$/ }).waitFor();
    for (const width of [1024, 800, 600]) {
      await page.setViewportSize({ width, height: 800 });
      const overflow = await page.locator('.site-header').evaluate((header: { scrollWidth: number; clientWidth: number }) => header.scrollWidth - header.clientWidth);
      expect(overflow, `header overflow at ${width}px`).toBeLessThanOrEqual(0);
      await expect(page.getByRole('button', { name: 'Log out' }).isVisible()).resolves.toBe(true);
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('web catalog: access on the product page', () => {
  it('shows felix (growth) customers_v2 readable masked, with the hashed e-mail marked, and v1 readable', async () => {
    const { page, errors } = await session.open('/products/commerce.customers', { token: tokenOf(FELIX) });
    const v2 = portSection(page, V2);
    const access = v2.locator('.port-access[data-can-read="true"]');
    await access.waitFor();
    await expect(access.getAttribute('data-relation')).resolves.toBe('masked');
    await expect(access.locator('.port-masked-note').innerText()).resolves.toContain('You read this port masked');
    await expect(access.locator('.port-sql').innerText()).resolves.toBe(`select * from ${V2} limit 10`);
    await expect(access.innerText()).resolves.toContain('psql');
    await expect(access.getByRole('button', { name: 'Request unmasked access' }).count()).resolves.toBe(1);
    const email = v2.locator('.columns-table tbody tr', { has: page.locator('th code', { hasText: /^email$/ }) });
    await expect(email.locator('.mask-mark').innerText()).resolves.toContain('hashed');
    await expect(email.locator('.mask-mark').getAttribute('data-mask')).resolves.toBe('hash');
    // Columns that are not masked carry no mark.
    const country = v2.locator('.columns-table tbody tr', { has: page.locator('th code', { hasText: /^country$/ }) });
    await expect(country.locator('.mask-mark').count()).resolves.toBe(0);

    const v1 = portSection(page, 'commerce.customers');
    await v1.locator('.port-access[data-can-read="true"]').waitFor();
    await expect(v1.locator('.port-sql').innerText()).resolves.toBe('select * from commerce.customers limit 10');
    await session.screenshot(page, 'product-access');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  let requestId = 0;

  it('offers pieter (finance) no query but Request access, and the form files a pending request', async () => {
    const { page, errors } = await session.open('/products/commerce.customers', { token: tokenOf(PIETER) });
    const v2 = portSection(page, V2);
    const access = v2.locator('.port-access[data-can-read="false"]');
    await access.waitFor();
    await expect(access.locator('.port-sql').count()).resolves.toBe(0);
    await access.getByRole('button', { name: 'Request access' }).click();
    await access.getByLabel('Purpose').fill('Revenue per customer cohort for the quarterly report');
    await expect(access.getByLabel('On behalf of').locator('option').allInnerTexts()).resolves.toEqual(['just me', 'team finance']);
    await access.getByLabel('Expires after (days)').fill('90');
    await access.getByRole('button', { name: 'Send request' }).click();
    await access.locator('.port-request-created', { hasText: 'pending' }).waitFor();
    // It is listed under the port too, without decisions for the requester.
    await access.locator('li.request[data-status="pending"]').waitFor();
    await expect(access.getByRole('button', { name: /Approve/ }).count()).resolves.toBe(0);

    const body = await api<{ requests: AccessRequest[] }>(`/api/access-requests?port=${V2}&status=pending`);
    const mine = body.requests.filter((r) => r.requester === PIETER);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.purpose).toBe('Revenue per customer cohort for the quarterly report');
    requestId = mine[0]?.id ?? 0;
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('lets sanne (the owner) approve it on /access, and then pieter reads the port', async () => {
    expect(requestId).toBeGreaterThan(0);
    const { page, errors } = await session.open('/access', { token: tokenOf(SANNE) });
    const waiting = page.locator('section', { has: page.getByRole('heading', { name: /Waiting for your decision/ }) });
    const item = waiting.locator(`li.request[data-request="${requestId}"]`);
    await item.waitFor();
    await expect(item.innerText()).resolves.toContain(PIETER);
    await expect(item.getByRole('button', { name: /^Deny/ }).count()).resolves.toBe(1);
    await session.screenshot(page, 'access');
    await item.getByRole('button', { name: /^Approve/ }).click();
    await page.locator('.access-announced', { hasText: `Request #${requestId}` }).waitFor();
    await expect(page.locator('.access-announced').innerText()).resolves.toContain('approved');
    // Approved grants move to the list the owner may revoke from.
    const granted = page.locator('section', { has: page.getByRole('heading', { name: /Granted on ports you decide/ }) });
    await granted.locator(`li.request[data-request="${requestId}"]`).getByRole('button', { name: /^Revoke/ }).waitFor();
    await expect(waiting.locator(`li.request[data-request="${requestId}"]`).count()).resolves.toBe(0);

    const body = await api<{ requests: AccessRequest[] }>(`/api/access-requests?port=${V2}`);
    expect(body.requests.find((r) => r.id === requestId)?.status).toBe('approved');
    expect(errors).toEqual([]);
    await page.context().close();

    const pieter = await session.open('/products/commerce.customers', { token: tokenOf(PIETER) });
    const access = portSection(pieter.page, V2).locator('.port-access[data-can-read="true"]');
    await access.waitFor();
    await expect(access.locator('.port-sql').innerText()).resolves.toBe(`select * from ${V2} limit 10`);
    await expect(access.locator(`li.request[data-request="${requestId}"]`).getAttribute('data-status')).resolves.toBe('approved');
    expect(pieter.errors).toEqual([]);
    await pieter.page.context().close();
  });

  it('shows the admin the ports nobody read in 30 days', async () => {
    const { page, errors } = await session.open('/access');
    const unread = page.locator('section', { has: page.getByRole('heading', { name: 'Ports nobody read in 30 days' }) });
    await unread.locator('li').first().waitFor();
    const body = await api<{ unread: string[] }>('/api/usage?days=30');
    await expect(unread.locator('li').count()).resolves.toBe(body.unread.length);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('web catalog: the Query page', () => {
  it('runs SQL as felix: masked e-mails come back hashed, an internal table is refused', async () => {
    const { page, errors } = await session.open('/query', { token: tokenOf(FELIX) });
    await page.getByRole('heading', { level: 1, name: 'Query' }).waitFor();
    // The ports felix may read, with the masked ones marked.
    const port = page.locator(`.query-port[data-port="${V2}"]`);
    await port.waitFor();
    await expect(port.locator('summary').innerText()).resolves.toMatch(/masked/);

    const editor = page.getByLabel('SQL', { exact: true });
    await editor.fill(`select email from ${V2} limit 3`);
    await editor.press('Control+Enter');
    await page.locator('.query-status', { hasText: /^3 rows/ }).waitFor();
    const cells = await page.locator('.query-table tbody td').allInnerTexts();
    expect(cells).toHaveLength(3);
    for (const value of cells) expect(value).toMatch(/^[0-9a-f]{32}$/);
    await expect(page.locator('.query-table thead th').first().innerText()).resolves.toContain('email');
    expect(new URL(page.url()).searchParams.get('sql')).toBe(`select email from ${V2} limit 3`);
    await session.screenshot(page, 'query');

    const refused = 'select * from commerce__customers.raw_customers';
    const response = await call('/api/sql', { as: FELIX, method: 'POST', body: JSON.stringify({ sql: refused }) });
    expect(response.status).toBe(403);
    const server = { body: (await response.json()) as { code: string; message: string } };
    await editor.fill(refused);
    await page.getByRole('button', { name: 'Run' }).click();
    const alert = page.locator('.query-error');
    await alert.waitFor();
    await expect(alert.innerText()).resolves.toContain(server.body.message);
    await expect(page.locator('.query-table').count()).resolves.toBe(0);
    expect(unexpected(errors, 403)).toEqual([]);
    await page.context().close();
  });

  it("counts felix's reads in the port's usage on the product page", async () => {
    const usage = await api<{ ports: { port: string; queries: number; readers: number; teams: string[] }[] }>('/api/usage?days=30');
    const v2 = usage.ports.find((u) => u.port === V2);
    expect(v2?.queries).toBeGreaterThanOrEqual(1);
    expect(v2?.teams).toContain('growth');
    const { page, errors } = await session.open('/products/commerce.customers');
    const line = portSection(page, V2).locator('.port-usage');
    await line.waitFor();
    const text = await line.innerText();
    expect(text).toContain(`${v2?.queries ?? 0} quer`);
    expect(text).toContain(`${v2?.readers ?? 0} reader`);
    expect(text).toContain('growth');
    expect(text).toContain('last read');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
