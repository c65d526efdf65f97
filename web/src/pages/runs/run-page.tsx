/** One run: what it did (header and counts), when each node ran (timeline), what broke and what its checks found. */
import { useState, type ReactNode } from 'react';
import { errorMessage, getJson, useApi } from '../../api/client.js';
import type { NodeResult, RunDetail } from '../../api/types.js';
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

/** Nodes asked for at a time: a run of thousands of nodes is not sent (or drawn) at once. */
export const NODE_PAGE = 200;

export function RunPage({ id }: { id: number }): ReactNode {
  useTitle(`Run ${id}`);
  const { key, refresh } = useRefreshKey();
  const loaded = useApi<RunDetail>(`/api/runs/${id}?limit=${NODE_PAGE}`, key);
  // A run in progress gains nodes as it goes: look again every few seconds until it ends.
  usePollWhile(loaded.state === 'ready' && loaded.data.run.status === 'running', 3000, refresh);
  if (isNotFound(loaded)) {
    return <NotFoundState title={`No run ${id}`} message={`The state store has no run ${id}; it may not have happened yet.`} back={{ to: paths.runs(), label: 'See all runs' }} />;
  }
  return (
    <WhenLoaded loaded={loaded} what={`run ${id}`}>
      {(detail) => <RunView key={`${id}-${key}`} detail={detail} />}
    </WhenLoaded>
  );
}

/** The first page of nodes from the answer, and the pages loaded on request after it. */
function useMoreNodes(detail: RunDetail): { nodes: NodeResult[]; checks: RunDetail['checks']; total: number; loading: boolean; error?: string; more: (count: number) => void } {
  const [pages, setPages] = useState<RunDetail[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  const nodes = [...detail.nodes, ...pages.flatMap((page) => page.nodes)];
  const seen = new Set<string>();
  const checks = [...detail.checks, ...pages.flatMap((page) => page.checks)].filter((check) => {
    const key = `${check.nodeId}\u0000${check.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const total = detail.page?.total ?? detail.nodes.length;
  const more = (count: number): void => {
    setLoading(true);
    setError(undefined);
    getJson<RunDetail>(`/api/runs/${detail.run.id}?offset=${nodes.length}&limit=${Math.min(5000, count)}`)
      .then((page) => {
        setPages((before) => [...before, page]);
      })
      .catch((e: unknown) => {
        setError(errorMessage(e));
      })
      .finally(() => {
        setLoading(false);
      });
  };
  return { nodes, checks, total, loading, ...(error === undefined ? {} : { error }), more };
}

function RunView({ detail }: { detail: RunDetail }): ReactNode {
  const { run } = detail;
  const { nodes, checks, total, loading, error, more } = useMoreNodes(detail);
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
            <Link to={paths.runs()}>Runs</Link> <span aria-hidden="true">/</span> <span aria-current="page">{run.kind === 'test' ? 'Test' : 'Run'} {run.id}</span>
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
      <NodeErrors nodes={detail.failedNodes ?? nodes} />
      <RunTimeline run={run} nodes={nodes} total={total} more={{ loading, page: NODE_PAGE, load: more, ...(error === undefined ? {} : { error }) }} />
      <CheckResults checks={checks} />
    </div>
  );
}
