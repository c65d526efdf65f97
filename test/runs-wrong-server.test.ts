/**
 * A run sent to the wrong mesh (issue 12, item 13): mesh A's `.tessera/server.json`
 * names a port where mesh B's server listens now. `tessera run --dir A` (the real
 * binary, in a child process) must not submit anything there: it says why and runs
 * A here, locally; B's server sees no job and B's warehouse no run.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server/index.js';
import { writeFarm, writePrices } from './support/farm-mesh.js';
import { runChild as cli } from './support/run-child.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function farm(name: string): Promise<string> {
  const f = writeFarm({ 'tessera.yaml': `name: ${name}\n` });
  cleanups.push(f.cleanup);
  await writePrices(f.dir, [{ product: 'apples', price: 2.5, updatedAt: '2026-11-01 08:00:00' }]);
  return f.dir;
}


/** Mesh B served in this process; its runs are counted through its own state store. */
async function serveB(): Promise<RunningServer> {
  const server = await startServer({ root: await farm('beta'), port: 0, logger: false, schedule: false });
  cleanups.push(() => server.close());
  return server;
}

async function expectRanLocally(dirA: string, server: RunningServer, said: RegExp): Promise<void> {
  const runsBefore = (await server.context.state.runs()).length;
  const { code, stdout, stderr } = await cli(['run', '--dir', dirA, '--json']);
  expect(stderr).toMatch(said);
  expect(stderr).not.toMatch(/submitting the run there/);
  expect(code, stderr).toBe(0);
  const summary = JSON.parse(stdout) as { status: string; results: { status: string }[] };
  expect(summary.status).toBe('success');
  // Built here: A's own warehouse has the run; B's server took no job and B's warehouse no run.
  expect(summary.results.length).toBeGreaterThan(0);
  expect(server.context.jobs.list().length).toBe(0);
  expect((await server.context.state.runs()).length).toBe(runsBefore);
}

describe('tessera run and a server of another mesh', () => {
  it('does not submit to another mesh’s server on the port a stale note names', async () => {
    const server = await serveB();
    const dirA = await farm('alpha');
    mkdirSync(join(dirA, '.tessera'), { recursive: true });
    writeFileSync(join(dirA, '.tessera', 'server.json'), `${JSON.stringify({ pid: 1, url: server.url, startedAt: '2026-01-02T03:04:05.000Z', mesh: 'alpha', root: dirA })}\n`);
    await expectRanLocally(dirA, server, /server\.json is stale.*nothing is sent to it/s);
  }, 30_000);

  it('ignores a note copied from another mesh’s folder, and a note that names the right start time but another mesh', async () => {
    const server = await serveB();
    const dirA = await farm('alpha');
    mkdirSync(join(dirA, '.tessera'), { recursive: true });
    // The note of B's running server, copied into A (cp -r of a mesh folder).
    writeFileSync(join(dirA, '.tessera', 'server.json'), readFileSync(join(server.context.root, '.tessera', 'server.json')));
    await expectRanLocally(dirA, server, /names a server of another folder/);
    // The same server, its start time right and the folder A's: the server itself says it is not A's.
    const note = JSON.parse(readFileSync(join(server.context.root, '.tessera', 'server.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dirA, '.tessera', 'server.json'), JSON.stringify({ ...note, root: dirA, mesh: 'alpha' }));
    await expectRanLocally(dirA, server, /not this mesh's `tessera serve`/);
  }, 40_000);
});
