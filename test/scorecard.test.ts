/**
 * Scorecards on meshes loaded from disk: exact numbers with injected findings on
 * the valid fixture, and `tessera scorecard` on the fixture and the grocery example.
 * The CLI tests do not pin lint findings (the rules evolve); they check that the
 * numbers printed follow from the parts printed.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeFor, productScore, scorecards, type LintFinding, type Scorecards } from '../src/governance/index.js';
import { openMesh } from '../src/workspace/index.js';
import { runCli } from './support/run-cli.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));
let root: string;
let valid: string;
let grocery: string;
let broken: string;

beforeAll(async () => {
  // Commands keep a parse cache in the mesh: work on copies.
  root = await mkdtemp(join(tmpdir(), 'tessera-scorecard-'));
  valid = join(root, 'valid');
  grocery = join(root, 'grocery');
  broken = join(root, 'ref-unknown');
  await cp(join(REPO, 'test/fixtures/valid'), valid, { recursive: true });
  await cp(join(REPO, 'test/fixtures/errors/ref-unknown'), broken, { recursive: true });
  const skip = new Set(['data', '.tessera'].map((name) => join(REPO, 'examples/grocery', name)));
  await cp(join(REPO, 'examples/grocery'), grocery, { recursive: true, filter: (source) => !skip.has(source) });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const warning = (file: string): LintFinding => ({ diagnostic: { code: 'policy/test', severity: 'warning', message: 'test', location: { file, line: 1, column: 1 } } });
const error = (file: string): LintFinding => ({ diagnostic: { code: 'policy/test', severity: 'error', message: 'test', location: { file, line: 1, column: 1 } } });

describe('scorecards of the valid fixture, loaded from disk', () => {
  it('scores its undocumented products from their contracts, checks and the findings injected', async () => {
    const opened = await openMesh(valid, { cache: false });
    if (!opened.mesh || !opened.graph) throw new Error('the valid fixture does not open');
    const cards = scorecards(opened.mesh, opened.graph, [
      warning('products/commerce/orders/models/stg_orders.sql'),
      error('products/finance/revenue/product.yaml'),
      warning('teams.yaml'),
    ]);
    const rows = cards.products.map((p) => [p.id, `${p.documentation.documented}/${p.documentation.documentable}`, p.ports.withContract, p.ports.withChecks, p.score, p.grade]);
    expect(rows).toEqual([
      // Nothing documented; the contract's `unique` column implies a check: 30 + 20 + 10.
      ['commerce.customers', '0/5', 1, 1, 60, 'C'],
      // The same, less 1 for the warning.
      ['commerce.orders', '0/5', 1, 1, 59, 'D'],
      // A contract without checks; the error costs the 10 for none and 5 more: 30 − 5.
      ['finance.revenue', '0/5', 1, 0, 25, 'E'],
    ]);
    expect(cards.products[0]?.documentation.missing).toEqual([
      'description',
      'purpose',
      'ports.customers.description',
      'ports.customers.columns.customer_id.description',
      'ports.customers.columns.country.description',
    ]);
    expect(cards.teams.map((t) => [t.id, t.products, t.score, t.grade])).toEqual([
      ['commerce-team', ['commerce.orders', 'commerce.customers'], 59.5, 'D'],
      ['finance-team', ['finance.revenue'], 25, 'E'],
    ]);
    expect(cards.summary.meshFindings).toEqual({ errors: 0, warnings: 1, info: 0 });
    expect(cards.summary.findings).toEqual({ errors: 1, warnings: 1, info: 0 });
  });
});

async function scorecardJson(argv: string[]): Promise<Scorecards & { selection?: { team?: string; product?: string } }> {
  const run = await runCli(['scorecard', '--json', ...argv]);
  expect(run.exitCode, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Scorecards;
}

/** Every score and grade printed follows from the parts printed with it. */
function expectConsistent(cards: Scorecards): void {
  for (const p of cards.products) {
    const expected = productScore({
      documentation: p.documentation.documented / p.documentation.documentable,
      contractShare: p.ports.count === 0 ? 0 : p.ports.withContract / p.ports.count,
      checksShare: p.ports.count === 0 ? 0 : p.ports.withChecks / p.ports.count,
      errors: p.findings.errors,
      warnings: p.findings.warnings,
    });
    expect(p.score, p.id).toBe(expected);
    expect(p.grade, p.id).toBe(gradeFor(p.score));
  }
  for (const team of cards.teams) {
    const scores = team.products.map((id) => cards.products.find((p) => p.id === id)?.score ?? NaN);
    expect(scores, team.id).toEqual([...scores].sort((a, b) => a - b));
    expect(team.score).toBeCloseTo(scores.reduce((a, b) => a + b, 0) / scores.length, 1);
  }
}

