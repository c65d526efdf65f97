/**
 * The results, a page at a time from the server: a thousand full cards would make every
 * keystroke slow (to send and to draw), and nobody reads past the first few dozen before
 * refining the search.
 */
import { useState, type ReactNode } from 'react';
import type { ProductCard, ProductList } from '../../api/types.js';
import { formatCount } from '../../ui/format.js';
import { ResultCard } from './result-card.js';

export const PAGE_SIZE = 30;

export function ResultList({ first, more, pattern, busy }: { first: ProductList; more: (offset: number) => Promise<ProductList>; pattern: RegExp | undefined; busy: boolean }): ReactNode {
  const [extra, setExtra] = useState<{ for: ProductList; products: readonly ProductCard[] }>({ for: first, products: [] });
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState<string | undefined>(undefined);
  // New results start again at the first page. Adjusted while rendering rather than by
  // remounting (a `key`): cards of products still in the list are kept, not rebuilt.
  if (extra.for !== first) {
    setExtra({ for: first, products: [] });
    setFailed(undefined);
  }
  const shown = extra.for === first ? [...first.products, ...extra.products] : first.products;
  const rest = first.total - shown.length;
  const loadMore = (): void => {
    setLoading(true);
    setFailed(undefined);
    more(shown.length).then(
      (page) => {
        setExtra((current) => (current.for === first ? { for: first, products: [...current.products, ...page.products] } : current));
        setLoading(false);
      },
      (error: unknown) => {
        setFailed(error instanceof Error ? error.message : String(error));
        setLoading(false);
      },
    );
  };
  return (
    <>
      <ol className={`results${busy ? ' is-busy' : ''}`} aria-busy={busy}>
        {shown.map((product) => (
          <li key={product.id}>
            <ResultCard product={product} pattern={pattern} />
          </li>
        ))}
      </ol>
      {rest > 0 && (
        <div className="results-more">
          <button type="button" className="button" onClick={loadMore} disabled={loading}>
            {loading ? 'Loading…' : `Show ${formatCount(Math.min(rest, PAGE_SIZE))} more`}
          </button>
          <span className="muted">
            {formatCount(shown.length)} of {formatCount(first.total)} shown
          </span>
          {failed && (
            <span className="error-text" role="alert">
              Could not load more: {failed}
            </span>
          )}
        </div>
      )}
    </>
  );
}
