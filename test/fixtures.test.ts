/*
 * One fixture mesh per diagnostic code, run through the real CLI
 * (`tessera validate --json`). Each mesh under fixtures/errors/ is valid except
 * for one deliberate mistake; the table below says which code it must produce
 * and where. fixtures/valid/ must validate cleanly, fixtures/errors/many/ must
 * report all of its mistakes at once.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DiagnosticJson } from '../src/diagnostics/index.js';
import { runCli } from './support/run-cli.js';

const FIXTURES = fileURLToPath(new URL('fixtures/', import.meta.url));

/** Every code `tessera validate` reports; each needs at least one fixture below. */
const CODES = [
  'yaml/syntax',
  'yaml/duplicate-key',
  'spec/unknown-field',
  'spec/missing-field',
  'spec/invalid-type',
  'spec/invalid-value',
  'file/missing',
  'model/invalid-name',
  'product/path-mismatch',
  'product/misplaced',
  'team/duplicate',
  'owner/unknown-team',
  'asset/duplicate-name',
  'port/duplicate',
  'port/unknown-model',
  'snapshot/unknown-from',
  'feature/unknown-port',
  'sql/syntax',
  'sql/not-select',
  'sql/multiple-statements',
  'sql/empty',
  'ref/unknown',
  'ref/internal',
  'ref/self-not-incremental',
  'model/self-needs-columns',
  'asset/reserved-name',
  'check/invalid',
  'check/unknown-port',
  'check/cycle',
  'graph/cycle',
  'file/unreadable',
  'file/encoding',
  'sql/table-function',
  'sql/environment-function',
  'sql/jinja',
  'check/unknown-column',
  'column/unknown-type',
  'ref/system-schema',
] as const;

type Code = (typeof CODES)[number];

interface ErrorCase {
  /** Folder under fixtures/errors/. */
  readonly fixture: string;
  readonly code: Code;
  /** Relative to the mesh root, with forward slashes. */
  readonly file: string;
  readonly line: number;
  readonly column?: number;
  readonly messageIncludes?: string;
}

const ORDERS = 'products/commerce/orders';
const REVENUE = 'products/finance/revenue';

