/** What the last runs did with this product's nodes: status, duration and rows, per run. */
import type { ReactNode } from 'react';
import type { NodeResult, ProductDetail } from '../../api/types.js';
import { Link, paths } from '../../router.js';
import { formatCount, formatDateTime, formatDuration } from '../../ui/format.js';
import { OutcomeBadge } from '../../ui/health.js';
import { nodeLabel } from './derive.js';
import { RichText } from '../../ui/rich-text.js';
import { ScrollRegion } from '../../ui/scroll-region.js';

function byRun(results: readonly NodeResult[]): [number | undefined, NodeResult[]][] {
  const groups = new Map<number | undefined, NodeResult[]>();
  for (const result of results) {
    const list = groups.get(result.runId) ?? [];
    list.push(result);
    groups.set(result.runId, list);
  }
  return [...groups].sort((a, b) => (b[0] ?? 0) - (a[0] ?? 0));
}

/** Models are named `<product>.<model>`; inside the product's page the prefix says nothing. */
function shortLabel(nodeId: string, product: string): string {
  const label = nodeLabel(nodeId);
  return label.startsWith(`${product}.`) && !nodeId.startsWith('port:') ? label.slice(product.length + 1) : label;
}

export function RunsTab({ product }: { product: ProductDetail }): ReactNode {
  if (product.recentRuns.length === 0) {
    return (
      <>
        <h2>Recent runs</h2>
        <p className="muted">No recent run built this product.</p>
      </>
    );
  }
  return (
    <>
      <h2>Recent runs</h2>
      <ScrollRegion label={`Recent runs of ${product.id}`} className="panel">
        <table className="runs-table">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Node</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Duration
              </th>
              <th scope="col" className="num">
                Rows
              </th>
              <th scope="col">Started</th>
            </tr>
          </thead>
          {byRun(product.recentRuns).map(([runId, results]) => (
            <tbody key={runId ?? 'none'} className="run-group">
              {results.map((result, i) => {
                const error = result.error?.message;
                return (
                  <tr key={result.nodeId} className={result.status === 'failed' ? 'is-failing' : undefined}>
                    {i === 0 && (
                      <th scope="rowgroup" rowSpan={results.length}>
                        {runId === undefined ? '–' : <Link to={paths.run(runId)}>#{runId}</Link>}
                      </th>
                    )}
                    <td>
                      <span className="muted">{result.kind}</span> <code>{shortLabel(result.nodeId, product.id)}</code>
                      {error && (
                        <div className="run-error">
                          <RichText text={error} />
                        </div>
                      )}
                      {result.warnings && result.warnings.length > 0 && (
                        <div className="run-warning">
                          <RichText text={result.warnings.join('; ')} />
                        </div>
                      )}
                    </td>
                    <td>
                      <OutcomeBadge outcome={result.status} />
                    </td>
                    <td className="num">{formatDuration(result.durationMs)}</td>
                    <td className="num">{result.rows === undefined ? '–' : formatCount(result.rows)}</td>
                    <td className="run-started">{formatDateTime(result.startedAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          ))}
        </table>
      </ScrollRegion>
    </>
  );
}
