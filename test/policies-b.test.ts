/*
 * The governance rules pii-classified, pii-masked, kind-boundaries and
 * deprecation on meshes on disk (test/fixtures/policies/<rule>/{pass,fail}):
 * each mesh validates cleanly, `pass` gives none of these rules' findings, and
 * `fail` gives exactly the diagnostics listed here, at file:line:column.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintMesh, type LintFinding } from '../src/governance/index.js';
import { openMesh } from '../src/workspace/index.js';

const FIXTURES = fileURLToPath(new URL('fixtures/policies/', import.meta.url));
const RULES = ['pii-classified', 'pii-masked', 'kind-boundaries', 'deprecation'] as const;
type RuleId = (typeof RULES)[number];

/** Opens a fixture mesh (which must validate cleanly) and lints it; only the findings of `rules`. */
async function lint(fixture: string, rules: readonly RuleId[], today = '2026-11-21'): Promise<LintFinding[]> {
  const { mesh, graph, diagnostics } = await openMesh(join(FIXTURES, fixture), { cache: false });
  expect(diagnostics).toEqual([]);
  if (!mesh || !graph) throw new Error(`${fixture} did not load`);
  const codes = new Set(rules.map((r) => `policy/${r}`));
  return lintMesh(mesh, graph, { today }).filter((f) => codes.has(f.diagnostic.code));
}

/** One line per diagnostic: `severity file:line:column message`. */
const lines = (findings: readonly LintFinding[]): string[] =>
  findings.map(({ diagnostic: d }) => `${d.severity} ${d.location?.file ?? '?'}:${d.location?.line ?? 0}:${d.location?.column ?? 0} ${d.message}`);

describe.each(RULES)('policy/%s', (rule) => {
  it('passes its passing fixture, and none of these rules reports anything there', async () => {
    expect(lines(await lint(`${rule}/pass`, RULES))).toEqual([]);
  });
});

describe('policy/pii-classified on fixtures', () => {
  const YAML = 'products/crm/customers/product.yaml';

  it('reports each unclassified personal column of sources, models and ports, honouring the options', async () => {
    const findings = await lint('pii-classified/fail', ['pii-classified']);
    expect(lines(findings)).toEqual([
      `error ${YAML}:12:15 Column \`email\` of source \`raw_customers\` of crm.customers has no classification, but \`email\` in its name suggests an e-mail address.`,
      `error ${YAML}:21:15 Column \`date_of_birth\` of model \`stg_customers\` of crm.customers has no classification, but \`date_of_birth\` in its name suggests a date of birth.`,
      `error ${YAML}:33:15 Column \`mobile_number\` of port crm.customers has no classification, but \`mobile_number\` in its name suggests a phone number.`,
      `error ${YAML}:35:15 Column \`last_seen_from\` of port crm.customers has no classification, but its type INET holds IP addresses.`,
      `error ${YAML}:37:15 Column \`loyalty_card_no\` of port crm.customers has no classification, but its name matches /^loyalty_card/ (option \`patterns\`).`,
    ]);
    expect(findings.every((f) => f.diagnostic.hint?.endsWith('(fixable: tessera lint --fix)'))).toBe(true);
    expect(findings.map((f) => f.fix)).toEqual([
      [{ file: YAML, path: ['sources', 0, 'columns', 1, 'classification'], value: 'pii' }],
      [{ file: YAML, path: ['models', 0, 'columns', 0, 'classification'], value: 'pii' }],
      [{ file: YAML, path: ['ports', 0, 'columns', 2, 'classification'], value: 'pii' }],
      [{ file: YAML, path: ['ports', 0, 'columns', 3, 'classification'], value: 'pii' }],
      [{ file: YAML, path: ['ports', 0, 'columns', 4, 'classification'], value: 'pii' }],
    ]);
  });
});

describe('policy/pii-masked on fixtures', () => {
  const YAML = 'products/crm/customers/product.yaml';

  it('reports unmasked pii on public ports (declared, or by tessera.yaml defaults), not on internal or restricted ones', async () => {
    const findings = await lint('pii-masked/fail', ['pii-masked']);
    expect(lines(findings)).toEqual([
      `error ${YAML}:17:25 Column \`email\` of port crm.customers is classified pii and not masked, but the port is public (the \`defaults.access\` of tessera.yaml).`,
      `error ${YAML}:29:18 Column \`phone\` of port crm.contacts is classified pii and has \`masking: none\`, but the port is public.`,
    ]);
    expect(findings[0]?.diagnostic.hint).toBe(
      'Set `masking` to hash, mask or remove, or restrict the port (`access: restricted`) so that only cleared consumers read crm.customers. (fixable: tessera lint --fix)',
    );
    expect(findings.map((f) => f.fix)).toEqual([
      [{ file: YAML, path: ['ports', 0, 'columns', 1, 'masking'], value: 'hash' }],
      [{ file: YAML, path: ['ports', 1, 'columns', 0, 'masking'], value: 'hash' }],
    ]);
  });
});

