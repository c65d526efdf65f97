/** Incidents across the mesh: open first, filtered by team and status, with time to acknowledge and resolve per team. */
import type { ReactNode } from 'react';
import { useApi } from '../../api/client.js';
import type { Incident, TeamIncidentTimes } from '../../api/types.js';
import { Link, navigate, paths, useLocation } from '../../router.js';
import { formatAgo, formatDateTime, formatDuration } from '../../ui/format.js';
import { WhenLoaded } from '../../ui/loading.js';
import { useTitle } from '../../ui/use-title.js';
import { IncidentStatusPill } from './incident-status.js';
import './incidents.css';

const STATUSES = [
  { value: 'active', label: 'Open and acknowledged' },
  { value: 'open', label: 'Open' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'resolved', label: 'Resolved' },
  { value: '', label: 'All' },
] as const;

export function IncidentsPage(): ReactNode {
  useTitle('Incidents');
  const { query } = useLocation();
  const team = query.get('team') ?? '';
  const status = query.get('status') ?? 'active';
  const params = new URLSearchParams({ ...(team ? { team } : {}), ...(status ? { status } : {}) });
  const loaded = useApi<{ incidents: Incident[]; teams: Record<string, TeamIncidentTimes> }>(`/api/incidents?${params.toString()}`);
  const all = useApi<{ incidents: Incident[]; teams: Record<string, TeamIncidentTimes> }>('/api/incidents');
  const go = (next: { team?: string; status?: string }): void => {
    const search = new URLSearchParams({ ...((next.team ?? team) ? { team: next.team ?? team } : {}), status: next.status ?? status });
    navigate(`/incidents?${search.toString()}`, { replace: true });
  };
  const teams = all.state === 'ready' ? Object.keys(all.data.teams).sort() : [];
  return (
    <div className="stack">
      <header className="page-header">
        <div>
          <h1>Incidents</h1>
          <p className="subtitle">Failed nodes, failed audits, checks at warn, breached freshness SLAs: one incident per problem, owned by the product's team.</p>
        </div>
      </header>
      <form className="incident-filters" onSubmit={(event) => { event.preventDefault(); }}>
        <label>
          Status{' '}
          <select value={status} onChange={(event) => { go({ status: event.target.value }); }} name="status">
            {STATUSES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Team{' '}
          <select value={team} onChange={(event) => { go({ team: event.target.value }); }} name="team">
            <option value="">All teams</option>
            {teams.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
      </form>
      <WhenLoaded loaded={loaded} what="incidents">
        {(data) => <IncidentTable incidents={data.incidents} />}
      </WhenLoaded>
      {all.state === 'ready' && Object.keys(all.data.teams).length > 0 ? <TeamTimes teams={all.data.teams} /> : null}
    </div>
  );
}

function IncidentTable({ incidents }: { incidents: readonly Incident[] }): ReactNode {
  if (incidents.length === 0) return <p className="panel muted">No incidents here. When a run fails, a check warns or a port goes stale, it shows here and the owning team is alerted.</p>;
  return (
    <div className="panel">
      <table className="incidents-table">
        <caption className="visually-hidden">Incidents, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Incident</th>
            <th scope="col">Status</th>
            <th scope="col">Team</th>
            <th scope="col">What</th>
            <th scope="col">Opened</th>
            <th scope="col" className="num">
              Seen
            </th>
          </tr>
        </thead>
        <tbody>
          {incidents.map((incident) => (
            <tr key={incident.id} data-incident={incident.id} className={`incident-${incident.severity}`}>
              <th scope="row">
                <Link to={paths.incident(incident.id)}>#{incident.id}</Link>
              </th>
              <td>
                <IncidentStatusPill status={incident.status} />
              </td>
              <td>
                <Link to={paths.team(incident.team)}>{incident.team}</Link>
              </td>
              <td>
                <Link to={paths.incident(incident.id)}>{incident.title}</Link>
                {incident.affected.length > 0 ? <span className="muted"> · {incident.affected.length} downstream affected</span> : null}
              </td>
              <td>
                <time dateTime={incident.openedAt} title={formatDateTime(incident.openedAt)}>
                  {formatAgo(incident.openedAt)}
                </time>
              </td>
              <td className="num">{incident.occurrences}×</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TeamTimes({ teams }: { teams: Record<string, TeamIncidentTimes> }): ReactNode {
  return (
    <section className="panel" aria-labelledby="incident-times-heading">
      <h2 id="incident-times-heading">Per team</h2>
      <table className="incidents-table team-times">
        <thead>
          <tr>
            <th scope="col">Team</th>
            <th scope="col" className="num">
              Open
            </th>
            <th scope="col" className="num">
              Acknowledged
            </th>
            <th scope="col" className="num">
              Resolved
            </th>
            <th scope="col" className="num">
              Mean time to acknowledge
            </th>
            <th scope="col" className="num">
              Mean time to resolve
            </th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(teams)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([team, t]) => (
              <tr key={team} data-team={team}>
                <th scope="row">
                  <Link to={paths.incidents(team)}>{team}</Link>
                </th>
                <td className="num">{t.open}</td>
                <td className="num">{t.acknowledged}</td>
                <td className="num">{t.resolved}</td>
                <td className="num">{t.mttaMs === undefined ? '–' : formatDuration(t.mttaMs)}</td>
                <td className="num">{t.mttrMs === undefined ? '–' : formatDuration(t.mttrMs)}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </section>
  );
}
