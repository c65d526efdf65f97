import { cp, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateMesh } from './validate-mesh.js';

const VALID = fileURLToPath(new URL('../../test/fixtures/valid/', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-validate-'));
  await cp(VALID, dir, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const codes = (result: Awaited<ReturnType<typeof validateMesh>>): string[] => result.diagnostics.map((d) => d.code);

describe('validateMesh result memo', () => {
  it('answers from the memo only while nothing the loader reads has changed', async () => {
    const first = await validateMesh(dir);
    expect(first.stats.unchanged).toBe(false);
    expect(codes(first)).toEqual([]);
    const second = await validateMesh(dir);
    expect(second.stats.unchanged).toBe(true);
    expect(second.stats.models).toBe(first.stats.models);

    // An edit that breaks a model must be seen, not answered from the memo.
    const model = join(dir, 'products/commerce/orders/models/orders.sql');
    await writeFile(model, 'select * form raw_orders\n');
    const third = await validateMesh(dir);
    expect(third.stats.unchanged).toBe(false);
    expect(codes(third)).toEqual(['sql/syntax']);
    expect((await validateMesh(dir)).stats.unchanged).toBe(true);
  });

  it('notices new and removed files, not only edited ones', async () => {
    await validateMesh(dir);
    await writeFile(join(dir, 'products/commerce/orders/models/extra.sql'), 'select * from nowhere\n');
    const added = await validateMesh(dir);
    expect(added.stats.unchanged).toBe(false);
    expect(codes(added)).toEqual(['ref/unknown']);
    await unlink(join(dir, 'products/commerce/orders/models/extra.sql'));
    const removed = await validateMesh(dir);
    expect(removed.stats.unchanged).toBe(false);
    expect(codes(removed)).toEqual([]);
    await unlink(join(dir, 'teams.yaml'));
    expect(codes(await validateMesh(dir))).toContain('file/missing');
  });

  it('reuses parsed models after an edit elsewhere, and recovers from a corrupt memo', async () => {
    const first = await validateMesh(dir);
    await writeFile(join(dir, 'tessera.yaml'), 'name: renamed\n');
    const second = await validateMesh(dir);
    expect(second.stats.unchanged).toBe(false);
    expect(second.stats.sql.parsed).toBe(0);
    expect(second.stats.sql.cached).toBe(first.stats.models);
    await writeFile(join(dir, '.tessera/cache/validate-v1.json'), '{"broken');
    expect((await validateMesh(dir)).stats.unchanged).toBe(false);
  });

  it('with cache off, writes nothing into the mesh', async () => {
    await validateMesh(dir, { cache: false });
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(dir, '.tessera'))).toBe(false);
  });
});
