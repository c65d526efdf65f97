/**
 * `tessera diff` on a real git repository: each scenario is a commit on top of
 * a base mesh, compared with `--base HEAD~1` as a pull request's CI would.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import { SHOP_MESH, swap } from './support/shop-mesh.js';

const MESH = SHOP_MESH;

const ORDERS = 'products/commerce/orders/product.yaml';
const REVENUE = 'products/finance/revenue/product.yaml';
const SEGMENTS = 'products/growth/segments/product.yaml';

let repo: string;
/** The mesh lives in a folder of the repository, as in a monorepo. */
let dir: string;
let baseCommit: string;

function git(...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Tessera Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd: repo,
    encoding: 'utf8',
  });
}

type Edit = ((text: string) => string) | string | null;

async function edit(edits: Record<string, Edit>): Promise<void> {
  for (const [path, change] of Object.entries(edits)) {
    const file = join(dir, path);
    if (change === null) {
      await rm(file);
      continue;
    }
    const text = typeof change === 'string' ? change : change(await readFile(file, 'utf8'));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
  }
}

async function commit(message: string, edits: Record<string, Edit>): Promise<void> {
  await edit(edits);
  git('add', '-A');
  git('commit', '-q', '-m', message);
}

/** A branch from the base mesh with one commit on it. */
async function scenario(name: string, edits: Record<string, Edit>): Promise<void> {
  git('checkout', '-q', '-B', name, baseCommit);
  await commit(name, edits);
}

interface JsonChange {
  port: string;
  change: string;
  detail: string;
  breaking: boolean;
  error: boolean;
  allowed?: string;
  downstream: { product: string; owner: string }[];
  features: { product: string; feature: string; type: string; owner: string }[];
}

interface JsonDiff {
  base: string;
  commit: string;
  notes: string[];
  changes: JsonChange[];
  summary: { changes: number; breaking: number; errors: number; affectedTeams: string[] };
}

async function diffJson(...extra: string[]): Promise<{ exitCode: number; diff: JsonDiff; stderr: string }> {
  const run = await runCli(['diff', '--base', 'HEAD~1', '--dir', dir, '--json', ...extra]);
  return { exitCode: run.exitCode, diff: JSON.parse(run.stdout) as JsonDiff, stderr: run.stderr };
}

const brief = (c: JsonChange): string => `${c.port} ${c.change}${c.breaking ? ' breaking' : ''}${c.error ? ' error' : ''}`;

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'tessera-diff-'));
  dir = join(repo, 'data-mesh');
  await writeFile(join(repo, '.gitignore'), '.tessera/\n');
  await mkdir(dir);
  git('init', '-q');
  await commit('base mesh', MESH);
  baseCommit = git('rev-parse', 'HEAD').trim();
});

afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe('tessera diff --json', () => {
  it('a column added: compatible, exit 0, readers still listed', async () => {
    await scenario('add-column', { [ORDERS]: swap('    checks:', '      - name: note\n        type: VARCHAR\n    checks:') });
    const { exitCode, diff } = await diffJson();
    expect(exitCode).toBe(0);
    expect(diff.base).toBe('HEAD~1');
    expect(diff.commit).toBe(baseCommit);
    expect(diff.changes.map(brief)).toEqual(['commerce.orders column-added']);
    expect(diff.changes[0]?.downstream).toEqual([{ product: 'finance.revenue', owner: 'finance-team' }]);
    expect(diff.summary).toMatchObject({ changes: 1, breaking: 0, errors: 0 });
  });

  it('a column removed: a breaking error, exit 1, with the products and features it reaches', async () => {
    await scenario('remove-column', { [ORDERS]: swap('      - name: amount\n        type: DECIMAL(12,2)\n', '') });
    const { exitCode, diff } = await diffJson();
    expect(exitCode).toBe(1);
    expect(diff.changes.map(brief)).toEqual(['commerce.orders column-removed breaking error']);
    const [change] = diff.changes;
    expect(change?.detail).toBe('column amount removed');
    expect(change?.downstream).toEqual([{ product: 'finance.revenue', owner: 'finance-team' }]);
    expect(change?.features).toEqual([{ product: 'finance.revenue', feature: 'revenue_dashboard', type: 'dashboard', owner: 'finance-team' }]);
    expect(diff.summary).toMatchObject({ breaking: 1, errors: 1, affectedTeams: ['finance-team'] });
  });

  it('a type changed: breaking error', async () => {
    await scenario('change-type', { [ORDERS]: swap('type: DECIMAL(12,2)', 'type: DOUBLE') });
    const { exitCode, diff } = await diffJson();
    expect(exitCode).toBe(1);
    expect(diff.changes.map((c) => `${brief(c)}: ${c.detail}`)).toEqual(['commerce.orders column-type-changed breaking error: column amount: type DECIMAL(12,2) → DOUBLE']);
  });

  it('a column made nullable: breaking error', async () => {
    await scenario('nullable', { 'products/commerce/customers/product.yaml': swap('        required: true\n', '') });
    const { exitCode, diff } = await diffJson();
    expect(exitCode).toBe(1);
    expect(diff.changes.map(brief)).toEqual(['commerce.customers column-nullable breaking error']);
    // customers is read by two products of two teams.
    expect(diff.changes[0]?.downstream).toEqual([
      { product: 'finance.revenue', owner: 'finance-team' },
      { product: 'growth.segments', owner: 'growth-team' },
    ]);
    expect(diff.summary.affectedTeams).toEqual(['finance-team', 'growth-team']);
  });

  it('allowed values narrowed: breaking error; widened: compatible', async () => {
    await scenario('narrow', { [ORDERS]: swap('[placed, shipped, cancelled]', '[placed, shipped]') });
    const narrowed = await diffJson();
    expect(narrowed.exitCode).toBe(1);
    expect(narrowed.diff.changes.map(brief)).toEqual(['commerce.orders allowed-values-narrowed breaking error']);
    await scenario('widen', { [ORDERS]: swap('[placed, shipped, cancelled]', '[placed, shipped, cancelled, returned]') });
    const widened = await diffJson();
    expect(widened.exitCode).toBe(0);
    expect(widened.diff.changes.map(brief)).toEqual(['commerce.orders allowed-values-widened']);
  });

  it('the grain (unique_key) changed: breaking error', async () => {
    await scenario('grain', { [REVENUE]: swap('unique_key: [day, country]', 'unique_key: [day]') });
    const { exitCode, diff } = await diffJson();
    expect(exitCode).toBe(1);
    expect(diff.changes.map(brief)).toEqual(['finance.daily_revenue grain-changed breaking error']);
    expect(diff.changes[0]?.downstream).toEqual([]); // read by no other product, but still published
  });

  it('a port removed: breaking error, listing the features it fed', async () => {
    await scenario('remove-port', { [SEGMENTS]: (text) => text.slice(0, text.indexOf('ports:')) });
    const { exitCode, diff } = await diffJson();
    expect(exitCode).toBe(1);
    expect(diff.changes.map(brief)).toEqual(['growth.segments port-removed breaking error']);
    expect(diff.changes[0]?.features).toEqual([{ product: 'growth.segments', feature: 'churn_model', type: 'ml_model', owner: 'growth-team' }]);
  });

  it('v2 published next to an unchanged, deprecated v1: compatible; v1 removed only after its sunset', async () => {
    await scenario('v2', {
      [ORDERS]: (text) =>
        swap('    unique_key: order_id\n', '    unique_key: order_id\n    deprecated:\n      sunset: 2030-06-30\n      replaced_by: commerce.orders_v2\n')(text) +
        '  - name: orders\n    version: 2\n    model: stg_orders\n    columns:\n      - name: order_id\n        type: BIGINT\n      - name: amount_cents\n        type: BIGINT\n',
    });
    const published = await diffJson();
    expect(published.exitCode).toBe(0);
    expect(published.diff.changes.map(brief)).toEqual(['commerce.orders port-deprecated', 'commerce.orders_v2 port-added']);

    // The readers move to v2 and v1 goes.
    await commit('remove v1', {
      [ORDERS]: (text) => text.slice(0, text.indexOf('  - name: orders\n')) + text.slice(text.indexOf('  - name: orders\n    version: 2')),
      [REVENUE]: swap('[commerce.orders]', '[commerce.orders_v2]'),
      'products/finance/revenue/models/daily_revenue.sql': swap('commerce.orders as o', 'commerce.orders_v2 as o'),
    });
    const early = await diffJson('--today', '2030-06-30');
    expect(early.exitCode).toBe(1);
    expect(early.diff.changes.map(brief)).toEqual(['commerce.orders port-removed breaking error']);
    expect(early.diff.changes[0]?.downstream).toEqual([{ product: 'finance.revenue', owner: 'finance-team' }]);
    const late = await diffJson('--today', '2030-07-01');
    expect(late.exitCode).toBe(0);
    expect(late.diff.changes.map(brief)).toEqual(['commerce.orders port-removed breaking']);
    expect(late.diff.changes[0]?.allowed).toBe('sunset-reached');
  });

  it('a draft product may break its contracts', async () => {
    git('checkout', '-q', '-B', 'draft', baseCommit);
    await commit('draft', { [ORDERS]: swap('kind: source-aligned\n', 'kind: source-aligned\nstatus: draft\n') });
    await commit('change the draft', { [ORDERS]: swap('type: DECIMAL(12,2)', 'type: DOUBLE') });
    const { exitCode, diff } = await diffJson();
    expect(exitCode).toBe(0);
    expect(diff.changes.map(brief)).toEqual(['commerce.orders column-type-changed breaking']);
    expect(diff.changes[0]?.allowed).toBe('draft');
  });

  it('compares the working tree, uncommitted changes included', async () => {
    git('checkout', '-q', '-B', 'working-tree', baseCommit);
    await edit({ [ORDERS]: swap('type: DECIMAL(12,2)', 'type: DOUBLE') });
    try {
      const run = await runCli(['diff', '--base', 'HEAD', '--dir', dir, '--format', 'json']);
      expect(run.exitCode).toBe(1);
      expect((JSON.parse(run.stdout) as JsonDiff).changes.map(brief)).toEqual(['commerce.orders column-type-changed breaking error']);
    } finally {
      git('checkout', '-q', '--', '.');
    }
    const clean = await runCli(['diff', '--base', 'HEAD', '--dir', dir]);
    expect(clean.exitCode).toBe(0);
    expect(clean.stdout).toContain('✓ No contract changes in 4 ports.');
  });
});

