/**
 * A team's scorecard as a panel of meters. Every meter says its numbers in text; the
 * bar is a picture of the same numbers, hidden from screen readers.
 */
import type { ReactNode } from 'react';
import type { TeamScore } from '../../api/types.js';
import { formatCount } from '../../ui/format.js';
import { formatScore, GradeBadge } from './grade.js';

function share(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

function Meter({ label, part, whole, detail }: { label: string; part: number; whole: number; detail: string }): ReactNode {
  const ratio = share(part, whole);
  const tone = ratio >= 0.9 ? 'ok' : ratio >= 0.6 ? 'warning' : 'failing';
  return (
    <li className="team-meter">
      <div className="team-meter-text">
        <span className="team-meter-label">{label}</span>
        <span className="team-meter-value">
          {whole === 0 ? 'none to count' : `${formatCount(part)} of ${formatCount(whole)} ${detail} (${Math.round(ratio * 100)}%)`}
        </span>
      </div>
      <div className="team-meter-track" aria-hidden="true">
        <div className={`team-meter-fill team-meter-${tone}`} style={{ width: `${ratio * 100}%` }} />
      </div>
    </li>
  );
}

export function ScorecardPanel({ scorecard }: { scorecard: TeamScore | undefined }): ReactNode {
  return (
    <section className="panel team-scorecard" aria-labelledby="team-scorecard-heading">
      <h2 id="team-scorecard-heading">Scorecard</h2>
      {scorecard === undefined ? (
        <p className="muted">This team owns no products, so there is nothing to score.</p>
      ) : (
        <>
          <div className="team-scorecard-head">
            <GradeBadge grade={scorecard.grade} score={scorecard.score} size="large" />
            <p>
              Score <strong>{formatScore(scorecard.score)}</strong> of 100, grade <strong>{scorecard.grade}</strong>: the mean of its products' scores
              (documentation, contracts, checks and lint findings), less 40 for each failing product and 10 for each with warnings; a team with a failing
              product is graded C at best.
            </p>
          </div>
          {scorecard.health && (
            <p className={scorecard.health.failing > 0 ? 'team-health-cost team-health-failing' : 'team-health-cost'} data-failing={scorecard.health.failing}>
              <strong>Health</strong>{' '}
              {scorecard.health.failing + scorecard.health.warning === 0
                ? 'every product is healthy or not run yet: no points lost.'
                : `${[
                    scorecard.health.failing > 0 ? `${formatCount(scorecard.health.failing)} failing` : '',
                    scorecard.health.warning > 0 ? `${formatCount(scorecard.health.warning)} with warnings` : '',
                  ]
                    .filter(Boolean)
                    .join(', ')}: −${formatCount(scorecard.health.penalty)} points over its products${scorecard.health.failing > 0 ? ', and the grade is C at best' : ''}.`}
            </p>
          )}
          <ul className="team-meters">
            {scorecard.documentation && (
              <Meter label="Documentation" part={scorecard.documentation.documented} whole={scorecard.documentation.documentable} detail="items described" />
            )}
            {scorecard.ports && (
              <>
                <Meter label="Ports with a contract" part={scorecard.ports.withContract} whole={scorecard.ports.count} detail="ports" />
                <Meter label="Ports with checks" part={scorecard.ports.withChecks} whole={scorecard.ports.count} detail="ports" />
              </>
            )}
          </ul>
          {scorecard.findings && (
            <>
              <h3>Lint findings</h3>
              <dl className="team-findings">
                <div className={scorecard.findings.errors > 0 ? 'team-finding team-finding-failing' : 'team-finding'}>
                  <dt>Errors</dt>
                  <dd>{formatCount(scorecard.findings.errors)}</dd>
                </div>
                <div className={scorecard.findings.warnings > 0 ? 'team-finding team-finding-warning' : 'team-finding'}>
                  <dt>Warnings</dt>
                  <dd>{formatCount(scorecard.findings.warnings)}</dd>
                </div>
                <div className="team-finding">
                  <dt>Info</dt>
                  <dd>{formatCount(scorecard.findings.info)}</dd>
                </div>
              </dl>
            </>
          )}
        </>
      )}
    </section>
  );
}
