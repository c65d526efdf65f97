/** A product that is not there: say so, with the server's did-you-mean turned into links. */
import type { ReactNode } from 'react';
import { Link, paths } from '../../router.js';

/**
 * The API's message quotes ids in backticks (`No product \`x.y\`. Did you mean \`x.z\`?`):
 * quoted ids become code, and those after "Did you mean" links to their pages.
 */
function Message({ text }: { text: string }): ReactNode {
  const suggestAt = text.indexOf('Did you mean');
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(/`([^`]+)`/g)) {
    const start = match.index;
    const id = match[1] ?? '';
    if (start > last) parts.push(text.slice(last, start));
    parts.push(
      suggestAt >= 0 && start > suggestAt ? (
        <Link key={start} to={paths.product(id)}>
          <code>{id}</code>
        </Link>
      ) : (
        <code key={start}>{id}</code>
      ),
    );
    last = start + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <p className="not-found-message">{parts}</p>;
}

export function NoSuchProduct({ id, message }: { id: string; message: string }): ReactNode {
  const term = id.split('.').pop() || id;
  return (
    <section className="not-found" aria-labelledby="not-found-heading">
      <h1 id="not-found-heading">No such product</h1>
      <Message text={message || `No product \`${id}\`.`} />
      <p>
        Product ids are <code>domain.name</code>, as in the catalog. <Link to={paths.catalog(term)}>Search the catalog for “{term}”</Link>.
      </p>
    </section>
  );
}
