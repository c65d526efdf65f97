/**
 * How the map follows the pointer and the keyboard: which product is active (under the
 * pointer or focused: its edges light up and its card shows), which has the keyboard
 * focus (it gets a ring), and the keys — arrows move to the nearest product that way,
 * + − 0 zoom. Handlers go on the map's container once, not on a thousand nodes.
 */
import { useReactFlow } from '@xyflow/react';
import { useCallback, useMemo, useState, type FocusEvent, type KeyboardEvent, type MouseEvent, type RefObject } from 'react';
import { FIT_PADDING, productToward, type Direction } from './geometry.js';
import type { MapBox, MapProduct, MeshMap } from './types.js';

const arrows: Partial<Record<string, Direction>> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

function productId(target: EventTarget | null): string | undefined {
  return target instanceof Element ? (target.closest('[data-product]')?.getAttribute('data-product') ?? undefined) : undefined;
}

export interface MapNavigation {
  readonly active: MapProduct | undefined;
  readonly focused: MapProduct | undefined;
  readonly handlers: {
    onKeyDown(event: KeyboardEvent<HTMLDivElement>): void;
    onFocus(event: FocusEvent<HTMLDivElement>): void;
    onBlur(event: FocusEvent<HTMLDivElement>): void;
    onMouseOver(event: MouseEvent<HTMLDivElement>): void;
    onMouseLeave(): void;
  };
}

export function useMapNavigation(container: RefObject<HTMLDivElement | null>, map: MeshMap, matched: ReadonlySet<string> | undefined): MapNavigation {
  const flow = useReactFlow();
  const byId = useMemo(() => new Map(map.products.map((p) => [p.id, p])), [map]);
  const [active, setActive] = useState<string>();
  /** A click focuses a link too, but only the keyboard's focus gets a ring. */
  const [focused, setFocused] = useState<string>();

  /** Pans (at the same zoom) so that the whole box is in view, if it is not. */
  const reveal = useCallback(
    (box: MapBox): void => {
      const element = container.current;
      if (!element) return;
      const { x, y, zoom } = flow.getViewport();
      const left = -x / zoom;
      const top = -y / zoom;
      const inside = box.x >= left && box.y >= top && box.x + box.width <= left + element.clientWidth / zoom && box.y + box.height <= top + element.clientHeight / zoom;
      if (!inside) void flow.setCenter(box.x + box.width / 2, box.y + box.height / 2, { zoom });
    },
    [container, flow],
  );

  /** Focuses a product's link, bringing it into view (and so into the DOM: only nodes in view are rendered) first. */
  const focusProduct = useCallback(
    (product: MapProduct): void => {
      reveal(product);
      let frames = 0;
      const attempt = (): void => {
        const link = container.current?.querySelector<HTMLElement>(`[data-product="${CSS.escape(product.id)}"]`);
        if (link) link.focus();
        else if (++frames < 10) requestAnimationFrame(attempt);
      };
      attempt();
    },
    [container, reveal],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const target = event.target as HTMLElement;
    if (target.closest('input, select, textarea, .react-flow__controls, .react-flow__minimap')) return;
    const id = productId(target);
    const direction = arrows[event.key];
    if (id !== undefined && direction) {
      event.preventDefault();
      const from = byId.get(id);
      // While filtering, the arrows move among the products the filter picks out.
      const candidates = matched ? map.products.filter((p) => matched.has(p.id)) : map.products;
      const next = from ? productToward(candidates, from, direction) : undefined;
      if (next) focusProduct(next);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === '+' || event.key === '=') void flow.zoomIn({ duration: 150 });
    else if (event.key === '-') void flow.zoomOut({ duration: 150 });
    else if (event.key === '0') void flow.fitView({ padding: FIT_PADDING, duration: 200 });
    else return;
    event.preventDefault();
  };

  const onFocus = (event: FocusEvent<HTMLDivElement>): void => {
    const id = productId(event.target);
    if (id === undefined) return;
    setActive(id);
    const product = byId.get(id);
    if (!product || !event.target.matches(':focus-visible')) return;
    setFocused(id);
    // Tabbing to a product half out of view brings it in; a click does not move the map.
    reveal(product);
  };

  const onBlur = (event: FocusEvent<HTMLDivElement>): void => {
    if (productId(event.relatedTarget) !== undefined) return;
    setActive(undefined);
    setFocused(undefined);
  };

  return {
    active: active === undefined ? undefined : byId.get(active),
    focused: focused === undefined ? undefined : byId.get(focused),
    handlers: {
      onKeyDown,
      onFocus,
      onBlur,
      onMouseOver: (event) => {
        setActive(productId(event.target));
      },
      onMouseLeave: () => {
        setActive(undefined);
      },
    },
  };
}
