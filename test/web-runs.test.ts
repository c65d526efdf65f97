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
function visit(path: string, body: (page: Page) => Promise<void>): Promise<void> {
  return session.visit(path, body);
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
      // The node id links to its product; the message shows code as code, not backticks; the breadcrumb ends in the run.
      expect(await page.locator('.run-errors a', { hasText: port }).getAttribute('href')).toBe(`/products/${FAILING.product}`);
      expect(await page.locator('.run-errors').innerText()).not.toContain('`');
      expect((await page.locator('nav[aria-label="Breadcrumb"]').innerText()).trim()).toMatch(/Run 2$/);
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
      // A failing product costs the team points and caps its grade: never "A 100" while failing.
      const scorecard = (await api<{ scorecard: { grade: string; score: number; health: { failing: number; penalty: number } } }>('/api/teams/finance')).scorecard;
      expect(scorecard.health).toMatchObject({ failing: 1, penalty: 40 });
      expect(scorecard.grade).not.toBe('A');
      expect(scorecard.score).toBeLessThan(100);
      expect(await page.locator('.team-health-cost').innerText()).toMatch(/1 failing: −40 points/);
      expect((await page.locator('nav[aria-label="Breadcrumb"]').innerText()).trim()).not.toMatch(/\/$/);
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

  it('answers a page of a run\'s nodes by start time, with every failed node and every check that did not pass', async () => {
    const all = await api<{ nodes: ApiNode[]; checks: { nodeId: string; outcome: string }[] }>('/api/runs/2');
    const page = await api<{ nodes: ApiNode[]; page: { offset: number; limit: number; total: number }; failedNodes: { nodeId: string }[]; checks: { nodeId: string; outcome: string }[] }>(
      '/api/runs/2?offset=1&limit=2',
    );
    expect(page.page).toEqual({ offset: 1, limit: 2, total: all.nodes.length });
    expect(page.nodes).toHaveLength(Math.min(2, all.nodes.length - 1));
    const starts = page.nodes.map((n) => n.startedAt ?? '~');
    expect([...starts].sort()).toEqual(starts);
    expect(page.failedNodes.map((n) => n.nodeId)).toContain(`port:${FAILING.product}`);
    const inPage = new Set(page.nodes.map((n) => n.nodeId));
    for (const check of page.checks) expect(inPage.has(check.nodeId) || check.outcome !== 'pass').toBe(true);
    expect(page.checks.some((c) => c.outcome === 'fail')).toBe(true);
  });

  it('draws a big run (1,500 nodes) a page at a time from the server, all on request', async () => {
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
    const asked: { offset: number; limit: number | undefined }[] = [];
    await visit('/runs', async (page) => {
      // The server's paging (tested above), over a made-up run of 1,500 nodes.
      await page.route(/\/api\/runs\/1(\?.*)?$/, (route) => {
        const url = new URL(route.request().url());
        const offset = Number(url.searchParams.get('offset') ?? 0);
        const limit = url.searchParams.has('limit') ? Number(url.searchParams.get('limit')) : undefined;
        asked.push({ offset, limit });
        const slice = limit === undefined ? nodes : nodes.slice(offset, offset + limit);
        return route.fulfill({ json: { run, nodes: slice, page: { offset, limit: limit ?? nodes.length, total: nodes.length }, failedNodes: [], checks: [] } });
      });
      await page.goto(new URL('/runs/1', session.url).href);
      const bars = page.locator('.gantt-bar');
      await bars.first().waitFor();
      // The first answer is a page, not the run's every node.
      expect(asked[0]?.limit).toBeLessThanOrEqual(200);
      expect(await bars.count()).toBe(asked[0]?.limit);
      await page.getByRole('button', { name: /Show 200 more nodes/ }).click();
      await bars.nth(399).waitFor();
      expect(asked[1]).toEqual({ offset: 200, limit: 200 });
      await page.getByRole('button', { name: /Show all 1,500 nodes/ }).click();
      await bars.nth(nodes.length - 1).waitFor({ timeout: 20_000 });
      expect(await bars.count()).toBe(nodes.length);
      expect(await page.getByRole('button', { name: /Show all/ }).count()).toBe(0);
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
