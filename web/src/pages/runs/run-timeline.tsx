/**
 * A run's nodes as a Gantt chart. It is a real <table> (node, status, start and
 * duration, duration) so that screen readers get the numbers; the bars are CSS boxes
 * placed in percent of the run's length. Big runs stay readable: filters, and only the
 * first page of nodes (from the server) until asked for more.
 */
import { useId, useState, type CSSProperties, type ReactNode } from 'react';
import type { NodeResult, Run } from '../../api/types.js';
import { Link, paths } from '../../router.js';
import { formatBytes, formatCount, formatDuration } from '../../ui/format.js';
import { OutcomeBadge } from '../../ui/health.js';
import { formatClock, nodeError, nodeHealth, shortName } from './node-text.js';
import { buildTimeline, formatTick, groupByProduct, percent, type Timeline, type TimelineRow } from './timeline-model.js';

/** Loading the run's nodes beyond the first page (run-page.tsx). */
export interface MoreNodes {
  loading: boolean;
  error?: string;
  page: number;
  load: (count: number) => void;
}

type StatusFilter = 'all' | 'failing' | 'warning' | 'skipped';

const statusFilters: { value: StatusFilter; label: string }[] = [
  { value: 'all', label: 'All statuses' },
  { value: 'failing', label: 'Failed' },
  { value: 'warning', label: 'With warnings' },
  { value: 'skipped', label: 'Skipped' },
];

/** Bars carry a shape as well as a colour. */
const barMark = { ok: '', warning: '▲', failing: '✖', unknown: '○' } as const;

function matches(node: NodeResult, text: string, status: StatusFilter): boolean {
  if (text && !node.nodeId.toLowerCase().includes(text) && !node.product.toLowerCase().includes(text)) return false;
  if (status === 'all') return true;
  if (status === 'skipped') return node.status === 'skipped';
  return nodeHealth(node) === status;
}

