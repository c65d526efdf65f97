import { describe, expect, it } from 'vitest';
import { autoApproves, decidePortAccess, holdingGrants, type Grant, type Identity, type PortPolicy } from './index.js';

const now = new Date('2026-12-06T12:00:00Z');

function policy(access: PortPolicy['access'], masked: Record<string, 'hash' | 'mask' | 'remove'> = { email: 'hash' }): PortPolicy {
  return { port: 'people.customers', domain: 'people', table: 'customers', product: 'people.customers', owner: 'people-team', access, columns: ['id', 'email'], masked: new Map(Object.entries(masked)), autoApprove: ['growth-team'] };
}

const owner: Identity = { kind: 'member', email: 'alice@x', teams: ['people-team'] };
const member: Identity = { kind: 'member', email: 'bob@x', teams: ['growth-team'] };
const outsider: Identity = { kind: 'member', email: 'dan@x', teams: [] };
const service: Identity = { kind: 'service', name: 'metabase' };
const admin: Identity = { kind: 'admin', name: 'local' };
const model: Identity = { kind: 'product', product: 'growth.segments', team: 'growth-team' };

const grant = (subject: string, unmasked: boolean, expiresAt?: string): Grant => ({ port: 'people.customers', subject, unmasked, source: 'request', ...(expiresAt ? { expiresAt } : {}) });

describe('decidePortAccess', () => {
  it('lets the admin and the owning team read raw, at every level', () => {
    for (const level of ['public', 'internal', 'restricted'] as const) {
      expect(decidePortAccess(admin, policy(level), [], now)).toMatchObject({ allowed: true, relation: 'raw', via: 'admin' });
      expect(decidePortAccess(owner, policy(level), [], now)).toMatchObject({ allowed: true, relation: 'raw', via: 'owner' });
    }
  });

  it('public: anyone, masked', () => {
    for (const who of [member, outsider, service, model]) expect(decidePortAccess(who, policy('public'), [], now)).toMatchObject({ allowed: true, relation: 'masked', via: 'public' });
  });

  it('internal: members of a team and products, not service accounts or people in no team', () => {
    expect(decidePortAccess(member, policy('internal'), [], now)).toMatchObject({ allowed: true, relation: 'masked' });
    expect(decidePortAccess(model, policy('internal'), [], now)).toMatchObject({ allowed: true, relation: 'masked' });
    expect(decidePortAccess(service, policy('internal'), [], now)).toEqual({ allowed: false, reason: 'internal' });
    expect(decidePortAccess(outsider, policy('internal'), [], now)).toEqual({ allowed: false, reason: 'internal' });
    expect(decidePortAccess(service, policy('internal'), [grant('service:metabase', false)], now)).toMatchObject({ allowed: true, via: 'grant' });
  });

  it('restricted: only with a grant that holds, to the identity or one of its teams', () => {
    expect(decidePortAccess(member, policy('restricted'), [], now)).toEqual({ allowed: false, reason: 'restricted' });
    expect(decidePortAccess(member, policy('restricted'), [grant('team:growth-team', false)], now)).toMatchObject({ allowed: true, relation: 'masked', via: 'grant' });
    expect(decidePortAccess(member, policy('restricted'), [grant('bob@x', false)], now)).toMatchObject({ allowed: true });
    expect(decidePortAccess(member, policy('restricted'), [grant('team:other', false)], now)).toMatchObject({ allowed: false });
    expect(decidePortAccess(member, policy('restricted'), [grant('bob@x', false, '2026-12-06T11:59:59Z')], now)).toMatchObject({ allowed: false });
    expect(decidePortAccess(member, policy('restricted'), [{ ...grant('bob@x', false), port: 'people.other' }], now)).toMatchObject({ allowed: false });
  });

  it('reads raw only with an unmasked grant; a port without masks is raw for every reader', () => {
    expect(decidePortAccess(member, policy('public'), [grant('bob@x', true)], now)).toMatchObject({ relation: 'raw' });
    expect(decidePortAccess(member, policy('public'), [grant('bob@x', true, '2026-01-01T00:00:00Z')], now)).toMatchObject({ relation: 'masked' });
    const masks = decidePortAccess(member, policy('public', { email: 'hash', name: 'remove' }), [], now);
    expect(masks.allowed && [...masks.masks]).toEqual([['email', 'hash'], ['name', 'remove']]);
    expect(decidePortAccess(member, policy('public', {}), [], now)).toMatchObject({ relation: 'raw', via: 'public' });
  });

  it('approves requests at once only for masked reads by the listed teams', () => {
    expect(autoApproves(member, policy('restricted'), false)).toBe(true);
    expect(autoApproves(member, policy('restricted'), true)).toBe(false);
    expect(autoApproves(outsider, policy('restricted'), false)).toBe(false);
    expect(holdingGrants(member, 'people.customers', [grant('team:growth-team', false), grant('carol@x', true)], now)).toHaveLength(1);
  });
});
