import type { MeshGraph } from '../compiler/index.js';

export type EventKind = 'node-failed' | 'audit-failed' | 'check-failed' | 'check-warn' | 'anomaly' | 'sla-breach' | 'sunset-passed' | 'schedule-missed' | 'channel-failing' | 'access-request';
export type Severity = 'critical' | 'warning';

/** One signal that matters: what happened, where (product, node, check), in which run, and whose it is. */
export interface AlertEvent {
  readonly kind: EventKind;
  readonly severity: Severity;
  /** `<domain>.<product>` (or `platform`). */
  readonly product: string;
  /** The owning team: the product's owner. */
  readonly team: string;
  /** A node id of the graph (`port:finance.daily_revenue`, `model:…`). */
  readonly node: string;
  /** The check's name, `build` for a node that failed to build, `freshness-sla` for the SLA. */
  readonly check: string;
  readonly runId?: number;
  readonly title: string;
  readonly message: string;
}

/** A downstream node that did not run (or went stale) because of failed upstream nodes: it attaches to their incidents. */
export interface Attachment {
  readonly node: string;
  /** The failed upstream node ids it depends on. */
  readonly because: readonly string[];
  readonly why: string;
}

/** What a run, a test or a timer tick says: new signals, what passed (to resolve), what attaches upstream. */
export interface Observations {
  readonly events: readonly AlertEvent[];
  /** Fingerprints seen healthy: their open incidents resolve by themselves. */
  readonly passed: readonly string[];
  /** Nodes that built (and, for ports, passed their audit) as a whole: their failure incidents resolve, whatever check opened them. */
  readonly healthy?: readonly string[];
  readonly attachments: readonly Attachment[];
}

/** Whether an incident of this kind says its node is broken (its data stale downstream); an access request waiting says nothing of the data. */
export function isFailure(kind: string): boolean {
  return kind !== 'access-request';
}

/** The deduplication key: product + node + check. */
export function fingerprintOf(event: Pick<AlertEvent, 'product' | 'node' | 'check'>): string {
  return `${event.product}|${event.node}|${event.check}`;
}

/** What a run or test recorded, in the shapes the state store keeps (structurally). */
export interface RunFacts {
  readonly runId: number;
  readonly kind: 'run' | 'test';
  readonly results: readonly { readonly nodeId: string; readonly status: string; readonly error?: { readonly code?: string; readonly message: string } }[];
  readonly checks: readonly { readonly nodeId: string; readonly name: string; readonly type: string; readonly outcome: string; readonly message: string }[];
  /** Nodes a test run looked at (a test has no node results). */
  readonly tested?: readonly string[];
}

export function label(nodeId: string): string {
  return nodeId.slice(nodeId.indexOf(':') + 1);
}

function ownerOf(graph: MeshGraph, nodeId: string): { product: string; team: string } | undefined {
  const node = graph.nodes.get(nodeId);
  if (!node) return undefined;
  return { product: node.product, team: graph.products.get(node.product)?.owner ?? '' };
}

/** Every node upstream of `id` (not itself). */
export function upstreamOf(graph: MeshGraph, id: string): Set<string> {
  const seen = new Set<string>();
  const queue = [...(graph.nodes.get(id)?.upstream ?? [])];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...(graph.nodes.get(next)?.upstream ?? []));
  }
  return seen;
}

/** Every node downstream of `id` (not itself). */
export function downstreamOf(graph: MeshGraph, id: string): Set<string> {
  const seen = new Set<string>();
  const queue = [...(graph.nodes.get(id)?.downstream ?? [])];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...(graph.nodes.get(next)?.downstream ?? []));
  }
  return seen;
}

/**
 * The events of a run or test, from its node and check results: a failed node (one
 * event per failed check when checks stopped it, else `build`), a port whose audit
 * failed, checks at warn, anomalies. Skipped nodes open nothing: they attach to the
 * failed nodes upstream of them.
 */
