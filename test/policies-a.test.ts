/*
 * The naming, documentation, ownership, glossary and internal-naming rules on
 * real meshes: each fixture under fixtures/policies/<rule>/ is loaded and
 * compiled by the workspace (openMesh) and linted (lintMesh). `pass` must give
 * no finding of its rule, `fail` exactly the findings listed, where listed.
 * Other rules' findings are left out: they have fixtures of their own.
 * Configuration through tessera.yaml is tested by serving the fixture with
 * another tessera.yaml.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../src/diagnostics/index.js';
import { lintMesh } from '../src/governance/index.js';
import { diskFiles, type MeshFiles } from '../src/loader/index.js';
import { openMesh } from '../src/workspace/index.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const POLICIES = `${REPO}test/fixtures/policies/`;
const TODAY = '2026-11-21';

/** Opens a mesh (optionally with another tessera.yaml) and lints it; fails on any load or compile diagnostic. */
async function lint(dir: string, tesseraYaml?: string): Promise<Diagnostic[]> {
  const disk = diskFiles(dir);
  const files: MeshFiles = tesseraYaml === undefined ? disk : { readText: (path) => (path === 'tessera.yaml' ? tesseraYaml : disk.readText(path)), listDir: (path) => disk.listDir(path) };
  const opened = await openMesh(dir, { cache: false, files });
  expect(opened.diagnostics.map((d) => `${d.code} ${d.message}`), 'the fixture loads and compiles cleanly').toEqual([]);
  if (!opened.mesh || !opened.graph) throw new Error(`${dir} did not load`);
  return lintMesh(opened.mesh, opened.graph, { today: TODAY }).map((f) => f.diagnostic);
}

/** `file:line:col severity code`, for one rule. */
function found(diagnostics: readonly Diagnostic[], rule: string): string[] {
  return diagnostics
    .filter((d) => d.code === `policy/${rule}`)
    .map((d) => `${d.location?.file ?? '-'}:${d.location?.line ?? 0}:${d.location?.column ?? 0} ${d.severity} ${d.code}`);
}

const fixture = (rule: string, kind: 'pass' | 'fail'): string => `${POLICIES}${rule}/${kind}`;

const ORDERS = 'products/commerce/orders/product.yaml';

interface Case {
  readonly rule: string;
  /** `file:line:col severity`, in the order the rule reports them. */
  readonly fail: readonly string[];
  /** Parts of each message, in the same order. */
  readonly messages: readonly string[];
}

const CASES: readonly Case[] = [
  {
    rule: 'naming',
    fail: [
      `${ORDERS}:6:11 warning`,
      'products/commerce/orders/models/LineItems.sql:1:1 warning',
      `${ORDERS}:10:11 warning`,
      `${ORDERS}:13:11 warning`,
      `${ORDERS}:18:11 warning`,
      `${ORDERS}:23:15 warning`,
      'products/finance/Revenue/product.yaml:1:7 warning',
    ],
    messages: [
      'Source name `rawOrders`',
      'Model name `LineItems`',
      'Model name `StgOrders`',
      'Snapshot name `order__history`',
      'Port name `OrderLines`',
      'Column name `orderTotal` of port commerce.OrderLines',
      'Product name `Revenue` does not match the naming convention, snake_case (`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`).',
    ],
  },
  {
    rule: 'documentation',
    fail: [
      `${ORDERS}:1:1 warning`,
      `${ORDERS}:11:5 warning`,
      `${ORDERS}:17:9 warning`,
      'products/finance/revenue/product.yaml:6:10 warning',
      'products/finance/revenue/product.yaml:14:22 warning',
    ],
    messages: [
      'Product commerce.orders has no `description`.',
      'Port commerce.orders has no `description`.',
      'Column `amount` of port commerce.orders has no `description`.',
      'Product finance.revenue has an empty `purpose`.',
      'Column `revenue` of port finance.daily_revenue has an empty `description`.',
    ],
  },
  {
    rule: 'ownership',
    fail: [
      'teams.yaml:8:9 error',
      `${ORDERS}:3:8 warning`,
      'products/growth/sessions/product.yaml:2:9 info',
      'products/payments/invoices/product.yaml:3:8 warning',
    ],
    messages: [
      'Domain `finance` is claimed by team `finance-team` and already by `commerce-team`',
      'Product commerce.orders is owned by `finance-team`, but teams.yaml gives domain `commerce` to `commerce-team`.',
      'Domain `growth` of product growth.sessions is not declared by any team',
      'Product payments.invoices is owned by `commerce-team`, but teams.yaml gives domain `payments` to `finance-team`.',
    ],
  },
  {
    rule: 'glossary',
    fail: [
      `${ORDERS}:15:15 warning`,
      `${ORDERS}:17:15 warning`,
      'products/delivery/car_fleet/product.yaml:1:7 warning',
      'products/delivery/car_fleet/product.yaml:10:11 warning',
      'products/delivery/car_fleet/product.yaml:13:15 warning',
    ],
    messages: [
      'Column `shopping_basket_total` of port commerce.orders uses `shopping basket`, which the glossary says to avoid: the term is `order` (domain commerce).',
      'Column `CLIENT_ID` of port commerce.orders uses `client`',
      'Product delivery.car_fleet uses `car`',
      'Port delivery.cars uses `car`',
      'Column `car_id` of port delivery.cars uses `car`',
    ],
  },
  {
    rule: 'internal-naming',
    fail: [`${ORDERS}:10:11 warning`, `${ORDERS}:14:15 warning`, `${ORDERS}:16:15 warning`, `${ORDERS}:20:11 warning`],
    messages: [
      'Port commerce.stg_orders starts with `stg_`',
      'Column `raw_amount` of port commerce.stg_orders starts with `raw_`',
      'Column `TMP_FLAG` of port commerce.stg_orders starts with `tmp_`',
      'Port commerce.int_order_totals starts with `int_`',
    ],
  },
];

