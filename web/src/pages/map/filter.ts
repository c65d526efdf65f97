/** Which products the map's filter picks out: by name, domain and health. */
import type { Health } from '../../api/types.js';
import type { MapProduct } from './types.js';

export interface MapFilter {
  /** Part of the product's id or name, any case. */
  readonly text: string;
  /** A domain's id, or '' for all. */
  readonly domain: string;
  /** A health, or '' for all. */
  readonly health: Health | '';
}

export const noFilter: MapFilter = { text: '', domain: '', health: '' };

export function isFiltering(filter: MapFilter): boolean {
  return filter.text.trim() !== '' || filter.domain !== '' || filter.health !== '';
}

/** A predicate for `filter`; everything passes when nothing is filtered. */
export function productMatcher(filter: MapFilter): (product: MapProduct) => boolean {
  const text = filter.text.trim().toLowerCase();
  return (product) =>
    (text === '' || product.id.toLowerCase().includes(text) || product.name.toLowerCase().includes(text)) &&
    (filter.domain === '' || product.domain === filter.domain) &&
    (filter.health === '' || product.health === filter.health);
}

export function healthCounts(products: readonly MapProduct[]): Record<Health, number> {
  const counts: Record<Health, number> = { ok: 0, warning: 0, failing: 0, unknown: 0 };
  for (const product of products) counts[product.health] += 1;
  return counts;
}
