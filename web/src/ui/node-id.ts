/** Node ids (`port:finance.daily_revenue`, `model:commerce.orders.stg_orders`) in text. */

/** A node id: kind, then `domain.product`, then anything more (a model's or check's name). */
export const NODE_ID = /\b(port|model|source|snapshot|check|feature):([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)((?:\.[A-Za-z0-9_-]+)*)/g;

/** The product a node id belongs to (`port:finance.daily_revenue` → `finance.daily_revenue`), if it is one. */
export function productOfNode(id: string): string | undefined {
  const match = /^[a-z]+:([^.\s]+\.[^.\s]+)/.exec(id);
  return match?.[1];
}

/** Whether all of `text` is one node id. */
export function isNodeId(text: string): boolean {
  const match = text.match(NODE_ID);
  return match?.length === 1 && match[0] === text;
}

/**
 * A node's name as people read it: a port by the relation consumers query
 * (`commerce.customers_v2`, so that v1 and v2 of `customers` differ), anything else by
 * its name.
 */
export function nodeLabel(node: { kind: string; id: string; name: string }): string {
  if (node.kind === 'port') return node.id.replace(/^port:/, '');
  return node.name;
}
