/**
 * The pan/zoom canvas: xyflow with the domain and product nodes, the edge layer, the
 * domain names, an overview and zoom controls. Built for a thousand products: the first
 * viewport is computed before the first render, only the nodes in view are rendered (as
 * tiles when zoomed out), nothing is draggable or selectable, and events are handled once
 * on the container rather than per node.
 */
import { Controls, MiniMap, ReactFlow, type Node } from '@xyflow/react';
import { startTransition, useCallback, useEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react';
import { DomainLabels } from './domain-labels.js';
import { DomainNode } from './domain-node.js';
import { EdgeLayer, type EdgePaths } from './edge-layer.js';
import type { MapNode } from './flow-nodes.js';
import { FocusRing } from './focus-ring.js';
import { FIT_PADDING, initialView } from './geometry.js';
import { ProductInfo } from './product-info.js';
import { ProductNode } from './product-node.js';
import type { MeshMap } from './types.js';
import { useMapNavigation } from './use-map-navigation.js';

// Outside the component: xyflow re-mounts every node when this object changes.
const nodeTypes = { product: ProductNode, domain: DomainNode };

const miniColour: Record<string, string> = { ok: 'var(--ok)', warning: 'var(--warning)', failing: 'var(--failing)', unknown: 'var(--unknown-line)' };

function miniMapColour(node: Node): string {
  const n = node as MapNode;
  return n.type === 'product' ? (miniColour[n.data.product.health] ?? 'var(--unknown)') : 'var(--map-domain-mini)';
}

export const HELP_ID = 'map-help';

/** The canvas's size once laid out: the first viewport depends on it. */
function useFirstSize(ref: RefObject<HTMLDivElement | null>): { width: number; height: number } | undefined {
  const [size, setSize] = useState<{ width: number; height: number }>();
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry && entry.contentRect.width > 0 && entry.contentRect.height > 0) {
        const { width, height } = entry.contentRect;
        setSize((first) => first ?? { width, height });
      }
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
    };
  }, [ref]);
  return size;
}

export function MapCanvas({
  map,
  nodes,
  paths,
  matched,
  domain,
}: {
  map: MeshMap;
  nodes: MapNode[];
  paths: EdgePaths;
  /** The products the filter picks out, when filtering. */
  matched: ReadonlySet<string> | undefined;
  /** The domain the filter is on, or ''. */
  domain: string;
}): ReactNode {
  const container = useRef<HTMLDivElement>(null);
  const size = useFirstSize(container);
  const view = useMemo(() => (size ? initialView(map, size.width, size.height) : undefined), [map, size]);
  const { active, focused, handlers } = useMapNavigation(container, map, matched);
  const [ready, setReady] = useState(false);
  const [overview, setOverview] = useState(false);

  // xyflow calls onInit once its viewport is set up and the first nodes are in the DOM; a frame later they are painted.
  const onInit = useCallback(() => {
    requestAnimationFrame(() => {
      setReady(true);
      // The overview draws every node again (a thousand store subscriptions): it comes second,
      // in a transition, which React renders in slices that leave the map responsive.
      startTransition(() => {
        setOverview(true);
      });
    });
  }, []);

  return (
    <div
      ref={container}
      className="map-canvas"
      data-testid="mesh-map"
      data-products={map.products.length}
      data-ready={ready ? 'true' : 'false'}
      {...handlers}
    >
      {view ? (
        <ReactFlow
          nodes={nodes}
          nodeTypes={nodeTypes}
          defaultViewport={view.viewport}
          minZoom={view.minZoom}
          maxZoom={2}
          onlyRenderVisibleElements
          nodesDraggable={false}
          nodesConnectable={false}
          nodesFocusable={false}
          edgesFocusable={false}
          elementsSelectable={false}
          // Its built-in descriptions speak of selecting and moving nodes, which the map does not do; HELP_ID says what it does.
          disableKeyboardA11y
          onInit={onInit}
          attributionPosition="top-left"
          aria-label="Mesh map"
          aria-describedby={HELP_ID}
        >
          <EdgeLayer paths={paths} active={active?.id} matched={matched} />
          <DomainLabels domains={map.domains} only={domain} />
          {focused ? <FocusRing box={focused} /> : null}
          {active ? <ProductInfo product={active} paths={paths} /> : null}
          <Controls showInteractive={false} fitViewOptions={{ padding: FIT_PADDING, duration: 200 }} position="bottom-left" />
          {overview ? (
            <MiniMap
              pannable
              zoomable
              nodeColor={miniMapColour}
              nodeStrokeWidth={0}
              nodeBorderRadius={2}
              ariaLabel="Overview of the whole map"
              position="bottom-right"
            />
          ) : null}
        </ReactFlow>
      ) : null}
    </div>
  );
}
