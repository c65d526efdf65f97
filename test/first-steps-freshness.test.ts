/**
 * Issue 14, item 3: freshness as a rule a user can predict. Two clocks, each against
 * its own written limit: the last publish against the port's `freshness:` SLA, the
 * newest value of a `freshness(col)` check's column against that check's threshold.
 * The result says which clock is late.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshnessVerdict } from '../src/runner/index.js';
import { addProduct, addTeam, initMesh } from '../src/workspace/index.js';
import { runCli } from './support/run-cli.js';

const H = 3_600_000;
const twoDays = { fail: { op: '>=' as const, milliseconds: 48 * H, written: '2d' } };

describe('freshnessVerdict', () => {
  const base = { sla: '24h', publishedAt: '2026-12-01T06:00:00Z', dataColumn: 'day', dataCheck: 'freshness(day) < 2d', dataLevels: twoDays };

  it('a DATE column of yesterday (30 h old at 06:00) passes `freshness(day) < 2d` and the 24h SLA: fresh', () => {
    expect(freshnessVerdict({ ...base, publishedAge: 1 * H, dataAge: 30 * H })).toEqual({ breach: false, late: [], reason: 'fresh' });
  });

  it('the publish clock is late when the last publish is older than the SLA, whatever the data', () => {
    const verdict = freshnessVerdict({ ...base, publishedAge: 30 * H, dataAge: 30 * H });
    expect(verdict).toEqual({ breach: true, late: ['publish'], reason: 'publish clock late: published 30.0 h ago, SLA 24h' });
  });

  it('the data clock is late when the check would fail, judged by the check, not by the SLA', () => {
    const verdict = freshnessVerdict({ ...base, publishedAge: 1 * H, dataAge: 50 * H });
    expect(verdict).toEqual({ breach: true, late: ['data'], reason: 'data clock late: newest day is 2.1 d old, check `freshness(day) < 2d`' });
  });

  it('both clocks, never published, warn levels, and ages moved on by the time since they were measured', () => {
    expect(freshnessVerdict({ ...base, publishedAge: 25 * H, dataAge: 49 * H }).late).toEqual(['publish', 'data']);
    expect(freshnessVerdict({ sla: '24h' })).toEqual({ breach: true, late: ['publish'], reason: 'never published' });
    const warnOnly = { ...base, dataLevels: { warn: { op: '>' as const, milliseconds: 12 * H, written: '12h' } } };
    expect(freshnessVerdict({ ...warnOnly, publishedAge: H, dataAge: 13 * H }).late).toEqual(['data']);
    expect(freshnessVerdict({ ...base, publishedAge: 20 * H, dataAge: 20 * H }).breach).toBe(false);
    expect(freshnessVerdict({ ...base, publishedAge: 20 * H, dataAge: 20 * H }, 5 * H).late).toEqual(['publish']);
  });
});

describe('tessera sla', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-fresh-'));
    await initMesh(dir, { name: 'shop' });
    await addTeam(dir, { id: 'sales-analytics', domain: 'sales' });
    await addProduct(dir, { id: 'sales.orders', kind: 'source-aligned', owner: 'sales-analytics' });
    // Data as of yesterday (a date: midnight, so between 24 and 48 hours old today), a 24h SLA, a 2d data check.
    const yesterday = new Date(Date.now() - 24 * H).toISOString().slice(0, 10);
    await writeFile(join(dir, 'data/sales/orders.csv'), `id,label,amount,updated_at\n1,first,12.50,${yesterday}\n`);
    const path = join(dir, 'products/sales/orders/product.yaml');
    const yaml = (await readFile(path, 'utf8'))
      .replace('    # freshness: 24h ', '    freshness: 24h   ')
      .replace('      # - freshness(updated_at) < 2d', '      - freshness(updated_at) < 2d');
    await writeFile(path, yaml);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('says fresh when both clocks are within their own limits, and which clock is late otherwise', async () => {
    expect((await runCli(['run', '--dir', dir])).exitCode).toBe(0);
    const sla = await runCli(['sla', '--all', '--json', '--dir', dir]);
    expect(sla.exitCode, sla.stdout).toBe(0);
    const [port] = (JSON.parse(sla.stdout) as { ports: { port: string; breach: boolean; late: string[]; reason: string; dataCheck: string; dataAge: number }[] }).ports;
    expect(port).toMatchObject({ port: 'sales.orders', breach: false, late: [], reason: 'fresh', dataCheck: 'freshness(updated_at) < 2d' });
    // The newest value is older than the SLA's 24 hours, and that is not a breach: the data clock's limit is its check.
    expect(port?.dataAge).toBeGreaterThan(24 * H);

    // A stricter check: the data clock is late (and so is the run's audit), said as such.
    const path = join(dir, 'products/sales/orders/product.yaml');
    await writeFile(path, (await readFile(path, 'utf8')).replace('freshness(updated_at) < 2d', 'freshness(updated_at) < 1d'));
    const late = await runCli(['sla', '--dir', dir]);
    expect(late.exitCode).toBe(1);
    expect(late.stdout).toMatch(/✗ sales\.orders\s+SLA 24h\s+data clock late: newest updated_at is \d+\.\d h old, check `freshness\(updated_at\) < 1d`/);
  });
});
