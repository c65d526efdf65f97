/* Issue 12, item 10: a model that still holds dbt's Jinja gets sql/jinja with the plain-SQL spelling. */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagnosticJson } from '../src/diagnostics/index.js';
import { runCli } from './support/run-cli.js';

const VALID = fileURLToPath(new URL('fixtures/valid/', import.meta.url));
const MODEL = 'products/finance/revenue/models/daily_revenue.sql';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-gates-jinja-'));
  cpSync(VALID, dir, { recursive: true });
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function diagnose(sql: string): Promise<DiagnosticJson[]> {
  writeFileSync(join(dir, MODEL), sql);
  const { stdout } = await runCli(['validate', '--dir', dir, '--json', '--no-cache']);
  return (JSON.parse(stdout) as { diagnostics: DiagnosticJson[] }).diagnostics.filter((d) => !d.code.startsWith('policy/'));
}

describe('sql/jinja', () => {
  it("shows ref('x') as the bare name of an own model, or as <domain>.<port>", async () => {
    const diagnostics = await diagnose("select o.day, sum(o.amount) as revenue\nfrom {{ ref('order_lines') }} o\njoin {{ ref('customers') }} c using (customer_id)\ngroup by 1\n");
    expect(diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(['sql/jinja 2:6']);
    expect(diagnostics[0]?.hint).toContain("`{{ ref('order_lines') }}` → `order_lines`");
    expect(diagnostics[0]?.hint).toContain("`{{ ref('customers') }}` → `commerce.customers`");
  });

  it("shows source('shop', 'x') as the source's name, and explains blocks and comments", async () => {
    const [d] = await diagnose("{# from dbt #}\nselect * from {{ source('shop', 'raw_orders') }}\n{% if is_incremental() %} where 1 = 1 {% endif %}\n");
    expect(d).toMatchObject({ code: 'sql/jinja', line: 1, column: 1 });
    expect(d?.hint).toContain("`{{ source('shop', 'raw_orders') }}` → `raw_orders`");
    expect(d?.hint).toContain('{% … %}');
    expect(d?.hint).toContain('-- …');
  });

  it('leaves braces that are plain SQL alone (struct literals)', async () => {
    expect(await diagnose("select day, sum(amount) as revenue, {'a': 1} as s\nfrom order_lines\ngroup by day\n")).toEqual([]);
  });
});
