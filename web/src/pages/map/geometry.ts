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

/** The arrowhead at the consumer's end of an edge, pointing into it. */
export function arrowPath(to: MapBox): string {
  const x = Math.round(to.x);
  const y = Math.round(to.y + to.height / 2);
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

/**
 * The whole mesh fitted into a `width` × `height` canvas, computed before the first
 * render, so that the map appears in place instead of fitting itself after measuring.
 * The minimum zoom leaves room to zoom out a little further than that.
 */
export function initialView(map: MeshMap, width: number, height: number): { viewport: Viewport; minZoom: number } {
  const bounds = mapBounds(map);
  const fit = Math.min(width / Math.max(1, bounds.width), height / Math.max(1, bounds.height));
  const minZoom = Math.min(0.5, fit * 0.5);
  const viewport = getViewportForBounds(bounds, width, height, minZoom, FIRST_ZOOM_MAX, FIT_PADDING);
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
