/**
 * The keyboard focus on the map: a ring around the focused product that is 3 px on
 * screen at any zoom (a CSS outline on the product would shrink with the map, to a
 * hairline on a thousand-product overview).
 */
import { useStore, ViewportPortal } from '@xyflow/react';
import type { ReactNode } from 'react';
import type { MapBox } from './types.js';
import { selectZoom } from './zoom.js';

export function FocusRing({ box }: { box: MapBox }): ReactNode {
  const zoom = useStore(selectZoom);
  const gap = 4 / zoom;
  const width = 3 / zoom;
  return (
    <ViewportPortal>
      <div
        className="map-focus-ring"
        aria-hidden="true"
        style={{
          left: box.x - gap - width,
          top: box.y - gap - width,
          width: box.width + 2 * (gap + width),
          height: box.height + 2 * (gap + width),
          borderWidth: width,
          borderRadius: 8 + gap + width,
        }}
      />
    </ViewportPortal>
  );
}
