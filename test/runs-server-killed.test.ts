/**
 * Dead runs are not shown as running (issue 12, item 15): `tessera serve` is killed
 * (SIGKILL) while a run it took from `tessera run` builds. The CLI that followed the run
 * says what happened and what consumers read now, without a socket trace, and exits 1;
 * the server started again records the dead run as abandoned at once, and its API says so.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../src/server/index.js';
import { writeFarm, writePrices } from './support/farm-mesh.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => { done(port); });
    });
  });
}

async function until(condition: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a server killed under a run', () => {
  it('leaves a CLI that says what happened, and a restarted server that records the run as abandoned', async () => {
    const f = writeFarm({ 'products/lab/trials/models/trials.sql': 'select range as trial from range(5) where (select count(*) from range(300000000) t(i) where i % 7 = 3) > 0\n' });
    cleanups.push(f.cleanup);
    await writePrices(f.dir, [{ product: 'apples', price: 2.5, updatedAt: '2026-11-01 08:00:00' }]);
    const port = await freePort();
    const server = spawn(process.execPath, ['bin/tessera.js', 'serve', '--dir', f.dir, '--port', String(port), '--no-schedule'], { cwd: process.cwd(), stdio: ['ignore', 'ignore', 'pipe'] });
    cleanups.push(() => { if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL'); });
    let serverErr = '';
    server.stderr.on('data', (chunk: Buffer) => (serverErr += chunk.toString()));
    await until(() => existsSync(join(f.dir, '.tessera', 'server.json')) && serverErr.includes('Tessera serves'));

    const run = spawn(process.execPath, ['bin/tessera.js', 'run', '--dir', f.dir], { cwd: process.cwd(), env: { ...process.env, CI: '1' } });
    let stderr = '';
    let stdout = '';
    let killed = false;
    run.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    run.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!killed && /^Run \d+: \d+ nodes/m.test(stderr)) {
        killed = true;
        server.kill('SIGKILL');
      }
    });
    const code = await new Promise<number | null>((done) => run.on('close', done));
    expect(killed, stderr).toBe(true);
    expect(stderr).toMatch(/submitting the run there/);
    expect(stderr).toMatch(/error: the server at http:\/\/127\.0\.0\.1:\d+ stopped answering while run 1 was going/);
    expect(stderr).toMatch(/consumers still read/);
    expect(stderr).toMatch(/start `tessera serve` again/);
    expect(`${stderr}${stdout}`).not.toMatch(/UND_ERR|SocketError|internal error|\n\s+at /);
    expect(code).toBe(1);

    // Started again, the server records run 1 as abandoned before anything else asks.
    const again = await startServer({ root: f.dir, port: 0, logger: false, schedule: false });
    cleanups.push(() => again.close());
    expect(again.abandonedRuns).toEqual([1]);
    const response = await fetch(`${again.url}/api/runs`, { headers: { authorization: `Bearer ${again.adminToken}` } });
    const { runs } = (await response.json()) as { runs: { id: number; status: string }[] };
    expect(runs.map((r) => [r.id, r.status])).toEqual([[1, 'abandoned']]);
  }, 60_000);
});
