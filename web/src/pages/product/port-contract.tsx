/** One port: its terms (access, SLA, schedule, key), its columns and its published versions. */
import type { ReactNode } from 'react';
import type { NodeResult, Port, PortAccess, PortVersion } from '../../api/types.js';
import { Link, paths } from '../../router.js';
import { humanizeCron } from '../../ui/cron.js';
import { formatAgo, formatCount, formatDateTime } from '../../ui/format.js';
import { RichText } from '../../ui/rich-text.js';
import { ColumnsTable } from './columns-table.js';
import { PortAccessPanel } from './port-access.js';

function daysUntil(date: string): number | undefined {
  const time = new Date(date).getTime();
  return Number.isNaN(time) ? undefined : Math.ceil((time - Date.now()) / 86_400_000);
}

function Deprecation({ port }: { port: Port }): ReactNode {
  const deprecation = port.deprecation;
  if (!deprecation) return null;
  const days = daysUntil(deprecation.sunset);
  return (
    <div className="deprecation" role="note">
      <strong>Deprecated.</strong> Sunset on <time dateTime={deprecation.sunset}>{deprecation.sunset}</time>
      {days !== undefined && (days >= 0 ? ` (in ${days} day${days === 1 ? '' : 's'})` : ' (passed)')}.
      {deprecation.replaced_by && (
        <>
          {' '}
          Move to <RichText text={`\`${deprecation.replaced_by}\``} />.
        </>
      )}
      {deprecation.reason && <p>{deprecation.reason}</p>}
    </div>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }): ReactNode {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The latest run tried to publish the port and could not: consumers still read the version before. */
function NotPublished({ port, latest }: { port: Port; latest: NodeResult | undefined }): ReactNode {
  if (latest?.status !== 'failed') return null;
  const message = latest.error?.message;
  return (
    <div className="port-alert" role="note">
      <strong>
        {latest.runId === undefined ? 'The latest run' : <Link to={paths.run(latest.runId)}>Run #{latest.runId}</Link>} did not publish this port.
      </strong>{' '}
      {port.current ? `Consumers still read version ${port.current.version}.` : 'Nothing is published yet.'}
      {message && (
        <p>
          <RichText text={message} />
        </p>
      )}
    </div>
  );
}

/** A change's text with its column's name as code: `column customer_id removed` → column `customer_id` removed. */
function changeText(change: string): string {
  return change.replace(/^column (\S+?)(:?) /, 'column `$1`$2 ');
}

/** "v3 breaks v2's contract: column `x` removed — read by …": what a version's publish broke for readers. */
function BreakingNote({ version, breaking }: { version: number; breaking: NonNullable<PortVersion['breaking']> }): ReactNode {
  return (
    <p className="version-breaking" title={breaking.message}>
      <span aria-hidden="true">▲ </span>
      <strong>
        v{version} breaks v{breaking.previous}&apos;s contract:
      </strong>{' '}
      <RichText text={breaking.changes.map(changeText).join('; ')} />
      {breaking.readers.length > 0 ? (
        <>
          {' '}
          — read by{' '}
          {breaking.readers.map((reader, i) => {
            const product = /^([^\s.]+\.[^\s.]+)( .*)?$/.exec(reader);
            return (
              <span key={reader}>
                {i > 0 && ', '}
                {product?.[1] ? (
                  <>
                    <Link to={paths.product(product[1])}>{product[1]}</Link>
                    {product[2] ?? ''}
                  </>
                ) : (
                  reader
                )}
              </span>
            );
          })}
        </>
      ) : (
        ' — no product in the mesh reads it.'
      )}
    </p>
  );
}

export function PortContract({
  port,
  latest,
  access,
  onAccessChanged = () => undefined,
}: {
  port: Port;
  latest?: NodeResult | undefined;
  /** What the caller may do with the port: 'loading' while it is being asked. */
  access?: PortAccess | 'loading' | undefined;
  onAccessChanged?: () => void;
}): ReactNode {
  const ready = access !== undefined && access !== 'loading' ? access : undefined;
  const masks = ready?.canRead && ready.relation === 'masked' ? ready.masked : undefined;
  const headingId = `port-${port.id}`;
  const current = port.current;
  return (
    <section className={`panel port${port.deprecation ? ' is-deprecated' : ''}`} aria-labelledby={headingId}>
      <header className="port-head">
        <h3 id={headingId}>
          <code>{port.id}</code>
        </h3>
        <span className="pill" title="Contract version: a breaking change publishes a new port, name_v2">
          contract v{port.version}
        </span>
        <span className="pill">{port.access}</span>
        {port.deprecation && <span className="pill pill-deprecated">deprecated</span>}
      </header>
      <NotPublished port={port} latest={latest} />
      <Deprecation port={port} />
      {port.description && <p className="port-description">{port.description}</p>}
      <dl className="facts">
        <Fact term="Access">{port.access}</Fact>
        <Fact term="Freshness SLA">
          {port.freshness ?? port.sla?.sla ?? <span className="muted">none</span>}
          {port.sla?.breach ? (
            <span className="sla-missed" title={port.sla.reason}>
              {' '}
              · missed: {port.sla.reason}
            </span>
          ) : (
            port.sla?.sla && <span className="muted"> · met</span>
          )}
        </Fact>
        <Fact term="Schedule">
          {port.schedule ? (
            <>
              {humanizeCron(port.schedule)}
              {humanizeCron(port.schedule) !== port.schedule && (
                <>
                  {' '}
                  <code className="muted" title="As written in product.yaml (cron, UTC)">
                    {port.schedule}
                  </code>
                </>
              )}
            </>
          ) : (
            <span className="muted">on demand</span>
          )}
        </Fact>
        <Fact term="Unique key">{port.uniqueKey?.length ? <code>{port.uniqueKey.join(', ')}</code> : <span className="muted">none</span>}</Fact>
        <Fact term="Serving">
          {current ? (
            <>
              version {current.version} · {formatCount(current.rows)} rows · published{' '}
              <time dateTime={current.createdAt} title={formatDateTime(current.createdAt)}>
                {formatAgo(current.createdAt)}
              </time>
              {current.runId !== undefined && (
                <>
                  {' '}
                  in <Link to={paths.run(current.runId)}>run #{current.runId}</Link>
                </>
              )}
            </>
          ) : (
            <span className="muted">never published</span>
          )}
        </Fact>
        {port.model && (
          <Fact term="Built by">
            model <code>{port.model}</code>
          </Fact>
        )}
      </dl>
      {access !== undefined && <PortAccessPanel portId={port.id} access={access} onChanged={onAccessChanged} />}
      <h4>Columns ({port.columns.length})</h4>
      <ColumnsTable columns={port.columns} uniqueKey={port.uniqueKey} caption={`Columns of ${port.id}`} masks={masks} />
      <h4>Published versions</h4>
      {port.versions.length === 0 ? (
        <p className="muted">No version published yet.</p>
      ) : (
        <table className="versions-table">
          <caption className="visually-hidden">Published versions of {port.id}</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col" className="num">
                Rows
              </th>
              <th scope="col">Published</th>
              <th scope="col">Run</th>
            </tr>
          </thead>
          {port.versions.map((v) => (
            <tbody key={v.version} className={v.breaking ? 'has-breaking' : undefined} data-version={v.version}>
              <tr className={v.current ? 'is-current' : undefined}>
                <td>
                  v{v.version}
                  {v.current && <span className="pill pill-current">serving</span>}
                </td>
                <td className="num">{formatCount(v.rows)}</td>
                <td>
                  <time dateTime={v.createdAt}>{formatDateTime(v.createdAt)}</time>
                </td>
                <td>{v.runId !== undefined ? <Link to={paths.run(v.runId)}>#{v.runId}</Link> : '–'}</td>
              </tr>
              {v.breaking && (
                <tr className="version-breaking-row">
                  <td colSpan={4}>
                    <BreakingNote version={v.version} breaking={v.breaking} />
                  </td>
                </tr>
              )}
            </tbody>
          ))}
        </table>
      )}
    </section>
  );
}
