/**
 * `/access`: access requests. First what waits for the caller's decision (approve or
 * deny in place), then the caller's own requests, then the grants they may revoke; for
 * the admin, the ports nobody read in 30 days (`GET /api/usage`), candidates to retire.
 */
import { useState, type ReactNode } from 'react';
import { useApi } from '../../api/client.js';
import { subjectOf, useMe } from '../../api/session.js';
import type { AccessRequest, Me, UsageReport } from '../../api/types.js';
import { Link, paths } from '../../router.js';
import { RequestList } from '../../ui/access-requests.js';
import { WhenLoaded } from '../../ui/loading.js';
import { useTitle } from '../../ui/use-title.js';
import './access.css';

function Section({ id, title, count, children }: { id: string; title: string; count?: number; children: ReactNode }): ReactNode {
  return (
    <section className="panel access-section" aria-labelledby={id}>
      <h2 id={id}>
        {title}
        {count !== undefined && <span className="access-count"> ({count})</span>}
      </h2>
      {children}
    </section>
  );
}

export function AccessPage(): ReactNode {
  useTitle('Access');
  const me = useMe();
  const [refresh, setRefresh] = useState(0);
  const [announced, setAnnounced] = useState('');
  const loaded = useApi<{ requests: AccessRequest[] }>('/api/access-requests', refresh);
  // A decided request moves to another list: the page, not the item, says what happened.
  const changed = (request: AccessRequest): void => {
    setAnnounced(`Request #${request.id} (${request.requester}, ${request.port}) is now ${request.status}.`);
    setRefresh((n) => n + 1);
  };
  return (
    <div className="access-page">
      <header className="page-header">
        <div>
          <h1>Access</h1>
          <p className="subtitle">
            Requests to read ports, and their decisions. Ask for a port on its product's page; its owners decide here.
          </p>
        </div>
      </header>
      <p role="status" aria-live="polite" className="access-announced">
        {announced}
      </p>
      <WhenLoaded loaded={loaded} what="access requests">
        {(data) => (me ? <Requests me={me} requests={data.requests} onChanged={changed} /> : null)}
      </WhenLoaded>
      {me?.admin && <Unread />}
    </div>
  );
}

function Requests({ me, requests, onChanged }: { me: Me; requests: readonly AccessRequest[]; onChanged: (request: AccessRequest) => void }): ReactNode {
  const subject = subjectOf(me);
  const toDecide = requests.filter((r) => r.canDecide === true && r.status === 'pending');
  const mine = requests.filter((r) => r.requester === subject);
  const granted = requests.filter((r) => r.canDecide === true && r.status === 'approved' && r.requester !== subject);
  const decides = me.admin || me.decides.length > 0;
  return (
    <div className="stack">
      {decides && (
        <Section id="decide-heading" title="Waiting for your decision" count={toDecide.length}>
          {toDecide.length === 0 ? (
            <p className="muted">Nothing waits for you: no pending request for a port {me.admin ? 'of the mesh' : 'your teams own'}.</p>
          ) : (
            <RequestList requests={toDecide} onChanged={onChanged} label="Requests waiting for your decision" />
          )}
        </Section>
      )}
      {!me.admin && (
        <Section id="mine-heading" title="Your requests" count={mine.length}>
          {mine.length === 0 ? (
            <p className="muted">
              You asked for nothing yet. To ask for a port, open its product in the <Link to={paths.catalog()}>catalog</Link> and use <strong>Request access</strong>.
            </p>
          ) : (
            <RequestList requests={mine} onChanged={onChanged} label="Your requests" />
          )}
        </Section>
      )}
      {decides && granted.length > 0 && (
        <Section id="granted-heading" title="Granted on ports you decide" count={granted.length}>
          <RequestList requests={granted} onChanged={onChanged} label="Approved requests you may revoke" />
        </Section>
      )}
    </div>
  );
}

function Unread(): ReactNode {
  const usage = useApi<UsageReport>('/api/usage?days=30');
  return (
    <Section id="unread-heading" title="Ports nobody read in 30 days">
      <WhenLoaded loaded={usage} what="usage">
        {(data) =>
          data.unread.length === 0 ? (
            <p className="muted">Every port was read at least once in the last {data.days} days.</p>
          ) : (
            <>
              <p className="muted">
                {data.unread.length} port{data.unread.length === 1 ? '' : 's'} had no query in {data.days} days: candidates to deprecate, or to tell people about.
              </p>
              <ul className="access-unread">
                {data.unread.map((port) => (
                  <li key={port}>
                    <Link to={paths.catalog(port)}>
                      <code>{port}</code>
                    </Link>
                  </li>
                ))}
              </ul>
            </>
          )
        }
      </WhenLoaded>
    </Section>
  );
}