export function RunTimeline({ run, nodes, total: runTotal = nodes.length, more }: { run: Run; nodes: readonly NodeResult[]; total?: number; more?: MoreNodes }): ReactNode {
  const [text, setText] = useState('');
  const [status, setStatus] = useState<StatusFilter>('all');
  const [grouped, setGrouped] = useState(false);
  const ids = useId();
  const notLoaded = Math.max(0, runTotal - nodes.length);
  const timeline = buildTimeline(run, nodes);
  const needle = text.trim().toLowerCase();
  const started = timeline.started.filter((row) => matches(row.node, needle, status));
  const notStarted = timeline.notStarted.filter((node) => matches(node, needle, status));
  const total = started.length + notStarted.length;
  const shownStarted = grouped ? groupByProduct(started) : [{ product: undefined, rows: started }];
  const shownNotStarted = notStarted;
  const style = { '--tick': `${percent(timeline.tickStepMs, timeline.spanMs)}%` } as CSSProperties;

  return (
    <section aria-labelledby={`${ids}-heading`} className="panel gantt-panel">
      <div className="gantt-heading">
        <h2 id={`${ids}-heading`}>Timeline</h2>
        <p className="muted">
          {formatCount(runTotal)} nodes over {formatDuration(timeline.spanMs)}, by start time
        </p>
      </div>
      {nodes.length === 0 ? (
        <p className="muted">This run has no node results.</p>
      ) : (
        <>
          <div className="gantt-controls">
            <label>
              <span>Filter nodes</span>
              <input className="input" type="search" value={text} placeholder="node or product" onChange={(e) => { setText(e.target.value); }} />
            </label>
            <label>
              <span>Status</span>
              <select className="input" value={status} onChange={(e) => { setStatus(e.target.value as StatusFilter); }}>
                {statusFilters.map((f) => (
                  <option key={f.value} value={f.value}>
                    {f.label}
                  </option>
                ))}
              </select>
            </label>
            <label className="gantt-check">
              <input type="checkbox" checked={grouped} onChange={(e) => { setGrouped(e.target.checked); }} />
              Group by product
            </label>
            <p className="muted gantt-count" role="status">
              {total === nodes.length ? `${formatCount(total)} nodes` : `${formatCount(total)} of ${formatCount(nodes.length)} nodes match`}
              {notLoaded > 0 && ` (the first ${formatCount(nodes.length)} of ${formatCount(runTotal)} are loaded)`}
            </p>
          </div>
          <table className="gantt" style={style}>
            <caption className="visually-hidden">
              Nodes of run {run.id} by start time: when each started after the run began, how long it took and how it ended.
            </caption>
            <colgroup>
              <col className="gantt-col-node" />
              <col className="gantt-col-status" />
              <col />
              <col className="gantt-col-duration" />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Status</th>
                <th scope="col" className="gantt-track">
                  <span className="visually-hidden">Start and duration</span>
                  <Axis timeline={timeline} />
                </th>
                <th scope="col" className="num">
                  Duration
                </th>
              </tr>
            </thead>
            {shownStarted.map((group) => (
              <tbody key={group.product ?? 'all'}>
                {group.product !== undefined && <GroupRow product={group.product} rows={group.rows} timeline={timeline} />}
                {group.rows.map((row) => (
                  <NodeRow key={row.node.nodeId} node={row.node} offsetMs={row.offsetMs} timeline={timeline} />
                ))}
              </tbody>
            ))}
            {shownNotStarted.length > 0 && (
              <tbody>
                <tr className="gantt-group">
                  <th scope="rowgroup" colSpan={4}>
                    Not started ({formatCount(notStarted.length)}): skipped because something upstream failed
                  </th>
                </tr>
                {shownNotStarted.map((node) => (
                  <NodeRow key={node.nodeId} node={node} timeline={timeline} />
                ))}
              </tbody>
            )}
          </table>
          {total === 0 && <p className="muted">No node matches these filters.</p>}
          {more && notLoaded > 0 && (
            <p className="gantt-more" aria-busy={more.loading}>
              <button type="button" className="button" disabled={more.loading} onClick={() => { more.load(more.page); }}>
                Show {formatCount(Math.min(more.page, notLoaded))} more nodes
              </button>{' '}
              <button type="button" className="button" disabled={more.loading} onClick={() => { more.load(notLoaded); }}>
                Show all {formatCount(runTotal)} nodes
              </button>{' '}
              <span className="muted" role="status">
                {more.loading ? 'Loading…' : more.error ? `Could not load more: ${more.error}` : `${formatCount(notLoaded)} more not loaded yet`}
              </span>
            </p>
          )}
        </>
      )}
    </section>
  );
}

function Axis({ timeline }: { timeline: Timeline }): ReactNode {
  return (
    <div className="gantt-lane gantt-axis" aria-hidden="true">
      {timeline.ticks.map((tick, i) => (
        <span
          key={tick}
          className={`gantt-tick${i === 0 ? ' gantt-tick-first' : ''}${i > 0 && percent(tick, timeline.spanMs) > 97 ? ' gantt-tick-last' : ''}`}
          style={{ left: `${percent(tick, timeline.spanMs)}%` }}
        >
          {formatTick(tick, timeline.tickStepMs)}
        </span>
      ))}
    </div>
  );
}

function GroupRow({ product, rows, timeline }: { product: string; rows: readonly TimelineRow[]; timeline: Timeline }): ReactNode {
  const start = Math.min(...rows.map((r) => r.offsetMs));
  const end = Math.max(...rows.map((r) => r.offsetMs + r.node.durationMs));
  const failed = rows.filter((r) => nodeHealth(r.node) === 'failing').length;
  return (
    <tr className="gantt-group">
      <th scope="rowgroup" colSpan={2}>
        <Link to={paths.product(product)}>{product}</Link>{' '}
        <span className="muted">
          {formatCount(rows.length)} nodes{failed > 0 ? `, ${formatCount(failed)} failed` : ''}
        </span>
      </th>
      <td className="gantt-track">
        <div className="gantt-lane">
          <div
            className="gantt-span"
            style={{ left: `${percent(start, timeline.spanMs)}%`, width: `${percent(end - start, timeline.spanMs)}%` }}
            aria-hidden="true"
          />
          <span className="visually-hidden">
            from +{formatDuration(start)} to +{formatDuration(end)}
          </span>
        </div>
      </td>
      <td className="num">{formatDuration(end - start)}</td>
    </tr>
  );
}

