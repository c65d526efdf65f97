/**
 * The mesh as a list: each domain with its products, their owners, health and what they
 * read and feed. What a phone shows instead of the map (and what anyone may pick with the
 * toggle): the same products and the same filter, readable without panning.
 */
import type { ReactNode } from 'react';
import { Link, paths } from '../../router.js';
import { formatCount } from '../../ui/format.js';
import { HealthBadge } from '../../ui/health.js';
import type { MeshMap } from './types.js';

export function MapList({ map, matched }: { map: MeshMap; matched: ReadonlySet<string> | undefined }): ReactNode {
  const reads = new Map<string, string[]>();
  const feeds = new Map<string, string[]>();
  for (const edge of map.edges) {
    reads.set(edge.to, [...(reads.get(edge.to) ?? []), edge.from]);
    feeds.set(edge.from, [...(feeds.get(edge.from) ?? []), edge.to]);
  }
  const domains = map.domains
    .map((domain) => ({
      domain,
      products: map.products.filter((p) => p.domain === domain.id && (!matched || matched.has(p.id))).sort((a, b) => a.name.localeCompare(b.name)),
    }))
    .filter((d) => d.products.length > 0);
  if (domains.length === 0) return <p className="map-message muted">No product matches the filter.</p>;
  return (
    <div className="map-list" data-testid="mesh-list">
      {domains.map(({ domain, products }) => (
        <section key={domain.id} className="map-list-domain" aria-labelledby={`map-list-${domain.id}`}>
          <h2 id={`map-list-${domain.id}`}>
            {domain.id} <span className="muted map-list-count">{formatCount(products.length)} {products.length === 1 ? 'product' : 'products'}</span>
          </h2>
          <ul>
            {products.map((product) => {
              const from = reads.get(product.id) ?? [];
              const to = feeds.get(product.id) ?? [];
              return (
                <li key={product.id} className="map-list-product" data-product={product.id} data-health={product.health}>
                  <div className="map-list-head">
                    <Link to={paths.product(product.id)} className="map-list-name">
                      {product.id}
                    </Link>
                    <HealthBadge health={product.health} />
                  </div>
                  <p className="muted">
                    {product.owner.name}
                    {from.length > 0 && <> · reads {from.length === 1 ? from[0] : `${formatCount(from.length)} products`}</>}
                    {to.length > 0 && <> · feeds {to.length === 1 ? to[0] : `${formatCount(to.length)} products`}</>}
                  </p>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </div>
  );
}
