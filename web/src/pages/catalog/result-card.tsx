/** One product in the results: enough to tell whether it is the one, and whether it can be trusted. */
import type { ReactNode } from 'react';
import type { ProductCard } from '../../api/types.js';
import { Link, paths } from '../../router.js';
import { formatAgo, formatDateTime } from '../../ui/format.js';
import { HealthBadge } from '../../ui/health.js';
import { Highlight } from './highlight.js';
import { MatchList } from './match-label.js';

/** Ports named on a card; the product page lists them all. */
const SHOWN_PORTS = 4;

export function ResultCard({ product, pattern }: { product: ProductCard; pattern: RegExp | undefined }): ReactNode {
  const { freshness } = product;
  const headingId = `result-${product.id}`;
  const ports = product.ports.slice(0, SHOWN_PORTS);
  const matches = product.matches ?? [];
  return (
    <article className={`result result-${product.health}`} aria-labelledby={headingId}>
      <header className="result-head">
        <h3 id={headingId} className="result-title">
          <Link to={paths.product(product.id)}>
            <span className="result-domain">{product.domain}.</span>
            <Highlight text={product.name} pattern={pattern} />
          </Link>
        </h3>
        <HealthBadge health={product.health} />
      </header>
      <p className="result-meta">
        <span className="pill">{product.kind}</span>
        {product.status !== 'active' && <span className="pill pill-status">{product.status}</span>}
        <span>
          by <Link to={paths.team(product.owner.id)}>{product.owner.name}</Link>
        </span>
      </p>
      {product.description ? (
        <p className="result-description" title={product.description}>
          <Highlight text={product.description} pattern={pattern} />
        </p>
      ) : (
        <p className="result-description muted">No description.</p>
      )}
      {matches.length > 0 && <MatchList matches={matches} pattern={pattern} />}
      <footer className="result-foot">
        <ul className="result-ports" aria-label="Ports">
          {ports.map((port) => (
            <li key={port.id}>
              <code className={port.deprecated ? 'is-deprecated' : undefined} title={port.deprecated ? 'Deprecated' : undefined}>
                {port.id}
              </code>
              {port.deprecated && <span className="visually-hidden"> (deprecated)</span>}
            </li>
          ))}
          {product.ports.length > SHOWN_PORTS && <li className="muted">+{product.ports.length - SHOWN_PORTS}</li>}
          {product.ports.length === 0 && <li className="muted">no ports</li>}
        </ul>
        <p className="result-fresh">
          {freshness.lastPublished ? (
            <time dateTime={freshness.lastPublished} title={formatDateTime(freshness.lastPublished)}>
              published {formatAgo(freshness.lastPublished)}
            </time>
          ) : (
            <span>never published</span>
          )}
          {freshness.breach ? (
            <span className="sla-breach" title={freshness.reason}>
              <span aria-hidden="true">▲ </span>SLA {freshness.sla ?? ''} missed
              {freshness.reason && <span className="visually-hidden">: {freshness.reason}</span>}
            </span>
          ) : (
            freshness.sla && <span className="muted"> · SLA {freshness.sla}</span>
          )}
        </p>
      </footer>
    </article>
  );
}