const ERROR_CASES: readonly ErrorCase[] = [
  { fixture: 'yaml-syntax', code: 'yaml/syntax', file: `${ORDERS}/product.yaml`, line: 5, column: 14, messageIncludes: 'contains `: `' },
  // Parsers notice an unclosed quote at the end of the file; it is reported where it opens.
  { fixture: 'yaml-syntax-unclosed-quote', code: 'yaml/syntax', file: `${ORDERS}/product.yaml`, line: 9, column: 11, messageIncludes: 'quote' },
  { fixture: 'yaml-syntax-missing-colon', code: 'yaml/syntax', file: `${ORDERS}/product.yaml`, line: 4, column: 1, messageIncludes: 'not `key: value`' },
  { fixture: 'yaml-duplicate-key', code: 'yaml/duplicate-key', file: `${ORDERS}/product.yaml`, line: 5, column: 1 },
  {
    fixture: 'spec-unknown-field',
    code: 'spec/unknown-field',
    file: `${ORDERS}/product.yaml`,
    line: 5,
    column: 1,
    messageIncludes: 'Did you mean `description`?',
  },
  { fixture: 'spec-missing-field', code: 'spec/missing-field', file: `${ORDERS}/product.yaml`, line: 6, column: 5, messageIncludes: '`path`' },
  {
    fixture: 'spec-missing-field-enum',
    code: 'spec/missing-field',
    file: `${ORDERS}/product.yaml`,
    line: 6,
    column: 5,
    messageIncludes: '`format`',
  },
  {
    fixture: 'spec-invalid-type',
    code: 'spec/invalid-type',
    file: `${ORDERS}/product.yaml`,
    line: 14,
    column: 17,
    messageIncludes: '`ports[0].columns[0].unique` must be a boolean',
  },
  { fixture: 'spec-invalid-value', code: 'spec/invalid-value', file: `${ORDERS}/product.yaml`, line: 11, column: 16, messageIncludes: '`ports[0].freshness`' },
  {
    fixture: 'spec-invalid-value-enum',
    code: 'spec/invalid-value',
    file: `${ORDERS}/product.yaml`,
    line: 4,
    column: 7,
    messageIncludes: 'Did you mean `source-aligned`?',
  },
  // Issue 12, item 4: a schedule that never fires, or has six fields, is refused naming what is wrong.
  {
    fixture: 'spec-invalid-value-cron-never',
    code: 'spec/invalid-value',
    file: `${ORDERS}/product.yaml`,
    line: 11,
    column: 15,
    messageIncludes: 'never fires: no date has day of month `31` in month `2`',
  },
  {
    fixture: 'spec-invalid-value-cron-six-fields',
    code: 'spec/invalid-value',
    file: `${ORDERS}/product.yaml`,
    line: 11,
    column: 15,
    messageIncludes: 'has 6 fields',
  },
  { fixture: 'file-missing', code: 'file/missing', file: `${ORDERS}/product.yaml`, line: 14, column: 11, messageIncludes: 'models/order_items.sql' },
  {
    fixture: 'model-invalid-name',
    code: 'model/invalid-name',
    file: `${ORDERS}/models/order-totals.sql`,
    line: 1,
    column: 1,
    messageIncludes: '`order-totals.sql`',
  },
  // Issue 12, item 7: a product.yaml that is a folder (EISDIR) is a diagnostic, not a stack trace.
  { fixture: 'file-unreadable', code: 'file/unreadable', file: `${ORDERS}/product.yaml`, line: 1, column: 1, messageIncludes: 'is a folder, not a file' },
  // Issue 12, item 9: bytes that are not UTF-8 are reported where they are, not replaced silently.
  { fixture: 'file-encoding', code: 'file/encoding', file: `${REVENUE}/models/daily_revenue.sql`, line: 1, column: 41, messageIncludes: 'is not valid UTF-8' },
  { fixture: 'file-encoding-yaml', code: 'file/encoding', file: `${ORDERS}/product.yaml`, line: 5, column: 31, messageIncludes: '(and 1 more place)' },
  { fixture: 'file-missing-tessera-yaml', code: 'file/missing', file: 'tessera.yaml', line: 1, column: 1 },
  { fixture: 'file-missing-product-yaml', code: 'file/missing', file: `${REVENUE}/product.yaml`, line: 1, column: 1 },
  {
    fixture: 'product-path-mismatch',
    code: 'product/path-mismatch',
    file: `${ORDERS}/product.yaml`,
    line: 2,
    column: 9,
    messageIncludes: 'domain `comerce`',
  },
  { fixture: 'product-misplaced', code: 'product/misplaced', file: 'products/commerce/product.yaml', line: 1, column: 1 },
  { fixture: 'team-duplicate', code: 'team/duplicate', file: 'teams.yaml', line: 8, column: 9, messageIncludes: '`commerce-team`' },
  {
    fixture: 'owner-unknown-team',
    code: 'owner/unknown-team',
    file: `${ORDERS}/product.yaml`,
    line: 3,
    column: 8,
    messageIncludes: 'Did you mean `commerce-team`?',
  },
  { fixture: 'asset-duplicate-name', code: 'asset/duplicate-name', file: `${ORDERS}/product.yaml`, line: 12, column: 11, messageIncludes: '`orders`' },
  {
    fixture: 'port-duplicate',
    code: 'port/duplicate',
    file: 'products/commerce/refunds/product.yaml',
    line: 10,
    column: 11,
    messageIncludes: `${ORDERS}/product.yaml:10`,
  },
  {
    fixture: 'port-unknown-model',
    code: 'port/unknown-model',
    file: `${ORDERS}/product.yaml`,
    line: 12,
    column: 12,
    messageIncludes: 'Did you mean `order_totals`?',
  },
  {
    fixture: 'snapshot-unknown-from',
    code: 'snapshot/unknown-from',
    file: `${ORDERS}/product.yaml`,
    line: 13,
    column: 11,
    messageIncludes: 'Did you mean `orders`?',
  },
  {
    fixture: 'feature-unknown-port',
    code: 'feature/unknown-port',
    file: `${REVENUE}/product.yaml`,
    line: 10,
    column: 37,
    messageIncludes: 'Did you mean `finance.daily_revenue`?',
  },
  { fixture: 'sql-syntax', code: 'sql/syntax', file: `${ORDERS}/models/orders.sql`, line: 3, column: 7, messageIncludes: '"customer_id"' },
  {
    fixture: 'sql-syntax-unicode',
    code: 'sql/syntax',
    file: `${ORDERS}/models/orders.sql`,
    line: 4,
    column: 27,
    messageIncludes: '"AND"',
  },
  {
    // Columns count UTF-16 code units, as JavaScript strings (and editors) do: 🚚 is two.
    fixture: 'sql-syntax-astral',
    code: 'sql/syntax',
    file: `${ORDERS}/models/orders.sql`,
    line: 4,
    column: 33,
    messageIncludes: '"AND"',
  },
  { fixture: 'sql-not-select', code: 'sql/not-select', file: `${ORDERS}/models/orders.sql`, line: 1, column: 1 },
  { fixture: 'sql-multiple-statements', code: 'sql/multiple-statements', file: `${ORDERS}/models/orders.sql`, line: 3, column: 1, messageIncludes: '2 statements' },
  { fixture: 'sql-empty', code: 'sql/empty', file: `${ORDERS}/models/orders.sql`, line: 1, column: 1 },
  {
    fixture: 'ref-unknown',
    code: 'ref/unknown',
    file: `${ORDERS}/models/orders.sql`,
    line: 2,
    column: 6,
    messageIncludes: 'Did you mean `raw_orders`?',
  },
  { fixture: 'ref-self-not-incremental', code: 'ref/self-not-incremental', file: `${ORDERS}/models/orders.sql`, line: 3, column: 39, messageIncludes: 'not incremental' },
  { fixture: 'model-self-needs-columns', code: 'model/self-needs-columns', file: `${ORDERS}/models/orders.sql`, line: 3, column: 39, messageIncludes: 'before the first run' },
  { fixture: 'asset-reserved-name', code: 'asset/reserved-name', file: `${ORDERS}/models/this.sql`, line: 1, column: 1, messageIncludes: 'previous result' },
  { fixture: 'check-invalid', code: 'check/invalid', file: `${ORDERS}/product.yaml`, line: 13, column: 9, messageIncludes: 'missing_count' },
  { fixture: 'check-unknown-port', code: 'check/unknown-port', file: `${ORDERS}/product.yaml`, line: 13, column: 9, messageIncludes: 'which is not a port' },
  // Issue 12, item 3: a reference check that reads a port built from the checked one (ADR 0012).
  { fixture: 'check-cycle', code: 'check/cycle', file: `${ORDERS}/product.yaml`, line: 25, column: 9, messageIncludes: 'which is built from commerce.orders' },
  { fixture: 'ref-unknown-domain', code: 'ref/unknown', file: `${REVENUE}/models/daily_revenue.sql`, line: 2, column: 6, messageIncludes: '`sales.orders`' },
  { fixture: 'ref-internal', code: 'ref/internal', file: `${REVENUE}/models/daily_revenue.sql`, line: 2, column: 6, messageIncludes: 'internal source of product commerce.orders' },
  {
    fixture: 'ref-internal-qualified',
    code: 'ref/internal',
    file: `${REVENUE}/models/daily_revenue.sql`,
    line: 2,
    column: 6,
    messageIncludes: 'internal model of product commerce.orders',
  },
  // Issue 12, item 3: checks and contracts are checked at validate time, where they are written.
  { fixture: 'check-unknown-column', code: 'check/unknown-column', file: `${ORDERS}/product.yaml`, line: 16, column: 9, messageIncludes: 'Did you mean `order_id`?' },
  { fixture: 'column-unknown-type', code: 'column/unknown-type', file: `${ORDERS}/product.yaml`, line: 15, column: 15, messageIncludes: 'Did you mean `STRING`?' },
  // Issue 12, item 10: dbt's Jinja is named as such, not a syntax error at `{`.
  { fixture: 'sql-jinja', code: 'sql/jinja', file: `${REVENUE}/models/daily_revenue.sql`, line: 2, column: 6, messageIncludes: "holds dbt's Jinja templating (`{{`)" },
  { fixture: 'sql-jinja-comment', code: 'sql/jinja', file: `${REVENUE}/models/daily_revenue.sql`, line: 1, column: 1, messageIncludes: '(`{#`)' },
  // Issue 12, item 2: model SQL reads only what the graph sees.
  {
    fixture: 'sql-table-function',
    code: 'sql/table-function',
    file: `${REVENUE}/models/daily_revenue.sql`,
    line: 3,
    column: 6,
    messageIncludes: '`read_csv(…)`, which reads files directly',
  },
  {
    fixture: 'sql-table-function-query-table',
    code: 'sql/table-function',
    file: `${REVENUE}/models/daily_revenue.sql`,
    line: 3,
    column: 45,
    messageIncludes: '`query_table(…)`',
  },
  { fixture: 'sql-environment-function', code: 'sql/environment-function', file: `${REVENUE}/models/daily_revenue.sql`, line: 1, column: 37, messageIncludes: '`getenv(…)`' },
  { fixture: 'ref-system-schema', code: 'ref/system-schema', file: `${REVENUE}/models/daily_revenue.sql`, line: 3, column: 43, messageIncludes: '`tessera_state.runs`' },
  {
    fixture: 'ref-internal-product-schema',
    code: 'ref/internal',
    file: `${REVENUE}/models/daily_revenue.sql`,
    line: 2,
    column: 6,
    messageIncludes: '`commerce__orders.orders_enriched`, an internal model of product commerce.orders',
  },
  // A cycle is reported at a SQL reference that closes the loop.
  { fixture: 'graph-cycle', code: 'graph/cycle', file: `${ORDERS}/models/orders.sql`, line: 3, column: 6, messageIncludes: 'commerce.orders.orders' },
  {
    fixture: 'graph-cycle-across-products',
    code: 'graph/cycle',
    file: `${REVENUE}/models/daily_revenue.sql`,
    line: 2,
    column: 6,
    messageIncludes: 'port finance.daily_revenue',
  },
];