export function eventsFromRun(graph: MeshGraph, facts: RunFacts): Observations {
  const events: AlertEvent[] = [];
  const passed: string[] = [];
  const attachments: Attachment[] = [];
  const healthy: string[] = [];
  const failed = new Set(facts.results.filter((r) => r.status === 'failed').map((r) => r.nodeId));
  const checksOf = new Map<string, RunFacts['checks'][number][]>();
  for (const check of facts.checks) checksOf.set(check.nodeId, [...(checksOf.get(check.nodeId) ?? []), check]);

  const push = (nodeId: string, kind: EventKind, severity: Severity, check: string, title: string, message: string): void => {
    const owner = ownerOf(graph, nodeId);
    if (!owner) return;
    events.push({ kind, severity, product: owner.product, team: owner.team, node: nodeId, check, runId: facts.runId, title, message });
  };

  for (const result of facts.results) {
    const owner = ownerOf(graph, result.nodeId);
    if (!owner) continue;
    const isPort = graph.nodes.get(result.nodeId)?.kind === 'port';
    if (result.status === 'failed') {
      const failing = (checksOf.get(result.nodeId) ?? []).filter((c) => c.outcome === 'fail' || c.outcome === 'error');
      const firstLine = result.error?.message.split('\n')[0] ?? 'failed';
      if (failing.length === 0) {
        push(result.nodeId, isPort ? 'audit-failed' : 'node-failed', 'critical', 'build', isPort ? `${label(result.nodeId)} not published` : `${label(result.nodeId)} failed`, firstLine);
      }
      for (const check of failing) {
        const kind: EventKind = check.type === 'anomaly' ? 'anomaly' : isPort ? 'audit-failed' : 'check-failed';
        const title = isPort ? `${label(result.nodeId)} not published: check \`${check.name}\` failed` : `${label(result.nodeId)}: check \`${check.name}\` failed`;
        push(result.nodeId, kind, 'critical', check.name, title, `${check.message}${isPort ? '. Consumers stay on the last published version.' : ''}`);
      }
    } else if (result.status === 'success') {
      passed.push(`${owner.product}|${result.nodeId}|build`);
      healthy.push(result.nodeId);
    } else if (result.status === 'skipped') {
      const because = [...upstreamOf(graph, result.nodeId)].filter((id) => failed.has(id));
      if (because.length > 0) attachments.push({ node: result.nodeId, because, why: `not built: ${because.map(label).join(', ')} failed upstream` });
    }
  }
  // A product that published again has caught up with its schedule.
  for (const id of healthy) {
    const node = graph.nodes.get(id);
    if (node?.kind === 'port') passed.push(scheduleFingerprint(node.product));
  }
  for (const check of facts.checks) {
    const owner = ownerOf(graph, check.nodeId);
    if (!owner) continue;
    if (check.outcome === 'pass') passed.push(`${owner.product}|${check.nodeId}|${check.name}`);
    else if (check.outcome === 'warn') push(check.nodeId, check.type === 'anomaly' ? 'anomaly' : 'check-warn', 'warning', check.name, `${label(check.nodeId)}: check \`${check.name}\` warns`, check.message);
    else if (facts.kind === 'test') push(check.nodeId, check.type === 'anomaly' ? 'anomaly' : 'check-failed', 'critical', check.name, `${label(check.nodeId)}: check \`${check.name}\` failed`, check.message);
  }
  return { events, passed, healthy, attachments };
}

/** One port's freshness, as `freshnessReport` gives it (structurally). */
export interface FreshnessFact {
  readonly port: string;
  readonly product: string;
  readonly owner: string;
  readonly breach: boolean;
  readonly reason: string;
  readonly sla: string;
}

/**
 * SLA breaches, from the timer. A breach whose cause is upstream (a node with an open
 * incident in `openNodes` feeds the port) attaches to that incident instead.
 */
export function eventsFromFreshness(graph: MeshGraph, report: readonly FreshnessFact[], openNodes: ReadonlySet<string>): Observations {
  const events: AlertEvent[] = [];
  const passed: string[] = [];
  const attachments: Attachment[] = [];
  for (const port of report) {
    const node = `port:${port.port}`;
    const fingerprint = `${port.product}|${node}|freshness-sla`;
    if (!port.breach) {
      passed.push(fingerprint);
      continue;
    }
    const causes = [...upstreamOf(graph, node), node].filter((id) => openNodes.has(id));
    if (causes.length > 0) {
      attachments.push({ node, because: causes, why: `stale (SLA ${port.sla}): its input did not publish; ${port.reason}` });
      continue;
    }
    events.push({ kind: 'sla-breach', severity: 'critical', product: port.product, team: port.owner, node, check: 'freshness-sla', title: `${port.port} breached its freshness SLA (${port.sla})`, message: port.reason });
  }
  return { events, passed, attachments };
}

/** The incident of a product whose schedule was missed (one per product). */
export function scheduleFingerprint(product: string): string {
  return `${product}|schedule:${product}|schedule-missed`;
}

/** A product's cron came and went without a publish (the server was down or the run failed): an event for its owners. */
export function scheduleMissed(graph: MeshGraph, product: string, cron: string): AlertEvent | undefined {
  const summary = graph.products.get(product);
  if (!summary) return undefined;
  return {
    kind: 'schedule-missed',
    severity: 'warning',
    product,
    team: summary.owner,
    node: `schedule:${product}`,
    check: 'schedule-missed',
    title: `${product} missed its schedule (${cron})`,
    message: 'Its ports were not published at their last scheduled time; the server runs it now to catch up.',
  };
}
