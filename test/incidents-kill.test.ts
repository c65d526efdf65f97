/**
 * The outbox survives SIGKILL: `tessera serve` (the real binary, a child process) is
 * killed at random moments while it delivers, 20 times, then started once more. Every
 * notification arrives (zero lost); a notification that arrives twice carries the same
 * idempotency key (at-least-once). Needs `dist/` built (`npx tsc -p tsconfig.build.json`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAlerts } from '../src/alerts/index.js';
import type { AlertEvent } from '../src/incidents/index.js';
import { openMeshWarehouse } from '../src/runner/index.js';
import { openMesh } from '../src/workspace/index.js';
import { Receiver, writeIncidentsMesh } from './support/incidents-mesh.js';

const MESSAGES = 150;
const KILLS = 20;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function serve(dir: string, env: Record<string, string>): { child: ChildProcess; exited: Promise<void> } {
  const child = spawn(process.execPath, ['bin/tessera.js', 'serve', '--dir', dir, '--port', '0', '--no-schedule'], { cwd: process.cwd(), env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr.resume();
  const exited = new Promise<void>((done) => child.on('exit', () => { done(); }));
  return { child, exited };
}

describe('the outbox under SIGKILL', () => {
  it(`loses nothing when the server is killed during delivery ${KILLS} times`, async () => {
    const files = writeIncidentsMesh();
    cleanups.push(files.cleanup);
    const receiver = new Receiver();
    const url = await receiver.start();
    cleanups.push(() => receiver.stop());
    const env = { HOOK_SRC: `${url}/src`, HOOK_SECRET: 'k' };

    // Offline, as `tessera run` would: incidents and their outbox rows, nothing delivered yet.
    const opened = await openMesh(files.dir);
    if (!opened.mesh || !opened.graph) throw new Error('mesh');
    const { warehouse, release } = await openMeshWarehouse(files.dir, opened.mesh.spec, { command: 'test' });
    const alerts = await openAlerts(warehouse, { root: files.dir, env });
    for (let i = 0; i < MESSAGES; i++) {
      const event: AlertEvent = { kind: 'check-warn', severity: 'warning', product: 'up.items', team: 'src', node: 'port:up.items', check: `check_${i}`, runId: i, title: `warn ${i}`, message: `check ${i} warns` };
      await alerts.recorder.record(opened.mesh, opened.graph, { events: [event], passed: [], attachments: [] }, `run:${i}`);
    }
    const rows = await alerts.store.outbox({ limit: 10_000 });
    await alerts.close();
    await release();
    const hookKeys = new Set(rows.filter((r) => r.channel['type'] === 'webhook').map((r) => r.key));
    const fileKeys = new Set(rows.filter((r) => r.channel['type'] === 'file').map((r) => r.key));
    expect(hookKeys.size).toBe(MESSAGES);
    expect(fileKeys.size).toBe(MESSAGES);

    // Slow answers, so that kills land while requests are in flight.
    receiver.answer(() => {
      receiver.delayMs = 20 + Math.floor(Math.random() * 60);
      return 'ok';
    });
    let killedMidDelivery = 0;
    for (let round = 0; round < KILLS; round++) {
      const before = receiver.received.length;
      const { child, exited } = serve(files.dir, env);
      const running: { child: ChildProcess } = { child };
      cleanups.push(() => { running.child.kill('SIGKILL'); });
      await new Promise((r) => setTimeout(r, 500 + Math.random() * 1200));
      child.kill('SIGKILL');
      await exited;
      if (receiver.received.length > before && new Set(receiver.received.map((r) => r.headers['idempotency-key'])).size < MESSAGES) killedMidDelivery++;
    }
    // Started once more, it delivers what is left.
    const last = serve(files.dir, env);
    cleanups.push(() => { last.child.kill('SIGKILL'); });
    const delivered = (): Set<string> => new Set(receiver.received.map((r) => String(r.headers['idempotency-key'])));
    const end = Date.now() + 60_000;
    while ([...hookKeys].some((k) => !delivered().has(k)) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    last.child.kill('SIGTERM');
    await last.exited;

    // Zero lost.
    expect([...hookKeys].filter((k) => !delivered().has(k))).toEqual([]);
    // Duplicates only as the same notification: every body names the key its header carries, and no unknown key arrived.
    for (const r of receiver.received) {
      const body = r.json as { idempotency_key: string };
      expect(body.idempotency_key).toBe(r.headers['idempotency-key']);
      expect(hookKeys.has(body.idempotency_key)).toBe(true);
    }
    const byKey = new Map<string, string>();
    for (const r of receiver.received) {
      const body = JSON.parse(r.body) as { idempotency_key: string; title: string; items: unknown };
      const same = JSON.stringify([body.title, body.items]);
      expect(byKey.get(body.idempotency_key) ?? same).toBe(same);
      byKey.set(body.idempotency_key, same);
    }
    const file = join(files.dir, '.tessera', 'alerts', 'src.log');
    expect(existsSync(file)).toBe(true);
    const fileSeen = new Set(readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { idempotency_key: string }).idempotency_key));
    expect([...fileKeys].filter((k) => !fileSeen.has(k))).toEqual([]);
    // The kills did hit deliveries in flight (not only start-ups).
    expect(killedMidDelivery).toBeGreaterThanOrEqual(3);
    console.log(`incidents-kill: ${KILLS} kills, ${killedMidDelivery} mid-delivery; ${receiver.received.length} requests for ${MESSAGES} notifications (${receiver.received.length - MESSAGES} duplicates, same keys)`);
  }, 180_000);
});
