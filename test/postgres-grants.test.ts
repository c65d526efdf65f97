/**
 * The access rules enforced by PostgreSQL itself: a people mesh built on a real
 * PostgreSQL warehouse, then real `psql` connecting straight to the engine as a member
 * of each team's role sees what the gateway's matrix says (test/access-matrix.test.ts),
 * and cannot name internals, version tables or Tessera's state, however it asks.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePeople } from './support/people-mesh.js';
import { startPostgres, type PostgresServer } from './support/postgres-server.js';
import { runCli } from './support/run-cli.js';

const run = promisify(execFile);
let pgServer: PostgresServer;
let people: ReturnType<typeof writePeople>;
const VARIABLE = 'TESSERA_GRANTS_TEST_URL';

/** One statement through real psql as a login role; rows as arrays of text, or the error psql printed. */
async function psql(user: string, sql: string): Promise<{ rows: string[][]; error?: string }> {
  try {
    const { stdout } = await run('psql', ['-X', '-q', '-A', '-t', '-F', '|', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(pgServer.port), '-U', user, '-d', 'warehouse', '-c', sql], {
      env: { ...process.env, PGPASSWORD: `${user}-pw`, PGCONNECT_TIMEOUT: '10' },
    });
    return { rows: stdout.trim() === '' ? [] : stdout.trim().split('\n').map((line) => line.split('|')) };
  } catch (error) {
    return { rows: [], error: String((error as { stderr?: string }).stderr ?? error) };
  }
}

beforeAll(async () => {
  pgServer = await startPostgres();
  process.env[VARIABLE] = await pgServer.createDatabase('warehouse');
  people = writePeople();
  people.write('tessera.yaml', `name: people_mesh\nwarehouse: { type: postgres, url_env: ${VARIABLE} }\n`);
  const built = await runCli(['run', '--dir', people.dir]);
  expect(built.exitCode, `${built.stdout}\n${built.stderr}`).toBe(0);
  expect(built.stdout).toMatch(/Engine grants: \d+ statement\(s\) applied to the team roles/);
  // People log in as themselves; their team's role is what they are members of.
  await pgServer.sql(`CREATE ROLE alice LOGIN PASSWORD 'alice-pw' IN ROLE tessera_people_team;
    CREATE ROLE bob LOGIN PASSWORD 'bob-pw' IN ROLE tessera_growth_team;
    CREATE ROLE carol LOGIN PASSWORD 'carol-pw' IN ROLE tessera_finance_team;
    CREATE ROLE mallory LOGIN PASSWORD 'mallory-pw'`);
}, 120_000);

afterAll(async () => {
  Reflect.deleteProperty(process.env, VARIABLE);
  await pgServer.stop();
  people.cleanup();
});

const RAW_EMAILS = ['ann@example.com', 'ben@example.com', 'cas@example.com'];

