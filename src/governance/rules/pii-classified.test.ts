import { describe, expect, it } from 'vitest';
import type { MeshGraph } from '../../compiler/index.js';
import type { MeshSpec, Product, ProductSpec } from '../../spec/index.js';
import type { RuleContext } from '../rule.js';
import { personalDataReason } from './personal-data.js';
import { piiClassifiedRule } from './pii-classified.js';
import { specFile as file, memoryMesh } from '../../../test/support/memory-mesh.js';

type ProductInput = Omit<ProductSpec, 'owner' | 'kind'> & Partial<Pick<ProductSpec, 'owner' | 'kind'>>;

function context(products: ProductInput[], options: Record<string, unknown> = {}, spec: Partial<MeshSpec> = {}): RuleContext {
  const loaded: Product[] = products.map((input) => {
    const full: ProductSpec = { owner: 'team', kind: 'source-aligned', ...input };
    const dir = `products/${full.domain}/${full.name}`;
    return { id: `${full.domain}.${full.name}`, spec: full, dir, file: file(`${dir}/product.yaml`), models: [] };
  });
  const mesh = memoryMesh(loaded, { spec: { name: 'test', ...spec }, teams: [{ id: 'team', name: 'Team' }] });
  const graph: MeshGraph = { nodes: new Map(), products: new Map(), order: [] };
  return { mesh, graph, options, today: '2026-11-21' };
}

describe('personalDataReason', () => {
  const personal = [
    'email',
    'e_mail',
    'customer_email',
    'customerEmail',
    'contact_email2',
    'mail_address',
    'phone',
    'telephone',
    'msisdn',
    'mobile',
    'customer_mobile',
    'mobile_number',
    'first_name',
    'last_name',
    'full_name',
    'surname',
    'given_name',
    'family_name',
    'customer_name',
    'contact_name',
    'address',
    'billing_address',
    'street',
    'house_number',
    'postal_code',
    'zip_code',
    'zipcode',
    'birth_date',
    'date_of_birth',
    'dob',
    'birthday',
    'iban',
    'bank_account_number',
    'ssn',
    'social_security_number',
    'passport_number',
    'national_id',
    'tax_id',
    'ip_address',
    'client_ip',
  ];
  it.each(personal)('recognises `%s`', (name) => {
    expect(personalDataReason({ name })).toBeDefined();
  });

  const notPersonal = [
    'name',
    'article_name',
    'hub_name',
    'product_name',
    'customer_id',
    'city',
    'country',
    'latitude',
    'longitude',
    'mobile_app_version',
    'ip_country',
    'shipment',
    'emailing',
    'dobby',
    'has_email',
    'is_mobile',
    'marketing_opt_in',
  ];
  it.each(notPersonal)('leaves `%s` alone', (name) => {
    expect(personalDataReason({ name })).toBeUndefined();
  });

  it('says which words matched and what they suggest', () => {
    expect(personalDataReason({ name: 'customer_email' })).toBe('`email` in its name suggests an e-mail address');
    expect(personalDataReason({ name: 'DateOfBirth' })).toBe('`date_of_birth` in its name suggests a date of birth');
  });

  it('treats the INET type as personal data, and yes/no flags about personal data as not', () => {
    expect(personalDataReason({ name: 'last_seen_from', type: 'INET' })).toBe('its type INET holds IP addresses');
    expect(personalDataReason({ name: 'login_hosts', type: 'inet[]' })).toBe('its type INET[] holds IP addresses');
    expect(personalDataReason({ name: 'email_verified', type: 'BOOLEAN' })).toBeUndefined();
    expect(personalDataReason({ name: 'email_verified', type: 'VARCHAR' })).toBeDefined();
  });

  it('applies extra patterns and ignores listed names, case-insensitively', () => {
    const options = { patterns: [/^loyalty_card/i], ignore: ['Email_Domain'] };
    expect(personalDataReason({ name: 'LOYALTY_CARD_NO' }, options)).toBe('its name matches /^loyalty_card/ (option `patterns`)');
    expect(personalDataReason({ name: 'email_domain' }, options)).toBeUndefined();
    expect(personalDataReason({ name: 'email' }, options)).toBeDefined();
  });
});