describe('policy/kind-boundaries on fixtures', () => {
  it('warns where a source-aligned product reads another product, and errs where a consumer-aligned one is read upstream', async () => {
    const findings = await lint('kind-boundaries/fail', ['kind-boundaries']);
    expect(lines(findings)).toEqual([
      'error products/commerce/orders/models/orders_by_segment.sql:3:6 Model `orders_by_segment` of source-aligned product commerce.orders reads growth.segments, a port of consumer-aligned product growth.segments: consumer-aligned products serve one use at the end of the mesh and are not building blocks for source-aligned products.',
      'warning products/commerce/orders/models/stg_orders.sql:3:6 Model `stg_orders` of source-aligned product commerce.orders reads commerce.customers, a port of commerce.customers: a source-aligned product exposes one source system and reads no other product.',
      'error products/finance/revenue/models/revenue.sql:3:8 Model `revenue` of aggregate product finance.revenue reads growth.segments, a port of consumer-aligned product growth.segments: consumer-aligned products serve one use at the end of the mesh and are not building blocks for aggregate products.',
    ]);
    expect(findings.map((f) => f.diagnostic.hint)).toEqual([
      'Move the logic both need into an aggregate product that growth.segments and commerce.orders can read.',
      'Make commerce.orders `kind: aggregate`, or move the integration with commerce.customers into an aggregate product.',
      'Move the logic both need into an aggregate product that growth.segments and finance.revenue can read.',
    ]);
    expect(findings.some((f) => f.fix !== undefined)).toBe(false);
  });
});

describe('policy/deprecation on fixtures', () => {
  const CUSTOMERS = 'products/commerce/customers/product.yaml';
  const REVENUE_SQL = 'products/finance/revenue/models/revenue.sql';
  const REVENUE = 'products/finance/revenue/product.yaml';

  it('checks declarations and warns every reader before the sunset', async () => {
    const findings = await lint('deprecation/fail', ['deprecation'], '2026-11-21');
    expect(lines(findings)).toEqual([
      `warning ${CUSTOMERS}:12:5 Port commerce.customers is deprecated (sunset 2026-12-31) but does not say which port replaces it.`,
      `error ${CUSTOMERS}:22:20 Port commerce.contacts is replaced by \`commerce.customer_v2\`, which is not a port. Did you mean \`commerce.customers_v2\`?`,
      `warning ${REVENUE_SQL}:2:6 Model \`revenue\` of finance.revenue reads commerce.customers, which is deprecated (sunset 2026-12-31; replaced by commerce.customers_v2).`,
      `warning ${REVENUE_SQL}:4:11 Model \`revenue\` of finance.revenue reads marketing.crm_contacts, a port of marketing.crm, which is deprecated (sunset 2027-03-31).`,
      `warning ${REVENUE}:11:39 Feature \`revenue_board\` (dashboard) of finance.revenue is fed by commerce.contacts, which is deprecated (sunset 2027-06-30).`,
    ]);
    expect(findings.map((f) => f.fix)).toEqual([
      [{ file: CUSTOMERS, path: ['ports', 0, 'deprecated', 'replaced_by'], value: 'commerce.customers_v2' }],
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(findings[2]?.diagnostic.hint).toBe('Read commerce.customers_v2 instead, before 2026-12-31.');
    expect(findings[3]?.diagnostic.hint).toBe('Ask the owners of marketing.crm (team marketing-team) what replaces marketing.crm_contacts, and move before 2027-03-31.');
  });

  it('turns reads past a sunset into errors, and only those', async () => {
    const at = async (today: string): Promise<string[]> =>
      (await lint('deprecation/fail', ['deprecation'], today)).map((f) => `${f.diagnostic.severity} ${f.diagnostic.location?.file ?? '?'}:${f.diagnostic.location?.line ?? 0}`);
    expect(await at('2027-01-01')).toEqual([
      `warning ${CUSTOMERS}:12`,
      `error ${CUSTOMERS}:22`,
      `error ${REVENUE_SQL}:2`, // commerce.customers: sunset 2026-12-31
      `warning ${REVENUE_SQL}:4`, // marketing.crm: sunset 2027-03-31
      `warning ${REVENUE}:11`, // commerce.contacts: sunset 2027-06-30
    ]);
    expect(await at('2027-07-01')).toEqual([`warning ${CUSTOMERS}:12`, `error ${CUSTOMERS}:22`, `error ${REVENUE_SQL}:2`, `error ${REVENUE_SQL}:4`, `error ${REVENUE}:11`]);
    const [, , past] = await lint('deprecation/fail', ['deprecation'], '2027-01-01');
    expect(past?.diagnostic.message).toBe(
      'Model `revenue` of finance.revenue reads commerce.customers, which is past its sunset (deprecated, sunset 2026-12-31; replaced by commerce.customers_v2).',
    );
  });
});
