import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { EngineGrantChanges } from '../../runner/index.js';
import { ExitCode } from '../exit-codes.js';
import { paint, printJson, type Output } from '../output.js';
import type { CommandContext } from './context.js';
import { openValidMesh } from './open-valid.js';
import { withWarehouse } from './warehouse-access.js';

export function registerGrants(program: Command, context: CommandContext): void {
  const grants = program
    .command('grants')
    .description("The engine's own roles and grants that the mesh's access rules imply (PostgreSQL warehouse): one role per team")
    .addHelpText('after', '\nOn DuckDB there are no roles: the gateway (tessera serve) enforces access alone, and `plan` shows what each role would read.');
  grants
    .command('plan')
    .description('show the roles, what each may read, and the statements that would bring the warehouse there')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withGrants(context, false, options.json === true);
    });
  grants
    .command('apply')
    .description('apply those statements in one transaction (PostgreSQL); runs apply them too after publishing')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withGrants(context, true, options.json === true);
    });
}

async function withGrants(context: CommandContext, apply: boolean, json: boolean): Promise<void> {
  const opened = await openValidMesh(context);
  if (!opened) return;
  const { applyEngineGrants, enginesHaveRoles, planEngineChanges } = await import('../../runner/index.js');
  const root = resolve(context.dir());
  await withWarehouse(context, root, opened.mesh, { readOnly: !apply, command: `tessera grants ${apply ? 'apply' : 'plan'}` }, async (warehouse) => {
    const roles = enginesHaveRoles(warehouse);
    if (apply && !roles) {
      context.output.err(`error: \`tessera grants apply\` needs a warehouse with roles (PostgreSQL); this mesh builds on ${warehouse.dialect.name}, which has none.`);
      context.output.err('hint: on DuckDB the gateway enforces access: consumers query through `tessera serve` (HTTP or --pg-port).');
      context.setExit(ExitCode.usage);
      return;
    }
    const changes = apply ? await applyEngineGrants(warehouse, opened.mesh, opened.graph, new Date()) : await planEngineChanges(warehouse, opened.mesh, opened.graph, new Date());
    if (json) printJson(context.output, { engine: warehouse.dialect.name, roles: changes.plan.roles, reads: changes.plan.reads, gatewayOnly: changes.plan.gatewayOnly, statements: changes.statements, applied: apply });
    else printPlan(context.output, changes, { engine: warehouse.dialect.name, roles, apply });
  });
}

function printPlan(output: Output, changes: EngineGrantChanges, how: { engine: string; roles: boolean; apply: boolean }): void {
  const { plan } = changes;
  for (const role of plan.roles) {
    const reads = plan.reads.filter((r) => r.role === role.role);
    const raw = new Set(reads.filter((r) => r.relation === 'raw').map((r) => r.port));
    const ports = [...new Set(reads.map((r) => r.port))];
    output.out(`${paint(output, 'bold', role.role)} (${role.subject}): ${ports.length === 0 ? 'no port' : ports.map((p) => (raw.has(p) ? `${p} (raw)` : p)).join(', ')}`);
  }
  for (const grant of plan.gatewayOnly) {
    output.out(`note: ${grant.port} is granted to ${grant.subject}, one person: the gateway enforces it; on the engine, give the person a team's role or a service account.`);
  }
  output.out('');
  if (!how.roles) {
    output.out(`${how.engine} has no roles: the gateway enforces these rules alone (tessera serve).`);
    return;
  }
  if (changes.statements.length === 0) {
    output.out(paint(output, 'green', '✓ the warehouse grants exactly this already'));
    return;
  }
  for (const statement of changes.statements) output.out(`${statement};`);
  output.out('');
  output.out(how.apply ? paint(output, 'green', `✓ applied ${changes.statements.length} statement(s) in one transaction`) : `${changes.statements.length} statement(s) to apply: run \`tessera grants apply\``);
}
