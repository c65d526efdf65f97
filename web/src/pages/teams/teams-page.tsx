/** Every team that owns products: how many, how they are doing, and the team's scorecard grade. */
import type { ReactNode } from 'react';
import { useApi } from '../../api/client.js';
import type { Team } from '../../api/types.js';
import { Link, paths } from '../../router.js';
import { formatCount } from '../../ui/format.js';
import { HealthBadge } from '../../ui/health.js';
import { WhenLoaded } from '../../ui/loading.js';
import { useTitle } from '../../ui/use-title.js';
import { GradeBadge } from './grade.js';
import './teams.css';

export function TeamsPage(): ReactNode {
  useTitle('Teams');
  const loaded = useApi<{ teams: Team[] }>('/api/teams');
  return (
    <div className="stack">
      <header className="page-header">
        <div>
          <h1>Teams</h1>
          <p className="subtitle">Who owns which data products, what of theirs is failing, and how well kept their products are.</p>
        </div>
      </header>
      <WhenLoaded loaded={loaded} what="teams">
        {(data) =>
          data.teams.length === 0 ? (
            <p className="panel muted">No teams yet: declare them in teams.yaml and name them as products' owners.</p>
          ) : (
            <ul className="grid team-cards">
              {data.teams.map((team) => (
                <TeamCard key={team.id} team={team} />
              ))}
            </ul>
          )
        }
      </WhenLoaded>
    </div>
  );
}

function TeamCard({ team }: { team: Team }): ReactNode {
  const failing = team.products.filter((p) => p.health === 'failing').length;
  const warning = team.products.filter((p) => p.health === 'warning').length;
  const headingId = `team-card-${team.id}`;
  return (
    <li className="panel team-card" data-team={team.id}>
      <div className="team-card-head">
        <h2 id={headingId}>
          <Link to={paths.team(team.id)}>{team.name}</Link>
        </h2>
        <GradeBadge grade={team.scorecard?.grade} score={team.scorecard?.score} />
      </div>
      {team.description && <p className="team-card-description">{team.description}</p>}
      <div className="row team-card-tags">
        {(team.domains ?? []).map((domain) => (
          <span key={domain} className="pill" title="Domain">
            {domain}
          </span>
        ))}
        {!team.declared && <span className="pill">not in teams.yaml</span>}
      </div>
      <p className="row team-card-health">
        <span>
          {formatCount(team.products.length)} {team.products.length === 1 ? 'product' : 'products'}
        </span>
        {failing > 0 && (
          <span>
            <HealthBadge health="failing" /> {formatCount(failing)}
          </span>
        )}
        {warning > 0 && (
          <span>
            <HealthBadge health="warning" /> {formatCount(warning)}
          </span>
        )}
        {failing === 0 && warning === 0 && team.products.length > 0 && <span className="muted">nothing failing</span>}
      </p>
    </li>
  );
}
