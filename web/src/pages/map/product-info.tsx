/** A card for the product under the pointer or the keyboard focus: readable at any zoom. */
import { Panel } from '@xyflow/react';
import type { ReactNode } from 'react';
import { HealthBadge } from '../../ui/health.js';
import type { EdgePaths } from './edge-layer.js';
import type { MapProduct } from './types.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function ProductInfo({ product, paths }: { product: MapProduct; paths: EdgePaths }): ReactNode {
  let upstream = 0;
  let downstream = 0;
  for (const i of paths.byProduct.get(product.id) ?? []) {
    const [from] = paths.ends[i] ?? [];
    if (from === product.id) downstream += 1;
    else upstream += 1;
  }
  return (
    // The focused link already says all this to a screen reader.
    <Panel position="top-right" className="map-info" aria-hidden="true">
      <div className="map-info-head">
        <strong className="map-info-name">{product.name}</strong>
        <HealthBadge health={product.health} />
      </div>
      <div className="map-info-id">{product.id}</div>
      <div>
        Owned by <strong>{product.owner.name}</strong> · {product.kind}
      </div>
      <div className="map-info-links">
        Reads from {plural(upstream, 'product')} · read by {plural(downstream, 'product')}
      </div>
    </Panel>
  );
}
