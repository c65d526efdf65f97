/*
 * Issue 12, item 1: the README's `npm test` on a fresh machine. The closing line of the
 * run counts files that failed to start or failed in a hook, and `npm test` first makes
 * sure Chromium is there (or says in one line what to install).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countOutcomes } from './support/summary-reporter.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

describe('summary reporter: countOutcomes', () => {
  it('counts tests by state', () => {
    expect(countOutcomes([{ state: 'passed', errors: 0, tests: ['passed', 'passed', 'skipped'] }], 0)).toEqual({ passed: 2, failed: 0, skipped: 1 });
  });

  it('counts a file that failed to import (no tests collected) as a failure', () => {
    expect(countOutcomes([{ state: 'failed', errors: 1, tests: [] }], 0)).toEqual({ passed: 0, failed: 1, skipped: 0 });
  });

  it('counts a file whose beforeAll threw (its tests skipped) as a failure', () => {
    const counts = countOutcomes([{ state: 'failed', errors: 1, tests: ['skipped', 'skipped', 'skipped'] }], 0);
    expect(counts.failed).toBe(1);
    expect(counts.skipped).toBe(3);
  });

  it('counts errors collected outside tests in a file whose tests passed (an afterAll that threw)', () => {
    expect(countOutcomes([{ state: 'passed', errors: 1, tests: ['passed'] }], 0)).toEqual({ passed: 1, failed: 1, skipped: 0 });
  });

  it('does not count a file twice when its tests already failed', () => {
    expect(countOutcomes([{ state: 'failed', errors: 0, tests: ['failed', 'passed'] }], 0)).toEqual({ passed: 1, failed: 1, skipped: 0 });
  });

  it('counts unhandled errors of the run', () => {
    expect(countOutcomes([{ state: 'passed', errors: 0, tests: ['passed'] }], 2).failed).toBe(2);
  });

  it('never reads 0 failed when three browser files failed to start', () => {
    const modules = [
      { state: 'failed', errors: 1, tests: ['skipped', 'skipped'] },
      { state: 'failed', errors: 1, tests: ['skipped'] },
      { state: 'failed', errors: 1, tests: [] },
      { state: 'passed', errors: 0, tests: ['passed'] },
    ];
    expect(countOutcomes(modules, 0).failed).toBe(3);
  });
});

describe('npm test ensures Chromium first', () => {
  it('runs scripts/ensure-chromium.sh before anything else', () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.test?.startsWith('sh scripts/ensure-chromium.sh && ')).toBe(true);
  });

  it('stops at once with one line saying what to do when the named Chromium is missing', () => {
    const result = spawnSync('sh', [`${ROOT}scripts/ensure-chromium.sh`], {
      env: { ...process.env, TESSERA_CHROMIUM: '/nonexistent/chromium' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('TESSERA_CHROMIUM');
  });

  it('goes on when the named Chromium exists', () => {
    const result = spawnSync('sh', [`${ROOT}scripts/ensure-chromium.sh`], { env: { ...process.env, TESSERA_CHROMIUM: '/bin/sh' }, encoding: 'utf8' });
    expect(result.status).toBe(0);
  });
});
