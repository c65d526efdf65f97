/** Above the map: find a product by name, narrow to a domain, pick out a health; and what the filter matched. */
import type { ReactNode } from 'react';
import type { Health } from '../../api/types.js';
import { formatCount } from '../../ui/format.js';
import { isFiltering, noFilter, type MapFilter } from './filter.js';
import { Legend } from './legend.js';
import type { MapDomain } from './types.js';

export function MapToolbar({
  domains,
  counts,
  total,
  filter,
  matches,
  onFilter,
  onZoomToMatches,
}: {
  domains: readonly MapDomain[];
  counts: Record<Health, number>;
  total: number;
  filter: MapFilter;
  /** How many products the filter picks out. */
  matches: number;
  onFilter: (filter: MapFilter) => void;
  onZoomToMatches: () => void;
}): ReactNode {
  return (
    <div className="map-filters">
      <div className="map-find">
        <label htmlFor="map-find-input" className="visually-hidden">
          Find a product on the map
        </label>
        <input
          id="map-find-input"
          className="input"
          type="search"
          placeholder="Find a product…"
          autoComplete="off"
          value={filter.text}
          onChange={(event) => {
            onFilter({ ...filter, text: event.target.value });
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') onZoomToMatches();
          }}
        />
        <label htmlFor="map-domain-select" className="visually-hidden">
          Domain
        </label>
        <select
          id="map-domain-select"
          className="input"
          value={filter.domain}
          onChange={(event) => {
            onFilter({ ...filter, domain: event.target.value });
          }}
        >
          <option value="">All domains</option>
          {domains.map((d) => (
            <option key={d.id} value={d.id}>
              {d.id} ({formatCount(d.products)})
            </option>
          ))}
        </select>
      </div>
      <Legend
        counts={counts}
        selected={filter.health}
        onSelect={(health) => {
          onFilter({ ...filter, health });
        }}
      />
      <p className="map-matches" role="status">
        {isFiltering(filter) ? (
          <>
            {formatCount(matches)} of {formatCount(total)} products match.{' '}
            {matches > 0 ? (
              <button type="button" className="button" onClick={onZoomToMatches}>
                Zoom to {matches === 1 ? 'it' : 'them'}
              </button>
            ) : null}{' '}
            <button
              type="button"
              className="button"
              onClick={() => {
                onFilter(noFilter);
              }}
            >
              Clear
            </button>
          </>
        ) : null}
      </p>
    </div>
  );
}
