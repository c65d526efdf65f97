/** One team: what of theirs is failing (first), their products, scorecard, people and channels. */
import type { ReactNode } from 'react';
import { useApi } from '../../api/client.js';
import type { Team } from '../../api/types.js';
import { Link, paths } from '../../router.js';
import { HealthBadge } from '../../ui/health.js';
import { WhenLoaded } from '../../ui/loading.js';
import { isNotFound, NotFoundState } from '../../ui/not-found-state.js';
import { useTitle } from '../../ui/use-title.js';
import { DeliveryLog, IncidentTimes, OpenIncidents } from '../incidents/index.js';
import { FailingPanel } from './failing-panel.js';
import { GradeBadge } from './grade.js';
import { PeoplePanel } from './people-panel.js';
import { ScorecardPanel } from './scorecard-panel.js';
import './teams.css';

export function TeamPage({ id }: { id: string }): ReactNode {
  const loaded = useApi<Team>(`/api/teams/${encodeURIComponent(id)}`);
  useTitle(loaded.state === 'ready' ? loaded.data.name : id);
  if (isNotFound(loaded) && loaded.state === 'error') {
    return <NotFoundState title="No such team" message={loaded.error.message} back={{ to: paths.teams(), label: 'See all teams' }} />;
  }
  return (
    <WhenLoaded loaded={loaded} what="the team">
      {(team) => <TeamView team={team} />}
    </WhenLoaded>
  );
}

function TeamView({ team }: { team: Team }): ReactNode {
  return (
    <div className="stack">
      <header className="page-header">
        <div>
          <nav aria-label="Breadcrumb" className="team-crumb">
            <Link to={paths.teams()}>Teams</Link> <span aria-hidden="true">/</span> <span aria-current="page">{team.name}</span>
          </nav>
          <h1>{team.name}</h1>
          {team.description && <p className="subtitle">{team.description}</p>}
          <div className="row team-tags">
            {(team.domains ?? []).map((domain) => (
              <span key={domain} className="pill">
                domain {domain}
              </span>
            ))}
            {!team.declared && <span className="pill">not declared in teams.yaml</span>}
          </div>
        </div>
        <GradeBadge grade={team.scorecard?.grade} score={team.scorecard?.score} size="large" />
      </header>
      <OpenIncidents team={team.id} />
      <FailingPanel failing={team.failing} />
      <section className="panel" aria-labelledby="team-products-heading">
        <h2 id="team-products-heading">Products ({team.products.length})</h2>
        {team.products.length === 0 ? (
          <p className="muted">This team owns no products.</p>
        ) : (
          <table className="team-products">
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Health</th>
                <th scope="col">Scorecard</th>
              </tr>
            </thead>
            <tbody>
              {team.products.map((product) => (
                <tr key={product.id} data-product={product.id}>
                  <th scope="row">
                    <Link to={paths.product(product.id)}>{product.id}</Link>
                  </th>
                  <td>
                    <HealthBadge health={product.health} />
                  </td>
                  <td>
                    <GradeBadge grade={product.grade} score={product.score} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <div className="grid grid-2">
        <ScorecardPanel scorecard={team.scorecard} />
        <PeoplePanel members={team.members ?? []} channels={team.channels ?? []} />
      </div>
      <IncidentTimes team={team.id} />
      <DeliveryLog team={team.id} />
    </div>
  );
}
