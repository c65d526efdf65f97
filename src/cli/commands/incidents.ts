import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { MeshGraph } from '../../compiler/index.js';
import type { RunFacts } from '../../incidents/index.js';
import type { Mesh } from '../../spec/index.js';
import type { CheckRecord, IncidentEntry, IncidentRecord, IncidentStatus, OutboxRecord } from '../../state/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import { paint, printJson, type Output } from '../output.js';
import type { CommandContext } from './context.js';
import { openValidMesh } from './open-valid.js';
import { callServer, findServer, ServerRefusal, type ServerLink } from './remote.js';
import { withWarehouse } from './warehouse-access.js';

const RESOLUTIONS = ['fixed', 'expected', 'false-positive', 'other'];

interface NotificationView {
  id: number;
  team: string;
  kind: string;
  channel: { type?: string; place: string };
  status: string;
  /** delivered, dead, retrying, held (grouping window, quiet hours), queued. */
  state?: string;
  attempts: number;
  lastError?: string;
  answer?: string;
  deliveredAt?: string;
  nextAttemptAt?: string;
}

/**
 * After an offline `tessera run` or `tessera test`: the run's events become incidents and
 * outbox rows in the warehouse; file channels are written at once, the others wait for
 * `tessera alerts flush` or the next server start. Never fails the run.
 */
