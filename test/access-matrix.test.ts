/**
 * Governed access end to end, on a real server over a real DuckDB warehouse: identities
 * of three teams and a service account × ports of every access level × grants (none,
 * masked, unmasked) × the doors (HTTP SQL, the PostgreSQL wire protocol through
 * node-postgres, and check samples in API answers) give exactly the expected rows and
 * masks. Then masking through other products' models, and an access request from ask
 * to expiry.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server/index.js';
import { PEOPLE, writePeople } from './support/people-mesh.js';
import { runCli } from './support/run-cli.js';

let people: ReturnType<typeof writePeople>;
let server: RunningServer;
const tokens: Record<string, string> = {};

async function token(subject: { kind: 'member'; email: string } | { kind: 'service'; name: string }): Promise<string> {
  return (await server.context.access.createToken(subject, { createdBy: 'test' })).secret;
}

interface SqlAnswer {
  status: number;
  body: { columns?: { name: string }[]; rows?: unknown[][]; code?: string; message?: string };
}

async function sql(who: string, text: string): Promise<SqlAnswer> {
  const response = await fetch(`${server.url}/api/sql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens[who] ?? ''}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sql: text }),
  });
  return { status: response.status, body: (await response.json()) as SqlAnswer['body'] };
}

/** Rows as objects, for readable expectations. */
function objects(answer: SqlAnswer): Record<string, unknown>[] {
  const names = (answer.body.columns ?? []).map((c) => c.name);
  return (answer.body.rows ?? []).map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]])));
}

