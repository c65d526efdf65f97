/** What of a team's is failing or warning, and why: the first thing a team should see. */
import type { ReactNode } from 'react';
import type { Team } from '../../api/types.js';
import { Link, paths } from '../../router.js';
import { HealthBadge } from '../../ui/health.js';
import { RichText } from '../../ui/rich-text.js';

export function FailingPanel({ failing }: { failing: Team['failing'] }): ReactNode {
  const worst = failing.some((f) => f.health === 'failing') ? 'failing' : failing.length > 0 ? 'warning' : 'ok';
  return (
    <section className={`panel team-failing team-failing-${worst}`} aria-labelledby="team-failing-heading">
      <h2 id="team-failing-heading">What is failing</h2>
      {failing.length === 0 ? (
        <p>
          <HealthBadge health="ok" /> Nothing: every product of this team passed its latest run and checks.
        </p>
      ) : (
        <ul className="team-failing-list">
          {failing.map((item) => (
            <li key={item.product} data-product={item.product}>
              <p className="team-failing-product">
                <HealthBadge health={item.health} /> <Link to={paths.product(item.product)}>{item.product}</Link>
              </p>
              {item.reasons && item.reasons.length > 0 && (
                <ul className="team-reasons">
                  {item.reasons.map((reason) => (
                    <li key={reason}>
                      <RichText text={reason} />
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
