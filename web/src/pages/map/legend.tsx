/**
 * What the colours mean, with how many products have each health. Each entry is also a
 * toggle that picks out the products with that health.
 */
import type { ReactNode } from 'react';
import type { Health } from '../../api/types.js';
import { formatCount } from '../../ui/format.js';
import { HealthBadge } from '../../ui/health.js';

const order: readonly Health[] = ['failing', 'warning', 'ok', 'unknown'];

export function Legend({ counts, selected, onSelect }: { counts: Record<Health, number>; selected: Health | ''; onSelect: (health: Health | '') => void }): ReactNode {
  return (
    <ul className="map-legend" aria-label="Health (press to pick out)">
      {order.map((health) => (
        <li key={health}>
          <button
            type="button"
            className="map-legend-item"
            aria-pressed={selected === health}
            onClick={() => {
              onSelect(selected === health ? '' : health);
            }}
          >
            {/* The tile a product becomes when zoomed out, with the same pattern. */}
            <span className={`map-swatch map-product-${health} is-tile`} aria-hidden="true" />
            <HealthBadge health={health} />
            <span className="map-legend-count">{formatCount(counts[health])}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
