/**
 * Events → incidents → outbox → channels, on a real DuckDB warehouse and a local HTTP
 * receiver standing in for Slack and webhooks: grouping per team and run, impact
 * notices to exactly the teams lineage names, auto-resolve and reopen, acknowledged
 * incidents that do not repeat, HMAC signatures, retries, 429, timeouts, dead letters
 * and the platform alert.
 */
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Deliverer, openAlerts, runFacts, type Alerts } from '../src/alerts/index.js';
import { productLineage, type MeshGraph } from '../src/compiler/index.js';
import { openMeshWarehouse, openState, runMesh } from '../src/runner/index.js';
import type { Mesh } from '../src/spec/index.js';
import type { Warehouse } from '../src/warehouse/index.js';
import { openMesh } from '../src/workspace/index.js';
import { itemsCsv, Receiver, writeIncidentsMesh } from './support/incidents-mesh.js';

const SECRET = 'shared-s3cret';

interface World {
  dir: string;
  write: (path: string, text: string) => void;
  mesh: Mesh;
  graph: MeshGraph;
  warehouse: Warehouse;
  alerts: Alerts;
  receiver: Receiver;
  env: Record<string, string>;
  run(): Promise<Awaited<ReturnType<Alerts['recorder']['recordRun']>>>;
  lines(team: string): Record<string, unknown>[];
}

let world: World;
const cleanups: (() => Promise<void> | void)[] = [];

async function setup(delivery: { maxAttempts?: number; timeoutMs?: number } = {}): Promise<World> {
  const files = writeIncidentsMesh();
  cleanups.push(files.cleanup);
  const receiver = new Receiver();
  const url = await receiver.start();
  cleanups.push(() => receiver.stop());
  const opened = await openMesh(files.dir);
  if (!opened.mesh || !opened.graph) throw new Error(JSON.stringify(opened.diagnostics));
  const { mesh, graph } = opened;
  const { warehouse, release } = await openMeshWarehouse(files.dir, mesh.spec, { command: 'test' });
  const env = { HOOK_SRC: `${url}/src`, HOOK_SECRET: SECRET, SLACK_MID: `${url}/slack-mid` };
  const alerts = await openAlerts(warehouse, { root: files.dir, env, backoffMs: 10, maxBackoffMs: 40, timeoutMs: delivery.timeoutMs ?? 2000, slackIntervalMs: 20, maxAttempts: delivery.maxAttempts ?? 4, mesh: () => mesh });
  cleanups.push(async () => {
    await alerts.close();
    await release();
  });
  return {
    dir: files.dir,
    write: files.write,
    mesh,
    graph,
    warehouse,
    alerts,
    receiver,
    env,
    run: async () => {
      const summary = await runMesh({ root: files.dir, mesh, graph, warehouse, concurrency: 2 });
      const state = await openState(warehouse);
      return alerts.recorder.recordRun(mesh, graph, runFacts(summary, await state.checkResults(summary.runId)));
    },
    lines: (team) => {
      const file = join(files.dir, '.tessera', 'alerts', `${team}.log`);
      return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) : [];
    },
  };
}

