/**
 * The `tessera worker` processes of the warehouse (PostgreSQL): whether each is alive
 * (a heartbeat within its lease) and the nodes it holds now. On DuckDB, and on
 * PostgreSQL with no worker, runs build in the process that starts them: one sentence.
 */
import type { ReactNode } from 'react';
import type { Loaded } from '../../api/client.js';
import type { WorkerRecord } from '../../api/types.js';
import { Link, paths } from '../../router.js';
import { formatDateTime } from '../../ui/format.js';
import { LoadingState } from '../../ui/loading.js';

/** How long ago, to the second while it is under a minute: "4 s ago", "3 min ago", "2 h ago". */
export function formatSince(iso: string, now = Date.now()): string {
  // A browser clock a little behind the database's would say "in 1 s": never less than 0.
  const seconds = Math.max(0, Math.floor((now - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function WorkersPanel({ loaded }: { loaded: Loaded<{ workers: WorkerRecord[] }> }): ReactNode {
  const workers = loaded.state === 'ready' ? loaded.data.workers : [];
  const alive = workers.filter((w) => w.alive).length;
  return (
    <section className="panel workers" aria-labelledby="workers-heading">
      <div className="workers-heading">
        <h2 id="workers-heading">Workers</h2>
        {workers.length > 0 && (
          <p className="muted">
            {alive} alive{workers.length > alive ? `, ${workers.length - alive} silent` : ''}
          </p>
        )}
      </div>
      {loaded.state === 'loading' && <LoadingState what="workers" />}
      {loaded.state === 'error' && (
        <p className="error-box" role="alert">
          Could not load the workers: {loaded.error.message}
        </p>
      )}
      {loaded.state === 'ready' && workers.length === 0 && <p className="muted workers-none">No workers: runs build in the process that starts them.</p>}
      {workers.length > 0 && (
        <ul className="worker-list">
          {workers.map((worker) => (
            <WorkerItem key={worker.id} worker={worker} />
          ))}
        </ul>
      )}
    </section>
  );
}

function WorkerItem({ worker }: { worker: WorkerRecord }): ReactNode {
  const state = worker.alive ? 'alive' : 'silent';
  return (
    <li className="worker" data-worker={worker.id} data-state={state}>
      <p className="worker-head">
        <span className={`outcome outcome-${worker.alive ? 'ok' : 'warning'} worker-state`}>
          <span aria-hidden="true">{worker.alive ? '●' : '○'}</span> {state}
        </span>
        <strong className="worker-host">{worker.host}</strong>
        <span className="worker-pid">pid {worker.pid}</span>
        <span className="muted worker-heard">
          heard from{' '}
          <time dateTime={worker.heartbeatAt} title={formatDateTime(worker.heartbeatAt)}>
            {formatSince(worker.heartbeatAt)}
          </time>
        </span>
      </p>
      <p className="muted worker-meta">
        {plural(worker.concurrency, 'node', 'nodes')} at once · lease {worker.leaseMs / 1000} s · started{' '}
        <time dateTime={worker.startedAt} title={formatDateTime(worker.startedAt)}>
          {formatSince(worker.startedAt)}
        </time>{' '}
        · <code className="worker-id">{worker.id}</code>
      </p>
      {worker.leases.length === 0 ? (
        <p className="worker-idle">Holds no node now.</p>
      ) : (
        <>
          <p className="worker-holds">
            Holds {plural(worker.leases.length, 'node', 'nodes')}
            {worker.alive ? ':' : ', leased again by another worker once the lease expires:'}
          </p>
          <ul className="worker-leases">
            {worker.leases.map((lease) => (
              <li key={`${lease.runId}/${lease.nodeId}`} data-run={lease.runId} data-node={lease.nodeId}>
                <Link to={paths.run(lease.runId)}>run #{lease.runId}</Link> <code>{lease.nodeId}</code> · attempt {lease.attempt} · lease until{' '}
                <time dateTime={lease.leaseUntil} title={formatDateTime(lease.leaseUntil)}>
                  {clockTime(lease.leaseUntil)}
                </time>
              </li>
            ))}
          </ul>
        </>
      )}
    </li>
  );
}
