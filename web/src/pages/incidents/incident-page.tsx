/** One incident: what broke and where, who is on it, its timeline, and every notification with its delivery. */
import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { errorMessage, postJson, useApi } from '../../api/client.js';
import { useMe } from '../../api/session.js';
import type { Incident, IncidentDetail } from '../../api/types.js';
import { Link, paths } from '../../router.js';
import { formatDateTime } from '../../ui/format.js';
import { WhenLoaded } from '../../ui/loading.js';
import { useTitle } from '../../ui/use-title.js';
import { DeliveryCell, lastAnswer } from './delivery-state.js';
import { IncidentStatusPill } from './incident-status.js';
import './incidents.css';

export function IncidentPage({ id }: { id: number }): ReactNode {
  useTitle(`Incident #${id}`);
  const [refresh, setRefresh] = useState(0);
  const loaded = useApi<IncidentDetail>(`/api/incidents/${id}`, refresh);
  return (
    <WhenLoaded loaded={loaded} what="the incident">
      {(data) => (
        <IncidentView
          detail={data}
          changed={() => {
            setRefresh((n) => n + 1);
          }}
        />
      )}
    </WhenLoaded>
  );
}

function IncidentView({ detail, changed }: { detail: IncidentDetail; changed: () => void }): ReactNode {
  const { incident, timeline, notifications } = detail;
  return (
    <div className="stack">
      <header className="page-header">
        <div>
          <p className="muted">
            <Link to={paths.incidents()}>Incidents</Link> / #{incident.id}
          </p>
          <h1>{incident.title}</h1>
          <p className="subtitle">
            <IncidentStatusPill status={incident.status} /> {incident.severity} · team <Link to={paths.team(incident.team)}>{incident.team}</Link> · product{' '}
            {incident.product.includes('.') ? <Link to={paths.product(incident.product)}>{incident.product}</Link> : incident.product} · check <code>{incident.check}</code>
            {incident.runId === undefined ? null : (
              <>
                {' '}
                · run <Link to={paths.run(incident.runId)}>#{incident.runId}</Link>
              </>
            )}
          </p>
        </div>
      </header>
      <section className="panel">
        <p className="incident-message">{incident.message}</p>
        {incident.acknowledgedBy ? <p>Acknowledged by {incident.acknowledgedBy} at {formatDateTime(incident.acknowledgedAt)}.</p> : null}
        {incident.resolution ? (
          <p>
            Resolved ({incident.resolution}) by {incident.resolvedBy ?? '?'} at {formatDateTime(incident.resolvedAt)}
            {incident.resolutionNote ? `: ${incident.resolutionNote}` : ''}.
          </p>
        ) : null}
        {incident.affected.length > 0 ? (
          <p>
            Downstream affected: <span className="incident-affected">{incident.affected.join(', ')}</span>
          </p>
        ) : null}
        <IncidentActions incident={incident} changed={changed} />
      </section>
      <section className="panel" aria-labelledby="incident-timeline-heading">
        <h2 id="incident-timeline-heading">Timeline</h2>
        <ol className="incident-timeline">
          {timeline.map((entry, i) => (
            <li key={i} data-kind={entry.kind}>
              <time dateTime={entry.at}>{formatDateTime(entry.at)}</time> <span className="pill">{entry.kind}</span> {entry.detail}
            </li>
          ))}
        </ol>
      </section>
      <section className="panel" aria-labelledby="incident-delivery-heading">
        <h2 id="incident-delivery-heading">Notifications</h2>
        {notifications.length === 0 ? (
          <p className="muted">None sent: the teams concerned have no channels that can be used (see the timeline).</p>
        ) : (
          <table className="incidents-table delivery-log">
            <thead>
              <tr>
                <th scope="col">To</th>
                <th scope="col">Kind</th>
                <th scope="col">Channel</th>
                <th scope="col">Delivery</th>
                <th scope="col" className="num">
                  Attempts
                </th>
                <th scope="col">Answer</th>
              </tr>
            </thead>
            <tbody>
              {notifications.map((n) => (
                <tr key={n.id} data-notification={n.id} data-status={n.status}>
                  <td>{n.team}</td>
                  <td>{n.kind}</td>
                  <td>
                    <span className="pill">{n.channel.type}</span> <code>{n.channel.place}</code>
                  </td>
                  <DeliveryCell notification={n} />
                  <td className="num">{n.attempts}</td>
                  <td>{lastAnswer(n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

const RESOLUTIONS = ['fixed', 'expected', 'false-positive', 'other'] as const;

function IncidentActions({ incident, changed }: { incident: Incident; changed: () => void }): ReactNode {
  const me = useMe();
  const [reason, setReason] = useState<(typeof RESOLUTIONS)[number]>('fixed');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  if (incident.status === 'resolved') return null;
  const mayAct = me === undefined || me.admin || me.identity.teams.includes(incident.team);
  if (!mayAct) return <p className="muted">Only members of team {incident.team} (or the admin) acknowledge and resolve it.</p>;
  const act = async (action: 'ack' | 'resolve'): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await postJson(`/api/incidents/${incident.id}/${action}`, action === 'ack' ? (note ? { reason: note } : {}) : { reason, ...(note ? { note } : {}) });
      changed();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  const onSubmit = (event: SyntheticEvent): void => {
    event.preventDefault();
    void act('resolve');
  };
  return (
    <form className="incident-actions" onSubmit={onSubmit}>
      <label>
        Note{' '}
        <input
          name="note"
          value={note}
          onChange={(event) => {
            setNote(event.target.value);
          }}
          placeholder="what you found"
        />
      </label>
      {incident.status === 'open' ? (
        <button type="button" disabled={busy} onClick={() => void act('ack')}>
          Acknowledge
        </button>
      ) : null}
      <label>
        Reason{' '}
        <select
          name="reason"
          value={reason}
          onChange={(event) => {
            setReason(event.target.value as (typeof RESOLUTIONS)[number]);
          }}
        >
          {RESOLUTIONS.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={busy}>
        Resolve
      </button>
      {error ? (
        <p className="error-box" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