describe('pii-classified', () => {
  const customers: ProductInput = {
    name: 'customers',
    domain: 'crm',
    sources: [{ name: 'raw_customers', format: 'csv', path: 'c.csv', columns: [{ name: 'customer_id' }, { name: 'email', type: 'VARCHAR' }] }],
    models: [{ name: 'stg_customers', columns: [{ name: 'date_of_birth', type: 'DATE' }] }],
    ports: [
      { name: 'customers', model: 'stg_customers', columns: [{ name: 'customer_id' }, { name: 'phone', classification: 'pii', masking: 'mask' }] },
      { name: 'customers', version: 2, model: 'stg_customers', columns: [{ name: 'city' }, { name: 'mobile_number' }, { name: 'street', classification: 'confidential' }] },
    ],
  };

  it('reports unclassified personal columns of sources, models and ports, with a fix', () => {
    const findings = piiClassifiedRule.check(context([customers]));
    expect(findings).toEqual([
      {
        message: 'Column `email` of source `raw_customers` of crm.customers has no classification, but `email` in its name suggests an e-mail address.',
        hint: expect.stringContaining('Set `classification: pii`') as unknown,
        location: { file: 'products/crm/customers/product.yaml#sources.0.columns.1.name', line: 1, column: 1 },
        domain: 'crm',
        fix: [{ file: 'products/crm/customers/product.yaml', path: ['sources', 0, 'columns', 1, 'classification'], value: 'pii' }],
      },
      expect.objectContaining({
        message: expect.stringContaining('Column `date_of_birth` of model `stg_customers` of crm.customers') as unknown,
        location: expect.objectContaining({ file: 'products/crm/customers/product.yaml#models.0.columns.0.name' }) as unknown,
        fix: [{ file: 'products/crm/customers/product.yaml', path: ['models', 0, 'columns', 0, 'classification'], value: 'pii' }],
      }),
      expect.objectContaining({
        message: expect.stringContaining('Column `mobile_number` of port crm.customers_v2 has no classification') as unknown,
        location: expect.objectContaining({ file: 'products/crm/customers/product.yaml#ports.1.columns.1.name' }) as unknown,
        fix: [{ file: 'products/crm/customers/product.yaml', path: ['ports', 1, 'columns', 1, 'classification'], value: 'pii' }],
      }),
    ]);
  });

  it('accepts any classification: the owners decided', () => {
    const product: ProductInput = { name: 'p', domain: 'd', ports: [{ name: 'p', columns: [{ name: 'email', classification: 'internal' }] }] };
    expect(piiClassifiedRule.check(context([product]))).toEqual([]);
  });

  it('reports in a stable order: products by id, whatever order they were loaded in', () => {
    const a: ProductInput = { name: 'b_product', domain: 'alpha', ports: [{ name: 'x', columns: [{ name: 'email' }] }] };
    const b: ProductInput = { name: 'a_product', domain: 'beta', ports: [{ name: 'y', columns: [{ name: 'phone' }] }] };
    const order = (products: ProductInput[]): string[] => piiClassifiedRule.check(context(products)).map((f) => f.location?.file ?? '');
    expect(order([b, a])).toEqual(order([a, b]));
    expect(order([b, a])[0]).toContain('products/alpha/');
  });

  it('understands the `patterns` and `ignore` options', () => {
    const product: ProductInput = {
      name: 'p',
      domain: 'd',
      ports: [{ name: 'p', columns: [{ name: 'loyalty_card_no' }, { name: 'email_domain' }, { name: 'email' }] }],
    };
    const findings = piiClassifiedRule.check(context([product], { patterns: ['^loyalty_card'], ignore: ['email_domain'] }));
    expect(findings.map((f) => f.message)).toEqual([
      'Column `loyalty_card_no` of port d.p has no classification, but its name matches /^loyalty_card/ (option `patterns`).',
      'Column `email` of port d.p has no classification, but `email` in its name suggests an e-mail address.',
    ]);
  });

  it('reports malformed options in tessera.yaml instead of throwing', () => {
    const findings = piiClassifiedRule.check(context([], { patterns: ['ok', '(unclosed'], ignore: 'email' }));
    expect(findings).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('Pattern `(unclosed` of policy pii-classified is not a valid regular expression') as unknown,
        location: { file: 'tessera.yaml#policies.pii-classified.options.patterns.1', line: 1, column: 1 },
        severity: 'error',
      }),
      expect.objectContaining({
        message: 'Option `ignore` of policy pii-classified must be a list of strings.',
        location: { file: 'tessera.yaml#policies.pii-classified.options.ignore', line: 1, column: 1 },
        severity: 'error',
      }),
    ]);
  });

  it('is an error by default and fixable', () => {
    expect(piiClassifiedRule.defaultSeverity).toBe('error');
    expect(piiClassifiedRule.fixable).toBe(true);
  });
});
