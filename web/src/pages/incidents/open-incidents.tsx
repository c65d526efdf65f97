/** A team's open incidents, as a banner on its page; nothing when there are none. */
import type { ReactNode } from 'react';
import { useApi } from '../../api/client.js';
import type { Incident } from '../../api/types.js';
import { Link, paths } from '../../router.js';
import { IncidentStatusPill } from './incident-status.js';
import './incidents.css';

export function OpenIncidents({ team }: { team: string }): ReactNode {
  const loaded = useApi<{ incidents: Incident[] }>(`/api/incidents?team=${encodeURIComponent(team)}&status=active`);
  if (loaded.state !== 'ready' || loaded.data.incidents.length === 0) return null;
  const { incidents } = loaded.data;
  return (
    <section className="panel open-incidents" aria-labelledby="open-incidents-heading">
      <h2 id="open-incidents-heading">
        Open incidents ({incidents.length}) · <Link to={paths.incidents(team)}>all of this team's incidents</Link>
      </h2>
      <ul>
        {incidents.map((incident) => (
          <li key={incident.id} data-incident={incident.id}>
            <IncidentStatusPill status={incident.status} /> <Link to={paths.incident(incident.id)}>#{incident.id} {incident.title}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
