import { Cron } from 'croner';
import type { MeshGraph } from '../compiler/index.js';
import type { Mesh } from '../spec/index.js';
import type { PortVersion } from '../state/index.js';

/** A product's schedule: the cron of its ports (the earliest-firing one when they differ) or the mesh default. */
export interface ProductSchedule {
  readonly product: string;
  readonly cron: string;
}

export function productSchedules(mesh: Mesh, graph: MeshGraph): ProductSchedule[] {
  const byProduct = new Map<string, string>();
  for (const node of graph.nodes.values()) {
    if (node.kind !== 'port') continue;
    const cron = node.spec.schedule ?? mesh.spec.defaults?.schedule;
    if (cron === undefined || byProduct.has(node.product)) continue;
    byProduct.set(node.product, cron);
  }
  return [...byProduct].map(([product, cron]) => ({ product, cron })).sort((a, b) => a.product.localeCompare(b.product));
}

/**
 * Whether a product missed its schedule while nothing ran it: its last scheduled
 * time is later than its ports' last publish. However many ticks were missed,
 * the answer is one run.
 */
export function missedSince(schedule: ProductSchedule, graph: MeshGraph, versions: readonly PortVersion[], now: Date): boolean {
  const [previous] = new Cron(schedule.cron, { paused: true, timezone: 'UTC' }).previousRuns(1, now);
  if (!previous) return false;
  const ports = new Set((graph.products.get(schedule.product)?.nodes ?? []).filter((id) => id.startsWith('port:')).map((id) => id.slice('port:'.length)));
  const published = versions.filter((v) => ports.has(v.port) && v.status === 'published').map((v) => Date.parse(v.createdAt));
  const last = published.length === 0 ? Number.NEGATIVE_INFINITY : Math.max(...published);
  return last < previous.getTime();
}

/** Upstream products of `product` (through the ports its nodes read), transitively. */
export function upstreamProducts(graph: MeshGraph, product: string): string[] {
  const seen = new Set<string>();
  const stack = [product];
  while (stack.length > 0) {
    const current = stack.pop() ?? '';
    for (const id of graph.products.get(current)?.nodes ?? []) {
      for (const up of graph.nodes.get(id)?.upstream ?? []) {
        const owner = graph.nodes.get(up)?.product;
        if (owner !== undefined && owner !== product && !seen.has(owner)) {
          seen.add(owner);
          stack.push(owner);
        }
      }
    }
  }
  return [...seen].sort();
}

/**
 * Fires each product's cron (UTC) and asks for a run of the product plus its stale
 * upstream products; `due` decides and submits. Replaced wholesale when the mesh reloads.
 */
export class Scheduler {
  private crons: { product: string; cron: Cron }[] = [];

  constructor(private readonly due: (product: string, at: Date) => void) {}

  schedule(schedules: readonly ProductSchedule[]): void {
    this.stop();
    this.crons = schedules.map((s) => ({
      product: s.product,
      cron: new Cron(s.cron, { timezone: 'UTC', protect: true }, () => {
        this.due(s.product, new Date());
      }),
    }));
  }

  /** When each product runs next. */
  next(): { product: string; at: string }[] {
    return this.crons.flatMap(({ product, cron }) => {
      const at = cron.nextRun();
      return at ? [{ product, at: at.toISOString() }] : [];
    });
  }

  stop(): void {
    for (const { cron } of this.crons) cron.stop();
    this.crons = [];
  }
}
