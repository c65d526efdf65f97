/** "Run now": queues a run of the whole mesh on the server and shows its progress as it goes. */
import { useEffect, useRef, type ReactNode } from 'react';
import { Link, paths } from '../../router.js';
import { RunStatus } from './run-status.js';
import type { JobState } from './use-job.js';

export function RunNowButton({ state, start }: { state: JobState; start: () => void }): ReactNode {
  const busy = state.phase === 'submitting' || state.phase === 'following';
  return (
    <button type="button" className="button run-now-button" onClick={start} disabled={busy} aria-describedby="run-now-help">
      <span aria-hidden="true">▶</span> {busy ? 'Running…' : 'Run now'}
    </button>
  );
}

export function RunNowHelp(): ReactNode {
  return (
    <p id="run-now-help" className="muted run-now-help">
      Run now builds the whole mesh on the server, queued behind any run in progress.
    </p>
  );
}

/** The followed job: status, a link to its run once it has one, and its log lines. */
export function JobProgress({ state }: { state: JobState }): ReactNode {
  const log = useRef<HTMLOListElement>(null);
  const job = state.phase === 'following' || state.phase === 'done' || state.phase === 'error' ? state.job : undefined;
  const lines = job?.log.length ?? 0;
  // Keep the newest line in view, as a terminal does.
  useEffect(() => {
    const element = log.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [lines]);
  if (state.phase === 'idle') return null;
  return (
    <section className="panel run-job" aria-labelledby="run-job-heading" data-phase={state.phase}>
      <div className="row">
        <h2 id="run-job-heading">{job ? `Job ${job.id}` : 'Submitting a run…'}</h2>
        {job && <RunStatus status={job.status} />}
        {job?.runId !== undefined && (
          <Link to={paths.run(job.runId)} className="run-job-link">
            Open run {job.runId}
          </Link>
        )}
      </div>
      {state.phase === 'error' && (
        <div className="error-box" role="alert">
          <strong>Could not follow the run.</strong> {state.error.message}
        </div>
      )}
      {job?.error && <p className="run-job-error">{job.error}</p>}
      {job && (
        <ol className="run-job-log" ref={log} role="log" aria-live="polite" aria-label="Progress of the job" tabIndex={0}>
          {job.log.length === 0 ? <li className="muted">{job.status === 'queued' ? 'Waiting for the run in progress to finish…' : 'Starting…'}</li> : null}
          {job.log.map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ol>
      )}
    </section>
  );
}
