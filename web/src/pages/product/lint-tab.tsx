/** What `tessera lint` finds in this product's files, with where to look. */
import type { ReactNode } from 'react';
import type { Diagnostic } from '../../api/types.js';
import { RichText } from '../../ui/rich-text.js';
import { ScrollRegion } from '../../ui/scroll-region.js';

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
        <ScrollRegion label="Lint findings">
          <table className="lint-table stack">
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
                  <td data-label="Severity">
                    <span className={`outcome outcome-${severityOutcome[d.severity] ?? 'unknown'}`}>{d.severity}</span>
                  </td>
                  <td data-label="Code">
                    <code>{d.code}</code>
                  </td>
                  <td data-label="Finding">
                    <RichText text={d.message} />
                    {d.hint && (
                      <div className="muted">
                        <RichText text={d.hint} />
                      </div>
                    )}
                  </td>
                  <td data-label="Where">
                    <code>{location(d)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </>
  );
}
