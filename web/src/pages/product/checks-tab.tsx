/**
 * Every check of the product, per node (ports first), each with its latest outcome,
 * value against threshold, message and a chart of recent runs. Failing checks are
 * listed on top and sort first in their node; checks the contract implies (required,
 * unique, allowed values) fold away while they all pass.
 */
import { lazy, Suspense, type ReactNode } from 'react';
import type { Check, NodeChecks, ProductDetail } from '../../api/types.js';
import { Link, paths } from '../../router.js';
import { OutcomeBadge } from '../../ui/health.js';
import { checkCounts, formatValue, isFailing, orderedChecks, orderedNodes, plural, problemChecks, rankOutcome } from './derive.js';
import { nodeLabel } from '../../ui/node-id.js';
import { RichText } from '../../ui/rich-text.js';
import { ScrollRegion } from '../../ui/scroll-region.js';

const CheckChart = lazy(() => import('./check-chart.js').then((m) => ({ default: m.CheckChart })));

function rowId(node: NodeChecks, check: Check): string {
  return `check-${node.node}-${check.name}`.replace(/[^A-Za-z0-9_-]+/g, '-');
}

function CheckRow({ node, check }: { node: NodeChecks; check: Check }): ReactNode {
  const latest = check.latest;
  const outcome = latest?.outcome ?? 'not run';
  const state = isFailing(latest?.outcome) ? 'is-failing' : latest?.outcome === 'warn' ? 'is-warning' : '';
  return (
    <tr id={rowId(node, check)} className={`check-row ${state}`} tabIndex={-1}>
      <td data-label="Outcome">
        <OutcomeBadge outcome={outcome} />
      </td>
      <td className="check-text" data-label="Check">
        <code>{check.text}</code>
        {check.implied && <span className="pill pill-implied">contract</span>}
        {check.name !== check.text && <div className="muted check-name">{check.name}</div>}
        {check.description && <div className="check-description">{check.description}</div>}
        {latest?.message && (
          <div className="check-message">
            <RichText text={latest.message} />
          </div>
        )}
      </td>
      <td className="num check-value" data-label="Value">
        {formatValue(latest?.value)}
      </td>
      <td className="check-threshold" data-label="Threshold">
        {latest?.threshold ?? '–'}
      </td>
      <td className="check-history" data-label="Recent runs">
        {check.history.length === 0 ? (
          <span className="muted">not run yet</span>
        ) : (
          <Suspense fallback={<span className="chart-placeholder" />}>
            <CheckChart history={check.history} />
          </Suspense>
        )}
        {latest && (
          <div className="muted check-run">
            latest: <Link to={paths.run(latest.runId)}>run #{latest.runId}</Link>
          </div>
        )}
      </td>
    </tr>
  );
}

function ChecksTable({ node, checks, caption }: { node: NodeChecks; checks: readonly Check[]; caption: string }): ReactNode {
  return (
    <ScrollRegion label={caption}>
      <table className="checks-table stack">
        <caption className="visually-hidden">{caption}</caption>
        {/* Fixed widths, so that the tables of all nodes line up. */}
        <colgroup>
          <col className="col-outcome" />
          <col />
          <col className="col-value" />
          <col className="col-threshold" />
          <col className="col-history" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Outcome</th>
            <th scope="col">Check</th>
            <th scope="col" className="num">
              Value
            </th>
            <th scope="col">Threshold</th>
            <th scope="col">Recent runs</th>
          </tr>
        </thead>
        <tbody>
          {checks.map((check) => (
            <CheckRow key={check.name} node={node} check={check} />
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

function NodeSection({ node }: { node: NodeChecks }): ReactNode {
  const checks = orderedChecks(node.checks);
  const declared = checks.filter((c) => !c.implied);
  const implied = checks.filter((c) => c.implied);
  const impliedTrouble = implied.filter((c) => rankOutcome(c.latest?.outcome) < 3).length;
  const headingId = `checks-${node.node}`.replace(/[^A-Za-z0-9_-]+/g, '-');
  return (
    <section className="panel node-checks" aria-labelledby={headingId}>
      <h3 id={headingId}>
        <span className="pill">{node.kind}</span> <code>{nodeLabel({ kind: node.kind, id: node.node, name: node.name })}</code>
      </h3>
      {declared.length > 0 && <ChecksTable node={node} checks={declared} caption={`Checks declared on ${node.kind} ${nodeLabel({ kind: node.kind, id: node.node, name: node.name })}`} />}
      {implied.length > 0 && (
        // Open when one of them is not passing: then it is news, not boilerplate.
        <details className="implied" open={impliedTrouble > 0 || declared.length === 0}>
          <summary>
            {plural(implied.length, 'check')} implied by the contract (required, unique, allowed values):{' '}
            {impliedTrouble === 0 ? 'all pass' : `${impliedTrouble} not passing`}
          </summary>
          <ChecksTable node={node} checks={implied} caption={`Contract checks on ${node.kind} ${nodeLabel({ kind: node.kind, id: node.node, name: node.name })}`} />
        </details>
      )}
    </section>
  );
}

export function ChecksTab({ product }: { product: ProductDetail }): ReactNode {
  const problems = problemChecks(product);
  const { notRun } = checkCounts(product);
  const nodes = orderedNodes(product.checks);
  const show = (node: NodeChecks, check: Check): void => {
    const row = document.getElementById(rowId(node, check));
    const details = row?.closest('details');
    if (details) details.open = true;
    row?.scrollIntoView({ block: 'center' });
    row?.focus({ preventScroll: true });
  };
  if (product.checks.length === 0) {
    return (
      <>
        <h2>Check results</h2>
        <p className="muted">This product declares no checks, and its contracts imply none.</p>
      </>
    );
  }
  return (
    <>
      <h2>Check results</h2>
      {problems.length > 0 ? (
        <div className={`checks-alert ${problems.some((p) => isFailing(p.check.latest?.outcome)) ? 'is-failing' : 'is-warning'}`} role="alert">
          <strong>{plural(problems.length, 'check')} not passing</strong>
          <ul>
            {problems.map(({ node, check }) => (
              <li key={`${node.node}\n${check.name}`}>
                <OutcomeBadge outcome={check.latest?.outcome ?? 'not run'} /> <code>{check.text}</code> on {node.kind} <code>{nodeLabel({ kind: node.kind, id: node.node, name: node.name })}</code>
                {check.latest?.message && (
                  <span className="muted">
                    {' '}
                    — <RichText text={check.latest.message} />
                  </span>
                )}{' '}
                <button
                  type="button"
                  className="link-button"
                  onClick={() => {
                    show(node, check);
                  }}
                >
                  show
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="checks-ok">
          <span aria-hidden="true">✔ </span>
          {notRun === 0 ? 'Every check passed in its latest run.' : `No check is failing; ${plural(notRun, 'check')} not run yet.`}
        </p>
      )}
      {nodes.map((node) => (
        <NodeSection key={node.node} node={node} />
      ))}
    </>
  );
}
