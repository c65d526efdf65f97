/**
 * A mesh for governed-access tests: the people team owns personal data with ports of
 * every access level and every mask; growth reads the restricted port through a
 * standing (masked) grant; finance has no grant. Members: alice (people), bob
 * (growth), carol (finance).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const PEOPLE = { alice: 'alice@people.test', bob: 'bob@growth.test', carol: 'carol@finance.test' } as const;

export const PEOPLE_MESH: Readonly<Record<string, string>> = {
  'tessera.yaml': 'name: people_mesh\n',
  'teams.yaml': `teams:
  - id: people-team
    name: People
    domains: [people]
    members: [{ name: Alice, email: ${PEOPLE.alice} }]
  - id: growth-team
    name: Growth
    domains: [growth]
    members: [{ name: Bob, email: ${PEOPLE.bob} }]
  - id: finance-team
    name: Finance
    domains: [finance]
    members: [{ name: Carol, email: ${PEOPLE.carol} }]
`,
  'products/people/customers/product.yaml': `name: customers
domain: people
owner: people-team
kind: source-aligned
sources:
  - { name: raw_customers, format: csv, path: data/customers.csv }
ports:
  - name: customers
    access: restricted
    unique_key: customer_id
    grants:
      - { team: growth-team, purpose: Segments for campaigns }
    columns:
      - { name: customer_id, type: BIGINT, required: true, unique: true }
      - { name: email, type: VARCHAR, required: true, classification: pii, masking: hash }
      - { name: full_name, type: VARCHAR, classification: pii, masking: mask }
      - { name: phone, type: VARCHAR, classification: pii, masking: remove }
      - { name: birth_date, type: DATE, classification: pii, masking: mask }
      - { name: city, type: VARCHAR }
    checks:
      - missing_count(phone): { warn: "> 0", fail: "> 100" }
  - name: contacts
    access: internal
    columns:
      - { name: customer_id, type: BIGINT, required: true }
      - { name: email, type: VARCHAR, classification: pii, masking: hash }
  - name: cities
    access: public
    freshness: 24h
    columns:
      - { name: city, type: VARCHAR, required: true }
      - { name: customers, type: BIGINT, required: true }
`,
  'products/people/customers/models/customers.sql': `select cast(customer_id as bigint) as customer_id, email, full_name, phone, cast(birth_date as date) as birth_date, city
from raw_customers
`,
  'products/people/customers/models/contacts.sql': 'select customer_id, email from customers\n',
  'products/people/customers/models/cities.sql': 'select city, count(*) as customers from customers group by city\n',
  'products/people/outreach/product.yaml': `name: outreach
domain: people
owner: people-team
kind: consumer-aligned
ports:
  - name: outreach
    access: restricted
    auto_approve: [finance-team]
    columns:
      - { name: customer_id, type: BIGINT, required: true }
      - { name: email, type: VARCHAR, classification: pii, masking: hash }
`,
  'products/people/outreach/models/outreach.sql': 'select customer_id, email from people.customers\n',
  'products/growth/segments/product.yaml': `name: segments
domain: growth
owner: growth-team
kind: consumer-aligned
ports:
  - name: segments
    access: public
    columns:
      - { name: customer_id, type: BIGINT, required: true }
      - { name: email_key, type: VARCHAR, description: The customer's hashed e-mail. }
      - { name: city, type: VARCHAR }
`,
  'products/growth/segments/models/segments.sql': 'select customer_id, email as email_key, city from people.customers\n',
};

export const CUSTOMERS_CSV = `customer_id,email,full_name,phone,birth_date,city
1,ann@example.com,Ann Smith,+31611111111,1990-04-02,Utrecht
2,ben@example.com,Ben Jones,,1985-11-30,Leiden
3,cas@example.com,Cas de Vries,+31633333333,,Utrecht
`;

/** Writes the mesh and its data to a fresh folder. */
export function writePeople(): { dir: string; write: (path: string, text: string) => void; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-people-'));
  const write = (path: string, text: string): void => {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  for (const [path, text] of Object.entries(PEOPLE_MESH)) write(path, text);
  write('data/customers.csv', CUSTOMERS_CSV);
  return {
    dir,
    write,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
