/**
 * Issue 14, item 1: `tessera init` and `tessera new team|product` scaffold a mesh
 * that validates clean (no errors, no warnings) and runs at once, and refuse to
 * overwrite anything.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

let base: string;
let mesh: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'tessera-new-'));
  mesh = join(base, 'my-shop');
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('tessera init and tessera new', () => {
  it('init writes an empty mesh that validates clean, and says what to do next', async () => {
    const run = await runCli(['init', mesh]);
    expect(run.exitCode, run.stderr).toBe(0);
    for (const file of ['tessera.yaml', 'teams.yaml', 'glossary.yaml', 'products/.gitkeep', '.gitignore', 'schema/product.schema.json']) {
      expect(run.stdout).toContain(`wrote   ${file}`);
    }
    expect(run.stdout).toContain('tessera new team');
    expect(await readFile(join(mesh, 'tessera.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=schema\/tessera\.schema\.json\n#[^\n]*\nname: my_shop\n/);
    expect(await readFile(join(mesh, '.gitignore'), 'utf8')).toContain('.tessera/');
    const validate = await runCli(['validate', '--json', '--no-cache', '--dir', mesh]);
    expect(validate.exitCode).toBe(0);
    expect(JSON.parse(validate.stdout)).toEqual({ diagnostics: [] });
  });

  it('init refuses a folder that already holds a mesh, and overwrites nothing', async () => {
    await writeFile(join(mesh, 'glossary.yaml'), 'terms: [] # mine\n');
    const run = await runCli(['init', mesh]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/already holds a mesh: tessera\.yaml, teams\.yaml, glossary\.yaml already exist; nothing was written/);
    expect(await readFile(join(mesh, 'glossary.yaml'), 'utf8')).toBe('terms: [] # mine\n');
  });

  it('new team adds the team to teams.yaml, keeping its comments; a second time it refuses', async () => {
    const run = await runCli(['new', 'team', 'sales-analytics', '--name', 'Sales Analytics', '--domain', 'sales', '--dir', mesh]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('changed teams.yaml');
    expect(run.stdout).toContain('tessera new product sales.<name> --kind source-aligned --owner sales-analytics');
    const teams = await readFile(join(mesh, 'teams.yaml'), 'utf8');
    expect(teams).toContain('# The teams of the mesh');
    expect(teams).toMatch(/- id: sales-analytics\n\s+name: Sales Analytics\n[\s\S]*domains: \[ sales \]/);
    const again = await runCli(['new', 'team', 'sales-analytics', '--dir', mesh]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('Team `sales-analytics` already exists');
    const taken = await runCli(['new', 'team', 'marketing', '--domain', 'sales', '--dir', mesh]);
    expect(taken.exitCode).toBe(1);
    expect(taken.stderr).toContain('already owned by team `sales-analytics`');
  });

  it('new product writes a commented product with a source, a model and a port that validates clean and runs', async () => {
    const run = await runCli(['new', 'product', 'sales.orders', '--kind', 'source-aligned', '--owner', 'sales-analytics', '--dir', mesh]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('wrote   products/sales/orders/product.yaml');
    expect(run.stdout).toContain('wrote   products/sales/orders/models/stg_orders.sql');
    expect(run.stdout).toContain('wrote   data/sales/orders.csv');
    expect(run.stdout).toContain('tessera run --select sales.orders');
    const product = await readFile(join(mesh, 'products/sales/orders/product.yaml'), 'utf8');
    expect(product.split('\n')[0]).toBe('# yaml-language-server: $schema=../../../schema/product.schema.json');
    for (const field of ['sources:', 'ports:', 'columns:', 'checks:', '# freshness:', '# schedule:', 'classification: pii', 'masking: hash', '# deprecated:']) {
      expect(product).toContain(field);
    }
    const validate = await runCli(['validate', '--json', '--no-cache', '--dir', mesh]);
    expect(validate.exitCode).toBe(0);
    expect(JSON.parse(validate.stdout)).toEqual({ diagnostics: [] });
    const built = await runCli(['run', '--dir', mesh]);
    expect(built.exitCode, built.stdout + built.stderr).toBe(0);
    expect(built.stdout).toMatch(/sales\.orders\s+v1\s+3 rows/);
  });

  it('new product gives an unowned domain to the owner, and refuses unknown owners, bad names, kinds and existing files', async () => {
    const other = await runCli(['new', 'team', 'finance', '--dir', mesh]);
    expect(other.exitCode, other.stderr).toBe(0);
    const owned = await runCli(['new', 'product', 'finance.revenue', '--kind', 'aggregate', '--owner', 'finance', '--dir', mesh]);
    expect(owned.exitCode, owned.stderr).toBe(0);
    expect(owned.stdout).toContain('Domain `finance` had no owning team: added to the domains of `finance`');
    expect(JSON.parse((await runCli(['validate', '--json', '--no-cache', '--dir', mesh])).stdout)).toEqual({ diagnostics: [] });

    const exists = await runCli(['new', 'product', 'sales.orders', '--kind', 'source-aligned', '--owner', 'sales-analytics', '--dir', mesh]);
    expect(exists.exitCode).toBe(1);
    expect(exists.stderr).toMatch(/Product sales\.orders: products\/sales\/orders\/product\.yaml, .* already exist; nothing was written/);
    const unknown = await runCli(['new', 'product', 'sales.returns', '--kind', 'source-aligned', '--owner', 'nobody', '--dir', mesh]);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('hint: Add it first: tessera new team nobody --domain sales');
    expect((await runCli(['new', 'product', 'orders', '--kind', 'aggregate', '--owner', 'finance', '--dir', mesh])).exitCode).toBe(1);
    expect((await runCli(['new', 'product', 'sales.x', '--kind', 'big', '--owner', 'finance', '--dir', mesh])).exitCode).toBe(2);
    expect((await runCli(['new', 'product', 'sales.x', '--owner', 'finance', '--dir', mesh])).exitCode).toBe(2);
  });

  it('new --help prints the help of `new`; `new` alone exits 2 with its usage', async () => {
    const help = await runCli(['new', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Usage: tessera new team|product');
    expect(help.stdout).toContain('tessera new product sales.orders');
    const productHelp = await runCli(['new', 'product', '--help']);
    expect(productHelp.exitCode).toBe(0);
    expect(productHelp.stdout).toContain('Usage: tessera new product');
    const bare = await runCli(['new']);
    expect(bare.exitCode).toBe(2);
    expect(bare.stdout + bare.stderr).toContain('Usage: tessera new team|product');
    const init = await runCli(['init', '--help']);
    expect(init.exitCode).toBe(0);
    expect(init.stdout).toContain('Usage: tessera init');
  });
});