describe('tessera diff: text and markdown', () => {
  beforeAll(async () => {
    await scenario('report', {
      [ORDERS]: (text) => swap('      - name: amount\n        type: DECIMAL(12,2)\n', '')(swap('    checks:', '      - name: note\n        type: VARCHAR\n    checks:')(text)),
    });
  });

  it('text: one line per change, grouped by port, with the readers and what to do instead', async () => {
    const { exitCode, stdout } = await runCli(['diff', '--base', 'HEAD~1', '--dir', dir]);
    expect(exitCode).toBe(1);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^Contract changes: working tree against HEAD~1 \([0-9a-f]{7}\)$/);
    expect(lines).toContain('✗ breaking    commerce.orders: column amount removed');
    expect(lines).toContain('✓ compatible  commerce.orders: column note VARCHAR added');
    expect(lines).toContain('  read by: finance.revenue (team finance-team), dashboard revenue_dashboard of finance.revenue');
    expect(stdout).toContain('  → publish as commerce.orders_v2');
    expect(lines.at(-1)).toBe('✗ 1 breaking change to published contracts · 2 changes in 1 of 4 ports · affects finance-team');
  });

  it('markdown: a pull-request comment with a summary, a table, the affected teams and guidance', async () => {
    const { exitCode, stdout } = await runCli(['diff', '--base', 'HEAD~1', '--dir', dir, '--format', 'markdown']);
    expect(exitCode).toBe(1);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('### Tessera contract diff against `HEAD~1`');
    expect(lines).toContain('⚠️ **1 breaking change to published contracts** · 2 changes in 1 of 4 ports');
    expect(lines).toContain('| | Port | Change | Read by |');
    expect(lines).toContain('| ⚠️ | `commerce.orders` | **breaking**: column amount removed | finance.revenue (finance-team), dashboard revenue_dashboard of finance.revenue |');
    expect(lines).toContain('| ✅ | `commerce.orders` | compatible: column note VARCHAR added |  |');
    expect(lines).toContain('#### Affected teams');
    expect(lines).toContain('- **finance-team**: dashboard revenue_dashboard, finance.revenue (reads `commerce.orders`)');
    expect(lines).toContain('#### How to ship a breaking change');
    expect(stdout).toContain('- `commerce.orders`: publish as `commerce.orders_v2` (the port with `version: 2`) and deprecate the old version');
  });
});

