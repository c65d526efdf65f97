import type { ProductBusyError, RunCoordinator, RunSummary } from '../runner/index.js';
import type { StateStore } from '../state/index.js';

/**
 * Servers sharing a PostgreSQL warehouse may both be asked to run a product: the one
 * that finds it locked does not start a second run of it but joins the run in flight,
 * waits for it to end, and reports that run as its own (one run per burst of triggers).
 * Undefined when the holder is not one recorded run (then the busy error stands).
 */
export async function joinRunInFlight(state: StateStore, coordinator: RunCoordinator, busy: ProductBusyError, options: { pollMs?: number; waitForIdMs?: number } = {}): Promise<RunSummary | undefined> {
  const pollMs = options.pollMs ?? 250;
  const products = busy.busy.map((b) => b.product);
  let holders = busy.busy.map((b) => b.holder);
  // The holder locks its products a moment before it records its run: wait for the id.
  for (const until = Date.now() + (options.waitForIdMs ?? 30_000); holders.some((h) => h?.runId === undefined) && Date.now() < until; ) {
    await sleep(pollMs);
    const now = await coordinator.holders(products);
    holders = products.map((p) => now.get(p));
    if (holders.some((h) => h === undefined)) return undefined;
  }
  const ids = [...new Set(holders.map((h) => h?.runId))];
  const [runId] = ids;
  if (ids.length !== 1 || runId === undefined) return undefined;
  for (;;) {
    const found = await state.run(runId);
    if (!found) return undefined;
    const { run, nodes } = found;
    if (run.status !== 'running') {
      return {
        runId,
        status: run.status === 'success' ? 'success' : 'failed',
        nodes: run.nodes,
        built: run.built,
        published: run.published,
        failed: run.failed,
        skipped: run.skipped,
        rows: run.rows,
        milliseconds: run.finishedAt === undefined ? 0 : Date.parse(run.finishedAt) - Date.parse(run.startedAt),
        results: nodes,
        publishedPorts: [],
      };
    }
    // A holder that died never finishes its run: stop waiting (the next run records it abandoned).
    if (!(await coordinator.alive([runId])).has(runId)) return undefined;
    await sleep(pollMs);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
