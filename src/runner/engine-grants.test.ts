import { describe, expect, it } from 'vitest';
import { duckdbDialect as d } from '../warehouse/index.js';
import { desiredPrivileges, grantStatements, type EnginePrivileges } from './engine-grants.js';

const none: EnginePrivileges = { roles: new Set(), reads: new Set(), usage: new Set() };

describe('grant statements: from what the engine grants to what the plan asks', () => {
  const plan = {
    roles: [{ role: 'tessera_growth', subject: 'team:growth' }],
    reads: [
      { role: 'tessera_growth', port: 'people.customers', relation: 'masked' as const },
      { role: 'tessera_growth', port: 'people.cities', relation: 'masked' as const },
      { role: 'tessera_growth', port: 'people.cities', relation: 'raw' as const },
      { role: 'tessera_growth', port: 'people.unpublished', relation: 'masked' as const },
    ],
    gatewayOnly: [],
  };
  const existing = new Set(['people.customers', 'people.cities', 'tessera_raw.people__cities', 'tessera_raw.people__customers']);

  it('creates the role, then grants schema usage and SELECT on the views that exist, raw ones in tessera_raw', () => {
    expect(grantStatements(d, desiredPrivileges(plan, existing), none)).toEqual([
      'CREATE ROLE "tessera_growth" NOLOGIN',
      `COMMENT ON ROLE "tessera_growth" IS 'managed by Tessera'`,
      'GRANT USAGE ON SCHEMA "people" TO "tessera_growth"',
      'GRANT USAGE ON SCHEMA "tessera_raw" TO "tessera_growth"',
      'GRANT SELECT ON "people"."cities" TO "tessera_growth"',
      'GRANT SELECT ON "people"."customers" TO "tessera_growth"',
      'GRANT SELECT ON "tessera_raw"."people__cities" TO "tessera_growth"',
    ]);
  });

  it('says nothing when the engine already grants exactly the plan', () => {
    const desired = desiredPrivileges(plan, existing);
    expect(grantStatements(d, desired, desired)).toEqual([]);
  });

  it('revokes what the plan no longer gives (a grant withdrawn, a port made restricted), before granting', () => {
    const desired = desiredPrivileges(plan, existing);
    const current: EnginePrivileges = {
      roles: new Set(['tessera_growth']),
      reads: new Set([...desired.reads, 'tessera_growth tessera_raw.people__customers']),
      usage: new Set([...desired.usage, 'tessera_growth people__customers']),
    };
    expect(grantStatements(d, desired, current)).toEqual([
      'REVOKE SELECT ON "tessera_raw"."people__customers" FROM "tessera_growth"',
      'REVOKE USAGE ON SCHEMA "people__customers" FROM "tessera_growth"',
    ]);
  });
});
