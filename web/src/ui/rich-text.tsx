/**
 * Messages as the catalog shows them: `backticks` as code, and node ids
 * (`port:finance.daily_revenue`, `model:commerce.orders.stg_orders`) as links to their
 * product's page, so that a message points somewhere instead of naming it.
 */
import type { ReactNode } from 'react';
import { Link, paths } from '../router.js';
import { isNodeId, NODE_ID, productOfNode } from './node-id.js';

/** A node id as a link to its product's page (the id stays the text). */
export function NodeLink({ id, className }: { id: string; className?: string }): ReactNode {
  const product = productOfNode(id);
  const code = <code className={className}>{id}</code>;
  return product ? (
    <Link to={paths.product(product)} title={`Open ${product}`}>
      {code}
    </Link>
  ) : (
    code
  );
}

/** Node ids in plain text as links. */
function linkIds(text: string, key: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(NODE_ID)) {
    if (match.index > last) out.push(text.slice(last, match.index));
    out.push(<NodeLink key={`${key}-${match.index}`} id={match[0]} />);
    last = match.index + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** `text` with its `backticked` parts as code (a node id in them as a link) and node ids as links. */
export function RichText({ text }: { text: string }): ReactNode {
  const parts = text.split('`');
  // An odd count of backticks: the last one is literal.
  const closed = parts.length % 2 === 1 ? parts : [...parts.slice(0, -2), `${parts.at(-2) ?? ''}\`${parts.at(-1) ?? ''}`];
  return (
    <>
      {closed.map((part, i) => {
        if (i % 2 === 0) return <span key={i}>{linkIds(part, String(i))}</span>;
        return isNodeId(part) && productOfNode(part) ? <NodeLink key={i} id={part} /> : <code key={i}>{part}</code>;
      })}
    </>
  );
}
