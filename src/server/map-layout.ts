/**
 * The mesh map's layout: each product a box inside its domain's box. Two levels, because
 * they are fast and read well: elkjs lays out each domain alone (its products with the
 * edges between them, upstream to the left), then the domain boxes are packed in
 * columns, upstream domains first. One hierarchical elk graph (domains as compound
 * nodes, edges across them) reads no better and took about 8 s on 1,000 products.
 *
 * Even so, cold elkjs needs over a second of CPU for 1,000 products, so the compiled
 * server runs it in a worker thread (map-layout-worker.ts) and the API stays responsive.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ELK, ElkNode } from 'elkjs/lib/elk-api.js';

/** Every product's box on the map; the web page draws its node at this size. */
export const PRODUCT_SIZE = { width: 240, height: 64 } as const;
/** Room at the top of a domain's box for its name. */
const DOMAIN_HEADER = 48;
const DOMAIN_PADDING = 24;
const DOMAIN_GAP = 96;
/** The shape a domain's unconnected products are packed towards. */
const DOMAIN_ASPECT = 1.6;
/** The shape the packed domains aim for: the map's canvas on a wide screen, below the page's header. */
const MAP_ASPECT = 2;

export interface LayoutRequest {
  /** Domains with their products' ids; the order is kept where the layout has no reason to change it. */
  readonly domains: readonly { readonly id: string; readonly products: readonly string[] }[];
  /** Product-level edges, from the product that publishes a port to the one that reads it. */
  readonly edges: readonly { readonly from: string; readonly to: string }[];
}

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Absolute positions (top-left corners), in the order of the request. */
export interface MapLayout {
  readonly domains: readonly (Box & { readonly id: string })[];
  readonly products: readonly (Box & { readonly id: string })[];
  /** How long the layout took (ms). */
  readonly ms: number;
}

const workerFile = new URL('./map-layout-worker.js', import.meta.url);

/**
 * True where the compiled worker sits next to this file (dist/server). Run from the
 * TypeScript source (vitest) it does not, and the layout runs in this thread instead.
 */
export function layoutRunsInWorker(): boolean {
  return existsSync(fileURLToPath(workerFile));
}

/** Lays out the map, in a worker thread when there is one. */
export function layoutMap(request: LayoutRequest): Promise<MapLayout> {
  if (!layoutRunsInWorker()) return computeLayout(request);
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile, { workerData: request });
    // A layout in progress must not keep a closing server's process alive.
    worker.unref();
    worker.once('message', (layout: MapLayout) => {
      resolve(layout);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      reject(new Error(`the map layout worker exited (code ${code}) without a layout`));
    });
  });
}

