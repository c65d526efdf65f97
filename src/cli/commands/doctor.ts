import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Mesh } from '../../spec/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import type { MeshGraph } from '../../compiler/index.js';
import { ExitCode } from '../exit-codes.js';
import { paint, printJson, type Output } from '../output.js';
import type { CommandContext } from './context.js';
import { openValidMesh } from './open-valid.js';
import { findServer } from './remote.js';
import { withWarehouse } from './warehouse-access.js';

/** One thing `tessera doctor` looked at: fine, worth a look, or broken. */
interface Finding {
  readonly area: string;
  readonly status: 'ok' | 'warn' | 'fail';
  readonly message: string;
  readonly hint?: string;
}

export function registerDoctor(program: Command, context: CommandContext): void {
  program
    .command('doctor')
    .description('Checks what running Tessera needs: the warehouse connection and version, migrations, grants, runs, workers and alert channels; exit 1 when something is broken')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const opened = await openValidMesh(context);
      if (!opened) return;
      const root = resolve(context.dir());
      const findings: Finding[] = [{ area: 'tessera', status: 'ok', message: `Node ${process.versions.node}` }];
      findings.push(...channelFindings(opened.mesh));
      const server = await findServer(root);
      if (server) findings.push({ area: 'server', status: 'ok', message: `a server for this folder answers at ${server.url}` });
      const checked = await withWarehouse(context, root, opened.mesh, { readOnly: true, command: 'tessera doctor' }, (warehouse) => warehouseFindings(warehouse, opened.mesh, opened.graph));
      if (checked) findings.push(...checked);
      else {
        // The warehouse could not be opened (withWarehouse said why): that is the finding.
        findings.push({ area: 'warehouse', status: server && opened.mesh.spec.warehouse?.type !== 'postgres' ? 'warn' : 'fail', message: server ? 'held by the server; ask it (`tessera runs`, the catalog) or stop it to look closer' : 'cannot be opened (see above)' });
      }
      const failed = findings.some((f) => f.status === 'fail');
      context.setExit(failed ? ExitCode.failed : ExitCode.ok);
      if (options.json) printJson(context.output, { ok: !failed, findings });
      else print(context.output, findings);
    });
}

async function warehouseFindings(warehouse: Warehouse, mesh: Mesh, graph: MeshGraph): Promise<Finding[]> {
  const findings: Finding[] = [];
  const { STATE_SCHEMA, SqlStateStore, textValue } = await import('../../state/index.js');
  const { openCoordinator, planEngineChanges, enginesHaveRoles } = await import('../../runner/index.js');
  const [version] = await warehouse.query('SELECT version() AS v');
  findings.push({ area: 'warehouse', status: 'ok', message: `${warehouse.dialect.name} ${textValue(version?.v).split(' on ')[0] ?? ''}, reachable` });
  const stateTables = new Set((await warehouse.relations(STATE_SCHEMA)).map((r) => r.name));
  if (!stateTables.has('runs')) {
    findings.push({ area: 'state', status: 'warn', message: 'no state yet: nothing has run on this warehouse', hint: 'run `tessera run`' });
    return findings;
  }
  const { STATE_MIGRATIONS } = await import('../../state/index.js');
  const applied = stateTables.has('migrations') ? await warehouse.query(`SELECT version, name, applied_at FROM ${warehouse.dialect.table(STATE_SCHEMA, 'migrations')} ORDER BY version`) : [];
  const latest = applied.at(-1);
  findings.push(
    applied.length === STATE_MIGRATIONS.length
      ? { area: 'migrations', status: 'ok', message: `${applied.length} of ${STATE_MIGRATIONS.length} applied, the last on ${textValue(latest?.applied_at).replace("T", " ").slice(0, 16)} (${textValue(latest?.name)})` }
      : { area: 'migrations', status: 'warn', message: `${applied.length} of ${STATE_MIGRATIONS.length} applied`, hint: 'the next run or server start applies the rest (once, whichever process comes first)' },
  );
  const state = new SqlStateStore(warehouse, warehouse.dialect);
  const running = (await state.runs({ limit: 200 })).filter((r) => r.status === 'running');
  if (running.length > 0) {
    const coordinator = await openCoordinator(warehouse);
    try {
      const alive = coordinator.exclusive ? new Set<number>() : await coordinator.alive(running.map((r) => r.id));
      const dead = running.filter((r) => !alive.has(r.id));
      if (alive.size > 0) findings.push({ area: 'runs', status: 'ok', message: `run(s) ${[...alive].join(', ')} running now` });
      if (dead.length > 0 && !coordinator.exclusive) findings.push({ area: 'runs', status: 'warn', message: `run(s) ${dead.map((r) => r.id).join(', ')} are recorded as running but no process holds them`, hint: 'the next run or server start records them as abandoned' });
    } finally {
      await coordinator.release();
    }
  }
  if (enginesHaveRoles(warehouse)) {
    const changes = await planEngineChanges(warehouse, mesh, graph, new Date());
    findings.push(
      changes.statements.length === 0
        ? { area: 'grants', status: 'ok', message: `${changes.plan.roles.length} role(s) grant exactly what the access rules say` }
        : { area: 'grants', status: 'warn', message: `${changes.statements.length} grant statement(s) pending: the engine's roles differ from the access rules`, hint: 'see `tessera grants plan`, then `tessera grants apply`' },
    );
  } else {
    findings.push({ area: 'grants', status: 'ok', message: `${warehouse.dialect.name} has no roles: the gateway enforces access` });
  }
  // Workers exist only over PostgreSQL; `readWorkers` answers none before any registered.
  if (warehouse.dialect.name === 'postgres') findings.push(...(await workerFindings(warehouse)));
  if (stateTables.has('outbox')) {
    const [dead] = await warehouse.query(`SELECT count(*) AS n FROM ${warehouse.dialect.table(STATE_SCHEMA, 'outbox')} WHERE status = 'dead'`);
    const n = Number(dead?.n ?? 0);
    findings.push(n === 0 ? { area: 'alerts', status: 'ok', message: 'no dead letters' } : { area: 'alerts', status: 'warn', message: `${n} notification(s) in the dead-letter list`, hint: 'fix the channel, then `tessera alerts dead --retry`' });
  }
  return findings;
}

