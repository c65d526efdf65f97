/** The orders the catalog offers. Best match is the server's (search score); the rest sort here. */
import type { Health, ProductCard } from '../../api/types.js';
import type { Sort } from './view.js';

export const SORT_LABELS: Record<Sort, string> = {
  best: 'Best match',
  name: 'Name',
  health: 'Health, failing first',
  recent: 'Recently published',
};

const healthRank: Record<Health, number> = { failing: 0, warning: 1, unknown: 2, ok: 3 };

const byId = (a: ProductCard, b: ProductCard): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function sortProducts(products: readonly ProductCard[], sort: Sort): readonly ProductCard[] {
  if (sort === 'best') return products;
  const sorted = [...products];
  if (sort === 'name') sorted.sort(byId);
  else if (sort === 'health') sorted.sort((a, b) => healthRank[a.health] - healthRank[b.health] || byId(a, b));
  else {
    // ISO timestamps compare as text; never published sorts last.
    sorted.sort((a, b) => (b.freshness.lastPublished ?? '').localeCompare(a.freshness.lastPublished ?? '') || byId(a, b));
  }
  return sorted;
}