describe('a team role connecting straight to PostgreSQL sees what the gateway shows', () => {
  it('the owners read raw values through tessera_raw, and the masked view too', async () => {
    const raw = await psql('alice', 'select email from tessera_raw.people__customers order by customer_id');
    expect(raw.error).toBeUndefined();
    expect(raw.rows.map((r) => r[0])).toEqual(RAW_EMAILS);
    const masked = await psql('alice', 'select email from people.customers order by customer_id');
    expect(masked.rows.map((r) => r[0])).not.toEqual(RAW_EMAILS);
  });

  it('growth (a masked grant on the restricted port) reads hashes, masks and removed columns, never the raw relation', async () => {
    const masked = await psql('bob', 'select email, full_name, phone, birth_date from people.customers order by customer_id');
    expect(masked.error).toBeUndefined();
    expect(masked.rows).toHaveLength(3);
    for (const [email, name, phone] of masked.rows) {
      expect(email).toMatch(/^[0-9a-f]{32}$/);
      expect(name).toMatch(/^\w\*\*\*$/);
      expect(phone).toBe('');
    }
    expect((await psql('bob', 'select email from tessera_raw.people__customers')).error).toMatch(/permission denied/);
    expect((await psql('bob', 'select city, customers from people.cities order by city')).rows).toEqual([['Leiden', '1'], ['Utrecht', '2']]);
  });

  it('finance (no grant) is refused the restricted port, and reads the internal one masked', async () => {
    expect((await psql('carol', 'select * from people.customers')).error).toMatch(/permission denied/);
    const contacts = await psql('carol', 'select email from people.contacts order by customer_id');
    expect(contacts.error).toBeUndefined();
    expect(contacts.rows.map((r) => r[0])).not.toEqual(RAW_EMAILS);
  });

  it('a login in no team reads nothing of the mesh', async () => {
    for (const sql of ['select * from people.cities', 'select * from people.customers', 'select * from tessera_raw.people__cities']) {
      expect((await psql('mallory', sql)).error, sql).toMatch(/permission denied/);
    }
  });

  it('no team role reaches internals, version tables or the state, by any spelling', async () => {
    const versions = await pgServer.sql(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'tessera_versions' ORDER BY 1 LIMIT 1`, 'warehouse');
    const versionTable = String(versions[0]?.table_name);
    const attempts = [
      'select * from people__customers.customers',
      `select * from tessera_versions."${versionTable}"`,
      'select * from tessera_state.tokens',
      'select * from tessera_state.audit_log',
      'select * from "TESSERA_RAW".people__customers',
      'select * from /* c */ tessera_raw . "people__customers"',
      'with x as (select * from tessera_raw.people__customers) select * from x',
      "select * from query_to_xml('select email from tessera_raw.people__customers', true, true, '')",
    ];
    for (const who of ['bob', 'carol']) {
      for (const sql of attempts) {
        const answer = await psql(who, sql);
        expect(answer.error, `${who}: ${sql}`).toMatch(/permission denied|does not exist/);
        for (const email of RAW_EMAILS) expect(answer.error ?? '', `${who}: ${sql}`).not.toContain(email);
      }
    }
  });
});

describe('tessera grants plan and apply', () => {
  it('says the engine already grants what the rules say after a run', async () => {
    const plan = await runCli(['grants', 'plan', '--dir', people.dir]);
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('✓ the warehouse grants exactly this already');
    expect(plan.stdout).toContain('tessera_growth_team (team:growth-team): growth.segments (raw), people.cities (raw), people.contacts, people.customers');
  });

  it('revokes a withdrawn grant: plan shows the REVOKE, apply runs it, and growth is refused at once', async () => {
    const product = 'products/people/customers/product.yaml';
    const before = readFileSync(join(people.dir, product), 'utf8');
    people.write(product, before.replace(/    grants:\n      - \{ team: growth-team, purpose: Segments for campaigns \}\n/, ''));
    try {
      const plan = await runCli(['grants', 'plan', '--dir', people.dir]);
      expect(plan.stdout).toContain('REVOKE SELECT ON "people"."customers" FROM "tessera_growth_team";');
      expect((await psql('bob', 'select count(*) from people.customers')).rows).toEqual([['3']]);
      const apply = await runCli(['grants', 'apply', '--dir', people.dir]);
      expect(apply.exitCode, apply.stderr).toBe(0);
      expect(apply.stdout).toMatch(/✓ applied \d+ statement\(s\) in one transaction/);
      expect((await psql('bob', 'select count(*) from people.customers')).error).toMatch(/permission denied/);
    } finally {
      people.write(product, before);
    }
    expect((await runCli(['grants', 'apply', '--dir', people.dir])).exitCode).toBe(0);
    expect((await psql('bob', 'select count(*) from people.customers')).rows).toEqual([['3']]);
  });

  it('doctor sees the warehouse, its migrations and grants in step', async () => {
    const doctor = await runCli(['doctor', '--dir', people.dir]);
    expect(doctor.exitCode, doctor.stdout + doctor.stderr).toBe(0);
    expect(doctor.stdout).toMatch(/✓ warehouse +postgres PostgreSQL 15/);
    expect(doctor.stdout).toMatch(/✓ grants +\d+ role\(s\) grant exactly what the access rules say/);
  });
});

describe('the gateway over a PostgreSQL warehouse', () => {
  it("runs consumer queries as the gateway's role, which reads ports and nothing else, and refuses SQL run from a string", async () => {
    const { startServer } = await import('../src/server/index.js');
    const server = await startServer({ root: people.dir, port: 0, logger: false, schedule: false });
    try {
      const ask = async (sql: string): Promise<{ status: number; body: { rows?: unknown[][]; code?: string; message?: string } }> => {
        const response = await fetch(`${server.url}/api/sql`, { method: 'POST', headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ sql }) });
        return { status: response.status, body: (await response.json()) as { rows?: unknown[][]; code?: string; message?: string } };
      };
      // Even the admin's queries go through the role: the wall does not depend on who asks.
      const raw = await ask('select email from people.customers order by customer_id');
      expect(raw.status).toBe(200);
      expect(raw.body.rows?.map((r) => r[0])).toEqual(RAW_EMAILS);
      expect((await ask('select current_user as who')).body.rows).toEqual([['tessera_gateway']]);
      const member = await pgServer.sql(`SELECT has_table_privilege('tessera_gateway', 'tessera_state.tokens', 'SELECT') AS tokens, has_table_privilege('tessera_gateway', 'people.customers', 'SELECT') AS port`, 'warehouse');
      expect(member[0]).toEqual({ tokens: false, port: true });
      for (const sql of [
        "select query_to_xml('select * from tessera_state.tokens', true, true, '')",
        "select table_to_xml('tessera_raw.people__customers', true, true, '')",
        "select set_config('role', 'postgres', false)",
      ]) {
        const answer = await ask(sql);
        expect(answer.status, sql).toBe(403);
        expect(JSON.stringify(answer.body), sql).not.toContain('ann@example.com');
      }
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('access requests and the engine roles', () => {
  it('an approved request lets the team role read at once, and a revoked one stops it at once', async () => {
    const { startServer } = await import('../src/server/index.js');
    const { PEOPLE } = await import('./support/people-mesh.js');
    const server = await startServer({ root: people.dir, port: 0, logger: false, schedule: false });
    try {
      const token = async (email: string): Promise<string> => (await server.context.access.createToken({ kind: 'member', email }, { createdBy: 'test' })).secret;
      const carol = await token(PEOPLE.carol);
      const alice = await token(PEOPLE.alice);
      const post = async (who: string, path: string, body: unknown): Promise<{ status: number; body: { id?: number; status?: string } }> => {
        const response = await fetch(`${server.url}/api${path}`, { method: 'POST', headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return { status: response.status, body: (await response.json()) as { id?: number; status?: string } };
      };
      expect((await psql('carol', 'select count(*) from people.customers')).error).toMatch(/permission denied/);
      const asked = await post(carol, '/access-requests', { port: 'people.customers', purpose: 'Quarterly revenue per customer', team: 'finance-team' });
      expect(asked.status).toBe(201);
      expect((await post(alice, `/access-requests/${String(asked.body.id)}/approve`, {})).body.status).toBe('approved');
      const granted = await psql('carol', 'select email from people.customers order by customer_id');
      expect(granted.error).toBeUndefined();
      expect(granted.rows.map((r) => r[0])).not.toEqual(RAW_EMAILS);
      expect((await post(alice, `/access-requests/${String(asked.body.id)}/revoke`, { reason: 'quarter closed' })).body.status).toBe('revoked');
      expect((await psql('carol', 'select count(*) from people.customers')).error).toMatch(/permission denied/);
    } finally {
      await server.close();
    }
  }, 60_000);
});
