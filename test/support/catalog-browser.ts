/**
 * The web catalog as a user meets it: the example grocery mesh, run twice (the second
 * time with a check that fails), served by a real `tessera serve` (in process) and
 * driven by Debian's headless Chromium through playwright-core.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { runCli } from './run-cli.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/grocery/', import.meta.url));
/** Screenshots of the main pages, kept after the run (git-ignored) for people to look at. */
export const ARTIFACTS = fileURLToPath(new URL('../../test-results/catalog/', import.meta.url));

export const CHROMIUM = process.env.TESSERA_CHROMIUM ?? '/usr/bin/chromium';

/** The check the second run breaks: finance.daily_revenue's basket size, which is 10–150 in the data. */
export const FAILING = { product: 'finance.daily_revenue', port: 'daily_revenue', check: 'avg(avg_basket) between 1000 and 1500' };

export interface CatalogSession {
  readonly url: string;
  readonly dir: string;
  readonly server: RunningServer;
  readonly browser: Browser;
  /** Headers that authenticate API calls as the admin. */
  readonly auth: Record<string, string>;
  /** A fresh page (own context, logged in as the admin unless a token is given) at `path`, with console errors collected in `errors`. */
  open(path: string, options?: { token?: string | null; viewport?: { width: number; height: number }; bypassCsp?: boolean }): Promise<{ page: Page; errors: string[] }>;
  screenshot(page: Page, name: string): Promise<void>;
  /** Opens `path` as the admin, runs `body`, then requires that the page logged no console errors. */
  visit(path: string, body: (page: Page) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export async function startCatalog(): Promise<CatalogSession> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-catalog-'));
  cpSync(EXAMPLE, dir, { recursive: true, filter: (source) => !/[/\\](data|\.tessera)$/.test(source) });
  const demo = await runCli(['demo', '--dir', dir, '--scale', '300']);
  if (demo.exitCode !== 0) throw new Error(`tessera demo failed:\n${demo.stdout}\n${demo.stderr}`);

  const productFile = join(dir, 'products', 'finance', 'daily_revenue', 'product.yaml');
  const spec = readFileSync(productFile, 'utf8');
  if (!spec.includes('avg(avg_basket) between 10 and 150')) throw new Error('the example changed: pick another check to break');
  writeFileSync(productFile, spec.replace('avg(avg_basket) between 10 and 150', FAILING.check));
  const broken = await runCli(['run', '--dir', dir, '--select', FAILING.product]);
  if (broken.exitCode !== 1) throw new Error(`the run with a failing check should exit 1:\n${broken.stdout}\n${broken.stderr}`);
  return serveCatalog(dir);
}

/** The catalog of the mesh in `dir` (which `close()` removes), served in process and driven by headless Chromium. */
export async function serveCatalog(dir: string): Promise<CatalogSession> {
  // TESSERA_WEB_DIR: a catalog built elsewhere (`vite build --outDir …`), e.g. while dist/ is being rebuilt.
  const webDir = process.env.TESSERA_WEB_DIR;
  const server = await startServer({ root: dir, port: 0, logger: false, schedule: false, ...(webDir ? { webDir } : {}) });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // No --user-data-dir: playwright refuses it and gives each launch a fresh temporary profile itself.
  });
  mkdirSync(ARTIFACTS, { recursive: true });

  const session: CatalogSession = {
    url: server.url,
    dir,
    server,
    browser,
    auth: { authorization: `Bearer ${server.adminToken}` },
    async open(path, options = {}) {
      // bypassCsp: for tests that inject a script of their own (axe-core) into the page.
      const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 }, bypassCSP: options.bypassCsp ?? false });
      const token = options.token === undefined ? server.adminToken : options.token;
      if (token !== null) await context.addCookies([{ name: 'tessera_session', value: token, url: server.url, httpOnly: true, sameSite: 'Strict' }]);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(new URL(path, server.url).href);
      return { page, errors };
    },
    async visit(path, body) {
      const { page, errors } = await session.open(path);
      try {
        await body(page);
        expect(errors, `console errors on ${path}`).toEqual([]);
      } finally {
        await page.context().close();
      }
    },
    async screenshot(page, name) {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    },
    async close() {
      await browser.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return session;
}
