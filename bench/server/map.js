// Time until the mesh map (GET /map) is interactive in headless Chromium. The web
// catalog's contract: the map's container is [data-testid="mesh-map"]; it gets
// data-ready="true" once the layout is applied and the nodes are rendered, and
// data-products="<N>" says how many product nodes it laid out; each product node
// element carries data-product="<domain.product>" (the map may render only the visible ones).
import { chromium } from 'playwright-core';

const ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Runs in the page before its own scripts: notes performance.now() (ms since navigation
 * start) when the ready marker appears, and when the next frame after it has run (the
 * main thread free again, able to take input).
 */
function observeReady() {
  const state = {};
  window.__tesseraBench = state;
  const check = () => {
    if (state.readyAt !== undefined) return;
    const map = document.querySelector('[data-testid="mesh-map"][data-ready="true"]');
    if (!map) return;
    state.readyAt = performance.now();
    state.products = map.getAttribute('data-products');
    state.rendered = document.querySelectorAll('[data-product]').length;
    requestAnimationFrame(() =>
      setTimeout(() => {
        state.frameAt = performance.now();
      }),
    );
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ready'] });
}

async function once(page, navigate, timeoutMs) {
  await navigate();
  try {
    await page.waitForFunction(() => window.__tesseraBench?.frameAt !== undefined, null, { timeout: timeoutMs, polling: 50 });
  } catch {
    return { timedOut: true };
  }
  return page.evaluate(() => {
    const state = window.__tesseraBench;
    const [nav] = performance.getEntriesByType('navigation');
    const resources = performance.getEntriesByType('resource');
    const transfer = resources.reduce((sum, r) => sum + (r.transferSize ?? 0), nav?.transferSize ?? 0);
    return {
      readyMs: state.readyAt,
      frameMs: state.frameAt,
      products: Number(state.products),
      rendered: state.rendered,
      responseEndMs: nav?.responseEnd,
      domContentLoadedMs: nav?.domContentLoadedEventEnd,
      loadMs: nav?.loadEventEnd,
      requests: resources.length + 1,
      transferBytes: transfer,
    };
  });
}

/**
 * `runs` repetitions, each in a fresh browser context (empty cache): a first load of
 * <url>/map (cold), then a reload (warm). Resolves to { samples } or { skipped: reason }.
 */
export async function measureMap({ url, token, runs, executablePath, timeoutMs = 30_000, log }) {
  const probe = await fetch(`${url}/map`, { headers: { accept: 'text/html' } });
  const type = probe.headers.get('content-type') ?? '';
  await probe.arrayBuffer();
  if (!probe.ok || !type.includes('text/html')) return { skipped: `map page not found (GET /map: ${probe.status} ${type || 'no content type'})` };

  // launch() gives the browser a fresh temporary profile of its own (and deletes it on close).
  const browser = await chromium.launch({ executablePath, headless: true, args: ARGS });
  const samples = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      // The catalog's session, as the login link would have set it.
      if (token) await context.addCookies([{ name: 'tessera_session', value: token, url, httpOnly: true, sameSite: 'Strict' }]);
      const errors = [];
      try {
        const page = await context.newPage();
        page.on('pageerror', (error) => errors.push(error.message));
        await page.addInitScript(observeReady);
        const cold = await once(page, () => page.goto(`${url}/map`, { waitUntil: 'commit' }), timeoutMs);
        if (cold.timedOut) {
          return { skipped: `the map's ready marker ([data-testid="mesh-map"][data-ready="true"]) did not appear within ${timeoutMs / 1000} s${errors.length ? `; page errors: ${errors.slice(0, 3).join(' | ')}` : ''}`, samples };
        }
        const warm = await once(page, () => page.reload({ waitUntil: 'commit' }), timeoutMs);
        if (warm.timedOut) return { skipped: `after a reload, the map's ready marker did not appear within ${timeoutMs / 1000} s`, samples };
        samples.push({ cold, warm, errors });
        log(`  map ${i + 1}/${runs}: cold ${cold.readyMs.toFixed(0)} ms (next frame ${cold.frameMs.toFixed(0)} ms, ${cold.requests} requests, ${(cold.transferBytes / 1024).toFixed(0)} KB), ` +
          `warm ${warm.readyMs.toFixed(0)} ms; data-products=${cold.products}, ${cold.rendered} product elements rendered${errors.length ? `; ${errors.length} page errors` : ''}`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  return { samples };
}