describe.each(CASES)('fixtures/policies/$rule', ({ rule, fail, messages }) => {
  it('pass: no finding', async () => {
    expect(found(await lint(fixture(rule, 'pass')), rule)).toEqual([]);
  });

  it('fail: every finding, where it is', async () => {
    const diagnostics = (await lint(fixture(rule, 'fail'))).filter((d) => d.code === `policy/${rule}`);
    expect(found(diagnostics, rule)).toEqual(fail.map((f) => `${f} policy/${rule}`));
    diagnostics.forEach((d, i) => {
      expect(d.message).toContain(messages[i]);
      expect(d.hint, 'every finding says how to fix it').toMatch(/\.$/);
    });
  });
});

describe('hints on real meshes', () => {
  it('suggest the fixed name', async () => {
    const hints = async (rule: string): Promise<string[]> =>
      (await lint(fixture(rule, 'fail'))).filter((d) => d.code === `policy/${rule}`).map((d) => d.hint ?? '');
    expect(await hints('naming')).toContain('Rename it to `order_lines` (consumers then read commerce.order_lines).');
    expect(await hints('glossary')).toEqual([
      'Rename it to `order_total` in the contract and in the SQL that produces it.',
      'Rename it to `customer_id` in the contract and in the SQL that produces it.',
      'Rename it to `vehicle_fleet` (its `name:` and its folder products/delivery/vehicle_fleet/).',
      'Rename it to `vehicles` (consumers then read delivery.vehicles).',
      'Rename it to `vehicle_id` in the contract and in the SQL that produces it.',
    ]);
    expect(await hints('internal-naming')).toEqual([
      'Rename the port to a consumer-facing name (commerce.orders is taken), and set `model: stg_orders` so that the same model still feeds it.',
      'Rename it to a consumer-facing name such as `amount`: `raw_amount AS amount` in the SQL, and in the contract.',
      'Rename it to a consumer-facing name such as `FLAG`: `TMP_FLAG AS FLAG` in the SQL, and in the contract.',
      'Rename the port to a consumer-facing name such as `order_totals`.',
    ]);
  });
});