/** What hovering a bar shows, one line each; screen readers read the same lines from hidden text. */
function details(node: NodeResult, offsetMs: number | undefined, timeline: Timeline): string[] {
  const lines: string[] = [];
  const error = nodeError(node.error);
  if (offsetMs === undefined) lines.push(`Not started (${node.status})`);
  else lines.push(`Started +${formatDuration(offsetMs)} (${formatClock(timeline.originMs + offsetMs)}), took ${formatDuration(node.durationMs)}`);
  if (node.rows !== undefined || node.bytes !== undefined) lines.push(`${formatCount(node.rows)} rows · ${formatBytes(node.bytes)}`);
  for (const warning of node.warnings ?? []) lines.push(`Warning: ${warning}`);
  if (error) lines.push(`${node.status === 'skipped' ? 'Why' : 'Error'}: ${error.message}`);
  return lines;
}

function NodeRow({ node, offsetMs, timeline }: { node: NodeResult; offsetMs?: number; timeline: Timeline }): ReactNode {
  const health = nodeHealth(node);
  const warnings = node.warnings?.length ?? 0;
  const left = offsetMs === undefined ? 0 : percent(offsetMs, timeline.spanMs);
  const width = percent(node.durationMs, timeline.spanMs);
  const lines = details(node, offsetMs, timeline);
  // The tip opens towards the middle, so that it stays inside the table. It is a CSS
  // ::after of the lane, drawn only on hover or focus: a thousand rows cost no tooltip layout.
  const end = left > 55;
  const lane = { '--tip-at': `${end ? Math.max(0, 100 - left - width) : left}%` } as CSSProperties;
  const name = shortName(node);
  return (
    <tr className="gantt-row" data-node={node.nodeId}>
      <th scope="row" className="gantt-node">
        <span className="pill">{node.kind}</span>{' '}
        <Link to={paths.product(node.product)} className="mono" title={node.nodeId}>
          {name}
        </Link>
        {/* A port's name is often its product's: say the product only when it adds something. */}
        {name !== node.product && <span className="muted gantt-product"> {node.product}</span>}
      </th>
      <td>
        <OutcomeBadge outcome={node.status} />
        {warnings > 0 && <span className="gantt-warnings">▲ {warnings === 1 ? '1 warning' : `${formatCount(warnings)} warnings`}</span>}
      </td>
      <td className="gantt-track">
        <div className="gantt-lane" data-tip={lines.join('\n')} data-side={end ? 'end' : 'start'} style={lane}>
          {offsetMs === undefined ? (
            <span className="gantt-not-started" aria-hidden="true">
              not started
            </span>
          ) : (
            <div className={`gantt-bar gantt-bar-${health}`} style={{ left: `${left}%`, width: `${width}%` }} data-offset={offsetMs} aria-hidden="true" />
          )}
          {offsetMs !== undefined && barMark[health] && (
            // Beside the bar, not in it: a short bar has no room for a sign.
            <span className={`gantt-mark gantt-mark-${health}`} style={left + width > 96 ? { right: `calc(${100 - left}% + 3px)` } : { left: `calc(${left + width}% + 3px)` }} aria-hidden="true">
              {barMark[health]}
            </span>
          )}
          <span className="visually-hidden gantt-text">{lines.join('. ')}</span>
        </div>
      </td>
      <td className="num">{offsetMs === undefined ? '–' : formatDuration(node.durationMs)}</td>
    </tr>
  );
}
