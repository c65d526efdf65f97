/** Recent runs and tests, newest first, a button to start one, and the workers that build them. */
import type { ReactNode } from 'react';
import { useApi } from '../../api/client.js';
import { useMe } from '../../api/session.js';
import type { Run, WorkerRecord } from '../../api/types.js';
import { Link, paths } from '../../router.js';
import { formatAgo, formatCount, formatDateTime, formatDuration } from '../../ui/format.js';
import { WhenLoaded } from '../../ui/loading.js';
import { useTitle } from '../../ui/use-title.js';
import { elapsedMs } from './node-text.js';
import { JobProgress, RunNowButton, RunNowHelp } from './run-now.js';
import { RunStatus } from './run-status.js';
import { useJob } from './use-job.js';
import { usePollWhile, useRefreshKey } from './use-refresh.js';
import { WorkersPanel } from './workers-panel.js';
import './runs.css';
import { ScrollRegion } from '../../ui/scroll-region.js';

const LIMIT = 50;

export function RunsPage(): ReactNode {
  useTitle('Runs');
  const { key, refresh } = useRefreshKey();
  const loaded = useApi<{ runs: Run[] }>(`/api/runs?limit=${LIMIT}`, key);
  const job = useJob('run', refresh);
  const me = useMe();
  const workers = useApi<{ workers: WorkerRecord[] }>('/api/workers', key);
  // A run started elsewhere (the scheduler, a terminal) shows as running: follow it to its end.
  const running = loaded.state === 'ready' && loaded.data.runs.some((run) => run.status === 'running');
  usePollWhile(running, 3000, refresh);
  // Workers' heartbeats and leases change while any is listed: follow them, more slowly.
  usePollWhile(!running && workers.state === 'ready' && workers.data.workers.length > 0, 5000, refresh);
  return (
    <div className="stack">
      <header className="page-header">
        <div>
          <h1>Runs</h1>
          <p className="subtitle">The {LIMIT} most recent runs and tests, newest first.</p>
        </div>
        {me?.admin !== false ? (
          <div className="run-now">
            <RunNowButton state={job.state} start={job.start} />
            <RunNowHelp />
          </div>
        ) : (
          // The server lets only the admin run the whole mesh; members run their own products.
          <p className="muted run-now-help">
            {me.runs.length > 0 ? (
              <>
                Only the admin runs the whole mesh. Run your team's products from a terminal: <code>tessera run --select team:{me.identity.teams[0] ?? '<team>'}</code>.
              </>
            ) : (
              'Runs are started by the admin and by the teams that own the products.'
            )}
          </p>
        )}
      </header>
      <JobProgress state={job.state} />
      <WorkersPanel loaded={workers} />
      <WhenLoaded loaded={loaded} what="runs">
        {(data) => <RunsTable runs={data.runs} />}
      </WhenLoaded>
    </div>
  );
}

function RunsTable({ runs }: { runs: readonly Run[] }): ReactNode {
  if (runs.length === 0) {
    return (
      <p className="panel muted">
        No runs yet. Press <strong>Run now</strong>, or run <code>tessera run</code> in the mesh's folder.
      </p>
    );
  }
  return (
    <ScrollRegion label="Recent runs" className="panel run-table-scroll">
      <table className="runs-table stack">
        <caption className="visually-hidden">Recent runs, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Kind</th>
            <th scope="col">Status</th>
            <th scope="col">Selector</th>
            <th scope="col">Started</th>
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col" className="num">
              Built
            </th>
            <th scope="col" className="num">
              Published
            </th>
            <th scope="col" className="num">
              Failed
            </th>
            <th scope="col" className="num">
              Skipped
            </th>
            <th scope="col" className="num">
              Rows
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => {
            const took = elapsedMs(run.startedAt, run.finishedAt);
            return (
              <tr key={run.id} data-run={run.id}>
                <th scope="row">
                  <Link to={paths.run(run.id)}>#{run.id}</Link>
                </th>
                <td data-label="Kind">
                  <span className="pill">{run.kind}</span>
                </td>
                <td data-label="Status">
                  <RunStatus status={run.status} />
                </td>
                <td data-label="Selector">{run.selector ? <code>{run.selector}</code> : <span className="muted">whole mesh</span>}</td>
                <td data-label="Started">
                  <time dateTime={run.startedAt} title={formatDateTime(run.startedAt)}>
                    {formatAgo(run.startedAt)}
                  </time>
                </td>
                <td className="num" data-label="Duration">{took === undefined ? '–' : formatDuration(took)}</td>
                <td className="num" data-label="Built">{formatCount(run.built)}</td>
                <td className="num" data-label="Published">{formatCount(run.published)}</td>
                <td className={run.failed > 0 ? 'num run-count-failing' : 'num'} data-label="Failed">{formatCount(run.failed)}</td>
                <td className="num" data-label="Skipped">{formatCount(run.skipped)}</td>
                <td className="num" data-label="Rows">{formatCount(run.rows)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
