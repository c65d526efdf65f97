/** The map as xyflow nodes: a box per domain behind the products it holds. */
import type { Node } from '@xyflow/react';
import { healthLabel } from '../../ui/health.js';
import type { MapDomain, MapProduct, MeshMap } from './types.js';

export type ProductNodeType = Node<{ product: MapProduct }, 'product'>;
export type DomainNodeType = Node<{ domain: MapDomain; tint: number }, 'domain'>;
export type MapNode = ProductNodeType | DomainNodeType;

/** How many soft tints the domain boxes cycle through (map.css: .map-tint-N). */
const TINTS = 6;

// Nothing on the map moves or gets selected: a product is a link to its page. Its link,
// not xyflow's wrapper, takes the keyboard focus, so the wrapper stays out of the tab order.
const fixed = { draggable: false, selectable: false, connectable: false, focusable: false, deletable: false } as const;

/**
 * A node's size as the server laid it out, which is also its size in the DOM (xyflow sets
 * it inline). Saying so up front, with no handles (the edges are drawn apart), spares
 * xyflow measuring a thousand nodes and rendering them all a second time with the result.
 */
function sized(box: { width: number; height: number }): Pick<Node, 'width' | 'height' | 'measured' | 'handles'> {
  return { width: box.width, height: box.height, measured: { width: box.width, height: box.height }, handles: [] };
}

export function domainNodeId(domain: string): string {
  return `domain:${domain}`;
}

export function flowNodes(map: MeshMap): MapNode[] {
  const tints = new Map([...map.domains].sort((a, b) => a.x - b.x || a.y - b.y).map((d, i) => [d.id, i % TINTS]));
  const domains: DomainNodeType[] = map.domains.map((domain) => ({
    ...fixed,
    id: domainNodeId(domain.id),
    type: 'domain',
    position: { x: domain.x, y: domain.y },
    ...sized(domain),
    // Edges (map.css) are drawn between the domains (0) and the products (2).
    zIndex: 0,
    data: { domain, tint: tints.get(domain.id) ?? 0 },
  }));
  const products: ProductNodeType[] = map.products.map((product) => ({
    ...fixed,
    id: product.id,
    type: 'product',
    position: { x: product.x, y: product.y },
    ...sized(product),
    zIndex: 2,
    data: { product },
    // xyflow calls its wrapper a "node" for screen readers; the link inside says what it is.
    domAttributes: { 'aria-roledescription': undefined },
  }));
  return [...domains, ...products];
}

/** What a screen reader says for a product on the map. */
export function productLabel(product: MapProduct): string {
  return `${product.name}, ${product.domain} domain, owned by ${product.owner.name}, ${healthLabel(product.health)}`;
}

/**
 * The nodes with the filter applied: products it does not pick out are dimmed, and so
 * are the other domains when it is on one domain. `outline` marks the picked-out
 * products too (for a name or health; a whole domain needs no outline).
 */
export function filteredNodes(nodes: MapNode[], matched: ReadonlySet<string> | undefined, domain: string, outline: boolean): MapNode[] {
  if (!matched) return nodes;
  return nodes.map((node) => {
    if (node.type === 'product') {
      const picked = matched.has(node.id);
      return picked && !outline ? node : { ...node, className: picked ? 'is-match' : 'is-dimmed' };
    }
    return domain !== '' && node.data.domain.id !== domain ? { ...node, className: 'is-dimmed' } : node;
  });
}
