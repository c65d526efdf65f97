/**
 * What the product page works out from the API's answer: which checks and nodes are in
 * trouble, in which order to show checks, and which result of a node is its latest.
 * Pure functions, so that the panels that show them stay plain.
 */
import type { Check, CheckValue, NodeChecks, NodeResult, ProductDetail } from '../../api/types.js';

const outcomeRank: Record<string, number> = { fail: 0, error: 0, warn: 1, pass: 3 };
/** Never-run and unknown outcomes sit between warnings and passes: worth a look. */
const UNKNOWN_RANK = 2;
const kindRank: Record<string, number> = { port: 0, model: 1, snapshot: 2, source: 3 };

export function rankOutcome(outcome: string | undefined): number {
  return outcome === undefined ? UNKNOWN_RANK : (outcomeRank[outcome] ?? UNKNOWN_RANK);
}

export function isFailing(outcome: string | undefined): boolean {
  return outcome === 'fail' || outcome === 'error';
}

function worstOutcome(node: NodeChecks): number {
  return Math.min(...node.checks.map((c) => rankOutcome(c.latest?.outcome)));
}

/** Ports first (they are the contract consumers rely on), then models, snapshots, sources; within a kind, the one in worst shape first. */
export function orderedNodes(nodes: readonly NodeChecks[]): NodeChecks[] {
  return [...nodes].sort((a, b) => (kindRank[a.kind] ?? 9) - (kindRank[b.kind] ?? 9) || worstOutcome(a) - worstOutcome(b));
}

/** Worst outcome first; among equals, declared checks before the ones the contract implies. */
export function orderedChecks(checks: readonly Check[]): Check[] {
  return [...checks].sort((a, b) => rankOutcome(a.latest?.outcome) - rankOutcome(b.latest?.outcome) || Number(a.implied) - Number(b.implied));
}

export interface CheckOnNode {
  readonly node: NodeChecks;
  readonly check: Check;
}

/** Checks whose latest result failed, errored or warned, failures first. */
export function problemChecks(product: ProductDetail): CheckOnNode[] {
  const found: CheckOnNode[] = [];
  for (const node of orderedNodes(product.checks)) {
    for (const check of node.checks) if (rankOutcome(check.latest?.outcome) <= 1) found.push({ node, check });
  }
  return found.sort((a, b) => rankOutcome(a.check.latest?.outcome) - rankOutcome(b.check.latest?.outcome));
}

export function checkCounts(product: ProductDetail): { total: number; pass: number; warn: number; fail: number; notRun: number } {
  const counts = { total: 0, pass: 0, warn: 0, fail: 0, notRun: 0 };
  for (const node of product.checks) {
    for (const check of node.checks) {
      counts.total++;
      const outcome = check.latest?.outcome;
      if (outcome === 'pass') counts.pass++;
      else if (outcome === 'warn') counts.warn++;
      else if (isFailing(outcome)) counts.fail++;
      else counts.notRun++;
    }
  }
  return counts;
}

/** Each node's newest result among the recent runs (the API sends them newest run first). */
export function latestNodeResults(runs: readonly NodeResult[]): Map<string, NodeResult> {
  const latest = new Map<string, NodeResult>();
  for (const result of runs) {
    const seen = latest.get(result.nodeId);
    if (!seen || (result.runId ?? 0) > (seen.runId ?? 0)) latest.set(result.nodeId, result);
  }
  return latest;
}

/** Nodes whose latest result failed or was skipped. */
export function troubledNodes(product: ProductDetail): NodeResult[] {
  return [...latestNodeResults(product.recentRuns).values()].filter((r) => r.status === 'failed' || r.status === 'skipped');
}

/** A check's history oldest first, whatever order the API sends it in. */
export function chronological(history: Check['history']): Check['history'] {
  return [...history].sort((a, b) => a.runId - b.runId);
}

const number = new Intl.NumberFormat('en', { maximumFractionDigits: 3 });

export function formatValue(value: CheckValue | undefined): string {
  if (value === undefined || value === null) return '–';
  return typeof value === 'number' ? number.format(value) : value;
}

/** `port:finance.daily_revenue` → `finance.daily_revenue`; the kind is shown beside it. */
export function nodeLabel(nodeId: string): string {
  const colon = nodeId.indexOf(':');
  return colon < 0 ? nodeId : nodeId.slice(colon + 1);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
