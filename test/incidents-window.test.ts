/**
 * Grouping windows (`alerts.group_window`): everything new for a team within the window
 * goes out as one message per channel, held in the durable outbox until the window
 * closes — also across a restart of the server — while acknowledgements join the window
 * that holds their incident, and go at once once it is sent. Pure merging first, then the
 * recorder on a real DuckDB, then a real server restarted mid-window.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runFacts } from '../src/alerts/index.js';
import { mergeMessages, policies, routeMessage, type Message, type MessageItem } from '../src/incidents/index.js';
import { openState, runMesh } from '../src/runner/index.js';
import type { RunningServer } from '../src/server/index.js';
import { meshSchema, productSchema } from '../src/spec/index.js';
import { apiCaller, itemsCsv, memberTokens, openRecorder, Receiver, startAlertServer, until, writeIncidentsMesh } from './support/incidents-mesh.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const MINUTE = 60_000;

function item(status: MessageItem['status'], incident: number): MessageItem {
  return { status, severity: 'critical', fingerprint: `up.items|port:up.items|c${incident}`, title: `#${incident} broke`, message: 'm', product: 'up.items', node: 'port:up.items', check: `c${incident}`, incident };
}

function message(kind: Message['kind'], items: MessageItem[], group = 'run:1'): Message {
  return { team: 'src', kind, group, mesh: 'm', title: 't', items, impacts: [] };
}

interface Line {
  idempotency_key: string;
  kind: string;
  message: Message;
}

function fileLines(dir: string, team: string): Line[] {
  const file = join(dir, '.tessera', 'alerts', `${team}.log`);
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line) : [];
}


describe('grouping windows (pure)', () => {
  it('parses group_window in tessera.yaml and product.yaml, and refuses what is not a duration', () => {
    const base = { name: 'items', domain: 'up', owner: 'src', kind: 'source-aligned', ports: [{ name: 'items' }] };
    expect(meshSchema.safeParse({ name: 'm', alerts: { group_window: '10m' } }).success).toBe(true);
    expect(productSchema.safeParse({ ...base, alerts: { group_window: '1h' } }).success).toBe(true);
    expect(meshSchema.safeParse({ name: 'm', alerts: { group_window: 'ten minutes' } }).success).toBe(false);
  });

  it('routes new things under a window and leaves acknowledgements and tests out of it; the product overrides the mesh', () => {
    const policyOf = policies({ spec: { alerts: { group_window: '10m' } }, products: [{ spec: { domain: 'up', name: 'items', alerts: { group_window: '30m' } } }] });
    const channels = [{ type: 'file', path: 'a.log' }];
    const at = new Date('2026-06-01T12:00:00Z');
    expect(routeMessage(message('incident', [item('new', 1)]), channels, policyOf, at).routes.map((r) => r.windowMs)).toEqual([30 * MINUTE]);
    const elsewhere = { ...item('new', 2), product: 'down.x', node: 'port:down.x' };
    expect(routeMessage(message('impact', [elsewhere]), channels, policyOf, at).routes.map((r) => r.windowMs)).toEqual([10 * MINUTE]);
    expect(routeMessage(message('update', [item('acknowledged', 1)]), channels, policyOf, at).routes.map((r) => r.windowMs)).toEqual([undefined]);
    expect(routeMessage(message('test', [item('test', 1)]), channels, policyOf, at).routes.map((r) => r.windowMs)).toEqual([undefined]);
    // Without a window: as before, nothing gathered.
    expect(routeMessage(message('incident', [item('new', 1)]), channels, policies({ spec: {}, products: [] }), at).routes.map((r) => r.windowMs)).toEqual([undefined]);
  });

  it('merges a window in the order things happened, lists an item once, and titles what it holds', () => {
    const first = message('impact', []);
    const withImpact: Message = { ...first, impacts: [{ fingerprint: 'a|port:a.b|c', incident: 9, upstream: 'a.b', title: 'a.b broke', owner: 'other', affected: ['up.items'], reads: ['a.b'] }] };
    const merged = mergeMessages(mergeMessages(withImpact, message('incident', [item('new', 1), item('new', 2)])), message('update', [item('acknowledged', 1), item('new', 2)]));
    expect(merged.kind).toBe('incident');
    expect(merged.items.map((i) => `${i.status}#${i.incident ?? 0}`)).toEqual(['new#1', 'new#2', 'acknowledged#1']);
    expect(merged.impacts).toHaveLength(1);
    expect(merged.title).toBe('2 incidents in m, 1 acknowledged; Upstream problem (other): 1 input of yours affected');
  });
});

describe('grouping windows (recorder, DuckDB)', () => {
  it('gathers a run and an access request into one held message per channel; the next window is another message', async () => {
    const files = writeIncidentsMesh();
    cleanups.push(files.cleanup);
    files.write('tessera.yaml', 'name: alerting\nalerts:\n  group_window: 10m\n');
    files.write('data/items.csv', itemsCsv(true));
    const receiver = new Receiver();
    const url = await receiver.start();
    cleanups.push(() => receiver.stop());
    let clock = new Date();
    const { mesh, graph, warehouse, alerts, close } = await openRecorder(files.dir, url, { now: () => clock });
    cleanups.push(close);

    // An hour ahead, so the window is open whatever the machine's speed.
    const t0 = new Date(Date.now() + 3_600_000);
    const summary = await runMesh({ root: files.dir, mesh, graph, warehouse, concurrency: 2 });
    const state = await openState(warehouse);
    expect((await alerts.recorder.recordRun(mesh, graph, runFacts(summary, await state.checkResults(summary.runId)), t0)).opened).toBe(1);
    const [audit] = await alerts.store.incidents({ team: 'src' });
    if (!audit) throw new Error('no incident');
    const closes = new Date(t0.getTime() + 10 * MINUTE).toISOString();
    // As times, not as the store's text (it drops trailing zeros of the milliseconds).
    const iso = (text: string): string => new Date(text).toISOString();
    const srcRows = async (): Promise<{ channel: string; incidents: readonly number[]; due: string; status: string; parts: number }[]> =>
      (await alerts.store.outbox()).filter((r) => r.team === 'src').map((r) => ({ channel: r.channel['type'] ?? '', incidents: r.incidentIds, due: iso(r.nextAttemptAt), status: r.status, parts: r.partKeys?.length ?? 0 })).sort((a, b) => a.channel.localeCompare(b.channel));
    expect(await srcRows()).toEqual([
      { channel: 'file', incidents: [audit.id], due: closes, status: 'pending', parts: 1 },
      { channel: 'webhook', incidents: [audit.id], due: closes, status: 'pending', parts: 1 },
    ]);
    expect((await alerts.store.entries(audit.id)).map((e) => e.kind)).toContain('grouped');

    // Three minutes later: an access request for the same team joins the same rows; recorded twice, it joins once.
    const request = { id: 7, port: 'up.items', product: 'up.items', owner: 'src', requester: 'mia@mid.test', unmasked: true, purpose: 'stock reconciliation' };
    await alerts.recorder.recordAccessRequest(mesh, graph, request, new Date(t0.getTime() + 3 * MINUTE));
    await alerts.recorder.recordAccessRequest(mesh, graph, request, new Date(t0.getTime() + 4 * MINUTE));
    const asked = (await alerts.store.incidents({ team: 'src' })).find((i) => i.kind === 'access-request');
    if (!asked) throw new Error('no access-request incident');
    // Acknowledged within the window: the acknowledgement joins the message, after the incident it answers.
    await alerts.recorder.acknowledge(mesh, audit.id, 'sam@src.test', 'on it', new Date(t0.getTime() + 5 * MINUTE));
    expect(await srcRows()).toEqual([
      { channel: 'file', incidents: [audit.id, asked.id], due: closes, status: 'pending', parts: 3 },
      { channel: 'webhook', incidents: [audit.id, asked.id], due: closes, status: 'pending', parts: 3 },
    ]);

    // Before the window closes nothing goes out; after, one message per channel.
    await alerts.deliverer.flush();
    expect(receiver.on('/src')).toEqual([]);
    expect(fileLines(files.dir, 'src')).toEqual([]);
    clock = new Date(t0.getTime() + 11 * MINUTE);
    await alerts.deliverer.flush({ untilIdle: true, waitMs: 0 });
    expect(receiver.on('/src')).toHaveLength(1);
    const [line] = fileLines(files.dir, 'src');
    expect(fileLines(files.dir, 'src')).toHaveLength(1);
    expect(line?.message.items.map((i) => `${i.status}#${i.incident ?? 0}`)).toEqual([`new#${audit.id}`, `new#${asked.id}`, `acknowledged#${audit.id}`]);
    expect(line?.message.title).toBe('2 incidents in alerting, 1 acknowledged');
    const hook = receiver.on('/src')[0]?.json as { idempotency_key: string; items: unknown[] };
    expect(hook.items).toHaveLength(3);
    // The gathered message is one notification: one idempotency key, the window row's.
    expect(hook.idempotency_key).toBe((await alerts.store.outbox()).find((r) => r.team === 'src' && r.channel['type'] === 'webhook')?.key);
    // The downstream teams' impact notices were gathered the same way: one each.
    expect(fileLines(files.dir, 'mid').map((l) => l.kind)).toEqual(['impact']);

    // Twelve minutes after the first: a new window, a new message; a resolution with no window holding it goes at once.
    await alerts.recorder.recordAccessRequest(mesh, graph, { ...request, id: 8, unmasked: false }, new Date(t0.getTime() + 12 * MINUTE));
    await alerts.recorder.resolve(mesh, audit.id, 'sam@src.test', 'fixed', undefined, new Date(t0.getTime() + 12 * MINUTE));
    const pending = (await alerts.store.outbox({ status: 'pending' })).filter((r) => r.team === 'src' && r.channel['type'] === 'file');
    expect(pending.map((r) => [r.kind, iso(r.nextAttemptAt)])).toEqual(
      expect.arrayContaining([
        ['update', expect.any(String) as unknown],
        ['incident', new Date(t0.getTime() + 22 * MINUTE).toISOString()],
      ]),
    );
    await alerts.deliverer.flush({ untilIdle: true, waitMs: 0 });
    expect(fileLines(files.dir, 'src').map((l) => l.message.items.map((i) => i.status).join())).toEqual(['new,new,acknowledged', 'resolved']);
  });
});

describe('grouping windows (server, restarted mid-window)', () => {
  it('holds the window in the outbox across a restart, sends it once as one message, and acknowledgements still work', async () => {
    const files = writeIncidentsMesh();
    cleanups.push(files.cleanup);
    files.write('tessera.yaml', 'name: alerting\nalerts:\n  group_window: 10m\n');
    const receiver = new Receiver();
    const url = await receiver.start();
    cleanups.push(() => receiver.stop());
    const start = (offsetMs: number): Promise<RunningServer> => startAlertServer(files.dir, url, { delivery: { now: () => new Date(Date.now() + offsetMs) } });
    let server = await start(0);
    let stopped = false;
    cleanups.push(async () => {
      if (!stopped) await server.close();
    });
    let call = apiCaller(server);

    files.write('data/items.csv', itemsCsv(true));
    const job = server.context.jobs.submit({ kind: 'run', trigger: 'api' });
    await until(() => ['success', 'failed', 'cancelled'].includes(server.context.jobs.get(job.id)?.status ?? ''), 30_000);
    const { mia, sam } = await memberTokens(server);
    expect((await call('POST', '/api/access-requests', { port: 'up.items', purpose: 'stock reconciliation', unmasked: true }, mia)).status).toBe(201);
    type Incident = { id: number; kind: string };
    const incidents = (await call<{ incidents: Incident[] }>('GET', '/api/incidents?team=src')).json.incidents;
    const audit = incidents.find((i) => i.kind === 'audit-failed');
    const asked = incidents.find((i) => i.kind === 'access-request');
    if (!audit || !asked) throw new Error(JSON.stringify(incidents));
    expect((await call('POST', `/api/incidents/${audit.id}/ack`, { reason: 'on it' }, sam)).status).toBe(200);

    // The delivery log says the team's channels hold one gathered message each, until the window closes.
    type Log = { channels: { type: string; counts: Record<string, number>; notifications: { state: string; grouped?: number; incidents: number[] }[] }[] };
    const log = (await call<Log>('GET', '/api/teams/src/deliveries')).json;
    for (const channel of log.channels) {
      expect(channel.counts, channel.type).toMatchObject({ pending: 1, held: 1, retrying: 0, delivered: 0 });
      expect(channel.notifications.map((n) => [n.state, n.grouped, n.incidents]), channel.type).toEqual([['held', 3, [audit.id, asked.id]]]);
    }
    expect(receiver.on('/src')).toEqual([]);

    // Restarted after the window closed (its clock moved on): the held rows go out, once.
    await server.close();
    stopped = true;
    server = await start(11 * MINUTE);
    stopped = false;
    call = apiCaller(server);
    await until(() => receiver.on('/src').length >= 1 && fileLines(files.dir, 'src').length >= 1);
    const [sent] = receiver.on('/src');
    expect((sent?.json as { items: { status: string; incident: number }[] }).items.map((i) => `${i.status}#${i.incident}`)).toEqual([`new#${audit.id}`, `new#${asked.id}`, `acknowledged#${audit.id}`]);

    // After the window: resolving goes at once (nothing holds it), as without a window.
    expect((await call('POST', `/api/incidents/${audit.id}/resolve`, { reason: 'fixed' }, sam)).status).toBe(200);
    await until(() => receiver.on('/src').length >= 2);
    expect((receiver.on('/src')[1]?.json as { kind: string; items: { status: string }[] }).items.map((i) => i.status)).toEqual(['resolved']);
    expect(receiver.on('/src')).toHaveLength(2);
    expect(fileLines(files.dir, 'src').filter((l) => l.kind !== 'update')).toHaveLength(1);
  });
});
