/**
 * The CLI without a server: `tessera run` records incidents and writes the alert files at
 * once, `tessera alerts flush` sends the rest, `tessera incidents` lists, shows, acknowledges
 * and resolves, `tessera alerts test --team` says what each channel answered.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { itemsCsv, Receiver, writeIncidentsMesh } from './support/incidents-mesh.js';
import { runCli } from './support/run-cli.js';

const cleanups: (() => Promise<void> | void)[] = [];
let receiver: Receiver;
let files: ReturnType<typeof writeIncidentsMesh>;

beforeEach(async () => {
  files = writeIncidentsMesh();
  cleanups.push(files.cleanup);
  receiver = new Receiver();
  const url = await receiver.start();
  cleanups.push(() => receiver.stop());
  process.env.HOOK_SRC = `${url}/src`;
  process.env.HOOK_SECRET = 'k';
  cleanups.push(() => {
    delete process.env.HOOK_SRC;
    delete process.env.HOOK_SECRET;
  });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function lines(team: string): { kind: string; idempotency_key: string }[] {
  const file = join(files.dir, '.tessera', 'alerts', `${team}.log`);
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; idempotency_key: string }) : [];
}

describe('tessera incidents and alerts, offline', () => {
  it('records a run, writes alert files at once, flushes the webhook later, and acts on the incident', async () => {
    expect((await runCli(['run', '--dir', files.dir])).exitCode).toBe(0);
    files.write('data/items.csv', itemsCsv(true));
    const run = await runCli(['run', '--dir', files.dir]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/Alerts: 1 incident\(s\) opened, \d+ downstream node\(s\) attached; 4 notification\(s\), 3 written to alert files, 1 waiting for `tessera alerts flush`/);
    expect(run.stderr).toContain('not sent to mid slack $SLACK_MID: not configured: the environment variable SLACK_MID is not set');
    expect(lines('src').map((l) => l.kind)).toEqual(['incident']);
    expect(lines('mid').map((l) => l.kind)).toEqual(['impact']);
    expect(lines('far').map((l) => l.kind)).toEqual(['impact']);
    expect(lines('other')).toEqual([]);
    expect(receiver.received).toHaveLength(0);

    const flush = await runCli(['alerts', 'flush', '--dir', files.dir]);
    expect(flush.stdout).toContain('1 delivered, 0 failed');
    expect(flush.exitCode).toBe(0);
    expect(receiver.on('/src')).toHaveLength(1);

    const list = await runCli(['incidents', '--open', '--json', '--dir', files.dir]);
    const { incidents } = JSON.parse(list.stdout) as { incidents: { id: number; team: string; status: string; kind: string }[] };
    expect(incidents).toEqual([expect.objectContaining({ id: 1, team: 'src', status: 'open', kind: 'audit-failed' })]);
    expect((await runCli(['incidents', '--team', 'mid', '--dir', files.dir])).stdout).toContain('No incidents.');

    const show = await runCli(['incidents', 'show', '1', '--dir', files.dir]);
    expect(show.stdout).toContain('Timeline:');
    expect(show.stdout).toMatch(/incident → src webhook \$HOOK_SRC: delivered/);
    expect(show.stdout).toMatch(/impact → far file .tessera\/alerts\/far.log: delivered/);

    expect((await runCli(['incidents', 'resolve', '1', '--reason', 'because', '--dir', files.dir])).exitCode).toBe(2);
    const ack = await runCli(['incidents', 'ack', '1', '--reason', 'on it', '--dir', files.dir]);
    expect(ack.stdout).toMatch(/Incident #1 acknowledged by cli:/);
    const resolved = await runCli(['incidents', 'resolve', '1', '--reason', 'fixed', '--note', 'bad row removed', '--dir', files.dir]);
    expect(resolved.stdout).toContain('Incident #1 resolved (fixed)');
    // The updates are queued; the file channel gets them on the next flush.
    await runCli(['alerts', 'flush', '--dir', files.dir]);
    expect(lines('src').map((l) => l.kind)).toEqual(['incident', 'update', 'update']);
    expect((await runCli(['alerts', 'dead', '--dir', files.dir])).stdout).toContain('No dead letters.');
  }, 60_000);

  it('`alerts test` sends to each channel of a team and reports each answer', async () => {
    const ok = await runCli(['alerts', 'test', '--team', 'src', '--dir', files.dir]);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/✓ webhook \$HOOK_SRC {2}200 ok/);
    expect(ok.stdout).toMatch(/✓ file {4}.tessera\/alerts\/src.log {2}appended/);
    expect(receiver.on('/src')).toHaveLength(1);
    const signed = receiver.on('/src')[0]?.headers['x-tessera-signature'];
    expect(signed).toMatch(/^sha256=[0-9a-f]{64}$/);

    const unset = await runCli(['alerts', 'test', '--team', 'mid', '--dir', files.dir]);
    expect(unset.exitCode).toBe(1);
    expect(unset.stdout).toContain('✗ slack   $SLACK_MID  not configured: the environment variable SLACK_MID is not set');

    receiver.answer('fail');
    const failing = await runCli(['alerts', 'test', '--team', 'src', '--json', '--dir', files.dir]);
    expect(failing.exitCode).toBe(1);
    expect(JSON.parse(failing.stdout)).toMatchObject({ team: 'src', channels: [{ type: 'webhook', ok: false, answer: '500 server_error' }, { type: 'file', ok: true }] });
    expect((await runCli(['alerts', 'test', '--team', 'nobody', '--dir', files.dir])).exitCode).toBe(2);
  }, 60_000);
});
