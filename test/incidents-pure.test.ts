/** The pure part of alerting: grouping, Slack's limits on a run with 500 failures, secrets in teams.yaml. */
import { describe, expect, it } from 'vitest';
import type { MeshGraph } from '../src/compiler/index.js';
import { channelProblem, cutMiddle, planIncidents, planMessages, plainText, slackPayload, SLACK_LIMITS, type AlertEvent } from '../src/incidents/index.js';
import { memoryMesh } from './support/memory-mesh.js';
import { backoff } from '../src/alerts/index.js';
import { builtInRules } from '../src/governance/index.js';

const EMPTY: MeshGraph = { nodes: new Map(), products: new Map(), order: [] };

function failures(n: number, team: string): AlertEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    kind: 'audit-failed',
    severity: 'critical',
    product: `d.p${i}`,
    team,
    node: `port:d.t${i}`,
    check: `missing_count(col_${i}) = 0`,
    runId: 7,
    title: `d.t${i} not published: check \`missing_count(col_${i}) = 0\` failed`,
    // A long error: its head and its tail both matter.
    message: `HEAD-${i} ${'x'.repeat(5000)} TAIL-${i}`,
  }));
}

describe('grouping and Slack limits', () => {
  it('groups a run with 500 failures into one message per team, within Slack limits', () => {
    const observations = { events: [...failures(500, 'src'), ...failures(3, 'mid').map((e) => ({ ...e, node: `${e.node}-mid` }))], passed: [], attachments: [] };
    const plan = planIncidents({ known: [], observations, at: new Date() });
    expect(plan.opened).toHaveLength(503);
    const messages = planMessages({ plan, known: [], graph: EMPTY, group: 'run:7', mesh: 'big' });
    expect(messages.map((m) => [m.team, m.kind, m.items.length])).toEqual([
      ['mid', 'incident', 3],
      ['src', 'incident', 500],
    ]);
    const src = messages.find((m) => m.team === 'src');
    if (!src) throw new Error('no message');
    const payload = slackPayload(src);
    expect(payload.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(payload.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    for (const block of payload.blocks) {
      if (block.type === 'section') expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    }
    // The first items are shown with head and tail of their error; the rest are counted.
    const first = payload.blocks.find((b) => b.type === 'section');
    expect(first?.type === 'section' && first.text.text).toContain('HEAD-0');
    expect(first?.type === 'section' && first.text.text).toContain('TAIL-0');
    expect(JSON.stringify(payload.blocks.at(-1))).toContain('and 480 more');
    expect(JSON.stringify(payload).length).toBeLessThan(100_000);
    expect(plainText(src).length).toBeLessThanOrEqual(4000);
  });

  it('cuts text keeping head and tail', () => {
    const cut = cutMiddle(`start ${'m'.repeat(10_000)} end`, 100);
    expect(cut.length).toBeLessThanOrEqual(100);
    expect(cut.startsWith('start')).toBe(true);
    expect(cut.endsWith('end')).toBe(true);
  });

  it('dedups by fingerprint within a run and against open incidents', () => {
    const [event] = failures(1, 'src');
    if (!event) throw new Error('no event');
    const plan = planIncidents({ known: [{ id: 4, fingerprint: `${event.product}|${event.node}|${event.check}`, node: event.node, kind: event.kind, status: 'acknowledged', affected: [] }], observations: { events: [event, event], passed: [], attachments: [] }, at: new Date() });
    expect(plan).toMatchObject({ opened: [], reopened: [], repeated: [{ id: 4, acknowledged: true }] });
    const messages = planMessages({ plan, known: [], graph: EMPTY, group: 'run:8', mesh: 'm' });
    expect(messages).toEqual([]);
  });

  it('backs off exponentially, capped, with jitter', () => {
    expect(backoff(1, 1000, 60_000, 0.5)).toBe(1000);
    expect(backoff(3, 1000, 60_000, 0.5)).toBe(4000);
    expect(backoff(20, 1000, 60_000, 0.5)).toBe(60_000);
    expect(backoff(20, 1000, 60_000, 1)).toBe(72_000);
  });
});

describe('channels and secrets', () => {
  it('refuses Slack URLs with their secret in teams.yaml and reads URLs from the environment', () => {
    const mesh = memoryMesh([], {
      teams: [
        { id: 'a', name: 'A', channels: [{ type: 'slack', url: 'https://hooks.slack.com/services/T0/B0/secret' }, { type: 'slack', url_env: 'A_SLACK' }, { type: 'file', path: 'a.log' }] },
      ],
    });
    const rule = builtInRules.find((r) => r.id === 'channel-secrets');
    expect(rule?.defaultSeverity).toBe('warning');
    const findings = rule?.check({ mesh, graph: EMPTY, options: {}, today: '2026-12-06' }) ?? [];
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('carries its secret') as unknown]);
    expect(channelProblem({ type: 'slack', url: 'https://hooks.slack.com/services/T0/B0/secret' }, {})).toMatch(/^refused/);
    expect(channelProblem({ type: 'slack', url_env: 'A_SLACK' }, {})).toMatch(/A_SLACK is not set/);
    expect(channelProblem({ type: 'slack', url_env: 'A_SLACK' }, { A_SLACK: 'http://127.0.0.1:9/x' })).toBeUndefined();
    expect(channelProblem({ type: 'webhook', url_env: 'H', secret_env: 'S' }, { H: 'http://h' })).toMatch(/S \(its signing secret\)/);
    expect(channelProblem({ type: 'file', path: 'a.log' }, {})).toBeUndefined();
  });
});