beforeEach(async () => {
  world = await setup();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('incidents from runs', () => {
  it('opens one incident for a failed audit, tells the owner once and exactly the downstream teams lineage names', async () => {
    expect((await world.run()).opened).toBe(0);
    world.write('data/items.csv', itemsCsv(true));
    const outcome = await world.run();
    expect(outcome.opened).toBe(1);
    // mid.stock and far.report were not built: attached to the upstream incident, no incidents of their own.
    expect(outcome.attached).toBeGreaterThan(0);
    const incidents = await world.alerts.store.incidents();
    expect(incidents).toHaveLength(1);
    const [incident] = incidents;
    expect(incident).toMatchObject({ team: 'src', kind: 'audit-failed', node: 'port:up.items', check: 'max(qty) < 100', status: 'open' });
    expect(incident?.affected.some((n) => n.startsWith('port:mid.stock') || n.startsWith('model:mid.stock'))).toBe(true);

    const stats = await world.alerts.deliverer.flush({ untilIdle: true, waitMs: 2000 });
    expect(stats.dead).toBe(0);
    // The owner: one grouped message per channel (webhook + file).
    expect(world.receiver.on('/src')).toHaveLength(1);
    expect(world.lines('src')).toHaveLength(1);
    // Impact notices: the teams lineage names, and no one else.
    const lineage = productLineage(world.graph, 'up.items');
    const owners = new Set([...lineage.downstream.map((l) => world.graph.products.get(l.product)?.owner), ...lineage.features.map((f) => world.graph.products.get(f.product)?.owner)]);
    owners.delete('src');
    expect([...owners].sort()).toEqual(['far', 'mid']);
    expect(world.lines('mid').map((l) => l['kind'])).toEqual(['impact']);
    expect(world.lines('far').map((l) => l['kind'])).toEqual(['impact']);
    expect(world.lines('other')).toEqual([]);
    const farNotice = (world.lines('far')[0]?.['message'] ?? {}) as { impacts: { upstream: string; owner: string; affected: string[]; reads: string[] }[] };
    expect(farNotice.impacts[0]).toMatchObject({ upstream: 'up.items', owner: 'src' });
    expect(farNotice.impacts[0]?.affected).toEqual(expect.arrayContaining(['far.report', 'dashboard far.report.stock_board']));
    expect(farNotice.impacts[0]?.reads).toEqual(['mid.stock']);
    // Slack got the impact notice for mid as Block Kit with a plain-text fallback.
    const [slack] = world.receiver.on('/slack-mid');
    expect(slack?.json).toMatchObject({ text: expect.stringContaining('up.items') as unknown, blocks: expect.any(Array) as unknown });
  });

  it('signs webhooks with HMAC-SHA256 over the body and sends the idempotency key', async () => {
    world.write('data/items.csv', itemsCsv(true));
    await world.run();
    await world.alerts.deliverer.flush({ untilIdle: true, waitMs: 2000 });
    const [hook] = world.receiver.on('/src');
    if (!hook) throw new Error('nothing arrived');
    const expected = `sha256=${createHmac('sha256', SECRET).update(hook.body).digest('hex')}`;
    expect(hook.headers['x-tessera-signature']).toBe(expected);
    expect(`sha256=${createHmac('sha256', 'wrong').update(hook.body).digest('hex')}`).not.toBe(expected);
    const body = hook.json as { idempotency_key: string; items: { incident: number }[] };
    expect(hook.headers['idempotency-key']).toBe(body.idempotency_key);
    expect(body.items[0]?.incident).toBe(1);
  });

  it('repeats nothing while open, nothing once acknowledged, resolves by itself and reopens within the window', async () => {
    world.write('data/items.csv', itemsCsv(true));
    await world.run();
    const again = await world.run();
    expect(again).toMatchObject({ opened: 0, repeated: 1, queued: 0 });
    const ack = await world.alerts.recorder.acknowledge(world.mesh, 1, 'sam@src.test', 'looking');
    expect(ack).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'sam@src.test' });
    expect(await world.run()).toMatchObject({ repeated: 1, queued: 0 });

    world.write('data/items.csv', itemsCsv(false));
    const fixed = await world.run();
    expect(fixed.resolved).toBe(1);
    expect(await world.alerts.store.incident(1)).toMatchObject({ status: 'resolved', resolution: 'auto', resolvedBy: 'tessera' });

    world.write('data/items.csv', itemsCsv(true));
    const back = await world.run();
    expect(back).toMatchObject({ opened: 0, reopened: 1 });
    expect(await world.alerts.store.incident(1)).toMatchObject({ status: 'open', reopened: 1 });
    expect(await world.alerts.store.incidents()).toHaveLength(1);

    await world.alerts.deliverer.flush({ untilIdle: true, waitMs: 2000 });
    const kinds = world.lines('src').map((l) => (l['message'] as { items: { status: string }[] }).items.map((i) => i.status).join(','));
    // new, acknowledged (update), resolved, reopened: four messages, no repeats.
    expect(kinds).toEqual(['new', 'acknowledged', 'resolved', 'reopened']);
    const timeline = (await world.alerts.store.entries(1)).map((e) => e.kind);
    expect(timeline).toEqual(expect.arrayContaining(['opened', 'seen', 'acknowledged', 'resolved', 'reopened', 'attached']));
  });
});