/** The layout itself (what the worker runs). */
export async function computeLayout(request: LayoutRequest): Promise<MapLayout> {
  const started = performance.now();
  // Loaded on first use: elkjs is 1.5 MB of JavaScript that only the map needs.
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const elk = new ELK();
  const domainOf = new Map<string, string>();
  for (const domain of request.domains) for (const product of domain.products) domainOf.set(product, domain.id);

  const inner = new Map<string, ElkNode>();
  for (const domain of request.domains) {
    const edges = request.edges.filter((e) => e.from !== e.to && domainOf.get(e.from) === domain.id && domainOf.get(e.to) === domain.id);
    const gutters = crossDomainGutters(domain, request.edges, domainOf);
    const graph: ElkNode = {
      id: domain.id,
      layoutOptions: {
        'elk.algorithm': 'layered',
        'elk.direction': 'RIGHT',
        'elk.spacing.nodeNode': '20',
        'elk.layered.spacing.nodeNodeBetweenLayers': '72',
        'elk.spacing.componentComponent': '28',
        // Unconnected products are packed in rows towards this shape instead of one tall column.
        'elk.aspectRatio': String(DOMAIN_ASPECT),
        // Keep id order among equals, so that a small edit moves little.
        'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
        'elk.padding': `[top=${DOMAIN_HEADER},left=${DOMAIN_PADDING},bottom=${DOMAIN_PADDING},right=${DOMAIN_PADDING}]`,
        // A long edge (to the gutters below, too) keeps a straight lane free of products.
        'elk.layered.nodePlacement.favorStraightEdges': 'true',
        // Network simplex lines products up with their long edges' lanes better than the default (Brandes-Köpf).
        'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      },
      children: [...domain.products.map((id) => ({ id, ...PRODUCT_SIZE })), ...gutters.nodes],
      edges: [...edges.map((e, i) => ({ id: `e${i}`, sources: [e.from], targets: [e.to] })), ...gutters.edges],
    };
    inner.set(domain.id, await elk.layout(graph));
  }

  const sizes = new Map(
    request.domains.map((d) => {
      const laid = inner.get(d.id);
      return [d.id, { id: d.id, width: Math.ceil(laid?.width ?? 0), height: Math.ceil(laid?.height ?? 0) }];
    }),
  );
  const placed = await arrangeDomains(elk, request, domainOf, sizes);
  const domains: (Box & { id: string })[] = [];
  const products: (Box & { id: string })[] = [];
  for (const domain of request.domains) {
    const at = placed.get(domain.id) ?? { x: 0, y: 0, width: 0, height: 0 };
    domains.push({ id: domain.id, ...at });
    const positions = new Map((inner.get(domain.id)?.children ?? []).map((c) => [c.id, c]));
    for (const id of domain.products) {
      const child = positions.get(id);
      products.push({ id, x: at.x + Math.round(child?.x ?? 0), y: at.y + Math.round(child?.y ?? 0), ...PRODUCT_SIZE });
    }
  }
  return { domains, products, ms: Math.round(performance.now() - started) };
}

/**
 * Edges from other domains arrive at a product's left side and leave from its right
 * side, and the map draws them as curves that do not know the layout. So that they do
 * not run under the domain's other products, each domain gets two invisible points:
 * one left of everything (a first layer of its own) with an edge to each product read
 * from another domain, one right of everything with an edge from each product read by
 * another domain. The layered layout then puts such products at the edge of their
 * domain where it can, and keeps a lane free of products to those further in.
 */
function crossDomainGutters(
  domain: LayoutRequest['domains'][number],
  edges: LayoutRequest['edges'],
  domainOf: ReadonlyMap<string, string>,
): { nodes: ElkNode[]; edges: { id: string; sources: string[]; targets: string[]; layoutOptions: Record<string, string> }[] } {
  const inside = new Set(domain.products);
  const readsOutside = new Set<string>();
  const readOutside = new Set<string>();
  // Only products with others of their domain in front of them need a lane: a product that
  // reads nothing inside its domain is in its first layer already (and one that nothing
  // inside reads, in its last), and every edge to the gutters costs layout time.
  const readsInside = new Set<string>();
  const readInside = new Set<string>();
  for (const e of edges) {
    const from = domainOf.get(e.from);
    const to = domainOf.get(e.to);
    if (from === to) {
      if (inside.has(e.to) && e.from !== e.to) {
        readsInside.add(e.to);
        readInside.add(e.from);
      }
      continue;
    }
    if (inside.has(e.to)) readsOutside.add(e.to);
    if (inside.has(e.from)) readOutside.add(e.from);
  }
  for (const id of readsOutside) if (!readsInside.has(id)) readsOutside.delete(id);
  for (const id of readOutside) if (!readInside.has(id)) readOutside.delete(id);
  const nodes: ElkNode[] = [];
  const out: { id: string; sources: string[]; targets: string[]; layoutOptions: Record<string, string> }[] = [];
  // Straight above all: the product lines up with the lane kept free for the edge to it.
  const straight = { 'elk.layered.priority.straightness': '10' };
  // Ids no product can have (a product id is `<domain>.<name>`).
  const entry = `\u0000in:${domain.id}`;
  const exit = `\u0000out:${domain.id}`;
  if (readsOutside.size > 0) {
    nodes.push({ id: entry, width: 1, height: 1, layoutOptions: { 'elk.layered.layering.layerConstraint': 'FIRST_SEPARATE' } });
    for (const id of [...readsOutside].sort()) out.push({ id: `${entry}>${id}`, sources: [entry], targets: [id], layoutOptions: straight });
  }
  if (readOutside.size > 0) {
    nodes.push({ id: exit, width: 1, height: 1, layoutOptions: { 'elk.layered.layering.layerConstraint': 'LAST_SEPARATE' } });
    for (const id of [...readOutside].sort()) out.push({ id: `${exit}<${id}`, sources: [id], targets: [exit], layoutOptions: straight });
  }
  return { nodes, edges: out };
}

/**
 * Where the domain boxes go. Preferably a layered layout of the domains themselves (an
 * edge where a product of one reads a port of another), which puts upstream domains
 * left of the ones that read them and keeps linked domains next to each other. When
 * domains read each other every which way, that is one long row of layers; then the
 * boxes are packed in columns instead, upstream first.
 */
async function arrangeDomains(
  elk: ELK,
  request: LayoutRequest,
  domainOf: ReadonlyMap<string, string>,
  sizes: ReadonlyMap<string, { id: string; width: number; height: number }>,
): Promise<Map<string, Box>> {
  const order = domainOrder(request);
  const links = new Set<string>();
  const edges: { id: string; sources: string[]; targets: string[] }[] = [];
  for (const e of request.edges) {
    const from = domainOf.get(e.from);
    const to = domainOf.get(e.to);
    if (from === undefined || to === undefined || from === to || links.has(`${from}\n${to}`)) continue;
    links.add(`${from}\n${to}`);
    edges.push({ id: `d${edges.length}`, sources: [from], targets: [to] });
  }
  const graph: ElkNode = {
    id: 'mesh',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': String(DOMAIN_GAP),
      'elk.layered.spacing.nodeNodeBetweenLayers': String(DOMAIN_GAP * 1.5),
      'elk.spacing.componentComponent': String(DOMAIN_GAP),
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      // A domain sits level with the middle of the domains it links to, not at the top or bottom of them.
      'elk.layered.nodePlacement.bk.fixedAlignment': 'BALANCED',
      'elk.padding': '[top=0,left=0,bottom=0,right=0]',
    },
    children: order.map((id) => ({ id, width: sizes.get(id)?.width ?? 0, height: sizes.get(id)?.height ?? 0 })),
    edges,
  };
  const layered = await elk.layout(graph);
  const aspect = (layered.width ?? 0) / Math.max(1, layered.height ?? 0);
  if (aspect <= MAP_ASPECT * 1.5 && aspect >= MAP_ASPECT / 2.5) {
    return new Map(
      (layered.children ?? []).map((c) => [c.id, { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0), width: c.width ?? 0, height: c.height ?? 0 }]),
    );
  }
  const byLayer = [...(layered.children ?? [])].sort((a, b) => (a.x ?? 0) - (b.x ?? 0) || (a.y ?? 0) - (b.y ?? 0));
  return packDomains(byLayer.map((c) => sizes.get(c.id) ?? { id: c.id, width: 0, height: 0 }));
}