export async function recordOfflineAlerts(context: CommandContext, root: string, mesh: Mesh, graph: MeshGraph, warehouse: Warehouse, runId: number, facts: (checks: readonly CheckRecord[]) => RunFacts): Promise<void> {
  try {
    const { openAlerts, lastPublishedOf } = await import('../../alerts/index.js');
    const { SqlStateStore } = await import('../../state/index.js');
    const state = new SqlStateStore(warehouse, warehouse.dialect);
    const alerts = await openAlerts(warehouse, { root, env: process.env, only: ['file'], mesh: () => mesh });
    try {
      const runFacts = facts(await state.checkResults(runId));
      const outcome = await alerts.recorder.recordRun(mesh, graph, runFacts, new Date(), lastPublishedOf(await state.portVersions()));
      const stats = outcome.queued > 0 ? await alerts.deliverer.flush() : { delivered: 0 };
      const changed = outcome.opened + outcome.reopened + outcome.resolved;
      if (changed === 0 && outcome.queued === 0) return;
      const parts = [
        outcome.opened > 0 ? `${outcome.opened} incident(s) opened` : '',
        outcome.reopened > 0 ? `${outcome.reopened} reopened` : '',
        outcome.resolved > 0 ? `${outcome.resolved} resolved` : '',
        outcome.attached > 0 ? `${outcome.attached} downstream node(s) attached` : '',
      ].filter((p) => p !== '');
      const rest = outcome.queued - stats.delivered;
      context.output.err(
        `Alerts: ${parts.join(', ') || 'no change'}; ${outcome.queued} notification(s)${stats.delivered > 0 ? `, ${stats.delivered} written to alert files` : ''}${rest > 0 ? `, ${rest} waiting for \`tessera alerts flush\` or the next server start` : ''}. \`tessera incidents --open\` lists them.`,
      );
      for (const skipped of outcome.skipped) context.output.err(`  not sent to ${skipped}`);
    } finally {
      await alerts.close();
    }
  } catch (error) {
    context.output.err(`warning: alerts were not recorded: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function withIncidents<T>(
  context: CommandContext,
  write: boolean,
  remote: (server: ServerLink) => Promise<T>,
  local: (alerts: import('../../alerts/index.js').Alerts, mesh: Mesh) => Promise<T>,
): Promise<T | undefined> {
  const opened = await openValidMesh(context);
  if (!opened) return undefined;
  const root = resolve(context.dir());
  const server = await findServer(root);
  if (server) {
    try {
      return await remote(server);
    } catch (error) {
      if (!(error instanceof ServerRefusal)) throw error;
      context.output.err(`error: the server refused: ${error.message}`);
      context.setExit(ExitCode.failed);
      return undefined;
    }
  }
  return withWarehouse(context, root, opened.mesh, { readOnly: false, command: write ? 'tessera incidents (write)' : 'tessera incidents' }, async (warehouse) => {
    const { openAlerts } = await import('../../alerts/index.js');
    const alerts = await openAlerts(warehouse, { root, env: process.env, mesh: () => opened.mesh, log: (line) => { context.output.err(line); } });
    try {
      return await local(alerts, opened.mesh);
    } finally {
      await alerts.close();
    }
  });
}

export function registerIncidents(program: Command, context: CommandContext): void {
  const incidents = program
    .command('incidents')
    .description('Incidents: failed nodes, failed audits, checks at warn, breached SLAs; `incidents show|ack|resolve <id>`')
    .option('--team <id>', 'only this team\'s incidents')
    .option('--open', 'only open and acknowledged incidents')
    .option('--json', 'print JSON')
    .action(async (options: { team?: string; open?: boolean; json?: boolean }) => {
      const query = new URLSearchParams({ ...(options.team ? { team: options.team } : {}), ...(options.open ? { status: 'active' } : {}) });
      const status: IncidentStatus[] | undefined = options.open ? ['open', 'acknowledged'] : undefined;
      const list = await withIncidents(
        context,
        false,
        async (server) => (await callServer<{ incidents: IncidentRecord[] }>(server, 'GET', `/api/incidents?${query.toString()}`)).incidents,
        (alerts) => alerts.store.incidents({ ...(options.team ? { team: options.team } : {}), ...(status ? { status } : {}) }),
      );
      if (!list) return;
      if (options.json) printJson(context.output, { incidents: list });
      else printIncidents(context.output, list);
    });

  incidents
    .command('show <id>')
    .description('One incident: its timeline and its notifications with their delivery')
    .option('--json', 'print JSON')
    .option('-d, --dir <path>', 'the mesh root, the folder holding tessera.yaml')
    .action(async (id: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<{ json?: boolean }>();
      const number = incidentId(id);
      const found = await withIncidents(
        context,
        false,
        (server) => callServer<{ incident: IncidentRecord; timeline: IncidentEntry[]; notifications: NotificationView[] }>(server, 'GET', `/api/incidents/${number}`),
        async (alerts) => {
          const incident = await alerts.store.incident(number);
          if (!incident) return undefined;
          const { notificationView } = await import('../../alerts/index.js');
          return { incident, timeline: await alerts.store.entries(number), notifications: (await alerts.store.outbox({ incidentId: number })).map((r) => notificationView(r) as unknown as NotificationView) };
        },
      );
      if (!found) {
        context.output.err(`error: there is no incident ${id}; \`tessera incidents\` lists them.`);
        context.setExit(ExitCode.failed);
        return;
      }
      if (options.json) printJson(context.output, found);
      else printIncident(context.output, found.incident, found.timeline, found.notifications);
    });

  for (const action of ['ack', 'resolve'] as const) {
    incidents
      .command(`${action} <id>`)
      .description(action === 'ack' ? 'Acknowledge an incident: the team is on it, it stops repeating' : `Resolve an incident; --reason ${RESOLUTIONS.join('|')}`)
      .option('--reason <text>', action === 'ack' ? 'a note for the timeline' : `why: ${RESOLUTIONS.join(', ')}`)
      .option('--note <text>', 'more words for the timeline')
      .option('-d, --dir <path>', 'the mesh root, the folder holding tessera.yaml')
      .action(async (id: string, options: { reason?: string; note?: string }) => {
        const number = incidentId(id);
        if (action === 'resolve' && (options.reason === undefined || !RESOLUTIONS.includes(options.reason))) {
          throw new UsageError(`resolve needs --reason ${RESOLUTIONS.join('|')}`);
        }
        const body = { ...(options.reason ? { reason: options.reason } : {}), ...(options.note ? { note: options.note } : {}) };
        const done = await withIncidents(
          context,
          true,
          async (server) => (await callServer<{ incident: IncidentRecord }>(server, 'POST', `/api/incidents/${number}/${action}`, body)).incident,
          async (alerts, mesh) => {
            const incident = await alerts.store.incident(number);
            if (!incident) throw new UsageError(`there is no incident ${id}; \`tessera incidents\` lists them`);
            if (incident.status === 'resolved') throw new UsageError(`incident ${id} is already resolved`);
            const by = `cli:${process.env.USER ?? 'local'}`;
            return action === 'ack'
              ? alerts.recorder.acknowledge(mesh, number, by, options.reason ?? options.note)
              : alerts.recorder.resolve(mesh, number, by, options.reason as 'fixed', options.note);
          },
        );
        if (done) context.output.out(`Incident #${done.id} ${done.status}${done.status === 'acknowledged' ? ` by ${done.acknowledgedBy ?? ''}` : ` (${done.resolution ?? ''})`}; the team's channels hear it.`);
      });
  }
}