/** Workers, as the database's clock sees their heartbeats: one silent for longer than its lease is not working. */
async function workerFindings(warehouse: Warehouse): Promise<Finding[]> {
  const { readWorkers } = await import('../../state/index.js');
  const workers = await readWorkers(warehouse, warehouse.dialect);
  if (workers.length === 0) return [{ area: 'workers', status: 'ok', message: 'no workers registered: runs build in the process that starts them' }];
  return workers.map((w) => {
    const name = `${w.id} (${w.host}, pid ${w.pid})`;
    const holding = w.leases.length === 0 ? 'idle' : `building ${w.leases.map((l) => `${l.nodeId} of run ${l.runId}`).join(', ')}`;
    return w.alive
      ? { area: 'workers', status: 'ok' as const, message: `${name}: alive, last heartbeat ${w.heartbeatAt}, ${holding}` }
      : { area: 'workers', status: 'warn' as const, message: `${name}: silent since ${w.heartbeatAt} (lease ${w.leaseMs / 1000} s)`, hint: "a silent worker's leases expire and other workers take its nodes; restart it where it ran" };
  });
}

/** Alert channels whose secret comes from a variable this environment does not set. */
function channelFindings(mesh: Mesh): Finding[] {
  const findings: Finding[] = [];
  for (const team of mesh.teams) {
    for (const channel of team.channels ?? []) {
      if (channel.type === 'file') continue;
      for (const variable of [channel.url_env, channel.type === 'webhook' ? channel.secret_env : undefined]) {
        if (variable !== undefined && !process.env[variable]) {
          findings.push({ area: 'alerts', status: 'warn', message: `team ${team.id}'s ${channel.type} channel reads ${variable}, which is not set here`, hint: `set ${variable} where \`tessera serve\` runs` });
        }
      }
    }
  }
  if (mesh.spec.warehouse?.type === 'postgres') {
    const variable = 'url_env' in mesh.spec.warehouse ? String(mesh.spec.warehouse.url_env) : undefined;
    if (variable !== undefined && !process.env[variable]) findings.push({ area: 'warehouse', status: 'fail', message: `the warehouse URL comes from ${variable}, which is not set`, hint: `export ${variable}=postgres://user:password@host:5432/database` });
  }
  return findings;
}

function print(output: Output, findings: readonly Finding[]): void {
  const mark = { ok: paint(output, 'green', '✓'), warn: paint(output, 'yellow', '!'), fail: paint(output, 'red', '✗') };
  const width = Math.max(...findings.map((f) => f.area.length));
  for (const f of findings) {
    output.out(`${mark[f.status]} ${f.area.padEnd(width)}  ${f.message}`);
    if (f.hint && f.status !== 'ok') output.out(`  ${' '.repeat(width)}  hint: ${f.hint}`);
  }
  const failed = findings.filter((f) => f.status === 'fail').length;
  const warned = findings.filter((f) => f.status === 'warn').length;
  output.out(`\n${failed === 0 ? paint(output, 'green', '✓ nothing broken') : paint(output, 'red', `✗ ${failed} broken`)}${warned > 0 ? `, ${warned} to look at` : ''}`);
}