/** fixtures/errors/many: every one of these must be reported, in one run. */
const MANY: readonly Pick<ErrorCase, 'code' | 'file' | 'line'>[] = [
  { code: 'spec/unknown-field', file: `${ORDERS}/product.yaml`, line: 5 },
  { code: 'sql/syntax', file: `${ORDERS}/models/orders.sql`, line: 3 },
  { code: 'ref/unknown', file: `${REVENUE}/models/daily_revenue.sql`, line: 2 },
  // commerce.orders (line 3) is a port of the broken product: not reported, its product's error is. A typo still is:
  { code: 'ref/unknown', file: `${REVENUE}/models/daily_revenue.sql`, line: 4 },
  { code: 'owner/unknown-team', file: 'products/marketing/campaigns/product.yaml', line: 3 },
];

interface Validated {
  readonly exitCode: number;
  /** The loader's and compiler's diagnostics. */
  readonly diagnostics: DiagnosticJson[];
  /** Lint findings (policy/*). */
  readonly policy: DiagnosticJson[];
  readonly stderr: string;
}

/** Runs `tessera validate --json --no-cache` in-process on a fixture (--no-cache: nothing is written into it). */
async function validate(fixture: string): Promise<Validated> {
  const dir = `${FIXTURES}${fixture}`;
  const { exitCode, stdout, stderr } = await runCli(['validate', '--dir', dir, '--json', '--no-cache']);
  expect(existsSync(`${dir}/.tessera`), 'validate --no-cache must not write into the fixture').toBe(false);
  const parsed = JSON.parse(stdout) as { diagnostics: DiagnosticJson[] };
  // validate runs the shared guidelines too; their findings have fixtures of their own (test/fixtures/policies).
  const diagnostics = parsed.diagnostics.filter((d) => !d.code.startsWith('policy/'));
  const policy = parsed.diagnostics.filter((d) => d.code.startsWith('policy/'));
  return { exitCode, diagnostics, policy, stderr };
}

