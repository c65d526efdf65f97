/**
 * The catalog's view (search, filters, order) lives in the URL query, so that a
 * filtered search is a link someone can share and Back undoes a filter.
 */
import type { Health } from '../../api/types.js';

export const FILTER_KEYS = ['domain', 'team', 'kind', 'status', 'health'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Partial<Record<FilterKey, string>>;

export const SORTS = ['best', 'name', 'health', 'recent', 'popular'] as const;
export type Sort = (typeof SORTS)[number];

export const HEALTHS: readonly Health[] = ['failing', 'warning', 'ok', 'unknown'];

export interface CatalogView {
  readonly q: string;
  readonly filters: Filters;
  /** As asked in the URL; `sortOf` says what applies (best match needs a query). */
  readonly sort: Sort | undefined;
}

export function readView(query: URLSearchParams): CatalogView {
  const filters: Filters = {};
  for (const key of FILTER_KEYS) {
    const value = query.get(key);
    if (!value) continue;
    // The API refuses an unknown health with a 400: an edited link should just not filter.
    if (key === 'health' && !(HEALTHS as readonly string[]).includes(value)) continue;
    filters[key] = value;
  }
  const sort = query.get('sort');
  return { q: query.get('q') ?? '', filters, sort: (SORTS as readonly string[]).includes(sort ?? '') ? (sort as Sort) : undefined };
}

export function sortOf(view: CatalogView): Sort {
  const wanted = view.sort ?? 'best';
  if (wanted === 'best' && view.q.trim() === '') return 'name';
  return wanted;
}

/** The page's own address for a view; `q` first, as the header's search box writes it. */
export function viewHref(view: CatalogView): string {
  const params = new URLSearchParams();
  if (view.q) params.set('q', view.q);
  for (const key of FILTER_KEYS) {
    const value = view.filters[key];
    if (value) params.set(key, value);
  }
  if (view.sort) params.set('sort', view.sort);
  const text = params.toString();
  return text ? `/?${text}` : '/';
}

/** What to ask the API for: one page of `limit` results from `offset`, in the view's order. */
export function productsPath(view: CatalogView, limit: number, offset = 0): string {
  const params = new URLSearchParams();
  const q = view.q.trim();
  if (q) params.set('q', q);
  for (const key of FILTER_KEYS) {
    const value = view.filters[key];
    if (value) params.set(key, value);
  }
  params.set('sort', sortOf(view));
  params.set('limit', String(limit));
  if (offset > 0) params.set('offset', String(offset));
  return `/api/products?${params.toString()}`;
}

export function withFilter(view: CatalogView, key: FilterKey, value: string | undefined): CatalogView {
  const filters: Filters = {};
  for (const other of FILTER_KEYS) {
    const kept = other === key ? value : view.filters[other];
    if (kept) filters[other] = kept;
  }
  return { ...view, filters };
}

export function hasFilters(view: CatalogView): boolean {
  return FILTER_KEYS.some((key) => view.filters[key] !== undefined);
}

/** The words of a query as the server's index splits them, for highlighting what matched. */
export function queryWords(q: string): string[] {
  return q.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
}
