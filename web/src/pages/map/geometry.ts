/** The map's geometry: edge curves, the first viewport, and which product lies in a direction. */
import { getViewportForBounds, type Viewport } from '@xyflow/react';
import type { MapBox, MapProduct, MeshMap } from './types.js';

/** Length of an edge's arrowhead, in map units. */
const ARROW = 8;
/** The margin around the mesh when it is fitted into view, as a fraction of the canvas. */
export const FIT_PADDING = 0.06;
/** The zoom of the first view never exceeds this, so that a small mesh is not blown up. */
const FIRST_ZOOM_MAX = 1;

/** A curve from the right side of `from` to the left side of `to`, as SVG path data. */
export function edgePath(from: MapBox, to: MapBox): string {
  const sx = Math.round(from.x + from.width);
  const sy = Math.round(from.y + from.height / 2);
  const tx = Math.round(to.x - ARROW);
  const ty = Math.round(to.y + to.height / 2);
  // Horizontal tangents at both ends; a consumer left of its producer gets a wider loop.
  const bend = Math.max(48, Math.round(Math.abs(tx - sx) / 2));
  return `M${sx} ${sy}C${sx + bend} ${sy} ${tx - bend} ${ty} ${tx} ${ty}`;
}

/**
 * A height on `box`'s side at which a straight line from `x0` to `x1` passes no other
 * product of `others`, nearest the middle; undefined when there is none.
 */
export function freeLane(box: MapBox, x0: number, x1: number, others: readonly MapBox[]): number | undefined {
  const lo = box.y + 8;
  const hi = box.y + box.height - 8;
  const left = Math.min(x0, x1);
  const right = Math.max(x0, x1);
  const blocked = others.filter((o) => o !== box && o.x < right && o.x + o.width > left && o.y < hi + 6 && o.y + o.height > lo - 6).map((o) => [o.y - 6, o.y + o.height + 6] as const);
  const mid = Math.round(box.y + box.height / 2);
  for (let step = 0; mid - step >= lo || mid + step <= hi; step += 2) {
    for (const y of [mid - step, mid + step]) if (y >= lo && y <= hi && !blocked.some(([a, b]) => y > a && y < b)) return y;
  }
  return undefined;
}

/**
 * An edge between products of two domains. Drawn as a plain curve, it may pass under
 * products of the domains it leaves and enters; where there is a lane free of products
 * from the product to its domain's side (the server's layout keeps one where it can,
 * map-layout.ts), the edge runs straight along it and curves only in the open space
 * between the domains. `fromOthers`/`toOthers`: the products of each domain.
 */
export function crossDomainPath(
  from: MapBox,
  to: MapBox,
  domains: { from: MapBox; to: MapBox },
  others: { from: readonly MapBox[]; to: readonly MapBox[] },
): { line: string; arrowY: number } {
  const plain = { line: edgePath(from, to), arrowY: Math.round(to.y + to.height / 2) };
  const sx = Math.round(from.x + from.width);
  const tx = Math.round(to.x - ARROW);
  const exit = Math.round(domains.from.x + domains.from.width);
  const entry = Math.round(domains.to.x);
  if (entry - exit < 24) return plain;
  const sy = freeLane(from, sx, exit, others.from);
  const ty = freeLane(to, entry, tx, others.to);
  if (sy === undefined || ty === undefined) return plain;
  const bend = Math.max(24, Math.round((entry - exit) / 2));
  return { line: `M${sx} ${sy}H${exit}C${exit + bend} ${sy} ${entry - bend} ${ty} ${entry} ${ty}H${tx}`, arrowY: ty };
}

/** The arrowhead at the consumer's end of an edge, pointing into it (at its middle, or at `atY`). */
export function arrowPath(to: MapBox, atY?: number): string {
  const x = Math.round(to.x);
  const y = atY ?? Math.round(to.y + to.height / 2);
  return `M${x} ${y}l${-ARROW} ${-ARROW / 2}v${ARROW}z`;
}

export function mapBounds(map: MeshMap): MapBox {
  const boxes: MapBox[] = map.domains.length > 0 ? map.domains : map.products;
  if (boxes.length === 0) return { x: 0, y: 0, width: 0, height: 0 };
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const b of boxes) {
    x0 = Math.min(x0, b.x);
    y0 = Math.min(y0, b.y);
    x1 = Math.max(x1, b.x + b.width);
    y1 = Math.max(y1, b.y + b.height);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The overview (xyflow's MiniMap, 200 × 150 at the bottom right) and its margin. */
export const MINIMAP = { width: 200, height: 150, margin: 15 };
/** Below this canvas width the overview is hidden (map.css): it would cover too much of the map. */
export const MINIMAP_MIN_CANVAS = 900;

/**
 * The whole mesh fitted into a `width` × `height` canvas, computed before the first
 * render, so that the map appears in place instead of fitting itself after measuring.
 * Where the overview is shown, the mesh is fitted into the part of the canvas left of
 * it, so that the overview covers no product. The minimum zoom leaves room to zoom out
 * a little further than that.
 */
export function initialView(map: MeshMap, width: number, height: number): { viewport: Viewport; minZoom: number } {
  const bounds = mapBounds(map);
  const usable = width >= MINIMAP_MIN_CANVAS ? width - MINIMAP.width - 2 * MINIMAP.margin : width;
  const fit = Math.min(usable / Math.max(1, bounds.width), height / Math.max(1, bounds.height));
  const minZoom = Math.min(0.5, fit * 0.5);
  const viewport = getViewportForBounds(bounds, usable, height, minZoom, FIRST_ZOOM_MAX, FIT_PADDING);
  return { viewport, minZoom };
}

export type Direction = 'left' | 'right' | 'up' | 'down';

/**
 * The product an arrow key moves to from `from`: the nearest one whose centre lies that
 * way, preferring those in line with it (a step sideways counts double).
 */
export function productToward(products: readonly MapProduct[], from: MapBox, direction: Direction): MapProduct | undefined {
  const cx = from.x + from.width / 2;
  const cy = from.y + from.height / 2;
  let best: { product: MapProduct; score: number } | undefined;
  for (const product of products) {
    const dx = product.x + product.width / 2 - cx;
    const dy = product.y + product.height / 2 - cy;
    const along = direction === 'right' ? dx : direction === 'left' ? -dx : direction === 'down' ? dy : -dy;
    const across = direction === 'left' || direction === 'right' ? Math.abs(dy) : Math.abs(dx);
    if (along <= 1) continue;
    const score = along + 2 * across;
    if (!best || score < best.score) best = { product, score };
  }
  return best?.product;
}
