/**
 * A team's alerting on its catalog page, in a real browser: the delivery log of each
 * channel (delivered, retrying with its next attempt, dead, with the channel's answer)
 * and the MTTA/MTTR chart with its text and table, checked with axe-core. The example's
 * finance team gets a Slack webhook from the environment that points at a local receiver
 * failing on purpose: the incident's message with 500 (retried, minutes apart), the
 * acknowledgement and resolution with 404 (dead letters).
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weekStart } from '../src/incidents/index.js';
import { startCatalog, type CatalogSession } from './support/catalog-browser.js';
import { Receiver } from './support/incidents-mesh.js';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let session: CatalogSession;
let receiver: Receiver;

type Log = { channels: { type: string; notifications: { state: string; attempts: number }[] }[] };

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${session.url}${path}`, { method, headers: { ...session.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function until(condition: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function slackStates(): Promise<string[]> {
  const log = await api<Log>('GET', '/api/teams/finance/deliveries');
  return (log.channels.find((c) => c.type === 'slack')?.notifications ?? []).map((n) => n.state);
}

describe('web catalog: a team’s delivery log and MTTA/MTTR chart', () => {
  beforeAll(async () => {
    receiver = new Receiver();
    const url = await receiver.start();
    // Updates (acknowledged, resolved by …) are refused for good; anything else fails and is retried.
    receiver.answer((_path, body) => (/#1 (acknowledged|resolved) by/.test(body) ? 'gone' : 'fail'));
    // Read by the offline run (which queues the Slack message) and by the server (which sends it).
    process.env['GROCERY_FINANCE_SLACK_URL'] = `${url}/finance-slack`;
    session = await startCatalog();
    // The failed check's message to Slack was refused with a 500: it waits for its next attempt.
    await until(async () => (await slackStates()).includes('retrying'));
    await api('POST', '/api/incidents/1/ack', { reason: 'looking' });
    await api('POST', '/api/incidents/1/resolve', { reason: 'expected', note: 'a test of the example' });
    await until(async () => (await slackStates()).filter((s) => s === 'dead').length === 2);
  }, 120_000);
  afterAll(async () => {
    delete process.env['GROCERY_FINANCE_SLACK_URL'];
    await session.close();
    await receiver.stop();
  });

  it('shows each channel with its notifications: delivered, retrying with the next attempt, dead, and what the channel answered', async () => {
    await session.visit('/teams/finance', async (page: Page) => {
      const slack = page.locator('.channel-log[data-channel-type="slack"]');
      await slack.locator('tr[data-state="retrying"]').waitFor();
      expect(await slack.locator('h3').textContent()).toContain('$GROCERY_FINANCE_SLACK_URL');
      const retrying = slack.locator('tr[data-state="retrying"]');
      expect(await retrying.count()).toBe(1);
      expect(await retrying.locator('td[data-state="retrying"]').textContent()).toMatch(/^retrying, next attempt \d/);
      expect(await retrying.locator('.delivery-answer').textContent()).toBe('500 server_error');
      expect(await retrying.locator('a').textContent()).toBe('#1');
      const dead = slack.locator('tr[data-state="dead"]');
      expect(await dead.count()).toBe(2);
      expect(await dead.locator('td[data-state="dead"]').allTextContents()).toEqual(['dead letter', 'dead letter']);
      expect(await dead.locator('.delivery-answer').allTextContents()).toEqual(['404 no_service', '404 no_service']);
      expect(await slack.locator('.channel-counts').textContent()).toBe('0 delivered · 1 retrying · 2 dead');

      const file = page.locator('.channel-log[data-channel-type="file"]');
      expect(await file.locator('h3').textContent()).toContain('.tessera/alerts/finance.log');
      // The incident, its acknowledgement and its resolution: three messages, all delivered.
      expect(await file.locator('tr[data-state="delivered"]').count()).toBe(3);
      expect(await file.locator('tr[data-state="delivered"] .delivery-answer').first().textContent()).toBe('appended to .tessera/alerts/finance.log');
      await session.screenshot(page, 'team-delivery-log');
    });
  });

  it('draws MTTA and MTTR per week as an SVG that says its numbers, with the same numbers as a table', async () => {
    const week = weekStart(new Date());
    await session.visit('/teams/finance', async (page: Page) => {
      const chart = page.locator('svg.incident-times-chart');
      await chart.waitFor();
      expect(await chart.getAttribute('role')).toBe('img');
      const [titleId, descId] = (await chart.getAttribute('aria-labelledby'))?.split(' ') ?? [];
      expect(await page.locator(`[id="${titleId ?? ''}"]`).textContent()).toBe('Median minutes to acknowledge and to resolve incidents, per week, team finance');
      expect(await page.locator(`[id="${descId ?? ''}"]`).textContent()).toMatch(/^12 weeks from the week of .+: 1 acknowledged, median [\d.]+ (s|min); 1 resolved, median [\d.]+ (s|min)\.$/);
      // This week has a point on each line: a circle for MTTA, a square for MTTR.
      expect(await chart.locator(`[data-series="mttaMinutes"] circle[data-week="${week}"]`).count()).toBe(1);
      expect(await chart.locator(`[data-series="mttrMinutes"] rect[data-week="${week}"]`).count()).toBe(1);
      expect(await chart.locator('[data-series="mttaMinutes"] circle').count()).toBe(1);

      const row = page.locator(`table.incident-times-table tr[data-week="${week}"]`);
      const cells = await row.locator('td').allTextContents();
      expect(cells[0]).toBe('1');
      expect(cells[1]).toMatch(/^[\d.]+ (s|min)$/);
      expect(cells[2]).toBe('1');
      expect(await page.locator('table.incident-times-table tbody tr').count()).toBe(12);
      await page.locator('.times-details summary').click();
      expect(await row.isVisible()).toBe(true);
      await session.screenshot(page, 'team-incident-times');
    });
  });

  it('has no axe violation with the chart and the delivery log drawn', async () => {
    const { page } = await session.open('/teams/finance', { bypassCsp: true });
    try {
      await page.locator('svg.incident-times-chart').waitFor();
      await page.locator('.channel-log tr[data-state="retrying"]').waitFor();
      await page.addScriptTag({ content: AXE });
      const result = await page.evaluate<{ violations: { id: string; nodes: { target: string[] }[] }[] }>(`axe.run(document, { resultTypes: ['violations'] })`);
      expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
