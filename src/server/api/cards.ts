/**
 * Product cards: what lists, search and the mesh summary answer with. Building one means
 * working out the product's health against its SLA, so they are built once per state
 * (see StateReader) and reused for a few seconds: SLAs are minutes to days long, and a
 * health that is up to `CARD_TTL_MS` late is not worth recomputing a thousand cards per
 * request for.
 */
import type { Catalog } from './catalog.js';
import { productHealth, type Health, type ProductFreshness, type Status } from './status.js';

const CARD_TTL_MS = 5000;

export interface ProductCard {
  readonly id: string;
  readonly name: string;
  readonly domain: string;
  readonly owner: { readonly id: string; readonly name: string };
  readonly kind: string;
  readonly status: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly ports: readonly { id: string; name: string; table: string; version: number; deprecated: boolean }[];
  readonly health: Health;
  readonly freshness: ProductFreshness;
}

const built = new WeakMap<Status, { at: number; cards: ReadonlyMap<string, ProductCard> }>();

/** Every product's card, in id order. */
export function productCards(catalog: Catalog, status: Status, now: number): ReadonlyMap<string, ProductCard> {
  const cached = built.get(status);
  if (cached && now - cached.at < CARD_TTL_MS) return cached.cards;
  const cards = new Map<string, ProductCard>();
  for (const entry of catalog.products.values()) {
    const spec = entry.product.spec;
    const { health, freshness } = productHealth(entry, status, now);
    cards.set(entry.id, {
      id: entry.id,
      name: spec.name,
      domain: spec.domain,
      owner: entry.owner,
      kind: spec.kind,
      status: entry.status,
      ...(spec.description === undefined ? {} : { description: spec.description }),
      tags: spec.tags ?? [],
      ports: entry.ports.map((p) => ({ id: `${p.domain}.${p.table}`, name: p.spec.name, table: p.table, version: p.version, deprecated: p.spec.deprecated !== undefined })),
      health,
      freshness,
    });
  }
  built.set(status, { at: now, cards });
  return cards;
}

/** `best`: the search's ranking (by id without a query); `health`: failing first; `recent`: last published first. */
export type CardOrder = 'best' | 'name' | 'health' | 'recent' | 'popular';

const healthRank: Record<Health, number> = { failing: 0, warning: 1, unknown: 2, ok: 3 };

const byId = (a: ProductCard, b: ProductCard): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Sorts results (a card with whatever rides along) in place. */
export function sortCards(results: { card: ProductCard }[], order: CardOrder, queries: ReadonlyMap<string, number> = new Map()): void {
  if (order === 'best') return;
  // Most read first: consumer queries of the product's ports in the last 30 days (the audit log).
  if (order === 'popular') results.sort((a, b) => (queries.get(b.card.id) ?? 0) - (queries.get(a.card.id) ?? 0) || byId(a.card, b.card));
  else if (order === 'name') results.sort((a, b) => byId(a.card, b.card));
  else if (order === 'health') results.sort((a, b) => healthRank[a.card.health] - healthRank[b.card.health] || byId(a.card, b.card));
  // ISO timestamps compare as text; never published sorts last.
  else results.sort((a, b) => (b.card.freshness.lastPublished ?? '').localeCompare(a.card.freshness.lastPublished ?? '') || byId(a.card, b.card));
}
