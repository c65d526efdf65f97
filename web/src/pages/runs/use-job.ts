/**
 * Submitting a run to the server's queue and following it to the end. It polls
 * GET /api/jobs/:id rather than reading the SSE stream: each answer is the whole job
 * (status, run id, every log line so far), so a dropped request loses nothing and
 * there is no reconnect logic to get wrong.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { getJson, postJson } from '../../api/client.js';
import type { Job } from '../../api/types.js';

const POLL_MS = 700;
/** Consecutive failed polls before giving up (the server restarted, the network went). */
const MAX_FAILURES = 5;

export type JobState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'submitting' }
  | { readonly phase: 'following' | 'done'; readonly job: Job }
  | { readonly phase: 'error'; readonly error: Error; readonly job?: Job };

export function jobFinished(status: string): boolean {
  return status === 'success' || status === 'failed' || status === 'cancelled';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = window.setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      window.clearTimeout(timer);
      reject(new Error('aborted'));
    });
  });
}

/**
 * `start` submits a job of `kind` and follows it; `onChange` is called when the job
 * gets a run id and when it ends (the moments a list of runs changes).
 */
export function useJob(kind: 'run' | 'test', onChange: () => void): { state: JobState; start: () => void } {
  const [state, setState] = useState<JobState>({ phase: 'idle' });
  // Aborted when the page goes away, so that no poll outlives it.
  const alive = useRef<AbortController | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    alive.current = controller;
    return () => {
      controller.abort();
    };
  }, []);

  const follow = useCallback(async () => {
    const signal = alive.current?.signal;
    if (!signal) return;
    let job: Job | undefined;
    try {
      setState({ phase: 'submitting' });
      job = await postJson<Job>('/api/jobs', { kind }, signal);
      setState({ phase: 'following', job });
      onChange();
      let failures = 0;
      while (!jobFinished(job.status)) {
        await sleep(POLL_MS, signal);
        try {
          const next: Job = await getJson<Job>(`/api/jobs/${encodeURIComponent(job.id)}`, signal);
          failures = 0;
          if (next.runId !== job.runId) onChange();
          job = next;
          setState({ phase: jobFinished(job.status) ? 'done' : 'following', job });
        } catch (error) {
          failures += 1;
          if (signal.aborted || failures >= MAX_FAILURES) throw error;
        }
      }
      onChange();
    } catch (error) {
      if (signal.aborted) return;
      setState({ phase: 'error', error: error instanceof Error ? error : new Error(String(error)), ...(job ? { job } : {}) });
    }
  }, [kind, onChange]);

  const start = useCallback(() => {
    void follow();
  }, [follow]);
  return { state, start };
}
