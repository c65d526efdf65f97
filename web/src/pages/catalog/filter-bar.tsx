/** The catalog's filters and order: labelled selects whose values live in the URL. */
import { useId, type ReactNode } from 'react';
import type { FacetOption, ProductList } from '../../api/types.js';
import { formatCount } from '../../ui/format.js';
import { navigate } from '../../router.js';
import { healthLabel } from '../../ui/health.js';
import { SORT_LABELS } from './order.js';
import { HEALTHS, SORTS, hasFilters, sortOf, viewHref, withFilter, type CatalogView, type FilterKey } from './view.js';

interface Option {
  readonly value: string;
  readonly label: string;
}

/** The values to offer: the server's facets, each with how many products choosing it gives. */
export function filterOptions(facets: ProductList['facets']): Record<'domain' | 'team' | 'kind' | 'status', readonly Option[]> {
  const options = (list: readonly FacetOption[]): Option[] => list.map((f) => ({ value: f.value, label: `${f.label} (${formatCount(f.count)})` }));
  return { domain: options(facets.domain), team: options(facets.team), kind: options(facets.kind), status: options(facets.status) };
}

export type FilterOptions = ReturnType<typeof filterOptions>;

const healthOptions: Option[] = HEALTHS.map((h) => ({ value: h, label: healthLabel(h) }));

export function FilterBar({ view, options }: { view: CatalogView; options: FilterOptions | undefined }): ReactNode {
  const id = useId();
  const go = (next: CatalogView): void => {
    navigate(viewHref(next));
  };
  const select = (key: FilterKey, label: string, all: string, choices: readonly Option[]): ReactNode => {
    const current = view.filters[key];
    // A shared link may name a value this mesh lacks: keep it selectable so the select shows the truth.
    const list = current !== undefined && !choices.some((c) => c.value === current) ? [...choices, { value: current, label: current }] : choices;
    return (
      <div className="filter-field">
        <label htmlFor={`${id}-${key}`}>{label}</label>
        <select
          id={`${id}-${key}`}
          className={`input${current ? ' is-set' : ''}`}
          value={current ?? ''}
          onChange={(event) => {
            go(withFilter(view, key, event.target.value || undefined));
          }}
        >
          <option value="">{all}</option>
          {list.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
    );
  };
  const sort = sortOf(view);
  const searching = view.q.trim() !== '';
  return (
    <form
      className="filter-bar"
      aria-label="Filter products"
      onSubmit={(event) => {
        event.preventDefault();
      }}
    >
      {select('domain', 'Domain', 'All domains', options?.domain ?? [])}
      {select('team', 'Owner team', 'All teams', options?.team ?? [])}
      {select('kind', 'Kind', 'All kinds', options?.kind ?? [])}
      {select('health', 'Health', 'Any health', healthOptions)}
      {/* Status only when the mesh has more than one: "all active" is not a choice. */}
      {(options?.status.length ?? 0) > 1 || view.filters.status ? select('status', 'Status', 'Any status', options?.status ?? []) : null}
      <div className="filter-field">
        <label htmlFor={`${id}-sort`}>Sort by</label>
        <select
          id={`${id}-sort`}
          className="input"
          value={sort}
          onChange={(event) => {
            go({ ...view, sort: event.target.value as CatalogView['sort'] });
          }}
        >
          {SORTS.filter((s) => s !== 'best' || searching).map((s) => (
            <option key={s} value={s}>
              {SORT_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      {hasFilters(view) && (
        <button
          type="button"
          className="button filter-clear"
          onClick={() => {
            go({ ...view, filters: {} });
          }}
        >
          Clear filters
        </button>
      )}
    </form>
  );
}
