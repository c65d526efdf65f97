/**
 * The runs and teams pages of the web catalog in a real browser, on the example grocery
 * mesh: run 1 (the demo, all green) and run 2 (finance.daily_revenue with a failing
 * check). Screenshots land in test-results/catalog/ for people to look at.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILING, startCatalog, type CatalogSession } from './support/catalog-browser.js';

interface ApiRun {
  id: number;
  status: string;
}
interface ApiNode {
  nodeId: string;
  startedAt?: string;
  durationMs: number;
}

let session: CatalogSession;

async function api<T>(path: string): Promise<T> {
  const response = await fetch(new URL(path, session.url), { headers: session.auth });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/** Opens `path`, runs `body`, then requires that the page logged no errors. */
async function visit(path: string, body: (page: Page) => Promise<void>): Promise<void> {
  const { page, errors } = await session.open(path);
  try {
    await body(page);
    expect(errors, `console errors on ${path}`).toEqual([]);
  } finally {
    await page.context().close();
  }
}

describe('web catalog: runs and teams', () => {
  beforeAll(async () => {
    session = await startCatalog();
  }, 90_000);
  afterAll(async () => {
    await session.close();
  });

  it('lists the runs with their statuses, newest first', async () => {
    await visit('/runs', async (page) => {
      const rows = page.locator('table.runs-table tbody tr');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(2);
      expect(await rows.nth(0).getAttribute('data-run')).toBe('2');
      expect(await page.locator('tr[data-run="2"] .run-status').getAttribute('data-status')).toBe('failed');
      expect(await page.locator('tr[data-run="1"] .run-status').getAttribute('data-status')).toBe('success');
      expect(await page.locator('tr[data-run="2"]').textContent()).toContain(FAILING.product);
      expect(await page.locator('tr[data-run="1"] a').getAttribute('href')).toBe('/runs/1');
    });
  });

  it("draws run 1's timeline: one bar per node, ordered by start, with each node's duration", async () => {
    const detail = await api<{ nodes: ApiNode[] }>('/api/runs/1');
    const started = detail.nodes.filter((node) => node.startedAt !== undefined);
    expect(started.length).toBeGreaterThan(10);
    await visit('/runs/1', async (page) => {
      const bars = page.locator('.gantt-bar');
      await bars.first().waitFor();
      expect(await bars.count()).toBe(started.length);

      let lastX = Number.NEGATIVE_INFINITY;
      let lastOffset = Number.NEGATIVE_INFINITY;
      for (const bar of await bars.all()) {
        const box = await bar.boundingBox();
        expect(box?.width).toBeGreaterThan(0);
        const x = box?.x ?? Number.NaN;
        const offset = Number(await bar.getAttribute('data-offset'));
        expect(offset).toBeGreaterThanOrEqual(lastOffset);
        expect(x).toBeGreaterThanOrEqual(lastX - 0.5);
        lastOffset = offset;
        lastX = x;
      }

      // The duration is in the row's accessible text and in what hovering shows.
      const row = page.locator('.gantt-row').first();
      const duration = (await row.locator('td.num').textContent())?.trim() ?? '';
      expect(duration).toMatch(/\d+(\.\d+)? (ms|s)$/);
      expect(await row.locator('.gantt-text').textContent()).toContain(`took ${duration}`);
      await row.hover();
      // The tip is the lane's ::after, which only the page can read (a string: test/ has no DOM types).
      const tip = await page.evaluate(`(() => {
        const style = getComputedStyle(document.querySelector('.gantt-row .gantt-lane'), '::after');
        return style.display + ' ' + style.content;
      })()`);
      expect(String(tip)).toMatch(/^block /);
      expect(String(tip)).toContain(`took ${duration}`);
      await session.screenshot(page, 'run-timeline');
    });
  });

  it("shows run 2's failed port and failing check first", async () => {
    await visit('/runs/2', async (page) => {
      await page.locator('.gantt-bar').first().waitFor();
      const port = `port:${FAILING.product}`;
      expect(await page.locator('.run-errors').textContent()).toContain(port);
      expect(await page.locator(`.gantt-row[data-node="${port}"] .outcome`).textContent()).toBe('failed');
      const firstCheck = page.locator('table.run-checks tbody tr').first();
      expect(await firstCheck.getAttribute('data-outcome')).toBe('fail');
      expect(await firstCheck.textContent()).toContain(FAILING.check);
    });
  });

  it("lists the teams, and the finance team's page puts finance.daily_revenue under what is failing", async () => {
    const { teams } = await api<{ teams: { id: string; name: string }[] }>('/api/teams');
    expect(teams.length).toBeGreaterThan(1);
    await visit('/teams', async (page) => {
      await page.locator('.team-card').first().waitFor();
      for (const team of teams) expect(await page.locator(`.team-card[data-team="${team.id}"] h2`).textContent()).toBe(team.name);
    });
    await visit('/teams/finance', async (page) => {
      const failing = page.locator('.team-failing');
      await failing.waitFor();
      expect(await failing.locator(`li[data-product="${FAILING.product}"] [data-health]`).first().getAttribute('data-health')).toBe('failing');
      expect(await failing.textContent()).toContain(FAILING.check);
      expect(await page.locator('.team-members a').first().getAttribute('href')).toMatch(/^mailto:/);
      expect(await page.locator('.team-scorecard').textContent()).toMatch(/Documentation\s*\d+ of \d+/);
      await session.screenshot(page, 'team');
    });
  });

  it('says so when a team or a run does not exist', async () => {
    for (const [path, heading] of [
      ['/teams/nobody', 'No such team'],
      ['/runs/999', 'No run 999'],
    ] as const) {
      const { page, errors } = await session.open(path);
      await page.getByRole('heading', { name: heading }).waitFor();
      // The API's 404 is the one error the browser logs for such a page.
      expect(errors.filter((error) => !error.includes('404')), path).toEqual([]);
      await page.context().close();
    }
  });

  it('draws a big run (1,500 nodes) a part at a time, all on request', async () => {
    const start = Date.parse('2026-01-01T10:00:00Z');
    const nodes = Array.from({ length: 1500 }, (_, i) => ({
      nodeId: `model:d.p${i % 30}.m${i}`,
      kind: 'model',
      product: `d.p${i % 30}`,
      status: 'success',
      startedAt: new Date(start + i * 20).toISOString(),
      durationMs: 100 + (i % 50),
    }));
    const run = { id: 1, kind: 'run', status: 'success', startedAt: new Date(start).toISOString(), finishedAt: new Date(start + 31_000).toISOString(), selector: '', nodes: 1500, built: 1500, published: 0, failed: 0, skipped: 0, rows: 0 };
    await visit('/runs', async (page) => {
      await page.route('**/api/runs/1', (route) => route.fulfill({ json: { run, nodes, checks: [] } }));
      await page.goto(new URL('/runs/1', session.url).href);
      const bars = page.locator('.gantt-bar');
      await bars.first().waitFor();
      const drawn = await bars.count();
      expect(drawn).toBeLessThan(nodes.length);
      await page.getByRole('button', { name: /Show all 1,500 nodes/ }).click();
      await bars.nth(nodes.length - 1).waitFor({ timeout: 20_000 });
      expect(await bars.count()).toBe(nodes.length);
    });
  }, 40_000);

  it('"Run now" queues a run, follows it and shows the new run in the list', async () => {
    const { runs } = await api<{ runs: ApiRun[] }>('/api/runs');
    const next = Math.max(...runs.map((run) => run.id)) + 1;
    await visit('/runs', async (page) => {
      await page.locator('table.runs-table').waitFor();
      await page.getByRole('button', { name: 'Run now' }).click();
      await page.locator('.run-job').waitFor();
      await page.getByRole('link', { name: `Open run ${next}` }).waitFor({ timeout: 30_000 });
      await page.locator('.run-job[data-phase="done"]').waitFor({ timeout: 60_000 });
      const status = page.locator(`tr[data-run="${next}"] .run-status:not([data-status="running"])`);
      await status.waitFor({ timeout: 30_000 });
      expect(['success', 'failed']).toContain(await status.getAttribute('data-status'));
      expect(await page.locator('.run-job-log li').count()).toBeGreaterThan(1);
      await session.screenshot(page, 'runs');
    });
  }, 90_000);
});