/**
 * Domains from upstream to downstream: by the mean depth of their products in the
 * product graph (a product's depth is the length of the longest chain of products
 * feeding it; an edge closing a cycle is ignored), ties by id.
 */
export function domainOrder(request: LayoutRequest): string[] {
  const upstream = new Map<string, string[]>();
  for (const e of request.edges) {
    if (e.from === e.to) continue;
    const list = upstream.get(e.to) ?? [];
    list.push(e.from);
    upstream.set(e.to, list);
  }
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  // Iterative depth-first search: a long chain of products must not overflow the stack.
  const depthOf = (start: string): number => {
    const stack: { id: string; next: number }[] = [{ id: start, next: 0 }];
    visiting.add(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (!top) break;
      const parents = upstream.get(top.id) ?? [];
      const parent = parents[top.next];
      if (parent !== undefined) {
        top.next += 1;
        if (!depth.has(parent) && !visiting.has(parent)) {
          visiting.add(parent);
          stack.push({ id: parent, next: 0 });
        }
        continue;
      }
      let d = 0;
      for (const p of parents) d = Math.max(d, (depth.get(p) ?? -1) + 1);
      depth.set(top.id, d);
      visiting.delete(top.id);
      stack.pop();
    }
    return depth.get(start) ?? 0;
  };
  const rank = new Map<string, number>();
  for (const domain of request.domains) {
    let sum = 0;
    for (const product of domain.products) sum += depth.get(product) ?? depthOf(product);
    rank.set(domain.id, domain.products.length === 0 ? 0 : sum / domain.products.length);
  }
  return request.domains.map((d) => d.id).sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Packs boxes into columns, in order, top to bottom then left to right (so the first,
 * upstream, domains are on the left), with the number of rows whose overall shape is
 * closest to MAP_ASPECT.
 */
export function packDomains(boxes: readonly { id: string; width: number; height: number }[]): Map<string, Box> {
  let best: { placed: Map<string, Box>; score: number } | undefined;
  for (let rows = 1; rows <= Math.max(1, boxes.length); rows++) {
    const placed = new Map<string, Box>();
    let x = 0;
    let width = 0;
    let height = 0;
    for (let start = 0; start < boxes.length; start += rows) {
      const column = boxes.slice(start, start + rows);
      const columnWidth = Math.max(...column.map((b) => b.width));
      let y = 0;
      for (const box of column) {
        placed.set(box.id, { x, y, width: box.width, height: box.height });
        y += box.height + DOMAIN_GAP;
      }
      height = Math.max(height, y - DOMAIN_GAP);
      width = x + columnWidth;
      x += columnWidth + DOMAIN_GAP;
    }
    const score = Math.abs(Math.log(width / Math.max(1, height) / MAP_ASPECT));
    if (!best || score < best.score) best = { placed, score };
  }
  return best?.placed ?? new Map<string, Box>();
}
