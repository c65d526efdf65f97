/**
 * `/`: search and browse the products. The URL holds the view (the header's search box
 * writes `?q=`, the filters their own keys); every change asks the API again, which
 * answers from its index in milliseconds, so nothing is debounced.
 */
import { useMemo, type ReactNode } from 'react';
import { getJson, useApi } from '../../api/client.js';
import type { MeshSummary, ProductList } from '../../api/types.js';
import { Link, useLocation } from '../../router.js';
import { formatCount } from '../../ui/format.js';
import { ErrorState, LoadingState } from '../../ui/loading.js';
import { useTitle } from '../../ui/use-title.js';
import { FilterBar, filterOptions } from './filter-bar.js';
import { wordPattern } from './highlight.js';
import { MeshSummaryStrip } from './mesh-summary.js';
import { PAGE_SIZE, ResultList } from './result-list.js';
import { useLastReady } from './use-last-ready.js';
import { hasFilters, productsPath, queryWords, readView, viewHref, type CatalogView } from './view.js';
import './catalog.css';

export function CatalogPage(): ReactNode {
  const { query } = useLocation();
  const view = readView(query);
  const q = view.q.trim();
  useTitle(q ? `Search: ${q}` : 'Catalog');

  const mesh = useApi<MeshSummary>('/api/mesh');
  // One page of results, with the filters' options (facets) counted by the server.
  const path = productsPath(view, PAGE_SIZE);
  const results = useLastReady(useApi<ProductList>(path));
  const facets = results.data?.facets;
  const options = useMemo(() => (facets ? filterOptions(facets) : undefined), [facets]);
  const pattern = useMemo(() => wordPattern(queryWords(q)), [q]);
  const more = (offset: number): Promise<ProductList> => getJson<ProductList>(productsPath(view, PAGE_SIZE, offset));

  return (
    <div className="catalog">
      <div className="page-header">
        <div>
          <h1>Data products</h1>
          <p className="subtitle">Search by name, description, port, column or glossary term; narrow down by domain, team, kind or health.</p>
        </div>
      </div>
      <MeshSummaryStrip mesh={mesh} view={view} />
      <FilterBar view={view} options={options} />
      <section aria-labelledby="results-heading" className="catalog-results">
        <h2 id="results-heading" className="visually-hidden">
          Results
        </h2>
        <ResultCount view={view} total={results.data?.total} pending={results.pending} />
        {results.error ? (
          <ErrorState error={results.error} />
        ) : results.data === undefined ? (
          <LoadingState what="products" />
        ) : results.data.total === 0 ? (
          <NoResults view={view} />
        ) : (
          <ResultList first={results.data} more={more} pattern={pattern} busy={results.pending} />
        )}
      </section>
    </div>
  );
}

function ResultCount({ view, total, pending }: { view: CatalogView; total: number | undefined; pending: boolean }): ReactNode {
  const q = view.q.trim();
  let text = '';
  if (total !== undefined) {
    const products = `${formatCount(total)} product${total === 1 ? '' : 's'}`;
    if (q) text = `${products} match${total === 1 ? 'es' : ''} “${q}”`;
    else text = hasFilters(view) ? `${products} match${total === 1 ? 'es' : ''} the filters` : products;
  }
  return (
    // Announced as it changes, so that a screen reader hears the outcome of typing.
    <p className="result-count" role="status" aria-live="polite" aria-busy={pending}>
      {text}
    </p>
  );
}

function NoResults({ view }: { view: CatalogView }): ReactNode {
  const q = view.q.trim();
  const filtered = hasFilters(view);
  return (
    <div className="panel empty">
      <h3>No product matches{q ? ` “${q}”` : ''}</h3>
      <ul>
        {q && <li>Words match the start of names, columns, ports, tags and glossary terms: try fewer words or a shorter one.</li>}
        {filtered && (
          <li>
            <Link to={viewHref({ ...view, filters: {} })}>Search without the filters</Link>
          </li>
        )}
        {q && (
          <li>
            <Link to={viewHref({ ...view, q: '' })}>Browse every product{filtered ? ' with these filters' : ''}</Link>
          </li>
        )}
      </ul>
    </div>
  );
}
