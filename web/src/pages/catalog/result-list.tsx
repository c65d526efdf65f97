/**
 * The results, a page at a time: a thousand full cards would make every keystroke slow,
 * and nobody reads past the first few dozen before refining the search.
 */
import { useState, type ReactNode } from 'react';
import type { ProductCard } from '../../api/types.js';
import { formatCount } from '../../ui/format.js';
import { ResultCard } from './result-card.js';

export const PAGE_SIZE = 60;

export function ResultList({ products, pattern, busy }: { products: readonly ProductCard[]; pattern: RegExp | undefined; busy: boolean }): ReactNode {
  const [limit, setLimit] = useState(PAGE_SIZE);
  // New results start again at the first page. Adjusted while rendering rather than by
  // remounting (a `key`): cards of products still in the list are kept, not rebuilt.
  const [shownFor, setShownFor] = useState(products);
  if (shownFor !== products) {
    setShownFor(products);
    setLimit(PAGE_SIZE);
  }
  const shown = products.slice(0, limit);
  const rest = products.length - shown.length;
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
          <button
            type="button"
            className="button"
            onClick={() => {
              setLimit((n) => n + PAGE_SIZE);
            }}
          >
            Show {formatCount(Math.min(rest, PAGE_SIZE))} more
          </button>
          <span className="muted">
            {formatCount(shown.length)} of {formatCount(products.length)} shown
          </span>
        </div>
      )}
    </>
  );
}
