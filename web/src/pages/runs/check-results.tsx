/** A run's check results, the ones to act on first; failing rows' samples open in place. */
import { useState, type ReactNode } from 'react';
import type { CheckValue, RunDetail } from '../../api/types.js';
import { formatCount } from '../../ui/format.js';
import { OutcomeBadge } from '../../ui/health.js';
import { Link, paths } from '../../router.js';
import { productOfNode } from '../../ui/node-id.js';
import { RichText } from '../../ui/rich-text.js';
import { ScrollRegion } from '../../ui/scroll-region.js';

type CheckRow = RunDetail['checks'][number];

/** Rows drawn before "Show all": a whole-mesh run has hundreds of passing checks. */
const ROW_LIMIT = 50;

const rank: Record<string, number> = { error: 0, fail: 1, warn: 2 };

const number = new Intl.NumberFormat('en', { maximumFractionDigits: 3 });

export function formatCheckValue(value: CheckValue): string {
  if (value === null) return '–';
  return typeof value === 'number' ? number.format(value) : value;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function CheckResults({ checks }: { checks: RunDetail['checks'] }): ReactNode {
  const [showAll, setShowAll] = useState(false);
  // Failing first, then warnings; within an outcome, by node and name (the API's order).
  const sorted = checks.map((check, i) => ({ check, i })).sort((a, b) => (rank[a.check.outcome] ?? 9) - (rank[b.check.outcome] ?? 9) || a.i - b.i);
  const shown = showAll ? sorted : sorted.slice(0, ROW_LIMIT);
  const counts = new Map<string, number>();
  for (const { check } of sorted) counts.set(check.outcome, (counts.get(check.outcome) ?? 0) + 1);
  return (
    <section className="panel" aria-labelledby="run-checks-heading">
      <h2 id="run-checks-heading">Check results</h2>
      {checks.length === 0 ? (
        <p className="muted">This run measured no checks.</p>
      ) : (
        <>
          <p className="row">
            {formatCount(checks.length)} checks:
            {[...counts].map(([outcome, n]) => (
              <span key={outcome}>
                <OutcomeBadge outcome={outcome} /> {formatCount(n)}
              </span>
            ))}
          </p>
          <ScrollRegion label="Check results of this run" className="run-table-scroll">
            <table className="run-checks stack">
              <thead>
                <tr>
                  <th scope="col">Node</th>
                  <th scope="col">Check</th>
                  <th scope="col">Outcome</th>
                  <th scope="col" className="num">
                    Value
                  </th>
                  <th scope="col">Threshold</th>
                  <th scope="col">Message</th>
                </tr>
              </thead>
              <tbody>
                {shown.map(({ check, i }) => (
                  <CheckLine key={i} check={check} />
                ))}
              </tbody>
            </table>
          </ScrollRegion>
          {shown.length < sorted.length && (
            <p>
              <button
                type="button"
                className="button"
                onClick={() => {
                  setShowAll(true);
                }}
              >
                Show all {formatCount(sorted.length)} checks
              </button>
            </p>
          )}
        </>
      )}
    </section>
  );
}

function CheckLine({ check }: { check: CheckRow }): ReactNode {
  const problem = check.outcome in rank;
  return (
    <tr className={problem ? 'run-check-problem' : undefined} data-check={check.name} data-outcome={check.outcome}>
      <td data-label="Node">
        <NodeIdLink id={check.nodeId} />
      </td>
      <td data-label="Check">
        {check.name}
        {check.text && check.text !== check.name && (
          <span className="run-check-text">
            <code>{check.text}</code>
          </span>
        )}
      </td>
      <td data-label="Outcome">
        <OutcomeBadge outcome={check.outcome} />
      </td>
      <td className="num" data-label="Value">
        {formatCheckValue(check.value)}
      </td>
      <td data-label="Threshold">{check.threshold}</td>
      <td data-label="Message">
        {check.message && <RichText text={check.message} />}
        {check.sample && check.sample.length > 0 && <Sample rows={check.sample} />}
        {check.sampleHidden && (
          <p className="run-sample-hidden">
            <span aria-hidden="true">⊘ </span>Sample rows are hidden: you may not read this port.
          </p>
        )}
      </td>
    </tr>
  );
}

/** A node id as a link to its product, which may wrap after its `:` and `.`, never inside a name. */
function NodeIdLink({ id }: { id: string }): ReactNode {
  const product = productOfNode(id);
  const code = (
    <code>
      <Breakable text={id} />
    </code>
  );
  return product ? <Link to={paths.product(product)}>{code}</Link> : code;
}

/** A node id that may wrap after its `:` and `.`, never inside a name. */
function Breakable({ text }: { text: string }): ReactNode {
  return text.split(/(?<=[:.])/).map((part, i) => (
    <span key={i}>
      {i > 0 && <wbr />}
      {part}
    </span>
  ));
}

function Sample({ rows }: { rows: readonly Record<string, unknown>[] }): ReactNode {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return (
    <details className="run-sample">
      <summary>Sample of offending rows ({formatCount(rows.length)})</summary>
      <ScrollRegion label="Sample rows">
        <table>
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column} scope="col">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={i}>
                {columns.map((column) => (
                  <td key={column} className="mono">
                    {cell(row[column])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </details>
  );
}
