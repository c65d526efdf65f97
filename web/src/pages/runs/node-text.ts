/** How a run's nodes and their errors read: short names, outcome and error text. */
import type { Diagnostic, Health, NodeResult } from '../../api/types.js';
import { outcomeHealth } from '../../ui/health.js';

/** `model:finance.daily_revenue.revenue_lines` → `revenue_lines`; a port keeps its `domain.table`. */
export function shortName(node: Pick<NodeResult, 'nodeId' | 'kind' | 'product'>): string {
  const prefix = `${node.kind}:`;
  const rest = node.nodeId.startsWith(prefix) ? node.nodeId.slice(prefix.length) : node.nodeId;
  const inProduct = `${node.product}.`;
  return node.kind !== 'port' && rest.startsWith(inProduct) ? rest.slice(inProduct.length) : rest;
}

/** A node's outcome as health: built with warnings counts as a warning. */
export function nodeHealth(node: NodeResult): Health {
  const health = outcomeHealth(node.status);
  return health === 'ok' && (node.warnings?.length ?? 0) > 0 ? 'warning' : health;
}

export interface NodeError {
  readonly message: string;
  readonly code?: string;
  readonly file?: string;
  readonly line?: number;
  readonly hint?: string;
}

/** A node's `error` (the API's flat diagnostic) as the run page shows it. */
export function nodeError(error: Diagnostic | undefined): NodeError | undefined {
  if (!error) return undefined;
  return {
    message: error.message,
    code: error.code,
    ...(error.file ? { file: error.file } : {}),
    ...(error.line ? { line: error.line } : {}),
    ...(error.hint ? { hint: error.hint } : {}),
  };
}

/** `products/x/product.yaml:24`, or nothing without a file. */
export function errorPlace(error: NodeError): string | undefined {
  if (error.file === undefined) return undefined;
  return error.line === undefined ? error.file : `${error.file}:${error.line}`;
}

const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hour12: false });

/** Wall-clock time to the millisecond, for a node's exact start. */
export function formatClock(epochMs: number): string {
  return clock.format(new Date(epochMs));
}

/** The time between two ISO instants, or undefined while the second is missing. */
export function elapsedMs(startedAt: string, finishedAt: string | undefined): number | undefined {
  if (!finishedAt) return undefined;
  return Math.max(0, Date.parse(finishedAt) - Date.parse(startedAt));
}
