/** What `tessera lint` finds in this product's files, with where to look. */
import type { ReactNode } from 'react';
import type { Diagnostic } from '../../api/types.js';

const severityOutcome: Record<string, string> = { error: 'failing', warning: 'warning' };

function location(d: Diagnostic): string {
  if (!d.file) return '–';
  return `${d.file}${d.line != null ? `:${d.line}` : ''}${d.column != null ? `:${d.column}` : ''}`;
}

export function LintTab({ findings }: { findings: readonly Diagnostic[] }): ReactNode {
  return (
    <>
      <h2>Lint findings</h2>
      {findings.length === 0 ? (
        <p className="checks-ok">
          <span aria-hidden="true">✔ </span>
          <code>tessera lint</code> finds nothing to improve in this product.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="lint-table">
            <thead>
              <tr>
                <th scope="col">Severity</th>
                <th scope="col">Code</th>
                <th scope="col">Finding</th>
                <th scope="col">Where</th>
              </tr>
            </thead>
            <tbody>
              {findings.map((d, i) => (
                <tr key={i}>
                  <td>
                    <span className={`outcome outcome-${severityOutcome[d.severity] ?? 'unknown'}`}>{d.severity}</span>
                  </td>
                  <td>
                    <code>{d.code}</code>
                  </td>
                  <td>
                    {d.message}
                    {d.hint && <div className="muted">{d.hint}</div>}
                  </td>
                  <td>
                    <code>{location(d)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
