/**
 * The map's edges, drawn as one SVG path (plus one for the arrowheads) rather than an
 * xyflow edge component each: a thousand-product mesh has over four thousand edges, and
 * one path costs the browser a fraction of four thousand elements. The edges of the
 * product under the pointer or the keyboard focus are drawn again, highlighted and above
 * the products.
 */
import { useStore, ViewportPortal } from '@xyflow/react';
import { useMemo, type CSSProperties, type ReactNode } from 'react';
import { arrowPath, crossDomainPath, edgePath } from './geometry.js';
import type { MapBox, MeshMap } from './types.js';
import { selectZoom } from './zoom.js';

/** Up to this many edges are drawn at full strength. */
const FAINT_FROM = 600;

export interface EdgePaths {
  readonly ends: readonly (readonly [string, string])[];
  readonly lines: readonly string[];
  readonly arrows: readonly string[];
  /** Indexes of the edges that start or end at a product. */
  readonly byProduct: ReadonlyMap<string, readonly number[]>;
}

export function edgePaths(map: MeshMap): EdgePaths {
  const boxes = new Map<string, MapBox>(map.products.map((p) => [p.id, p]));
  const domainBoxes = new Map<string, MapBox>(map.domains.map((d) => [d.id, d]));
  const domainOf = new Map(map.products.map((p) => [p.id, domainBoxes.get(p.domain)]));
  const inDomain = new Map<string, MapBox[]>();
  for (const p of map.products) inDomain.set(p.domain, [...(inDomain.get(p.domain) ?? []), p]);
  const productDomain = new Map(map.products.map((p) => [p.id, p.domain]));
  const ends: [string, string][] = [];
  const lines: string[] = [];
  const arrows: string[] = [];
  const byProduct = new Map<string, number[]>();
  const index = (product: string, edge: number): void => {
    const list = byProduct.get(product);
    if (list) list.push(edge);
    else byProduct.set(product, [edge]);
  };
  for (const edge of map.edges) {
    const from = boxes.get(edge.from);
    const to = boxes.get(edge.to);
    if (!from || !to || edge.from === edge.to) continue;
    const i = ends.length;
    ends.push([edge.from, edge.to]);
    const fromDomain = domainOf.get(edge.from);
    const toDomain = domainOf.get(edge.to);
    if (fromDomain && toDomain && fromDomain !== toDomain) {
      const others = { from: inDomain.get(productDomain.get(edge.from) ?? '') ?? [], to: inDomain.get(productDomain.get(edge.to) ?? '') ?? [] };
      const { line, arrowY } = crossDomainPath(from, to, { from: fromDomain, to: toDomain }, others);
      lines.push(line);
      arrows.push(arrowPath(to, arrowY));
    } else {
      lines.push(edgePath(from, to));
      arrows.push(arrowPath(to));
    }
    index(edge.from, i);
    index(edge.to, i);
  }
  return { ends, lines, arrows, byProduct };
}

function joined(paths: EdgePaths, indexes: Iterable<number>): { lines: string; arrows: string } {
  let lines = '';
  let arrows = '';
  for (const i of indexes) {
    lines += paths.lines[i] ?? '';
    arrows += paths.arrows[i] ?? '';
  }
  return { lines, arrows };
}

function Edges({ d, className }: { d: { lines: string; arrows: string }; className: string }): ReactNode {
  return (
    <g className={className}>
      <path className="map-edge-lines" d={d.lines} />
      <path className="map-edge-arrows" d={d.arrows} />
    </g>
  );
}

/**
 * Edges that must stay visible however far out the map is zoomed: their lines are at
 * least `px` wide on screen. (SVG's non-scaling stroke would not do: the zoom is a CSS
 * transform outside the SVG, which it does not see.) Only this re-renders on zoom.
 */
function VisibleEdges({ d, className, px }: { d: { lines: string; arrows: string }; className: string; px: number }): ReactNode {
  const zoom = useStore(selectZoom);
  return (
    <g className={className}>
      <path className="map-edge-lines" d={d.lines} style={{ strokeWidth: Math.max(px, px / zoom) }} />
      <path className="map-edge-arrows" d={d.arrows} />
    </g>
  );
}

export function EdgeLayer({ paths, active, matched }: { paths: EdgePaths; active: string | undefined; matched: ReadonlySet<string> | undefined }): ReactNode {
  const all = useMemo(() => joined(paths, paths.lines.keys()), [paths]);
  const kept = useMemo(() => {
    if (!matched) return undefined;
    const indexes: number[] = [];
    paths.ends.forEach(([from, to], i) => {
      if (matched.has(from) || matched.has(to)) indexes.push(i);
    });
    return joined(paths, indexes);
  }, [paths, matched]);
  const highlighted = useMemo(() => (active === undefined ? undefined : joined(paths, paths.byProduct.get(active) ?? [])), [paths, active]);
  // Thousands of edges would bury the products in grey: the more there are, the fainter each.
  const opacity = Math.min(1, Math.max(0.15, FAINT_FROM / Math.max(1, paths.lines.length)));
  return (
    <ViewportPortal>
      <svg className="map-edges" aria-hidden="true" style={{ '--map-edge-opacity': opacity } as CSSProperties}>
        <Edges d={all} className={matched ? 'map-edges-all is-faded' : 'map-edges-all'} />
        {kept ? <VisibleEdges d={kept} className="map-edges-kept" px={1.25} /> : null}
      </svg>
      {/* Above the products, so that the edges in focus can be followed across the map. */}
      {highlighted ? (
        <svg className="map-edges map-edges-top" aria-hidden="true">
          <VisibleEdges d={highlighted} className="map-edges-active" px={2.5} />
        </svg>
      ) : null}
    </ViewportPortal>
  );
}
