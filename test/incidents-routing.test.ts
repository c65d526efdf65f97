/**
 * Routing policies (`alerts:` in tessera.yaml and product.yaml): severities to channels,
 * quiet hours held in the outbox, repeats of incidents left open, muted ports. Pure
 * planning first, then end to end through the recorder on a real DuckDB.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAlerts, runFacts } from '../src/alerts/index.js';
import { planRepeats, policies, quietUntil, routeMessage, type ChannelRef, type Message, type MessageItem, type PolicySource, type RepeatCandidate } from '../src/incidents/index.js';
import { openMeshWarehouse, openState, runMesh } from '../src/runner/index.js';
import { meshSchema, productSchema } from '../src/spec/index.js';
import { openMesh } from '../src/workspace/index.js';
import { itemsCsv, Receiver, writeIncidentsMesh } from './support/incidents-mesh.js';

const CHANNELS: ChannelRef[] = [{ type: 'webhook', url_env: 'HOOK' }, { type: 'file', path: 'a.log' }, { type: 'slack', url_env: 'SLACK' }];

function item(severity: 'critical' | 'warning', product: string, node: string, incident: number): MessageItem {
  return { status: 'new', severity, fingerprint: `${product}|${node}|c`, title: `${node} broke`, message: 'm', product, node, check: 'c', incident };
}

function message(items: MessageItem[]): Message {
  return { team: 'src', kind: 'incident', group: 'run:1', mesh: 'm', title: `${items.length} incidents in m`, items, impacts: [] };
}

function source(mesh: PolicySource['spec']['alerts'], products: Record<string, NonNullable<PolicySource['products'][number]['spec']['alerts']>> = {}): PolicySource {
  return {
    spec: { alerts: mesh },
    products: Object.entries(products).map(([id, alerts]) => {
      const [domain = '', name = ''] = id.split('.');
      return { spec: { domain, name, alerts } };
    }),
  };
}

describe('routing policies (pure)', () => {
  it('parses in tessera.yaml and product.yaml, and refuses what would have no effect', () => {
    const base = { name: 'items', domain: 'up', owner: 'src', kind: 'source-aligned', ports: [{ name: 'items' }] };
    expect(meshSchema.safeParse({ name: 'm', alerts: { severities: { warning: ['file', 2] }, quiet_hours: { from: '22:00', to: '07:00', timezone: 'Europe/Berlin' }, repeat: '4h' } }).success).toBe(true);
    expect(meshSchema.safeParse({ name: 'm', alerts: { quiet_hours: { from: '25:00', to: '07:00' } } }).success).toBe(false);
    expect(meshSchema.safeParse({ name: 'm', alerts: { quiet_hours: { from: '22:00', to: '07:00', timezone: 'Mars/Olympus' } } }).success).toBe(false);
    expect(meshSchema.safeParse({ name: 'm', alerts: { severities: { fail: ['file'] } } }).success).toBe(false);
    expect(meshSchema.safeParse({ name: 'm', alerts: { mute: ['up.items'] } }).success).toBe(false);
    expect(productSchema.safeParse({ ...base, alerts: { mute: ['up.items'], repeat: '1d' } }).success).toBe(true);
    const stray = productSchema.safeParse({ ...base, alerts: { mute: ['up.other'] } });
    expect(stray.success).toBe(false);
    expect(stray.error?.issues[0]?.message).toContain('is not a port of this product');
  });

  it('by default every item goes to every channel of the team, at once, as one row per channel', () => {
    const m = message([item('critical', 'up.items', 'port:up.items', 1), item('warning', 'up.items', 'model:up.x', 2)]);
    const routing = routeMessage(m, CHANNELS, policies(source(undefined)), new Date('2026-06-01T23:30:00Z'));
    expect(routing.routes.map((r) => [r.channel, r.message === m, r.notBefore])).toEqual([
      [0, true, undefined],
      [1, true, undefined],
      [2, true, undefined],
    ]);
    expect(routing.muted).toEqual([]);
  });

  it('severities pick channels by type or index; the product overrides the mesh', () => {
    const policyOf = policies(source({ severities: { warning: ['file'], critical: ['webhook', 2] } }, { 'up.items': { severities: { warning: [] } } }));
    const m = message([item('critical', 'down.x', 'port:down.x', 1), item('warning', 'down.x', 'port:down.x', 2), item('warning', 'up.items', 'port:up.items', 3)]);
    const routing = routeMessage(m, CHANNELS, policyOf, new Date('2026-06-01T12:00:00Z'));
    expect(routing.routes.map((r) => [r.channel, r.message.items.map((i) => i.incident)])).toEqual([
      [0, [1]],
      [1, [2]],
      [2, [1]],
    ]);
    // A part of a grouped message says what it holds.
    expect(routing.routes[0]?.message.title).toBe('1 incident in m');
  });

  it('quiet hours hold what is not critical until they end, in their time zone; critical goes at once', () => {
    expect(quietUntil(new Date('2026-06-01T23:30:00Z'), { from: '22:00', to: '07:00' })?.toISOString()).toBe('2026-06-02T07:00:00.000Z');
    expect(quietUntil(new Date('2026-06-02T03:15:20Z'), { from: '22:00', to: '07:00' })?.toISOString()).toBe('2026-06-02T07:00:00.000Z');
    expect(quietUntil(new Date('2026-06-02T07:00:00Z'), { from: '22:00', to: '07:00' })).toBeUndefined();
    expect(quietUntil(new Date('2026-06-02T12:00:00Z'), { from: '12:00', to: '13:30' })?.toISOString()).toBe('2026-06-02T13:30:00.000Z');
    // 21:30 UTC is 23:30 in Berlin (summer time): quiet there until 07:00 local, 05:00 UTC.
    expect(quietUntil(new Date('2026-06-01T21:30:00Z'), { from: '22:00', to: '07:00', timezone: 'Europe/Berlin' })?.toISOString()).toBe('2026-06-02T05:00:00.000Z');

    const policyOf = policies(source({ quiet_hours: { from: '22:00', to: '07:00' } }));
    const m = message([item('critical', 'up.items', 'port:up.items', 1), item('warning', 'up.items', 'port:up.items', 2)]);
    const routing = routeMessage(m, CHANNELS.slice(0, 1), policyOf, new Date('2026-06-01T23:30:00Z'));
    expect(routing.routes.map((r) => [r.message.items.map((i) => i.incident), r.notBefore?.toISOString()])).toEqual([
      [[1], undefined],
      [[2], '2026-06-02T07:00:00.000Z'],
    ]);
    expect(routing.held).toEqual([{ incident: 2, until: new Date('2026-06-02T07:00:00Z') }]);
  });

  it('muted ports notify nobody: neither their owners nor the impact notices downstream', () => {
    const policyOf = policies(source(undefined, { 'up.items': { mute: ['up.items'] } }));
    const m = message([item('critical', 'up.items', 'port:up.items', 1), item('critical', 'up.items', 'model:up.raw', 2)]);
    const routing = routeMessage(m, CHANNELS.slice(0, 1), policyOf, new Date());
    expect(routing.muted).toEqual([1]);
    expect(routing.routes.map((r) => r.message.items.map((i) => i.incident))).toEqual([[2]]);
    const impact: Message = { team: 'mid', kind: 'impact', group: 'run:1', mesh: 'm', title: 't', items: [], impacts: [{ fingerprint: 'up.items|port:up.items|c', incident: 1, upstream: 'up.items', title: 't', owner: 'src', affected: ['mid.stock'], reads: ['up.items'] }] };
    expect(routeMessage(impact, CHANNELS, policyOf, new Date())).toMatchObject({ routes: [], muted: [1] });
  });

  it('repeats an incident left open past the interval, saying how long it has been open; never acknowledged or muted ones', () => {
    const opened = '2026-06-01T08:00:00.000Z';
    const base: RepeatCandidate = { id: 1, fingerprint: 'up.items|port:up.items|c', team: 'src', product: 'up.items', node: 'port:up.items', check: 'c', severity: 'critical', status: 'open', title: 'up.items broke', message: 'max 700', openedAt: opened };
    const incidents: RepeatCandidate[] = [
      base,
      { ...base, id: 2, status: 'acknowledged' },
      { ...base, id: 3, product: 'up.quiet', node: 'port:up.quiet' },
      { ...base, id: 4, notifiedAt: '2026-06-01T11:00:00.000Z' },
    ];
    const policyOf = policies(source({ repeat: '4h' }, { 'up.quiet': { mute: ['up.quiet'] } }));
    const early = planRepeats({ incidents, policyOf, at: new Date('2026-06-01T11:59:00Z'), mesh: 'm' });
    expect(early.due).toEqual([]);
    const { messages, due } = planRepeats({ incidents, policyOf, at: new Date('2026-06-01T12:10:00Z'), mesh: 'm' });
    expect(due.map((i) => i.id)).toEqual([1]);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.items[0]).toMatchObject({ status: 'repeat', incident: 1, message: 'Open for 4h 10m, not acknowledged: max 700' });
    // No repeat without a policy.
    expect(planRepeats({ incidents, policyOf: policies(source(undefined)), at: new Date('2026-06-09T00:00:00Z'), mesh: 'm' }).due).toEqual([]);
  });
});

describe('routing policies end to end (recorder, DuckDB)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('routes by severity, holds warnings in the quiet hours, repeats what stays open and mutes ports', async () => {
    const files = writeIncidentsMesh();
    cleanups.push(files.cleanup);
    files.write('tessera.yaml', `name: alerting
alerts:
  severities: { warning: [file] }
  quiet_hours: { from: "22:00", to: "07:00", timezone: UTC }
  repeat: 4h
`);
    // A check at warn on up.items (two rows), and other.misc failing its audit but muted.
    const items = readFileSync(join(files.dir, 'products/up/items/product.yaml'), 'utf8').replace('      - max(qty) < 100\n', '      - max(qty) < 100\n      - row_count: { warn: "< 10", fail: "= 0" }\n');
    files.write('products/up/items/product.yaml', items);
    const misc = readFileSync(join(files.dir, 'products/other/misc/product.yaml'), 'utf8').replace('      - { name: id, type: BIGINT, required: true }\n', '      - { name: id, type: BIGINT, required: true }\n    checks:\n      - row_count > 5\n');
    files.write('products/other/misc/product.yaml', `${misc}alerts:\n  mute: [other.misc]\n`);
    files.write('data/items.csv', itemsCsv(true));

    const receiver = new Receiver();
    const url = await receiver.start();
    cleanups.push(() => receiver.stop());
    const opened = await openMesh(files.dir);
    if (!opened.mesh || !opened.graph) throw new Error(JSON.stringify(opened.diagnostics));
    const { mesh, graph } = opened;
    const { warehouse, release } = await openMeshWarehouse(files.dir, mesh.spec, { command: 'test' });
    const alerts = await openAlerts(warehouse, { root: files.dir, env: { HOOK_SRC: `${url}/src`, HOOK_SECRET: 's', SLACK_MID: `${url}/slack-mid` }, backoffMs: 10, maxBackoffMs: 40, timeoutMs: 2000, slackIntervalMs: 20, maxAttempts: 3, mesh: () => mesh });
    cleanups.push(async () => {
      await alerts.close();
      await release();
    });
    const lines = (team: string): { kind: string; message: Message }[] => {
      const file = join(files.dir, '.tessera', 'alerts', `${team}.log`);
      return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; message: Message }) : [];
    };

    // Tomorrow at 23:00 UTC: within the quiet hours (and ahead of now, so the hold is real).
    const night = new Date(Date.now() + 86_400_000);
    night.setUTCHours(23, 0, 0, 0);
    const summary = await runMesh({ root: files.dir, mesh, graph, warehouse, concurrency: 2 });
    const state = await openState(warehouse);
    const outcome = await alerts.recorder.recordRun(mesh, graph, runFacts(summary, await state.checkResults(summary.runId)), night);
    expect(outcome.opened).toBe(3);

    const incidents = await alerts.store.incidents();
    const audit = incidents.find((i) => i.kind === 'audit-failed' && i.team === 'src');
    const warn = incidents.find((i) => i.kind === 'check-warn');
    const muted = incidents.find((i) => i.team === 'other');
    if (!audit || !warn || !muted) throw new Error(JSON.stringify(incidents));
    expect(muted).toMatchObject({ status: 'open', node: 'port:other.misc' });

    // Severities: the critical audit goes to the webhook and the file at once; the warning only to the file, held until 07:00.
    const rows = await alerts.store.outbox();
    const morning = new Date(night.getTime() + 8 * 3_600_000);
    const srcRows = rows.filter((r) => r.team === 'src');
    expect(srcRows.map((r) => [r.channel['type'], r.incidentIds, // Compared as times: the store writes `…:01.5Z` for `…:01.500Z`, which sorts after `…:01.512Z` as text.
      Date.parse(r.nextAttemptAt) > Date.now() ? r.nextAttemptAt : 'now']).sort()).toEqual(
      [
        ['file', [audit.id], 'now'],
        ['file', [warn.id], morning.toISOString().replace('.000Z', 'Z')],
        ['webhook', [audit.id], 'now'],
      ].sort(),
    );
    expect((await alerts.store.entries(warn.id)).map((e) => e.kind)).toContain('held');

    await alerts.deliverer.flush({ untilIdle: true, waitMs: 1000 });
    expect(receiver.on('/src')).toHaveLength(1);
    expect(lines('src').map((l) => l.message.items.map((i) => i.incident))).toEqual([[audit.id]]);
    // The held warning is still pending, due when the quiet hours end.
    expect((await alerts.store.outbox({ incidentId: warn.id })).map((r) => r.status)).toEqual(['pending']);
    expect((await alerts.store.due(morning)).map((r) => r.incidentIds)).toEqual([[warn.id]]);

    // Muted: opened and shown, nobody told, and its timeline says so.
    expect(lines('other')).toEqual([]);
    expect(rows.filter((r) => r.incidentIds.includes(muted.id))).toEqual([]);
    expect((await alerts.store.entries(muted.id)).map((e) => e.kind)).toEqual(expect.arrayContaining(['opened', 'muted']));

    // Repeat: 4 hours later the audit (critical, at once) and the warning (held again: 03:00 is quiet) are told again; the muted one is not.
    const later = new Date(night.getTime() + 4 * 3_600_000 + 5 * 60_000);
    const repeat = await alerts.recorder.recordRepeats(mesh, later);
    expect(repeat.repeatedNotices).toBe(2);
    await alerts.deliverer.flush({ untilIdle: true, waitMs: 1000 });
    expect(receiver.on('/src')).toHaveLength(2);
    const told = lines('src').at(-1)?.message.items[0];
    expect(told).toMatchObject({ status: 'repeat', incident: audit.id });
    expect(told?.message).toMatch(/^Open for 4h 5m, not acknowledged/);
    expect((await alerts.store.entries(audit.id)).map((e) => e.kind)).toContain('repeated');
    // Not again within the interval; never once acknowledged.
    expect((await alerts.recorder.recordRepeats(mesh, new Date(later.getTime() + 60_000))).repeatedNotices).toBe(0);
    await alerts.recorder.acknowledge(mesh, audit.id, 'sam@src.test', 'on it', later);
    const after = await alerts.recorder.recordRepeats(mesh, new Date(later.getTime() + 5 * 3_600_000));
    expect(after.repeatedNotices).toBe(1);
    expect((await alerts.store.entries(audit.id)).filter((e) => e.kind === 'repeated')).toHaveLength(1);
  });
});
