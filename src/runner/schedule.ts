import type { MeshGraph } from '../compiler/index.js';

export type Outcome = 'success' | 'failed' | 'skipped';

/**
 * Runs `work` for every selected node after the selected nodes it reads, at most
 * `concurrency` at a time. A failed node skips what depends on it (transitively,
 * within the selection); everything else still runs.
 */
export async function schedule(
  graph: MeshGraph,
  selected: readonly string[],
  concurrency: number,
  /** `stopped`: the node never started after all (the run stopped while it waited for a worker); it gets no outcome. */
  work: (id: string, worker: number) => Promise<'success' | 'failed' | 'stopped'>,
  onSkip: (id: string, because: string) => void,
  /** Order only: node → nodes to finish first, whatever their outcome (a check reading another port). */
  after: ReadonlyMap<string, readonly string[]> = new Map(),
  /** Once aborted, no node starts; those running finish. The nodes never started have no outcome. */
  signal?: AbortSignal,
): Promise<Map<string, Outcome>> {
  const chosen = new Set(selected);
  const waitingOn = new Map<string, number>();
  const followers = new Map<string, string[]>();
  const ready: string[] = [];
  for (const id of selected) {
    const soft = (after.get(id) ?? []).filter((u) => chosen.has(u));
    for (const u of soft) followers.set(u, [...(followers.get(u) ?? []), id]);
    const count = (graph.nodes.get(id)?.upstream ?? []).filter((u) => chosen.has(u)).length + soft.length;
    waitingOn.set(id, count);
    if (count === 0) ready.push(id);
  }
  const release = (next: string): void => {
    const left = (waitingOn.get(next) ?? 0) - 1;
    waitingOn.set(next, left);
    if (left === 0 && !outcomes.has(next)) ready.push(next);
  };
  const outcomes = new Map<string, Outcome>();
  const order = new Map(selected.map((id, i) => [id, i]));

  const settle = (id: string, outcome: Outcome, because: string): void => {
    outcomes.set(id, outcome);
    for (const next of graph.nodes.get(id)?.downstream ?? []) {
      if (!chosen.has(next) || outcomes.has(next)) continue;
      if (outcome !== 'success') {
        onSkip(next, because);
        settle(next, 'skipped', because);
        continue;
      }
      release(next);
    }
    for (const next of followers.get(id) ?? []) if (!outcomes.has(next)) release(next);
    // Keep the dependency order among what is ready: deterministic logs, upstream-heavy work first.
    ready.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  };

  const worker = async (index: number): Promise<void> => {
    for (;;) {
      if (signal?.aborted) return;
      const id = ready.shift();
      if (id === undefined) {
        if (running === 0 || outcomes.size === selected.length) return;
        await new Promise<void>((wake) => waiters.push(wake));
        continue;
      }
      running++;
      const outcome = await work(id, index);
      running--;
      if (outcome !== 'stopped') settle(id, outcome, id);
      for (const wake of waiters.splice(0)) wake();
    }
  };
  let running = 0;
  const waiters: (() => void)[] = [];
  const wakeAll = (): void => {
    for (const wake of waiters.splice(0)) wake();
  };
  signal?.addEventListener('abort', wakeAll, { once: true });
  try {
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, (_, i) => worker(i)));
  } finally {
    signal?.removeEventListener('abort', wakeAll);
  }
  return outcomes;
}
