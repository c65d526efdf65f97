import { describe, expect, it } from 'vitest';
import type { Product, TeamSpec } from '../../spec/index.js';
import type { Finding } from '../rule.js';
import { ownershipRule } from './ownership.js';
import { specFile as file, memoryMesh } from '../../../test/support/memory-mesh.js';

function product(domain: string, name: string, owner: string): Product {
  const dir = `products/${domain}/${name}`;
  return { id: `${domain}.${name}`, spec: { name, domain, owner, kind: 'source-aligned' }, dir, file: file(`${dir}/product.yaml`), models: [] };
}

const team = (id: string, domains?: string[]): TeamSpec => ({ id, name: id, ...(domains ? { domains } : {}) });

function check(teams: TeamSpec[], products: Product[], hasTeamsFile = true): Finding[] {
  const mesh = memoryMesh(products, { teams, ...(hasTeamsFile ? { teamsFile: file('teams.yaml') } : {}) });
  return ownershipRule.check({ mesh, graph: { nodes: new Map(), products: new Map(), order: [] }, options: {}, today: '2026-11-21' });
}

const summary = (findings: Finding[]): string[] => findings.map((f) => `${f.location?.file ?? ''} ${f.severity ?? 'warning'} ${f.domain ?? '-'}`);

describe('ownership', () => {
  it('is satisfied when each domain has one team and that team owns its products', () => {
    const teams = [team('shop', ['commerce']), team('money', ['finance', 'payments'])];
    expect(check(teams, [product('commerce', 'orders', 'shop'), product('payments', 'invoices', 'money')])).toEqual([]);
  });

  it('a domain claimed by several teams is an error at each later claim', () => {
    const teams = [team('a', ['commerce', 'finance']), team('b', ['finance']), team('c', ['growth', 'Finance']), team('d', ['growth', 'growth'])];
    const findings = check(teams, []);
    expect(summary(findings)).toEqual([
      'teams.yaml#teams.1.domains.0 error finance',
      'teams.yaml#teams.2.domains.1 error Finance',
      'teams.yaml#teams.3.domains.0 error growth',
    ]);
    expect(findings[1]?.message).toBe('Domain `Finance` is claimed by team `c` and already by `a`, `b`: a domain has one owning team.');
    expect(findings[1]?.hint).toBe('Remove `Finance` from the `domains` of all but one of `a`, `b`, `c` in teams.yaml.');
  });

  it('a product owned by another team than its domain\'s is a warning at `owner`', () => {
    const teams = [team('shop', ['commerce']), team('money', ['finance']), team('growth')];
    const findings = check(teams, [product('commerce', 'orders', 'money'), product('finance', 'ledger', 'growth')]);
    expect(summary(findings)).toEqual(['products/commerce/orders/product.yaml#owner warning commerce', 'products/finance/ledger/product.yaml#owner warning finance']);
    expect(findings[0]?.message).toBe('Product commerce.orders is owned by `money`, but teams.yaml gives domain `commerce` to `shop`.');
    expect(findings[0]?.hint).toBe('Set `owner: shop`, or move the product to a domain `money` owns (finance).');
    expect(findings[1]?.hint).toBe('Set `owner: money`, or move `finance` from the `domains` of `money` to those of `growth` in teams.yaml.');
  });

  it('leaves unknown owners to the compiler, and contested domains to the conflict', () => {
    const teams = [team('a', ['commerce', 'finance']), team('b', ['finance'])];
    const findings = check(teams, [product('commerce', 'orders', 'nobody'), product('finance', 'ledger', 'a'), product('finance', 'budget', 'b')]);
    expect(summary(findings)).toEqual(['teams.yaml#teams.1.domains.0 error finance']);
  });

  it('a domain no team declares is info at `domain`', () => {
    const findings = check([team('growth', ['marketing'])], [product('growth', 'sessions', 'growth'), product('growth', 'funnel', 'ghost')]);
    expect(summary(findings)).toEqual(['products/growth/sessions/product.yaml#domain info growth', 'products/growth/funnel/product.yaml#domain info growth']);
    expect(findings[0]?.message).toBe('Domain `growth` of product growth.sessions is not declared by any team in teams.yaml, so nobody is accountable for it.');
    expect(findings[0]?.hint).toBe("Add `growth` to the `domains` of the team that owns it in teams.yaml (`growth`, the product's owner, if that is right).");
    expect(findings[1]?.hint).toBe('Add `growth` to the `domains` of the team that owns it in teams.yaml.');
  });

  it('matches domains case-insensitively', () => {
    expect(check([team('shop', ['Commerce'])], [product('commerce', 'orders', 'shop')])).toEqual([]);
  });

  it('says nothing without teams.yaml (that is already file/missing)', () => {
    expect(check([], [product('commerce', 'orders', 'shop')], false)).toEqual([]);
  });
});
