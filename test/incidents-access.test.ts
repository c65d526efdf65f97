/**
 * Access requests as events, through a real server's API: a request that waits for the
 * owners of a port opens an incident of theirs, told on their channels (who asks, for
 * which port, what, how to approve); approving or denying it resolves that incident; a
 * request approved at once opens nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { accessRequested, openNodes, type KnownIncident } from '../src/incidents/index.js';
import { apiCaller, memberTokens, Receiver, startAlertServer, until, writeIncidentsMesh } from './support/incidents-mesh.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});


interface Incident {
  id: number;
  kind: string;
  team: string;
  node: string;
  status: string;
  title: string;
  message: string;
  resolution?: string;
  resolvedBy?: string;
}

interface Sent {
  kind: string;
  items: { status: string; incident: number; title: string; message: string }[];
}

describe('access requests as events', () => {
  it("are events of the port's owners, one incident per request, that never make data downstream stale", () => {
    const event = accessRequested({ id: 4, port: 'up.items', product: 'up.items', owner: 'src', requester: 'service:stock-bot', team: 'mid', unmasked: false, purpose: 'counts', expiresAt: '2027-01-31T00:00:00.000Z' });
    expect(event).toMatchObject({ kind: 'access-request', severity: 'warning', team: 'src', node: 'port:up.items', check: 'access-request:4' });
    expect(event.title).toBe('Access request #4: service:stock-bot for team mid asks to read up.items');
    expect(event.message).toMatch(/^service:stock-bot for team mid asks to read up\.items as consumers see it \(masks applied\), until 2027-01-31\. Purpose: “counts”\. Approve with/);
    const known = (kind: string, id: number): KnownIncident => ({ id, fingerprint: `up.items|port:up.items|${kind}`, node: 'port:up.items', status: 'open', kind, affected: [] });
    expect([...openNodes([known('access-request', 1)])]).toEqual([]);
    expect([...openNodes([known('access-request', 1), known('audit-failed', 2)])]).toEqual(['port:up.items']);
  });

  it('tells the owners of the port, and resolves when they decide', async () => {
    const files = writeIncidentsMesh();
    cleanups.push(files.cleanup);
    // up.items is restricted; members of team mid are approved at once for masked reads.
    const spec = readFileSync(join(files.dir, 'products/up/items/product.yaml'), 'utf8').replace('    freshness: 1h\n', '    freshness: 1h\n    access: restricted\n    auto_approve: [mid]\n');
    files.write('products/up/items/product.yaml', spec);
    const receiver = new Receiver();
    const url = await receiver.start();
    cleanups.push(() => receiver.stop());
    const server = await startAlertServer(files.dir, url);
    cleanups.push(() => server.close());
    const call = apiCaller(server);
    const { mia, sam } = await memberTokens(server);
    const incidents = async (): Promise<Incident[]> => (await call<{ incidents: Incident[] }>('GET', '/api/incidents?team=src', undefined, server.adminToken)).json.incidents.filter((i) => i.kind === 'access-request');

    // Approved at once (masked, by an auto-approved team): nothing waits, nobody is told.
    const auto = await call<{ id: number; status: string }>('POST', '/api/access-requests', { port: 'up.items', purpose: 'stock dashboard' }, mia);
    expect(auto.json.status).toBe('approved');
    expect(await incidents()).toEqual([]);

    // Unmasked: it waits for the owners (team src), and is an incident of theirs.
    const asked = await call<{ id: number; status: string }>('POST', '/api/access-requests', { port: 'up.items', purpose: 'reconcile stock counts', unmasked: true, expiresInDays: 30 }, mia);
    expect(asked).toMatchObject({ status: 201, json: { status: 'pending' } });
    const [incident] = await incidents();
    if (!incident) throw new Error('no incident for the request');
    expect(incident).toMatchObject({ team: 'src', node: 'port:up.items', status: 'open' });
    expect(incident.title).toBe(`Access request #${asked.json.id}: mia@mid.test asks to read up.items unmasked`);
    expect(incident.message).toContain('reconcile stock counts');
    expect(incident.message).toContain('with its masked columns raw');
    expect(incident.message).toContain(`tessera access approve ${asked.json.id}`);

    // Routed to the owners' channels like any other incident (its webhook and its file), and to no other team.
    await until(() => receiver.on('/src').length >= 1);
    const told = receiver.on('/src')[0]?.json as Sent;
    expect(told.items.map((i) => [i.status, i.incident])).toEqual([['new', incident.id]]);
    expect(told.items[0]?.message).toContain(`tessera access approve ${asked.json.id}`);
    expect(receiver.on('/slack-mid')).toEqual([]);
    // On the product pages: the owners' own product shows it; the product downstream is not told its input is stale.
    type Related = { incidents: (Incident & { relation: string })[] };
    expect((await call<Related>('GET', '/api/incidents?product=up.items&status=active')).json.incidents.map((i) => [i.id, i.relation])).toEqual([[incident.id, 'own']]);
    expect((await call<Related>('GET', '/api/incidents?product=mid.stock&status=active')).json.incidents).toEqual([]);

    // Only the owners decide; approving settles the incident, and the team hears who did.
    expect((await call('POST', `/api/access-requests/${asked.json.id}/approve`, {}, mia)).status).toBe(403);
    expect((await incidents())[0]?.status).toBe('open');
    expect((await call('POST', `/api/access-requests/${asked.json.id}/approve`, { reason: 'ok for the audit' }, sam)).status).toBe(200);
    const settled = (await incidents()).find((i) => i.id === incident.id);
    expect(settled).toMatchObject({ status: 'resolved', resolution: 'auto', resolvedBy: 'sam@src.test' });
    type Detail = { timeline: { kind: string; detail: string }[] };
    const timeline = (await call<Detail>('GET', `/api/incidents/${incident.id}`, undefined, server.adminToken)).json.timeline;
    expect(timeline.find((e) => e.kind === 'resolved')?.detail).toBe(`Resolved by sam@src.test: access request #${asked.json.id} approved (ok for the audit)`);
    await until(() => receiver.on('/src').length >= 2);
    expect((receiver.on('/src')[1]?.json as Sent).items.map((i) => [i.status, i.incident])).toEqual([['resolved', incident.id]]);

    // Denied: resolved too, saying why; revoking the approved grant later opens nothing new.
    const second = await call<{ id: number }>('POST', '/api/access-requests', { port: 'up.items', purpose: 'one more look', unmasked: true }, mia);
    const other = (await incidents()).find((i) => i.title.startsWith(`Access request #${second.json.id}:`));
    if (!other) throw new Error('no incident for the second request');
    expect(other.id).not.toBe(incident.id);
    expect((await call('POST', `/api/access-requests/${second.json.id}/deny`, { reason: 'not needed' }, sam)).status).toBe(200);
    expect((await incidents()).find((i) => i.id === other.id)).toMatchObject({ status: 'resolved', resolvedBy: 'sam@src.test' });
    expect((await call('POST', `/api/access-requests/${asked.json.id}/revoke`, {}, sam)).status).toBe(200);
    expect((await incidents()).map((i) => i.status)).toEqual(['resolved', 'resolved']);
  });
});
