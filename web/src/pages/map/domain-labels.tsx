/**
 * Domain names, above the products and always the same size on screen: in a box's header
 * when zoomed in, across its middle when zoomed out (where the header is a sliver).
 */
import { useStore, ViewportPortal } from '@xyflow/react';
import type { ReactNode } from 'react';
import { formatCount } from '../../ui/format.js';
import type { MapDomain } from './types.js';
import { LABEL_ZOOM, selectZoom } from './zoom.js';

export function DomainLabels({ domains, only }: { domains: readonly MapDomain[]; only: string }): ReactNode {
  const zoom = useStore(selectZoom);
  const centred = zoom < LABEL_ZOOM;
  const scale = `scale(${1 / zoom})`;
  return (
    <ViewportPortal>
      {/* Screen readers hear the domain in each product's label. */}
      <div className="map-domain-labels" aria-hidden="true">
        {domains.map((d) => (
          <div
            key={d.id}
            className={`map-domain-label${centred ? ' is-centred' : ''}${only !== '' && only !== d.id ? ' is-dimmed' : ''}`}
            style={
              centred
                ? { left: d.x + d.width / 2, top: d.y + d.height / 2, transform: `translate(-50%, -50%) ${scale}` }
                : { left: d.x + 20, top: d.y + 12, transform: scale }
            }
          >
            <span className="map-domain-name">{d.id}</span>
            <span className="map-domain-count">
              {formatCount(d.products)} product{d.products === 1 ? '' : 's'}
            </span>
          </div>
        ))}
      </div>
    </ViewportPortal>
  );
}