async function viaPg(who: string, user: string, text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ host: server.pg?.host, port: server.pg?.port, user, password: tokens[who], database: 'people_mesh', ssl: false });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it expects
async function api<T>(who: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${tokens[who] ?? ''}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

const RAW_EMAILS = ['ann@example.com', 'ben@example.com', 'cas@example.com'];

beforeAll(async () => {
  people = writePeople();
  const run = await runCli(['run', '--dir', people.dir]);
  expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
  server = await startServer({ root: people.dir, port: 0, pgPort: 0, logger: false, schedule: false });
  tokens.admin = server.adminToken;
  tokens.alice = await token({ kind: 'member', email: PEOPLE.alice });
  tokens.bob = await token({ kind: 'member', email: PEOPLE.bob });
  tokens.carol = await token({ kind: 'member', email: PEOPLE.carol });
  tokens.metabase = await token({ kind: 'service', name: 'metabase' });
}, 60_000);

afterAll(async () => {
  await server.close();
  people.cleanup();
});

describe('who reads what, by access level, over HTTP SQL and the wire protocol', () => {
  // identity → port → expected: 'raw', 'masked' or 'refused'
  const matrix: Record<string, Record<string, 'raw' | 'masked' | 'refused'>> = {
    admin: { 'people.customers': 'raw', 'people.contacts': 'raw', 'people.cities': 'raw' },
    alice: { 'people.customers': 'raw', 'people.contacts': 'raw', 'people.cities': 'raw' },
    bob: { 'people.customers': 'masked', 'people.contacts': 'masked', 'people.cities': 'raw' },
    carol: { 'people.customers': 'refused', 'people.contacts': 'masked', 'people.cities': 'raw' },
    metabase: { 'people.customers': 'refused', 'people.contacts': 'refused', 'people.cities': 'raw' },
  };
  const users: Record<string, string> = { admin: 'admin', alice: PEOPLE.alice, bob: PEOPLE.bob, carol: PEOPLE.carol, metabase: 'metabase' };

  for (const [who, ports] of Object.entries(matrix)) {
    for (const [port, expected] of Object.entries(ports)) {
      it(`${who} reads ${port}: ${expected}`, async () => {
        const query = port === 'people.cities' ? `select city, customers from ${port} order by city` : `select customer_id, email from ${port} order by customer_id`;
        const http = await sql(who, query);
        if (expected === 'refused') {
          expect(http.status).toBe(403);
          expect(http.body.code).toBe('refused');
          await expect(viaPg(who, users[who] ?? who, query)).rejects.toMatchObject({ code: '42501' });
          return;
        }
        expect(http.status, JSON.stringify(http.body)).toBe(200);
        const rows = objects(http);
        expect(await viaPg(who, users[who] ?? who, query)).toEqual(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' && k !== 'customers' ? String(v) : v]))).map(normalisePg(port)));
        if (port === 'people.cities') {
          expect(rows).toEqual([
            { city: 'Leiden', customers: 1 },
            { city: 'Utrecht', customers: 2 },
          ]);
          return;
        }
        const emails = rows.map((r) => r.email);
        if (expected === 'raw') expect(emails).toEqual(RAW_EMAILS);
        else {
          expect(emails.every((e) => typeof e === 'string' && /^[0-9a-f]{32}$/.test(e))).toBe(true);
          expect(emails.some((e) => RAW_EMAILS.includes(String(e)))).toBe(false);
        }
      });
    }
  }

  it('masks every kind of column as the contract says, for a reader without clearance', async () => {
    const rows = objects(await sql('bob', 'select * from people.customers order by customer_id'));
    expect(rows[0]).toMatchObject({ customer_id: 1, full_name: 'A***', phone: null, birth_date: '1990-01-01', city: 'Utrecht' });
    expect(rows[2]).toMatchObject({ full_name: 'C***', birth_date: null });
    // Hashes are stable: the same e-mail always hashes the same, so masked columns still join.
    const again = objects(await sql('bob', 'select email from people.customers where customer_id = 1'));
    expect(again[0]?.email).toBe(rows[0]?.email);
    expect(createHash('sha256').update('ann@example.com').digest('hex').slice(0, 32)).not.toBe(rows[0]?.email);
  });

  it('joins masked ports on their hashes, across ports of one owner', async () => {
    const rows = objects(await sql('bob', 'select count(*) as n from people.customers c join people.contacts k on c.email = k.email'));
    expect(rows).toEqual([{ n: 3 }]);
  });

  it('lists only the ports an identity may read, with the columns it sees masked', async () => {
    const list = async (who: string): Promise<string[]> => (await api<{ ports: { schema: string; name: string }[] }>(who, '/api/sql/ports')).body.ports.map((p) => `${p.schema}.${p.name}`);
    expect(await list('metabase')).toEqual(['growth.segments', 'people.cities']);
    expect(await list('carol')).toEqual(['growth.segments', 'people.cities', 'people.contacts']);
    expect(await list('alice')).toEqual(['growth.segments', 'people.cities', 'people.contacts', 'people.customers', 'people.outreach']);
    const bobs = (await api<{ ports: { name: string; columns: { name: string; masked?: string }[] }[] }>('bob', '/api/sql/ports')).body.ports.find((p) => p.name === 'customers');
    expect(bobs?.columns.filter((c) => c.masked !== undefined).map((c) => `${c.name}:${c.masked ?? ''}`)).toEqual(['email:hash', 'full_name:mask', 'phone:remove', 'birth_date:mask']);
  });

  it('shows check samples raw to the owners, masked to a reader, and not at all to anyone else', async () => {
    const runs = await api<{ runs: { id: number }[] }>('admin', '/api/runs');
    const runId = runs.body.runs.at(-1)?.id;
    const sampleOf = async (who: string): Promise<{ sample?: Record<string, unknown>[]; sampleHidden?: boolean } | undefined> =>
      (await api<{ checks: { nodeId: string; name: string; sample?: Record<string, unknown>[]; sampleHidden?: boolean }[] }>(who, `/api/runs/${runId ?? 0}`)).body.checks.find((c) => c.nodeId === 'port:people.customers' && c.name.startsWith('missing_count(phone)'));
    expect((await sampleOf('alice'))?.sample?.[0]).toMatchObject({ customer_id: 2, email: 'ben@example.com', full_name: 'Ben Jones' });
    const masked = (await sampleOf('bob'))?.sample?.[0];
    expect(masked).toMatchObject({ customer_id: 2, full_name: 'B***', phone: null, birth_date: '1985-01-01' });
    // The sample's hash is the one the masked relation shows.
    const fromSql = objects(await sql('bob', 'select email from people.customers where customer_id = 2'))[0]?.email;
    expect(masked?.email).toBe(fromSql);
    const hidden = await sampleOf('carol');
    expect(hidden?.sample).toBeUndefined();
    expect(hidden?.sampleHidden).toBe(true);
  });
});

describe('the CLI through the running server', () => {
  it('runs tessera query, query --ports, runs and sla through the server, under the token it is given', async () => {
    const before = process.env.TESSERA_TOKEN;
    process.env.TESSERA_TOKEN = tokens.bob;
    try {
      const query = await runCli(['query', '--dir', people.dir, '--json', 'select email from people.customers order by customer_id']);
      expect(query.exitCode, query.stderr).toBe(0);
      const emails = (JSON.parse(query.stdout) as { rows: { email: string }[] }).rows.map((r) => r.email);
      expect(emails).toHaveLength(3);
      expect(emails.every((e) => /^[0-9a-f]{32}$/.test(e))).toBe(true);
      const ports = await runCli(['query', '--dir', people.dir, '--ports']);
      expect(ports.stdout).toMatch(/people\.customers .*\n\s+you see masked: email \(hash\)/);
      expect(ports.stdout).not.toContain('people.outreach');
      const refused = await runCli(['query', '--dir', people.dir, 'select * from people__customers.raw_customers']);
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toContain('Query refused');
      const runs = await runCli(['runs', '--dir', people.dir, '--json']);
      expect(runs.exitCode, runs.stderr).toBe(0);
      expect((JSON.parse(runs.stdout) as { runs: { id: number }[] }).runs.length).toBeGreaterThan(0);
      const sla = await runCli(['sla', '--dir', people.dir, '--all', '--json']);
      expect((JSON.parse(sla.stdout) as { ports: { port: string; reason: string }[] }).ports).toEqual([expect.objectContaining({ port: 'people.cities', reason: 'fresh' })]);
    } finally {
      if (before === undefined) delete process.env.TESSERA_TOKEN;
      else process.env.TESSERA_TOKEN = before;
    }
  });
});

describe('masking through other products', () => {
  it("gives another team's model hashes, and the owner's own model raw values", async () => {
    const segments = objects(await sql('admin', 'select customer_id, email_key from growth.segments order by customer_id'));
    const masked = objects(await sql('bob', 'select customer_id, email from people.customers order by customer_id'));
    expect(segments.map((r) => r.email_key)).toEqual(masked.map((r) => r.email));
    const outreach = objects(await sql('admin', 'select email from people.outreach order by customer_id'));
    expect(outreach.map((r) => r.email)).toEqual(RAW_EMAILS);
  });

  it("fails a model whose team may not read a restricted port, naming the port and the way to ask", async () => {
    people.write('products/finance/lookup/product.yaml', 'name: lookup\ndomain: finance\nowner: finance-team\nkind: consumer-aligned\n');
    people.write('products/finance/lookup/models/lookup.sql', 'select customer_id from people.customers\n');
    try {
      await new Promise((done) => setTimeout(done, 400));
      const job = await api<{ id: string }>('admin', '/api/jobs', { method: 'POST', body: { kind: 'run', select: ['finance.lookup'] } });
      expect(job.status).toBe(202);
      let status = '';
      let body: { status: string; result?: { nodes?: unknown } ; log?: string[] } = { status: '' };
      for (let i = 0; i < 100 && !['success', 'failed'].includes(status); i++) {
        await new Promise((done) => setTimeout(done, 100));
        body = (await api<typeof body>('admin', `/api/jobs/${job.body.id}`)).body;
        status = body.status;
      }
      expect(status).toBe('failed');
      expect((body.log ?? []).join('\n')).toMatch(/people\.customers, a restricted port/);
    } finally {
      const { rmSync } = await import('node:fs');
      rmSync(`${people.dir}/products/finance`, { recursive: true, force: true });
    }
  });
});

describe('access requests', () => {
  it('request, approve, read unmasked, expire, read masked again', async () => {
    const before = objects(await sql('bob', 'select email from people.customers order by customer_id'));
    expect(before.map((r) => r.email)).not.toEqual(RAW_EMAILS);
    const asked = await api<{ id: number; status: string }>('bob', '/api/access-requests', { method: 'POST', body: { port: 'people.customers', purpose: 'Send the winback e-mails', unmasked: true, expiresInDays: 7 } });
    expect(asked.status).toBe(201);
    expect(asked.body.status).toBe('pending');
    // Pending is not granted; and only the owners decide.
    expect(objects(await sql('bob', 'select email from people.customers order by customer_id')).map((r) => r.email)).toEqual(before.map((r) => r.email));
    expect((await api('bob', `/api/access-requests/${asked.body.id}/approve`, { method: 'POST', body: {} })).status).toBe(403);
    expect((await api('carol', `/api/access-requests/${asked.body.id}/approve`, { method: 'POST', body: {} })).status).toBe(404);
    const listed = await api<{ requests: { id: number; canDecide: boolean }[] }>('alice', '/api/access-requests?status=pending');
    expect(listed.body.requests.find((r) => r.id === asked.body.id)?.canDecide).toBe(true);
    const approved = await api<{ status: string; decidedBy: string }>('alice', `/api/access-requests/${asked.body.id}/approve`, { method: 'POST', body: { reason: 'campaign' } });
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: PEOPLE.alice });
    server.context.gateway.grantsChanged();
    expect(objects(await sql('bob', 'select email from people.customers order by customer_id')).map((r) => r.email)).toEqual(RAW_EMAILS);
    expect((await viaPg('bob', PEOPLE.bob, 'select email from people.customers order by customer_id')).map((r) => r.email)).toEqual(RAW_EMAILS);
    // A week later the grant has expired: masked again, at once.
    await server.context.warehouse.execute(`UPDATE tessera_state.access_requests SET expires_at = TIMESTAMP '2000-01-01 00:00:00' WHERE id = ${asked.body.id}`);
    server.context.gateway.grantsChanged();
    expect(objects(await sql('bob', 'select email from people.customers order by customer_id')).map((r) => r.email)).toEqual(before.map((r) => r.email));
  });

  it('lets the owners deny with a reason and revoke a grant at once', async () => {
    const asked = await api<{ id: number }>('carol', '/api/access-requests', { method: 'POST', body: { port: 'people.customers', purpose: 'Revenue per customer' } });
    expect((await api('alice', `/api/access-requests/${asked.body.id}/deny`, { method: 'POST', body: {} })).status).toBe(400);
    expect((await api<{ status: string }>('alice', `/api/access-requests/${asked.body.id}/deny`, { method: 'POST', body: { reason: 'use growth.segments' } })).body.status).toBe('denied');
    expect((await sql('carol', 'select count(*) from people.customers')).status).toBe(403);
    const again = await api<{ id: number }>('carol', '/api/access-requests', { method: 'POST', body: { port: 'people.customers', purpose: 'Revenue per customer, again' } });
    await api('alice', `/api/access-requests/${again.body.id}/approve`, { method: 'POST', body: {} });
    server.context.gateway.grantsChanged();
    expect(objects(await sql('carol', 'select count(*) as n from people.customers'))).toEqual([{ n: 3 }]);
    expect((await api<{ status: string }>('alice', `/api/access-requests/${again.body.id}/revoke`, { method: 'POST', body: { reason: 'done' } })).body.status).toBe('revoked');
    server.context.gateway.grantsChanged();
    expect((await sql('carol', 'select count(*) from people.customers')).status).toBe(403);
  });

  it('approves at once a masked request from a team the port auto-approves, and only that', async () => {
    expect((await sql('carol', 'select count(*) from people.outreach')).status).toBe(403);
    const masked = await api<{ status: string; decidedBy: string }>('carol', '/api/access-requests', { method: 'POST', body: { port: 'people.outreach', purpose: 'Dunning letters' } });
    expect(masked.body).toMatchObject({ status: 'approved', decidedBy: 'auto-approve' });
    server.context.gateway.grantsChanged();
    expect(objects(await sql('carol', 'select email from people.outreach order by customer_id')).every((r) => /^[0-9a-f]{32}$/.test(String(r.email)))).toBe(true);
    const raw = await api<{ status: string }>('carol', '/api/access-requests', { method: 'POST', body: { port: 'people.outreach', purpose: 'Dunning letters, real addresses', unmasked: true } });
    expect(raw.body.status).toBe('pending');
    expect((await api('bob', '/api/access-requests', { method: 'POST', body: { port: 'people.outreach', purpose: 'Not finance' } })).status).toBe(201);
    expect((await sql('bob', 'select count(*) from people.outreach')).status).toBe(403);
  });

  it('records every consumer query in the audit log, and usage per port from it', async () => {
    await server.context.access.flush();
    const log = await server.context.access.auditLog({ limit: 1000 });
    const refused = log.filter((e) => e.outcome === 'refused' && e.subject === PEOPLE.carol);
    expect(refused.length).toBeGreaterThan(0);
    const bobs = log.filter((e) => e.subject === PEOPLE.bob && e.outcome === 'ok' && e.ports.includes('people.customers'));
    expect(bobs.some((e) => e.masked.includes('people.customers'))).toBe(true);
    expect(bobs.some((e) => e.path === 'pg')).toBe(true);
    const usage = await api<{ ports: { port: string; readers: number; teams: string[] }[]; unread: string[] }>('admin', '/api/usage?days=30');
    expect(usage.body.ports.find((p) => p.port === 'people.customers')?.teams).toEqual(expect.arrayContaining(['growth-team', 'people-team']));
    expect(usage.body.unread).toEqual([]);
    const popular = await api<{ products: { id: string }[] }>('admin', '/api/products?sort=popular');
    expect(popular.body.products[0]?.id).toBe('people.customers');
  });
});

function normalisePg(port: string): (row: Record<string, unknown>) => Record<string, unknown> {
  // node-postgres parses BIGINT as text and leaves text as text; counts are BIGINT too.
  return (row) => (port === 'people.cities' ? { ...row, customers: String(row.customers) } : row);
}