describe('lifecycle events', () => {
  it('reminds the readers of a deprecated port 30, 7 and 1 days before its sunset, once each, and opens an incident when it passed still read', async () => {
    const sunset = '2027-03-01';
    const text = readFileSync(join(world.dir, 'products/up/items/product.yaml'), 'utf8').replace('    freshness: 1h\n', `    freshness: 1h\n    deprecated: { sunset: ${sunset}, reason: replaced by a feed }\n`);
    world.write('products/up/items/product.yaml', text);
    const reopened = await openMesh(world.dir);
    if (!reopened.mesh || !reopened.graph) throw new Error(JSON.stringify(reopened.diagnostics));
    const day = (offset: number): Date => new Date(Date.parse(`${sunset}T00:00:00Z`) + offset * 86_400_000 + 3_600_000);
    const { recorder } = world.alerts;
    expect((await recorder.recordSunsets(reopened.mesh, reopened.graph, day(-40))).queued).toBe(0);
    // Mid and far read it (mid directly, far through mid); the other team does not: mid's Slack and file, far's file.
    expect((await recorder.recordSunsets(reopened.mesh, reopened.graph, day(-29))).queued).toBe(3);
    expect((await recorder.recordSunsets(reopened.mesh, reopened.graph, day(-28))).queued).toBe(0);
    expect((await recorder.recordSunsets(reopened.mesh, reopened.graph, day(-6))).queued).toBe(3);
    expect((await recorder.recordSunsets(reopened.mesh, reopened.graph, day(-1))).queued).toBe(3);
    const passed = await recorder.recordSunsets(reopened.mesh, reopened.graph, day(1));
    expect(passed.opened).toBe(1);
    await world.alerts.deliverer.flush({ untilIdle: true, waitMs: 1000 });
    expect(world.lines('far').map((l) => (l['message'] as { title: string }).title)).toEqual([
      'Sunset reminder: up.items, which you read, stops in 29 days',
      'Sunset reminder: up.items, which you read, stops in 6 days',
      'Sunset reminder: up.items, which you read, stops in 1 day',
    ]);
    expect(world.lines('other')).toEqual([]);
    const [incident] = await world.alerts.store.incidents({ team: 'src' });
    expect(incident).toMatchObject({ kind: 'sunset-passed', status: 'open', node: 'port:up.items' });
    expect(incident?.message).toContain('far, mid');
  });

  it('a missed schedule opens an incident that resolves when the product publishes again', async () => {
    await world.alerts.recorder.recordScheduleMissed(world.mesh, world.graph, 'up.items', '0 5 * * *');
    expect(await world.alerts.store.incidents()).toEqual([expect.objectContaining({ kind: 'schedule-missed', team: 'src', status: 'open' })]);
    expect((await world.run()).resolved).toBe(1);
    expect((await world.alerts.store.incident(1))?.status).toBe('resolved');
  });
});

describe('delivery', () => {
  it('retries after 500, 429 and a timeout, then delivers once per key', async () => {
    let calls = 0;
    world.receiver.answer((path) => {
      if (path !== '/src') return 'ok';
      calls++;
      return calls === 1 ? 'fail' : calls === 2 ? '429' : calls === 3 ? 'timeout' : 'ok';
    });
    world.write('data/items.csv', itemsCsv(true));
    await world.run();
    // A short time limit per attempt, so the receiver that never answers costs a second.
    const deliverer = new Deliverer(world.alerts.store, { root: world.dir, env: world.env, backoffMs: 10, maxBackoffMs: 40, timeoutMs: 1000, slackIntervalMs: 20, maxAttempts: 6, recorder: world.alerts.recorder });
    await deliverer.flush({ untilIdle: true, waitMs: 3000 });
    const [row] = (await world.alerts.store.outbox()).filter((r) => r.channel['type'] === 'webhook');
    expect(row).toMatchObject({ status: 'delivered', attempts: 4 });
    expect(world.receiver.on('/src')).toHaveLength(1);
  });

  it('sends Slack as plain text when blocks are refused', async () => {
    world.receiver.answer('refuse-blocks');
    world.write('data/items.csv', itemsCsv(true));
    await world.run();
    await world.alerts.deliverer.flush({ untilIdle: true, waitMs: 2000 });
    const [slack] = world.receiver.on('/slack-mid');
    expect(slack?.json).toEqual({ text: expect.stringContaining('up.items') as unknown });
    const [row] = (await world.alerts.store.outbox()).filter((r) => r.channel['type'] === 'slack');
    expect(row?.answer).toContain('plain text');
  });

  it('a channel failing for good ends in the dead-letter list and raises the platform alert', async () => {
    world.receiver.answer((path) => (path === '/src' ? 'fail' : 'ok'));
    world.write('data/items.csv', itemsCsv(true));
    await world.run();
    const stats = await world.alerts.deliverer.flush({ untilIdle: true, waitMs: 3000 });
    expect(stats.dead).toBe(1);
    const dead = await world.alerts.store.outbox({ status: 'dead' });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ team: 'src', attempts: 4, lastError: expect.stringContaining('500') as unknown });
    const platform = await world.alerts.store.incidents({ team: 'platform' });
    expect(platform).toHaveLength(1);
    expect(platform[0]).toMatchObject({ kind: 'channel-failing', status: 'open', severity: 'critical' });
    expect(platform[0]?.title).toContain('team src');
    // Nothing else was lost: the file channel and the other teams got theirs.
    expect(world.lines('src')).toHaveLength(1);
    expect(await world.alerts.store.outbox({ status: 'pending' })).toHaveLength(0);
  });
});
