/**
 * A team's alerting over time, through a real server: the delivery log of each channel
 * (`GET /api/teams/:id/deliveries`: delivered, retrying with its next attempt, dead, the
 * channel's last answer) against a local receiver that fails on purpose, and MTTA/MTTR
 * per week (`GET /api/teams/:id/incident-times`), with the weekly medians checked on
 * known times first.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { median, weekStart, weeklyTimes } from '../src/incidents/index.js';
import { apiCaller, itemsCsv, Receiver, startAlertServer, until, writeIncidentsMesh } from './support/incidents-mesh.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});


describe('MTTA/MTTR per week (pure)', () => {
  it('buckets by the week each incident was acknowledged or resolved, with median minutes', () => {
    expect(weekStart(new Date('2026-12-06T23:59:00Z'))).toBe('2026-11-30'); // a Sunday belongs to the week before
    expect(weekStart(new Date('2026-12-07T00:00:00Z'))).toBe('2026-12-07');
    expect(median([])).toBeUndefined();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
    const at = (iso: string, minutes: number): string => new Date(Date.parse(iso) + minutes * 60_000).toISOString();
    const opened = '2026-11-24T09:00:00.000Z'; // the week of 23 November
    const weeks = weeklyTimes(
      [
        { openedAt: opened, acknowledgedAt: at(opened, 10), resolvedAt: at(opened, 30) },
        { openedAt: opened, acknowledgedAt: at(opened, 20), resolvedAt: at(opened, 90) },
        { openedAt: opened, acknowledgedAt: at(opened, 60) },
        // Acknowledged in one week, resolved in the next: counted in each for what happened then.
        { openedAt: '2026-11-29T23:00:00.000Z', acknowledgedAt: '2026-11-29T23:30:00.000Z', resolvedAt: '2026-11-30T01:00:00.000Z' },
        // Older than the weeks asked for: left out.
        { openedAt: '2026-10-01T00:00:00.000Z', acknowledgedAt: '2026-10-01T00:05:00.000Z' },
        { openedAt: '2026-12-01T00:00:00.000Z' },
      ],
      3,
      new Date('2026-12-02T12:00:00Z'),
    );
    expect(weeks).toEqual([
      { week: '2026-11-16', acknowledged: 0, resolved: 0 },
      { week: '2026-11-23', acknowledged: 4, mttaMinutes: 25, resolved: 2, mttrMinutes: 60 },
      { week: '2026-11-30', acknowledged: 0, resolved: 1, mttrMinutes: 120 },
    ]);
  });
});

describe('a team’s alerting in the API', () => {
  it('shows each channel’s delivery log, and the team’s times per week', async () => {
    const files = writeIncidentsMesh();
    cleanups.push(files.cleanup);
    // Team other gets a webhook whose variable is not set: shown, with why it is not used.
    const teams = readFileSync(join(files.dir, 'teams.yaml'), 'utf8').replace('      - { type: file, path: .tessera/alerts/other.log }\n', '      - { type: file, path: .tessera/alerts/other.log }\n      - { type: webhook, url_env: HOOK_OTHER }\n');
    files.write('teams.yaml', teams);
    const receiver = new Receiver();
    const url = await receiver.start();
    cleanups.push(() => receiver.stop());
    // src's webhook fails (500: retried, the next attempt a minute away); mid's Slack webhook is gone (404: a dead letter).
    receiver.answer((path) => (path === '/src' ? 'fail' : path === '/slack-mid' ? 'gone' : 'ok'));
    const server = await startAlertServer(files.dir, url, { delivery: { backoffMs: 60_000, maxBackoffMs: 120_000 } });
    cleanups.push(() => server.close());
    const call = apiCaller(server);

    files.write('data/items.csv', itemsCsv(true));
    const job = server.context.jobs.submit({ kind: 'run', trigger: 'api' });
    await until(() => ['success', 'failed', 'cancelled'].includes(server.context.jobs.get(job.id)?.status ?? ''), 30_000);

    type Notification = { state: string; status: string; attempts: number; nextAttemptAt: string; lastError?: string; answer?: string; kind: string; incidents: number[] };
    type Log = { team: string; channels: { type: string; place: string; declared: boolean; problem?: string; counts: Record<string, number>; notifications: Notification[] }[] };
    const log = async (team: string): Promise<Log> => (await call<Log>('GET', `/api/teams/${team}/deliveries`)).json;
    await until(async () => (await log('src')).channels.every((c) => c.notifications.length > 0 && c.notifications.every((n) => n.attempts > 0)));
    await until(async () => (await log('mid')).channels.every((c) => c.notifications.some((n) => n.state === 'delivered' || n.state === 'dead')));

    const src = await log('src');
    expect(src.channels.map((c) => [c.type, c.place, c.declared])).toEqual([
      ['webhook', '$HOOK_SRC', true],
      ['file', '.tessera/alerts/src.log', true],
    ]);
    const [hook, file] = src.channels;
    expect(hook?.counts).toMatchObject({ delivered: 0, pending: 1, retrying: 1, dead: 0 });
    expect(hook?.notifications[0]).toMatchObject({ kind: 'incident', state: 'retrying', status: 'pending', attempts: 1, lastError: '500 server_error' });
    expect(Date.parse(hook?.notifications[0]?.nextAttemptAt ?? '')).toBeGreaterThan(Date.now());
    expect(file?.counts).toMatchObject({ delivered: 1, retrying: 0, dead: 0 });
    expect(file?.notifications[0]).toMatchObject({ state: 'delivered', attempts: 1, answer: 'appended to .tessera/alerts/src.log' });

    const mid = await log('mid');
    const slack = mid.channels.find((c) => c.type === 'slack');
    expect(slack?.counts).toMatchObject({ dead: 1, delivered: 0 });
    expect(slack?.notifications[0]).toMatchObject({ kind: 'impact', state: 'dead', attempts: 1, lastError: '404 no_service' });
    expect(mid.channels.find((c) => c.type === 'file')?.notifications.map((n) => n.state)).toEqual(['delivered']);

    const other = await log('other');
    expect(other.channels.find((c) => c.type === 'webhook')).toMatchObject({ place: '$HOOK_OTHER', problem: 'not configured: the environment variable HOOK_OTHER is not set', notifications: [] });
    // Secrets never shown: the variable's name stands for the URL.
    expect(JSON.stringify([src, mid])).not.toContain('127.0.0.1');
    expect((await call('GET', '/api/teams/nobody/deliveries')).status).toBe(404);

    // Times per week: the incident acknowledged and resolved now counts in this week.
    const audit = (await call<{ incidents: { id: number; kind: string }[] }>('GET', '/api/incidents?team=src')).json.incidents.find((i) => i.kind === 'audit-failed');
    if (!audit) throw new Error('no incident');
    type Times = { team: string; weeks: { week: string; acknowledged: number; resolved: number; mttaMinutes?: number; mttrMinutes?: number }[] };
    const before = (await call<Times>('GET', '/api/teams/src/incident-times?weeks=4')).json;
    expect(before.weeks.map((w) => w.acknowledged + w.resolved)).toEqual([0, 0, 0, 0]);
    expect((await call('POST', `/api/incidents/${audit.id}/ack`, { reason: 'on it' })).status).toBe(200);
    expect((await call('POST', `/api/incidents/${audit.id}/resolve`, { reason: 'fixed' })).status).toBe(200);
    const after = (await call<Times>('GET', '/api/teams/src/incident-times?weeks=4')).json;
    expect(after.weeks).toHaveLength(4);
    const week = after.weeks.at(-1);
    expect(week).toMatchObject({ week: weekStart(new Date()), acknowledged: 1, resolved: 1 });
    expect(week?.mttaMinutes).toBeGreaterThanOrEqual(0);
    expect(week?.mttrMinutes).toBeGreaterThanOrEqual(week?.mttaMinutes ?? 0);
    expect(after.weeks.slice(0, 3).every((w) => w.mttaMinutes === undefined && w.mttrMinutes === undefined)).toBe(true);
    expect((await call<Times>('GET', '/api/teams/far/incident-times?weeks=2')).json.weeks.map((w) => w.acknowledged)).toEqual([0, 0]);
  });
});