export function registerAlerts(program: Command, context: CommandContext): void {
  const alerts = program.command('alerts').description('Alert channels and the outbox: `alerts test --team <id>`, `alerts flush`, `alerts dead`');

  alerts
    .command('test')
    .description('Send a test message to each channel of a team and say what each answered')
    .requiredOption('--team <id>', 'the team (an id from teams.yaml)')
    .option('--json', 'print JSON')
    .option('-d, --dir <path>', 'the mesh root, the folder holding tessera.yaml')
    .action(async (options: { team: string; json?: boolean }) => {
      const opened = await openValidMesh(context);
      if (!opened) return;
      const team = opened.mesh.teams.find((t) => t.id === options.team);
      if (!team) throw new UsageError(`there is no team ${options.team} in teams.yaml (teams: ${opened.mesh.teams.map((t) => t.id).join(', ')})`);
      const { sendTo } = await import('../../alerts/index.js');
      const { channelPlace, channelRef } = await import('../../incidents/index.js');
      const root = resolve(context.dir());
      const at = new Date().toISOString();
      const results: { type: string; place: string; ok: boolean; answer: string }[] = [];
      for (const spec of team.channels ?? []) {
        const channel = channelRef(spec);
        const outcome = await sendTo(
          channel,
          {
            team: team.id,
            kind: 'test',
            group: `test:${at}`,
            mesh: opened.mesh.spec.name,
            title: `Test message for ${team.name}`,
            items: [{ status: 'test', severity: 'warning', fingerprint: 'test', title: 'Tessera can reach this channel', message: `Sent by \`tessera alerts test --team ${team.id}\` at ${at}. Nothing is wrong.`, product: '', node: '', check: '' }],
            impacts: [],
          },
          `test-${team.id}-${at}`,
          { root, env: process.env, timeoutMs: 10_000, slackIntervalMs: 1000 },
        );
        results.push({ type: spec.type, place: channelPlace(channel), ok: outcome.ok, answer: outcome.answer });
      }
      if (results.some((r) => !r.ok) || results.length === 0) context.setExit(ExitCode.failed);
      if (options.json) {
        printJson(context.output, { team: team.id, channels: results });
        return;
      }
      if (results.length === 0) context.output.out(`Team ${team.id} has no channels in teams.yaml: failures reach it only through the catalog.`);
      for (const r of results) context.output.out(`${paint(context.output, r.ok ? 'green' : 'red', r.ok ? '✓' : '✗')} ${r.type.padEnd(7)} ${r.place}  ${r.answer}`);
    });

  alerts
    .command('flush')
    .description('Deliver the notifications waiting in the outbox (those an offline run recorded, retries that are due)')
    .option('--retry-dead', 'put dead letters back in line first')
    .option('--wait <seconds>', 'keep delivering retries that fall due within this many seconds', (v) => Number(v), 0)
    .option('--json', 'print JSON')
    .option('-d, --dir <path>', 'the mesh root, the folder holding tessera.yaml')
    .action(async (options: { retryDead?: boolean; wait: number; json?: boolean }) => {
      const result = await withIncidents(
        context,
        true,
        (server) => callServer<{ delivered: number; failed: number; dead: number; pending: number; deadLetters: number; retried: number }>(server, 'POST', '/api/alerts/flush', options.retryDead ? { retryDead: true } : {}),
        async (a) => {
          const retried = options.retryDead ? await a.store.retryDead(new Date()) : 0;
          const stats = await a.deliverer.flush({ untilIdle: true, waitMs: Math.max(0, options.wait) * 1000 });
          return { ...stats, retried, pending: (await a.store.outbox({ status: 'pending' })).length, deadLetters: (await a.store.outbox({ status: 'dead' })).length };
        },
      );
      if (!result) return;
      if (result.dead > 0 || result.deadLetters > 0) context.setExit(ExitCode.failed);
      if (options.json) printJson(context.output, result);
      else context.output.out(`${result.delivered} delivered, ${result.failed} failed (retried later), ${result.dead} became dead letters · ${result.pending} pending · ${result.deadLetters} dead letters${result.deadLetters > 0 ? ' (`tessera alerts dead`)' : ''}`);
    });

  alerts
    .command('dead')
    .description('The dead-letter list: notifications that could not be delivered')
    .option('--json', 'print JSON')
    .option('-d, --dir <path>', 'the mesh root, the folder holding tessera.yaml')
    .action(async (options: { json?: boolean }) => {
      const rows = await withIncidents(
        context,
        false,
        async (server) => (await callServer<{ notifications: NotificationView[] }>(server, 'GET', '/api/alerts/outbox?status=dead')).notifications,
        async (a) => {
          const { notificationView } = await import('../../alerts/index.js');
          return (await a.store.outbox({ status: 'dead' })).map((r: OutboxRecord) => notificationView(r) as unknown as NotificationView);
        },
      );
      if (!rows) return;
      if (options.json) printJson(context.output, { notifications: rows });
      else if (rows.length === 0) context.output.out('No dead letters.');
      else for (const r of rows) context.output.out(`#${r.id} ${r.team} ${r.kind} → ${r.channel.type ?? ''} ${r.channel.place}: ${r.attempts} attempt(s), ${r.lastError ?? ''}`);
    });
}

