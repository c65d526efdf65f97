/** "Is it healthy?": the verdict, then why — failing checks, failed nodes, SLA breaches. */
import type { ReactNode } from 'react';
import type { ProductDetail } from '../../api/types.js';
import { Link, paths } from '../../router.js';
import { formatAgo, formatDateTime } from '../../ui/format.js';
import { HealthBadge, OutcomeBadge } from '../../ui/health.js';
import { checkCounts, formatValue, nodeLabel, plural, problemChecks, troubledNodes } from './derive.js';
import { nodeLabel as uiNodeLabel } from '../../ui/node-id.js';
import { RichText } from '../../ui/rich-text.js';

/** Problems listed on the first screen; the Checks tab has them all. */
const SHOWN_PROBLEMS = 4;

export function HealthPanel({ product, onShowChecks }: { product: ProductDetail; onShowChecks: () => void }): ReactNode {
  const counts = checkCounts(product);
  const problems = problemChecks(product);
  const shown = problems.slice(0, SHOWN_PROBLEMS);
  // A port that failed because its check failed is said by the check already.
  const nodes = troubledNodes(product).filter((n) => !problems.some((p) => p.node.node === n.nodeId));
  const breaches = product.ports.filter((p) => p.sla?.breach);
  const freshness = product.freshness;
  return (
    <section className={`panel overview-panel health-panel health-panel-${product.health}`} aria-labelledby="health-heading">
      <h2 id="health-heading">Health</h2>
      <p className="health-verdict">
        <HealthBadge health={product.health} />
        <span>
          {counts.total === 0
            ? 'No checks declared.'
            : `${counts.pass} of ${plural(counts.total, 'check')} pass` +
              (counts.fail > 0 ? ` · ${counts.fail} failing` : '') +
              (counts.warn > 0 ? ` · ${plural(counts.warn, 'warning')}` : '') +
              (counts.notRun > 0 ? ` · ${counts.notRun} not run` : '')}
        </span>
      </p>
      {(shown.length > 0 || nodes.length > 0 || breaches.length > 0) && (
        <ul className="problems">
          {shown.map(({ node, check }) => (
            <li key={`${node.node}\n${check.name}`}>
              <OutcomeBadge outcome={check.latest?.outcome ?? 'not run'} /> <code>{check.text}</code> on {node.kind} <code>{uiNodeLabel({ kind: node.kind, id: node.node, name: node.name })}</code>
              {check.latest && (
                <span className="problem-detail">
                  value {formatValue(check.latest.value)}
                  {check.latest.threshold ? ` (${check.latest.threshold})` : ''}
                </span>
              )}
            </li>
          ))}
          {problems.length > shown.length && <li className="muted">and {plural(problems.length - shown.length, 'more check')}</li>}
          {nodes.map((node) => (
            <li key={node.nodeId}>
              <OutcomeBadge outcome={node.status} /> {node.kind} <code>{nodeLabel(node.nodeId)}</code>
              {node.runId !== undefined && (
                <>
                  {' '}
                  in <Link to={paths.run(node.runId)}>run #{node.runId}</Link>
                </>
              )}
              {node.error && (
                <span className="problem-detail">
                  <RichText text={node.error.message} />
                </span>
              )}
            </li>
          ))}
          {breaches.map((port) => (
            <li key={port.id}>
              <span className="outcome outcome-warning">SLA</span> <code>{port.id}</code>
              <span className="problem-detail">
                <RichText text={port.sla?.reason ?? `older than ${port.sla?.sla ?? 'its SLA'}`} />
              </span>
            </li>
          ))}
        </ul>
      )}
      <p className="health-fresh">
        {freshness?.lastPublished ? (
          <>
            Last published{' '}
            <time dateTime={freshness.lastPublished} title={formatDateTime(freshness.lastPublished)}>
              {formatAgo(freshness.lastPublished)}
            </time>
          </>
        ) : (
          'Never published'
        )}
        {freshness?.sla && (
          <>
            {' · '}freshness SLA {freshness.sla}: {freshness.breach ? <strong className="sla-missed">missed</strong> : 'met'}
          </>
        )}
      </p>
      {counts.total > 0 && (
        <button type="button" className="button" onClick={onShowChecks}>
          All check results
        </button>
      )}
    </section>
  );
}
