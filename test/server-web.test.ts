/**
 * `tessera serve` serves the web catalog next to the API: its files, and index.html for
 * any page address, while API misses stay JSON. Against a small catalog build of its own,
 * so the test does not depend on what dist/web holds.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server/index.js';
import { writeFarm } from './support/farm-mesh.js';

const html = { accept: 'text/html,application/xhtml+xml' };
const INDEX = '<!doctype html><title>catalog</title><div id="root"></div>';

describe('the web catalog in tessera serve', () => {
  let farm: ReturnType<typeof writeFarm>;
  let webDir: string;
  let server: RunningServer;
  let bare: RunningServer;

  beforeAll(async () => {
    farm = writeFarm();
    webDir = mkdtempSync(join(tmpdir(), 'tessera-web-'));
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), INDEX);
    writeFileSync(join(webDir, 'assets', 'index-abc123.js'), 'console.log(1);');
    server = await startServer({ root: farm.dir, port: 0, logger: false, schedule: false, webDir });
  });
  afterAll(async () => {
    await server.close();
    await bare.close();
    farm.cleanup();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('answers page addresses with index.html, so that links can be opened and reloaded', async () => {
    for (const path of ['/', '/products/sales.orders', '/runs/3', '/teams/growth']) {
      const response = await fetch(`${server.url}${path}`, { headers: html });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toBe(INDEX);
    }
  });

  it('serves hashed assets as immutable', async () => {
    const response = await fetch(`${server.url}/assets/index-abc123.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('immutable');
    expect(await response.text()).toBe('console.log(1);');
  });

  it('keeps misses under /api, missing files and non-HTML requests as JSON 404s', async () => {
    for (const [path, headers] of [
      ['/api/nowhere', html],
      ['/assets/missing.js', html],
      ['/products/sales.orders', { accept: 'application/json' }],
    ] as const) {
      const response = await fetch(`${server.url}${path}`, { headers: { ...headers, authorization: `Bearer ${server.adminToken}` } });
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as { code: string }).code).toBe('not_found');
    }
  });

  it('without a built catalog, pages are 404 JSON and the API still answers', async () => {
    // One process owns the farm's warehouse: the first server hands it over.
    await server.close();
    bare = await startServer({ root: farm.dir, port: 0, logger: false, schedule: false, webDir: join(webDir, 'nothing-here') });
    const page = await fetch(`${bare.url}/`, { headers: html });
    expect(page.status).toBe(404);
    const health = await fetch(`${bare.url}/healthz`);
    expect(health.status).toBe(200);
  });
});