describe('tessera scorecard', () => {
  it('--help explains the command', async () => {
    const { exitCode, stdout } = await runCli(['scorecard', '--help']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('Usage: tessera scorecard');
    expect(stdout).toContain('--team <id>');
    expect(stdout).toContain('--dir <path>');
  });

  it('--json prints the formula, every product, every team and a summary', async () => {
    const cards = await scorecardJson(['--dir', valid]);
    expect(cards.formula).toMatch(/^score = round\(40 × documentation \+ 30 × contract share \+ 20 × checks share/);
    expect(cards.selection).toBeUndefined();
    expect(cards.products.map((p) => p.id)).toEqual(['commerce.customers', 'commerce.orders', 'finance.revenue']);
    expect(Object.keys(cards.products[0] ?? {})).toEqual(['id', 'owner', 'kind', 'dir', 'documentation', 'ports', 'findings', 'score', 'grade', 'notes']);
    expect(cards.products.map((p) => p.documentation.documentable)).toEqual([5, 5, 5]);
    expect(cards.products.map((p) => [p.ports.withContract, p.ports.withChecks])).toEqual([
      [1, 1],
      [1, 1],
      [1, 0],
    ]);
    expect(cards.products[1]?.ports.list).toEqual([{ id: 'commerce.orders', columns: 2, contract: true, checks: true, readers: 1 }]);
    expect(cards.teams.map((t) => t.id)).toEqual(['commerce-team', 'finance-team']);
    expect(cards.summary).toMatchObject({ products: 3, teams: 2, ports: { count: 3, withContract: 3, withChecks: 2 } });
    expectConsistent(cards);
  });

  it('--team keeps one team\'s products, and the figures describe only them', async () => {
    const cards = await scorecardJson(['--dir', valid, '--team', 'finance-team']);
    expect(cards.selection).toEqual({ team: 'finance-team' });
    expect(cards.products.map((p) => p.id)).toEqual(['finance.revenue']);
    expect(cards.teams.map((t) => t.id)).toEqual(['finance-team']);
    expect(cards.summary).toMatchObject({ products: 1, teams: 1, meshFindings: { errors: 0, warnings: 0, info: 0 } });
    const text = await runCli(['scorecard', '--dir', valid, '--team', 'finance-team']);
    expect(text.stdout).toContain('finance.revenue');
    expect(text.stdout).not.toContain('commerce.orders');
    expect(text.stdout).toContain('Selection: 1 product of 1 team');
  });

  it('exits 2 on an unknown team or product, with a suggestion', async () => {
    const team = await runCli(['scorecard', '--dir', valid, '--team', 'finance-tem']);
    expect(team.exitCode).toBe(2);
    expect(team.stderr).toContain('No team `finance-tem` in this mesh. Did you mean `finance-team`?');
    expect(team.stderr).toContain('Teams: commerce-team, finance-team.');
    const product = await runCli(['scorecard', '--dir', valid, '--product', 'commerce.order']);
    expect(product.exitCode).toBe(2);
    expect(product.stderr).toContain('Did you mean `commerce.orders`?');
    const mismatch = await runCli(['scorecard', '--dir', valid, '--product', 'commerce.orders', '--team', 'finance-team']);
    expect(mismatch.exitCode).toBe(2);
    expect(mismatch.stderr).toContain('is owned by `commerce-team`');
  });

  it('--product shows what the product lacks', async () => {
    const { exitCode, stdout } = await runCli(['scorecard', '--dir', valid, '--product', 'finance.revenue']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('not documented:');
    expect(stdout).toContain('ports.daily_revenue.columns.revenue.description');
    expect(stdout).toMatch(/finance\.daily_revenue {2}contract of 2 columns · no checks · 1 reader in the mesh/);
  });

  it('prints a table per team, worst product first, and a mesh-wide summary', async () => {
    const { exitCode, stdout } = await runCli(['scorecard', '--dir', valid]);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/^commerce-team {2}Commerce · 2 products · docs 0%/m);
    expect(stdout).toMatch(/product\s+kind\s+docs\s+contract\s+checks\s+errors\s+warnings\s+score\s+grade/);
    expect(stdout).toMatch(/finance\.revenue\s+aggregate\s+0%\s+1\/1\s+0\/1\s+\d+\s+\d+\s+\d+\s+[A-E]/);
    expect(stdout).toMatch(/^Mesh: 3 products of 2 teams · docs 0% \(0\/15 items\) · 3\/3 ports with a contract, 2\/3 with checks/m);
  });

  it('exits 1 when the mesh itself has errors', async () => {
    const run = await runCli(['scorecard', '--dir', broken]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('[ref/unknown]');
  });

  it('scores the grocery example: 11 products of 5 teams, consistent throughout', async () => {
    const cards = await scorecardJson(['--dir', grocery]);
    expect(cards.products).toHaveLength(11);
    expect(cards.teams.map((t) => t.id)).toEqual(['commerce-platform', 'finance', 'growth', 'hub-operations', 'last-mile']);
    expect(cards.teams.flatMap((t) => t.products).sort()).toEqual(cards.products.map((p) => p.id));
    expectConsistent(cards);
    const lastMile = await scorecardJson(['--dir', grocery, '--team', 'last-mile']);
    expect(lastMile.products.map((p) => p.id)).toEqual(['delivery.deliveries', 'delivery.trips', 'delivery.vehicles']);
    const text = await runCli(['scorecard', '--dir', grocery]);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/^last-mile {2}Last Mile · 3 products/m);
    expect(text.stdout).toMatch(/^Mesh: 11 products of 5 teams/m);
  });
});
