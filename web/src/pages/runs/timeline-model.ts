/**
 * The Gantt's geometry, apart from React: where each node's bar starts and how wide it
 * is, relative to the run's start, and a time axis with round ticks.
 */
import type { NodeResult, Run } from '../../api/types.js';

export interface TimelineRow {
  readonly node: NodeResult;
  /** When the node started, in ms after the timeline's origin. */
  readonly offsetMs: number;
}

export interface TimelineGroup {
  readonly product: string;
  readonly rows: readonly TimelineRow[];
  readonly startMs: number;
  readonly endMs: number;
}

export interface Timeline {
  /** Epoch ms of the axis' zero: the run's start (or its first node's, if earlier). */
  readonly originMs: number;
  /** Length of the axis; never 0, so that percentages stay finite. */
  readonly spanMs: number;
  /** Nodes that started, by start time. */
  readonly started: readonly TimelineRow[];
  /** Nodes that never started (skipped after an upstream failure). */
  readonly notStarted: readonly NodeResult[];
  readonly tickStepMs: number;
  readonly ticks: readonly number[];
}

export function buildTimeline(run: Run, nodes: readonly NodeResult[]): Timeline {
  const runStart = Date.parse(run.startedAt);
  const started: { node: NodeResult; at: number }[] = [];
  const notStarted: NodeResult[] = [];
  for (const node of nodes) {
    const at = node.startedAt ? Date.parse(node.startedAt) : Number.NaN;
    if (Number.isNaN(at)) notStarted.push(node);
    else started.push({ node, at });
  }
  // Clocks of the run record and the nodes may disagree by a few ms: the axis covers both.
  const originMs = Math.min(runStart, ...started.map((s) => s.at));
  const ends = started.map((s) => s.at + s.node.durationMs);
  if (run.finishedAt) ends.push(Date.parse(run.finishedAt));
  const spanMs = Math.max(1, Math.max(originMs, ...ends) - originMs);
  const rows = started
    .map((s) => ({ node: s.node, offsetMs: s.at - originMs }))
    .sort((a, b) => a.offsetMs - b.offsetMs || a.node.nodeId.localeCompare(b.node.nodeId));
  const tickStepMs = niceStep(spanMs / 6);
  const ticks: number[] = [];
  for (let i = 0; i * tickStepMs <= spanMs; i++) ticks.push(i * tickStepMs);
  return { originMs, spanMs, started: rows, notStarted, tickStepMs, ticks };
}

/** Rows of one product together, products in the order they first started. */
export function groupByProduct(rows: readonly TimelineRow[]): TimelineGroup[] {
  const groups = new Map<string, TimelineRow[]>();
  for (const row of rows) {
    const list = groups.get(row.node.product) ?? [];
    list.push(row);
    groups.set(row.node.product, list);
  }
  return [...groups].map(([product, list]) => ({
    product,
    rows: list,
    startMs: Math.min(...list.map((r) => r.offsetMs)),
    endMs: Math.max(...list.map((r) => r.offsetMs + r.node.durationMs)),
  }));
}

/** 1, 2, 2.5 or 5 times a power of ten, at least `rough`: ticks people can add up. */
export function niceStep(rough: number): number {
  if (!(rough > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const factor of [1, 2, 2.5, 5, 10]) if (factor * power >= rough) return factor * power;
  return 10 * power;
}

/** A tick label: as short as the step allows (`250 ms`, `1.5 s`, `2 min`). */
export function formatTick(ms: number, stepMs: number): string {
  if (ms === 0) return '0';
  if (stepMs < 1000) return ms < 1000 ? `${trim(ms, 1)} ms` : `${trim(ms / 1000, 3)} s`;
  if (stepMs < 60_000) return `${trim(ms / 1000, 2)} s`;
  return `${trim(ms / 60_000, 1)} min`;
}

function trim(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}

export function percent(ms: number, spanMs: number): number {
  return Math.min(100, Math.max(0, (ms / spanMs) * 100));
}