describe('tessera diff: what stops it', () => {
  it('a ref that is not a commit, a folder outside git, a bad format, no --base: exit 2', async () => {
    const badRef = await runCli(['diff', '--base', 'no-such-branch', '--dir', dir]);
    expect(badRef.exitCode).toBe(2);
    expect(badRef.stderr).toBe('error: `no-such-branch` is not a commit in this repository.');
    const outside = await mkdtemp(join(tmpdir(), 'tessera-diff-nogit-'));
    try {
      const noGit = await runCli(['diff', '--base', 'HEAD', '--dir', outside]);
      expect(noGit.exitCode).toBe(2);
      expect(noGit.stderr).toMatch(/is not inside a git repository/);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
    expect((await runCli(['diff', '--base', 'HEAD', '--dir', dir, '--format', 'html'])).exitCode).toBe(2);
    expect((await runCli(['diff', '--base', 'HEAD', '--dir', dir, '--today', 'tomorrow'])).exitCode).toBe(2);
    const noBase = await runCli(['diff', '--dir', dir]);
    expect(noBase.exitCode).toBe(2);
    expect(noBase.stderr).toContain("required option '--base <ref>' not specified");
  });

  it('errors in the working tree: printed, exit 1, no diff', async () => {
    // Removing a port that others still read breaks the mesh itself.
    await scenario('broken-head', { 'products/commerce/customers/product.yaml': (text) => text.slice(0, text.indexOf('ports:')) });
    const run = await runCli(['diff', '--base', 'HEAD~1', '--dir', dir]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('[ref/internal]');
    expect(run.stderr).toContain('a diff compares two valid meshes');
    const json = await runCli(['diff', '--base', 'HEAD~1', '--dir', dir, '--json']);
    expect(json.exitCode).toBe(1);
    expect((JSON.parse(json.stdout) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code)).toContain('ref/internal');
  });

  it('errors at the base: a note, and what loaded is compared', async () => {
    git('checkout', '-q', '-B', 'broken-base', baseCommit);
    await commit('break segments', { [SEGMENTS]: swap('kind: consumer-aligned', 'kind: consumer') });
    await commit('fix segments', { [SEGMENTS]: swap('kind: consumer', 'kind: consumer-aligned') });
    const { exitCode, diff } = await diffJson();
    expect(exitCode).toBe(0);
    expect(diff.notes).toEqual(['The mesh at HEAD~1 has 1 error, 0 warnings; compared what loaded (ports of broken products count as added).']);
    expect(diff.changes.map(brief)).toEqual(['growth.segments port-added']);
  });

  it('no mesh at the base yet: every port added', async () => {
    git('checkout', '-q', '--orphan', 'fresh');
    git('rm', '-rfq', '.');
    git('commit', '-q', '--allow-empty', '-m', 'empty');
    await commit('the mesh arrives', MESH);
    const { exitCode, diff } = await diffJson();
    expect(exitCode).toBe(0);
    expect(diff.notes[0]).toMatch(/^No mesh at HEAD~1/);
    expect(diff.changes.every((c) => c.change === 'port-added')).toBe(true);
    expect(diff.changes).toHaveLength(4);
  });
});
