import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePeople } from './support/people-mesh.js';
import { runCli } from './support/run-cli.js';

let people: ReturnType<typeof writePeople>;

beforeAll(() => {
  people = writePeople();
  // A channel whose URL comes from a variable this environment lacks: doctor says so.
  people.write('teams.yaml', `teams:
  - id: people-team
    name: People
    domains: [people]
    members: [{ name: Alice, email: alice@people.test }]
    channels:
      - { type: webhook, url_env: TESSERA_DOCTOR_UNSET_URL }
  - id: growth-team
    name: Growth
    domains: [growth]
  - id: finance-team
    name: Finance
    domains: [finance]
`);
}, 60_000);

afterAll(() => {
  people.cleanup();
});

describe('tessera doctor on the embedded warehouse', () => {
  it('before any run: reachable, no state yet, and the unset channel variable', async () => {
    const result = await runCli(['doctor', '--json', '--dir', people.dir]);
    const report = JSON.parse(result.stdout) as { ok: boolean; findings: { area: string; status: string; message: string }[] };
    expect(result.exitCode, result.stderr).toBe(0);
    expect(report.findings).toContainEqual(expect.objectContaining({ area: 'state', status: 'warn' }));
    expect(report.findings).toContainEqual(expect.objectContaining({ area: 'alerts', status: 'warn', message: expect.stringContaining('TESSERA_DOCTOR_UNSET_URL') as unknown }));
  });

  it('after a run: the engine and its version, migrations, grants left to the gateway, no dead letters', async () => {
    expect((await runCli(['run', '--dir', people.dir])).exitCode).toBe(0);
    const result = await runCli(['doctor', '--dir', people.dir]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/✓ warehouse +duckdb v1\.\d+/);
    expect(result.stdout).toMatch(/✓ migrations +3 of 3 applied, the last on \d{4}-\d\d-\d\d \d\d:\d\d \(check metrics, snapshot repairs\)/);
    expect(result.stdout).toContain('duckdb has no roles: the gateway enforces access');
    expect(result.stdout).toMatch(/! alerts +team people-team's webhook channel reads TESSERA_DOCTOR_UNSET_URL, which is not set here/);
    expect(result.stdout).toMatch(/✓ nothing broken, 1 to look at/);
  });

  it('grants plan on DuckDB shows each role and what it reads, and apply refuses with exit 2', async () => {
    const plan = await runCli(['grants', 'plan', '--dir', people.dir]);
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('tessera_growth_team (team:growth-team): growth.segments (raw), people.cities (raw), people.contacts, people.customers');
    expect(plan.stdout).toContain('tessera_finance_team (team:finance-team): growth.segments (raw), people.cities (raw), people.contacts');
    expect(plan.stdout).toContain('duckdb has no roles');
    const apply = await runCli(['grants', 'apply', '--dir', people.dir]);
    expect(apply.exitCode).toBe(2);
    expect(apply.stderr).toContain('needs a warehouse with roles (PostgreSQL)');
  });
});
