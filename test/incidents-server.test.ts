/**
 * Incidents in `tessera serve`: the SLA timer opens (and resolves) a freshness incident,
 * runs of the job queue open incidents and deliver their notifications, and the API
 * lists them, shows one with its timeline and delivery, and lets only the owning team's
 * members or the admin acknowledge and resolve.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server/index.js';
import { itemsCsv, Receiver, writeIncidentsMesh } from './support/incidents-mesh.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(condition: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Incident {
  id: number;
  kind: string;
  team: string;
  status: string;
  node: string;
  resolution?: string;
  acknowledgedBy?: string;
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the answer's shape
type Call = <T>(method: string, path: string, body?: unknown, token?: string) => Promise<{ status: number; json: T }>;

async function setup(): Promise<{ server: RunningServer; receiver: Receiver; write: (path: string, text: string) => void; call: Call }> {
  const files = writeIncidentsMesh();
  cleanups.push(files.cleanup);
  const receiver = new Receiver();
  const url = await receiver.start();
  cleanups.push(() => receiver.stop());
  const server = await startServer({
    root: files.dir,
    port: 0,
    logger: false,
    schedule: false,
    alerts: { slaIntervalMs: 150, pollMs: 50, env: { HOOK_SRC: `${url}/src`, HOOK_SECRET: 'k', SLACK_MID: `${url}/slack-mid` }, delivery: { backoffMs: 10, maxBackoffMs: 50, slackIntervalMs: 10 } },
  });
  cleanups.push(() => server.close());
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the answer's shape
  const call: Call = async <T>(method: string, path: string, body?: unknown, token = server.adminToken): Promise<{ status: number; json: T }> => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as T };
  };
  return { server, receiver, write: files.write, call };
}

async function runJob(server: RunningServer): Promise<void> {
  const job = server.context.jobs.submit({ kind: 'run', trigger: 'api' });
  await until(() => ['success', 'failed', 'cancelled'].includes(server.context.jobs.get(job.id)?.status ?? ''), 30_000);
}

describe('incidents in the server', () => {
  it('the SLA timer opens a freshness incident, and resolves it once the port is fresh', async () => {
    const { server, call } = await setup();
    const list = async (): Promise<Incident[]> => (await call<{ incidents: Incident[] }>('GET', '/api/incidents')).json.incidents;
    // Never published, with a 1h SLA: the timer (not a request to /api/sla) notices.
    await until(async () => (await list()).some((i) => i.kind === 'sla-breach'));
    const breach = (await list()).find((i) => i.kind === 'sla-breach');
    expect(breach).toMatchObject({ team: 'src', node: 'port:up.items', status: 'open' });
    await runJob(server);
    await until(async () => (await list()).find((i) => i.id === breach?.id)?.status === 'resolved');
    expect((await list()).find((i) => i.id === breach?.id)).toMatchObject({ resolution: 'auto' });
  });

  it('lists, shows with timeline and delivery, and lets only the owning team or the admin act', async () => {
    const { server, receiver, write, call } = await setup();
    write('data/items.csv', itemsCsv(true));
    await runJob(server);
    const open = (await call<{ incidents: Incident[]; teams: Record<string, { open: number }> }>('GET', '/api/incidents?team=src&status=open')).json;
    const audit = open.incidents.find((i) => i.kind === 'audit-failed');
    if (!audit) throw new Error(`no audit incident in ${JSON.stringify(open)}`);
    expect(open.teams['src']?.open).toBeGreaterThanOrEqual(1);
    expect((await call<{ incidents: Incident[] }>('GET', '/api/incidents?team=other')).json.incidents).toEqual([]);

    // Seen from a product downstream: the incident upstream is why its input is stale; from an unrelated product: nothing.
    type Related = { incidents: (Incident & { relation: string })[] };
    const fromMid = (await call<Related>('GET', '/api/incidents?product=mid.stock&status=active')).json.incidents;
    expect(fromMid.find((i) => i.id === audit.id)?.relation).toBe('upstream');
    expect((await call<Related>('GET', '/api/incidents?product=up.items&status=active')).json.incidents.find((i) => i.id === audit.id)?.relation).toBe('own');
    expect((await call<Related>('GET', '/api/incidents?product=other.misc')).json.incidents).toEqual([]);

    await until(() => receiver.on('/src').length >= 1 && receiver.on('/slack-mid').length >= 1);
    type Detail = { incident: Incident; timeline: { kind: string }[]; notifications: { kind: string; team: string; status: string; channel: { type: string; place: string } }[] };
    await until(async () => (await call<Detail>('GET', `/api/incidents/${audit.id}`)).json.notifications.every((n) => n.status === 'delivered'));
    const detail = (await call<Detail>('GET', `/api/incidents/${audit.id}`)).json;
    expect(detail.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['opened', 'attached']));
    expect(detail.notifications.map((n) => `${n.kind}:${n.team}:${n.channel.type}`).sort()).toEqual(['impact:far:file', 'impact:mid:file', 'impact:mid:slack', 'incident:src:file', 'incident:src:webhook']);
    // Secrets never shown: the variable's name stands for the URL.
    expect(JSON.stringify(detail)).not.toContain('127.0.0.1');

    const mia = (await server.context.access.createToken({ kind: 'member', email: 'mia@mid.test' }, { createdBy: 'test' })).secret;
    const sam = (await server.context.access.createToken({ kind: 'member', email: 'sam@src.test' }, { createdBy: 'test' })).secret;
    expect((await call('POST', `/api/incidents/${audit.id}/ack`, { reason: 'mine now' }, mia)).status).toBe(403);
    const acked = await call<{ incident: Incident }>('POST', `/api/incidents/${audit.id}/ack`, { reason: 'on it' }, sam);
    expect(acked.status).toBe(200);
    expect(acked.json.incident).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'sam@src.test' });
    expect((await call('POST', `/api/incidents/${audit.id}/ack`, {}, sam)).status).toBe(409);
    expect((await call('POST', `/api/incidents/${audit.id}/resolve`, { reason: 'because' })).status).toBe(400);
    const resolved = await call<{ incident: Incident }>('POST', `/api/incidents/${audit.id}/resolve`, { reason: 'expected', note: 'test data' });
    expect(resolved.json.incident).toMatchObject({ status: 'resolved', resolution: 'expected' });
    expect((await call('POST', `/api/incidents/${audit.id}/resolve`, { reason: 'fixed' })).status).toBe(409);
    expect((await call('GET', '/api/incidents/9999')).status).toBe(404);
    // The team heard both: an update for the acknowledgement and one for the resolution.
    await until(() => receiver.on('/src').length >= 3);
    const kinds = receiver.on('/src').map((r) => (r.json as { kind: string; items: { status: string }[] }).items.map((i) => i.status).join());
    expect(kinds.slice(-2)).toEqual(['acknowledged', 'resolved']);
  });
});