function summary(diagnostics: readonly DiagnosticJson[]): string[] {
  return diagnostics.map((d) => `${d.code} ${d.file ?? '-'}:${d.line ?? '-'}:${d.column ?? '-'} ${d.message}`);
}

describe('fixtures/valid', () => {
  it('validates with no diagnostics and exit 0', async () => {
    const result = await validate('valid');
    expect(summary(result.diagnostics)).toEqual([]);
    expect(summary(result.policy), 'the valid fixture follows every guideline').toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
  });
});

describe('fixtures/errors: one mistake, one diagnostic', () => {
  for (const expected of ERROR_CASES) {
    const title = `${expected.fixture} → ${expected.code}`;
    it(title, async () => {
      const { exitCode, diagnostics } = await validate(`errors/${expected.fixture}`);
      expect(summary(diagnostics), 'exactly one diagnostic').toHaveLength(1);
      const [d] = diagnostics;
      expect(exitCode).toBe(1);
      expect(d).toMatchObject({
        code: expected.code,
        severity: 'error',
        file: expected.file,
        line: expected.line,
        ...(expected.column === undefined ? {} : { column: expected.column }),
      });
      if (expected.messageIncludes !== undefined) expect(d?.message).toContain(expected.messageIncludes);
      expect(d?.hint, 'every diagnostic says how to fix it').toEqual(expect.any(String));
    });
  }
});

describe('fixtures/errors/many', () => {
  it('reports every mistake of every file together, not only the first', async () => {
    const { exitCode, diagnostics } = await validate('errors/many');
    expect(exitCode).toBe(1);
    const found = diagnostics.map((d) => ({ code: d.code, file: d.file, line: d.line }));
    for (const expected of MANY) expect(found, summary(diagnostics).join('\n')).toContainEqual(expected);
    expect(diagnostics).toHaveLength(MANY.length);
  });
});

describe('fixture coverage', () => {
  it('has a fixture for every code', () => {
    const covered = new Set(ERROR_CASES.map((c) => c.code));
    expect(CODES.filter((code) => !covered.has(code))).toEqual([]);
  });

  it('has a table row for every fixture folder', () => {
    const folders = readdirSync(`${FIXTURES}errors`).sort();
    expect(folders).toEqual([...ERROR_CASES.map((c) => c.fixture), 'many'].sort());
  });

  it('names each fixture after its code', () => {
    for (const c of ERROR_CASES) expect(c.fixture.startsWith(c.code.replace('/', '-'))).toBe(true);
  });
});
