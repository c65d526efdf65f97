/**
 * Issue 14, item 5: `tessera serve` reloads the mesh on every way an editor saves a
 * file: `sed -i` (a new file renamed over the old one), write-to-temp-then-rename,
 * truncate-and-write in place, and a new product folder.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, open, rename, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server/index.js';
import { addProduct, addTeam, initMesh } from '../src/workspace/index.js';

let dir: string;
let server: RunningServer;
const PRODUCT = 'products/sales/orders/product.yaml';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-reload-'));
  await initMesh(dir, { name: 'shop' });
  await addTeam(dir, { id: 'sales-analytics', domain: 'sales' });
  await addProduct(dir, { id: 'sales.orders', kind: 'source-aligned', owner: 'sales-analytics' });
  server = await startServer({ root: dir, port: 0, logger: false, schedule: false });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function api(path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.adminToken}` } });
  expect(response.status, path).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function loadedAt(): Promise<string> {
  const response = await fetch(`${server.url}/healthz`);
  const body = (await response.json()) as { mesh: { loadedAt: string } };
  return body.mesh.loadedAt;
}

/** Waits until the product's description is `text` (the reload was seen), at most 5 s. */
async function expectDescription(text: string, before: string): Promise<void> {
  const deadline = Date.now() + 5000;
  let seen = '';
  while (Date.now() < deadline) {
    seen = String((await api('/api/products/sales.orders')).description);
    if (seen === text) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(seen).toBe(text);
  expect(await loadedAt()).not.toBe(before);
}

async function describeAs(text: string): Promise<string> {
  const current = await readFile(join(dir, PRODUCT), 'utf8');
  return current.replace(/^description: .*$/m, `description: ${text}`);
}

describe('the server reloads the mesh on every way of saving a file', () => {
  it('sed -i (a new file renamed over the old one)', async () => {
    const before = await loadedAt();
    execFileSync('sed', ['-i', 's/^description: .*$/description: Edited by sed./', PRODUCT], { cwd: dir });
    await expectDescription('Edited by sed.', before);
  });

  it('a second sed -i on the same file (the watch survives the replaced inode)', async () => {
    const before = await loadedAt();
    execFileSync('sed', ['-i', 's/^description: .*$/description: Edited by sed again./', PRODUCT], { cwd: dir });
    await expectDescription('Edited by sed again.', before);
  });

  it('write to a temporary file, then rename it over the spec (atomic save)', async () => {
    const before = await loadedAt();
    const text = await describeAs('Saved atomically.');
    await writeFile(join(dir, `${PRODUCT}.tmp-save`), text);
    await rename(join(dir, `${PRODUCT}.tmp-save`), join(dir, PRODUCT));
    await expectDescription('Saved atomically.', before);
  });

  it('truncate and write in place', async () => {
    const before = await loadedAt();
    const text = await describeAs('Written in place.');
    const handle = await open(join(dir, PRODUCT), 'r+');
    await handle.truncate(0);
    await handle.write(text, 0);
    await handle.close();
    await expectDescription('Written in place.', before);
  });

  it('a new product folder, then an edit inside it', async () => {
    const before = await loadedAt();
    await addProduct(dir, { id: 'sales.returns', kind: 'source-aligned', owner: 'sales-analytics' });
    const deadline = Date.now() + 5000;
    let ids: string[] = [];
    while (Date.now() < deadline) {
      const body = await api('/api/products');
      ids = (body.products as { id: string }[]).map((p) => p.id);
      if (ids.includes('sales.returns')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(ids).toContain('sales.returns');
    expect(await loadedAt()).not.toBe(before);
    const edited = await loadedAt();
    execFileSync('sed', ['-i', 's/^purpose: .*$/purpose: Returned orders./', 'products/sales/returns/product.yaml'], { cwd: dir });
    const until = Date.now() + 5000;
    let purpose = '';
    while (Date.now() < until) {
      purpose = String((await api('/api/products/sales.returns')).purpose);
      if (purpose === 'Returned orders.') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(purpose).toBe('Returned orders.');
    expect(await loadedAt()).not.toBe(edited);
  });
});