function incidentId(id: string): number {
  const number = Number(id.replace(/^#/, ''));
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`${id} is not an incident id (a number, as \`tessera incidents\` shows)`);
  return number;
}

function age(iso: string): string {
  const ms = Date.now() - Date.parse(iso);
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))}s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)}m`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)}h`;
  return `${Math.round(ms / 86_400_000)}d`;
}

function printIncidents(output: Output, list: readonly IncidentRecord[]): void {
  if (list.length === 0) {
    output.out('No incidents.');
    return;
  }
  output.out(`${'id'.padStart(5)}  ${'status'.padEnd(12)}  ${'team'.padEnd(18)}  ${'age'.padStart(4)}  title`);
  for (const i of list) {
    const style = i.status === 'resolved' ? 'dim' : i.severity === 'critical' ? 'red' : 'yellow';
    output.out(paint(output, style, `${`#${i.id}`.padStart(5)}  ${i.status.padEnd(12)}  ${i.team.padEnd(18)}  ${age(i.openedAt).padStart(4)}  ${i.title}${i.affected.length > 0 ? ` (+${i.affected.length} downstream)` : ''}`));
  }
}

function printIncident(output: Output, i: IncidentRecord, timeline: readonly IncidentEntry[], notifications: readonly NotificationView[]): void {
  output.out(`#${i.id} ${i.title}`);
  output.out(`  status ${i.status}${i.acknowledgedBy ? ` (acknowledged by ${i.acknowledgedBy})` : ''}${i.resolution ? ` (${i.resolution}${i.resolutionNote ? `: ${i.resolutionNote}` : ''})` : ''} · team ${i.team} · ${i.severity} · seen ${i.occurrences} time(s)`);
  output.out(`  ${i.product} · ${i.node} · check ${i.check}`);
  output.out(`  ${i.message}`);
  if (i.affected.length > 0) output.out(`  downstream affected: ${i.affected.join(', ')}`);
  output.out('Timeline:');
  for (const e of timeline) output.out(`  ${e.at.slice(0, 19).replace('T', ' ')}  ${e.kind.padEnd(15)} ${e.detail}`);
  output.out('Notifications:');
  if (notifications.length === 0) output.out('  none');
  const when = (n: NotificationView): string => (n.state === 'held' || n.state === 'retrying' ? ` until ${n.nextAttemptAt ?? '?'}` : '');
  for (const n of notifications) output.out(`  #${n.id} ${n.kind} → ${n.team} ${n.channel.type ?? ''} ${n.channel.place}: ${n.state ?? n.status}${when(n)}${n.attempts > 1 ? ` after ${n.attempts} attempts` : ''}${n.lastError && n.status !== 'delivered' ? ` (${n.lastError})` : ''}`);
}
