import { describe, expect, it } from 'vitest';
import { engineRole, isEngineRole, planEngineGrants, type Grant, type PortPolicy } from './index.js';

const now = new Date('2026-12-06T12:00:00Z');

function policy(port: string, access: PortPolicy['access'], masked: Record<string, 'hash' | 'mask' | 'remove'> = {}): PortPolicy {
  const [domain = '', table = ''] = port.split('.');
  return { port, domain, table, product: `${domain}.${table}`, owner: 'people-team', access, columns: ['id', 'email'], masked: new Map(Object.entries(masked)), autoApprove: [] };
}

const policies = new Map(
  [policy('people.customers', 'restricted', { email: 'hash' }), policy('people.contacts', 'internal', { email: 'hash' }), policy('people.cities', 'public')].map((p) => [p.port, p]),
);
const grants: Grant[] = [
  { port: 'people.customers', subject: 'team:growth-team', unmasked: false, source: 'spec' },
  { port: 'people.contacts', subject: 'service:metabase', unmasked: false, source: 'request', requestId: 3 },
  { port: 'people.customers', subject: 'dan@people.test', unmasked: true, source: 'request', requestId: 4 },
  { port: 'people.contacts', subject: 'team:finance-team', unmasked: true, source: 'request', expiresAt: '2026-12-01T00:00:00Z' },
];

function readsOf(role: string): string[] {
  return planEngineGrants(['people-team', 'growth-team', 'finance-team'], policies, grants, now)
    .reads.filter((r) => r.role === role)
    .map((r) => `${r.port}:${r.relation}`)
    .sort();
}

describe('the engine grant plan: the access decision as roles', () => {
  it('names one role per team and per service account in a grant, in characters every engine accepts', () => {
    const plan = planEngineGrants(['people-team', 'growth-team', 'finance-team'], policies, grants, now);
    expect(plan.roles.map((r) => r.role)).toEqual(['tessera_finance_team', 'tessera_growth_team', 'tessera_people_team', 'tessera_service_metabase', 'tessera_gateway']);
    expect(engineRole({ team: 'Data-Ops.eu' })).toBe('tessera_data_ops_eu');
    expect(isEngineRole('tessera_growth_team')).toBe(true);
    expect(isEngineRole('growth')).toBe(false);
  });

  it('gives the owners raw and masked relations of every port', () => {
    expect(readsOf('tessera_people_team')).toEqual([
      'people.cities:masked', 'people.cities:raw', 'people.contacts:masked', 'people.contacts:raw', 'people.customers:masked', 'people.customers:raw',
    ]);
  });

  it('gives a team with a masked grant the masked relation of a restricted port, and internal ports masked', () => {
    // cities has no masked column: masked and raw are the same data, and the decision says raw.
    expect(readsOf('tessera_growth_team')).toEqual(['people.cities:masked', 'people.cities:raw', 'people.contacts:masked', 'people.customers:masked']);
  });

  it('gives nothing for an expired grant, and no restricted port without a grant', () => {
    expect(readsOf('tessera_finance_team')).toEqual(['people.cities:masked', 'people.cities:raw', 'people.contacts:masked']);
  });

  it('gives a service account public ports and what it was granted, never internal ports by default', () => {
    expect(readsOf('tessera_service_metabase')).toEqual(['people.cities:masked', 'people.cities:raw', 'people.contacts:masked']);
  });

  it("gives the gateway's role every port, masked and raw, and nothing else", () => {
    expect(readsOf('tessera_gateway')).toEqual([
      'people.cities:masked', 'people.cities:raw', 'people.contacts:masked', 'people.contacts:raw', 'people.customers:masked', 'people.customers:raw',
    ]);
  });

  it('leaves a grant to one person to the gateway, and says so', () => {
    const plan = planEngineGrants(['people-team'], policies, grants, now);
    expect(plan.gatewayOnly.map((g) => g.subject)).toEqual(['dan@people.test']);
    expect(plan.reads.some((r) => r.role.includes('dan'))).toBe(false);
  });
});