describe('configured in tessera.yaml', () => {
  const naming = fixture('naming', 'fail');
  const severities = (diagnostics: readonly Diagnostic[], rule: string): string[] =>
    diagnostics.filter((d) => d.code === `policy/${rule}`).map((d) => `${d.location?.file ?? '-'} ${d.severity}`);

  it('a rule turned off reports nothing', async () => {
    expect(found(await lint(naming, 'name: naming_fail\npolicies:\n  naming: off\n'), 'naming')).toEqual([]);
  });

  it('a rule with another severity reports at it', async () => {
    const diagnostics = await lint(naming, 'name: naming_fail\npolicies:\n  naming: error\n');
    expect(found(diagnostics, 'naming')).toHaveLength(7);
    expect(new Set(severities(diagnostics, 'naming').map((s) => s.split(' ')[1]))).toEqual(new Set(['error']));
  });

  it('severity per domain overrides the rule\'s', async () => {
    const yaml = ['name: naming_fail', 'policies:', '  naming:', '    severity: info', '    domains:', '      finance: error', ''].join('\n');
    const diagnostics = await lint(naming, yaml);
    expect(severities(diagnostics, 'naming')).toEqual([
      `${ORDERS} info`,
      'products/commerce/orders/models/LineItems.sql info',
      `${ORDERS} info`,
      `${ORDERS} info`,
      `${ORDERS} info`,
      `${ORDERS} info`,
      'products/finance/Revenue/product.yaml error',
    ]);
    const off = await lint(naming, 'name: naming_fail\npolicies:\n  naming:\n    domains:\n      commerce: off\n');
    expect(found(off, 'naming')).toEqual(['products/finance/Revenue/product.yaml:1:7 warning policy/naming']);
    const glossary = await lint(fixture('glossary', 'fail'), 'name: glossary_fail\npolicies:\n  glossary:\n    domains:\n      delivery: off\n');
    expect(found(glossary, 'glossary')).toEqual([`${ORDERS}:15:15 warning policy/glossary`, `${ORDERS}:17:15 warning policy/glossary`]);
  });

  it('a lower severity also lowers the findings a rule escalates', async () => {
    const diagnostics = await lint(fixture('ownership', 'fail'), 'name: ownership_fail\npolicies:\n  ownership: info\n');
    expect(severities(diagnostics, 'ownership').map((s) => s.split(' ')[1])).toEqual(['info', 'info', 'info', 'info']);
  });

  it('naming patterns come from options', async () => {
    const yaml = ['name: naming_fail', 'policies:', '  naming:', '    options:', "      ports: '^(fct|dim)_[a-z0-9_]+$'", "      columns: '[a-z_]+|[a-z]+[A-Z][a-z]+'", ''].join('\n');
    const diagnostics = await lint(naming, yaml);
    const ports = diagnostics.filter((d) => d.code === 'policy/naming' && d.message.startsWith('Port name'));
    expect(ports.map((d) => `${d.location?.file ?? '-'}:${d.location?.line ?? 0}:${d.location?.column ?? 0} ${d.message}`)).toEqual([
      `${ORDERS}:18:11 Port name \`OrderLines\` of product commerce.orders does not match the naming pattern \`^(fct|dim)_[a-z0-9_]+$\`.`,
      'products/finance/Revenue/product.yaml:6:11 Port name `daily_revenue` of product finance.Revenue does not match the naming pattern `^(fct|dim)_[a-z0-9_]+$`.',
    ]);
    expect(ports[0]?.hint).toBe('Rename it so that it matches `^(fct|dim)_[a-z0-9_]+$` (policies.naming.options.ports in tessera.yaml).');
    // `orderTotal` fits the configured column pattern; the other kinds keep snake_case.
    expect(diagnostics.some((d) => d.message.startsWith('Column name'))).toBe(false);
    expect(found(diagnostics, 'naming')).toHaveLength(7);
  });

  it('an invalid pattern is one error at the option', async () => {
    const yaml = ['name: naming_fail', 'policies:', '  naming:', '    options:', "      columns: '([a-z'", ''].join('\n');
    const diagnostics = (await lint(naming, yaml)).filter((d) => d.code === 'policy/naming' && d.severity === 'error');
    expect(found(diagnostics, 'naming')).toEqual(['tessera.yaml:5:16 error policy/naming']);
    expect(diagnostics[0]?.message).toBe('Option `columns` of policy naming, `([a-z`, is not a valid regular expression: Unterminated character class.');
  });

  it('internal prefixes come from options', async () => {
    const yaml = ['name: internal_naming_fail', 'policies:', '  internal-naming:', '    options:', '      prefixes: [int_]', ''].join('\n');
    expect(found(await lint(fixture('internal-naming', 'fail'), yaml), 'internal-naming')).toEqual([`${ORDERS}:20:11 warning policy/internal-naming`]);
  });
});

describe('the example mesh', () => {
  it('examples/grocery follows these guidelines', async () => {
    const diagnostics = await lint(`${REPO}examples/grocery`);
    for (const rule of ['naming', 'documentation', 'ownership', 'glossary', 'internal-naming']) expect(found(diagnostics, rule)).toEqual([]);
  });
});
