/**
 * Disk full, read-only, no permission, a damaged file (issue 12, item 16), with the real
 * binary: each gets its own diagnostic (never "Fix the SQL", never a stack trace), the run
 * its summary, exit 1, and advice that keeps the warehouse (snapshot history and port
 * versions cannot be rebuilt from the sources).
 *
 * How: a damaged file is a few bytes where the warehouse should be. A full disk is a
 * small tmpfs mounted for the test, and a read-only file system the same tmpfs remounted
 * read-only: both need root (as in CI's container) and are skipped otherwise. No
 * permission is `.tessera` left read-only for the user running the CLI: as root (who may
 * write anything) the CLI runs as `nobody` through setpriv.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFarm, writePrices } from './support/farm-mesh.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const root = process.getuid?.() === 0;
const canMount = root && spawnSync('mount', ['--version']).status === 0;
const setpriv = spawnSync('setpriv', ['--version']).status === 0;

async function farm(overrides: Record<string, string> = {}): Promise<string> {
  const f = writeFarm(overrides);
  cleanups.push(f.cleanup);
  await writePrices(f.dir, [{ product: 'apples', price: 2.5, updatedAt: '2026-11-01 08:00:00' }]);
  return f.dir;
}

function cli(args: string[], asNobody = false): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const command = asNobody ? 'setpriv' : process.execPath;
  const argv = asNobody ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, 'bin/tessera.js', ...args] : ['bin/tessera.js', ...args];
  return new Promise((done) => {
    const child = spawn(command, argv, { cwd: process.cwd(), env: { ...process.env, CI: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      done({ code, stdout, stderr });
    });
  });
}

function expectNoInternals(output: string): void {
  expect(output).not.toMatch(/Fix the SQL|internal error|\n\s+at .*:\d+|move it away|rebuild it from the sources/);
}

/** A tmpfs of `size` mounted on a new folder, unmounted after the test. */
function tmpfs(size: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-tmpfs-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  if (mounted.status !== 0) throw new Error(`mount failed: ${mounted.stderr.toString()}`);
  cleanups.push(() => {
    spawnSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

describe('a damaged warehouse file', () => {
  it('says so, and advises restoring a copy, never deleting or rebuilding it', async () => {
    const dir = await farm();
    mkdirSync(join(dir, '.tessera'), { recursive: true });
    writeFileSync(join(dir, '.tessera', 'warehouse.duckdb'), 'DUCK not really');
    const { code, stderr } = await cli(['run', '--dir', dir]);
    expect(stderr).toMatch(/error: The warehouse file cannot be read: it looks damaged/);
    expect(stderr).toMatch(/hint: Do not delete it or build a new one from the sources/);
    expect(stderr).toMatch(/restore the latest good copy/);
    expectNoInternals(stderr);
    expect(code).toBe(1);
  }, 20_000);
});

describe.runIf(!root || setpriv)('a .tessera the user may not write', () => {
  it('names the permission problem and what to do, without a trace', async () => {
    const dir = await farm();
    expect((await cli(['run', '--dir', dir])).code).toBe(0);
    // Readable by everyone, writable by nobody but its owner (root, when the test runs as root).
    chmodSync(dir, 0o755);
    for (const entry of readdirSync(join(dir, '.tessera'))) chmodSync(join(dir, '.tessera', entry), 0o644);
    chmodSync(join(dir, '.tessera'), 0o555);
    cleanups.push(() => { chmodSync(join(dir, '.tessera'), 0o755); });
    const { code, stderr } = await cli(['run', '--dir', dir], root);
    expect(stderr).toMatch(/error: No permission: the user `[^`]+` cannot write the warehouse or its folder/);
    expect(stderr).toMatch(/hint: Give .* write access to .*\.tessera/);
    expectNoInternals(stderr);
    expect(code).toBe(1);
  }, 30_000);
});

describe.runIf(canMount)('a full disk and a read-only file system (tmpfs, as root)', () => {
  it('a full disk: one diagnostic that says so, the rest not started, a summary, exit 1; with space again the next run passes', async () => {
    const disk = tmpfs('3m');
    const source = await farm({
      'products/lab/big/product.yaml': 'name: big\ndomain: lab\nowner: lab-team\nkind: source-aligned\nports:\n  - name: big\n',
      'products/lab/big/models/big.sql': 'select i, md5(cast(i as varchar)) as h, md5(cast(i * 7 as varchar)) as g from range(400000) t(i)\n',
    });
    const dir = join(disk, 'mesh');
    cpSync(source, dir, { recursive: true });
    const { code, stdout, stderr } = await cli(['run', '--dir', dir, '--threads', '1']);
    expectNoInternals(`${stdout}\n${stderr}`);
    expect(stderr).toMatch(/The disk is full: the warehouse could not be written .*No space left on device.*\[run\/disk-full\]/);
    expect(stderr).toMatch(/hint: Free space on the disk that holds .*Nothing is lost/);
    expect(stderr.match(/\[run\/disk-full\]/g)?.length).toBe(1);
    expect(stdout).toMatch(/✗ Run 1 stopped \(the disk is full\) before its end: .* \(\d+ never started\)/);
    expect(code).toBe(1);
    // Space again: nothing was lost, and the next run builds everything.
    expect(spawnSync('mount', ['-o', 'remount,size=64m', disk]).status).toBe(0);
    const again = await cli(['run', '--dir', dir]);
    expect(again.stderr).toMatch(/Run 2: /);
    expect(again.code, again.stderr).toBe(0);
  }, 60_000);

  it('a read-only file system: says so, no trace, exit 1', async () => {
    const disk = tmpfs('64m');
    const source = await farm();
    const dir = join(disk, 'mesh');
    cpSync(source, dir, { recursive: true });
    expect((await cli(['run', '--dir', dir])).code).toBe(0);
    expect(spawnSync('mount', ['-o', 'remount,ro', disk]).status).toBe(0);
    const { code, stdout, stderr } = await cli(['run', '--dir', dir]);
    expectNoInternals(`${stdout}\n${stderr}`);
    expect(stderr).toMatch(/The file system is read-only/);
    expect(stderr).toMatch(/hint: Remount the file system/);
    expect(code).toBe(1);
  }, 60_000);
});
