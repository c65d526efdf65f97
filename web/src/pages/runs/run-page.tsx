/** One run: what it did (header and counts), when each node ran (timeline), what broke and what its checks found. */
import type { ReactNode } from 'react';
import { useApi } from '../../api/client.js';
import type { RunDetail } from '../../api/types.js';
import { Link, paths } from '../../router.js';
import { formatAgo, formatCount, formatDateTime, formatDuration } from '../../ui/format.js';
import { WhenLoaded } from '../../ui/loading.js';
import { isNotFound, NotFoundState } from '../../ui/not-found-state.js';
import { useTitle } from '../../ui/use-title.js';
import { CheckResults } from './check-results.js';
import { NodeErrors } from './node-errors.js';
import { elapsedMs } from './node-text.js';
import { RunStatus } from './run-status.js';
import { RunTimeline } from './run-timeline.js';
import { usePollWhile, useRefreshKey } from './use-refresh.js';
import './runs.css';

export function RunPage({ id }: { id: number }): ReactNode {
  useTitle(`Run ${id}`);
  const { key, refresh } = useRefreshKey();
  const loaded = useApi<RunDetail>(`/api/runs/${id}`, key);
  // A run in progress gains nodes as it goes: look again every few seconds until it ends.
  usePollWhile(loaded.state === 'ready' && loaded.data.run.status === 'running', 3000, refresh);
  if (isNotFound(loaded)) {
    return <NotFoundState title={`No run ${id}`} message={`The state store has no run ${id}; it may not have happened yet.`} back={{ to: paths.runs(), label: 'See all runs' }} />;
  }
  return (
    <WhenLoaded loaded={loaded} what={`run ${id}`}>
      {(detail) => <RunView detail={detail} />}
    </WhenLoaded>
  );
}

function RunView({ detail }: { detail: RunDetail }): ReactNode {
  const { run, nodes, checks } = detail;
  const took = elapsedMs(run.startedAt, run.finishedAt);
  const stats: [string, number][] = [
    ['Nodes', run.nodes],
    ['Built', run.built],
    ['Published', run.published],
    ['Failed', run.failed],
    ['Skipped', run.skipped],
    ['Rows published', run.rows],
  ];
  return (
    <div className="stack">
      <header className="page-header">
        <div>
          <nav aria-label="Breadcrumb" className="run-crumb">
            <Link to={paths.runs()}>Runs</Link> <span aria-hidden="true">/</span>
          </nav>
          <h1 className="run-title">
            {run.kind === 'test' ? 'Test' : 'Run'} {run.id} <RunStatus status={run.status} />
          </h1>
          <p className="subtitle">
            {run.selector ? (
              <>
                Selected <code>{run.selector}</code>
              </>
            ) : (
              'The whole mesh'
            )}{' '}
            · started{' '}
            <time dateTime={run.startedAt} title={new Date(run.startedAt).toISOString()}>
              {formatAgo(run.startedAt)}
            </time>{' '}
            ({formatDateTime(run.startedAt)}) · {took === undefined ? (run.status === 'running' ? 'still running' : 'did not finish') : `took ${formatDuration(took)}`}
          </p>
        </div>
      </header>
      <dl className="run-stats">
        {stats.map(([label, value]) => (
          <div key={label} className={label === 'Failed' && value > 0 ? 'run-stat run-stat-failing' : 'run-stat'}>
            <dt>{label}</dt>
            <dd>{formatCount(value)}</dd>
          </div>
        ))}
      </dl>
      <NodeErrors nodes={nodes} />
      <RunTimeline run={run} nodes={nodes} />
      <CheckResults checks={checks} />
    </div>
  );
}
