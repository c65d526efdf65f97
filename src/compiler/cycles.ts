/**
 * Strongly connected components (Tarjan), iterative so that a 10,000-node chain
 * cannot overflow the stack. Returns only components that are cycles: more than
 * one node, or one node that reads itself.
 */
export function findCycles(nodes: Iterable<string>, upstreamOf: (id: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;

  for (const start of nodes) {
    if (index.has(start)) continue;
    const work: { id: string; next: number }[] = [{ id: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (!frame) break;
      const edges = upstreamOf(frame.id);
      if (frame.next < edges.length) {
        const child = edges[frame.next++] ?? '';
        if (!index.has(child)) {
          index.set(child, counter);
          low.set(child, counter++);
          stack.push(child);
          onStack.add(child);
          work.push({ id: child, next: 0 });
        } else if (onStack.has(child)) {
          low.set(frame.id, Math.min(low.get(frame.id) ?? 0, index.get(child) ?? 0));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id) ?? 0, low.get(frame.id) ?? 0));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop();
          if (member === undefined) break;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        if (component.length > 1 || upstreamOf(frame.id).includes(frame.id)) cycles.push(component);
      }
    }
  }
  return cycles;
}

/** A concrete loop through a cycle component, as a readable chain: a → b → c → a. */
export function cycleChain(component: readonly string[], upstreamOf: (id: string) => readonly string[]): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0] ?? '';
  const path = [start];
  const seen = new Set([start]);
  let current = start;
  for (;;) {
    const next = upstreamOf(current).find((id) => members.has(id) && (id === start || !seen.has(id)));
    if (next === undefined || next === start) break;
    path.push(next);
    seen.add(next);
    current = next;
  }
  // Edges point upstream (reader → read); show the flow of data instead.
  return [...path, start].reverse();
}

/** Kahn's algorithm: upstream first, ties broken by id so the order is stable. */
export function topologicalOrder(ids: readonly string[], upstreamOf: (id: string) => readonly string[], skip: ReadonlySet<string>): string[] {
  const remaining = new Map<string, number>();
  const readers = new Map<string, string[]>();
  for (const id of ids) {
    if (skip.has(id)) continue;
    const upstream = upstreamOf(id).filter((u) => !skip.has(u));
    remaining.set(id, upstream.length);
    for (const u of upstream) {
      const list = readers.get(u);
      if (list) list.push(id);
      else readers.set(u, [id]);
    }
  }
  const ready = [...remaining].filter(([, n]) => n === 0).map(([id]) => id).sort();
  const order: string[] = [];
  for (let head = 0; head < ready.length; head++) {
    const id = ready[head] ?? '';
    order.push(id);
    for (const reader of readers.get(id) ?? []) {
      const left = (remaining.get(reader) ?? 1) - 1;
      remaining.set(reader, left);
      if (left === 0) ready.push(reader);
    }
  }
  return order;
}
