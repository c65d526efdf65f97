/** The failed nodes of a run and why, with the file and line to fix. */
import type { ReactNode } from 'react';
import type { NodeResult } from '../../api/types.js';
import { Link, paths } from '../../router.js';
import { errorPlace, nodeError } from './node-text.js';
import { NodeLink, RichText } from '../../ui/rich-text.js';

export function NodeErrors({ nodes }: { nodes: readonly NodeResult[] }): ReactNode {
  const failed = nodes.filter((node) => node.status === 'failed');
  if (failed.length === 0) return null;
  return (
    <section className="panel run-errors" aria-labelledby="run-errors-heading">
      <h2 id="run-errors-heading">
        <span aria-hidden="true">✖ </span>
        {failed.length === 1 ? '1 node failed' : `${failed.length} nodes failed`}
      </h2>
      <ul className="run-error-list">
        {failed.map((node) => {
          const error = nodeError(node.error);
          const place = error ? errorPlace(error) : undefined;
          return (
            <li key={node.nodeId}>
              <p className="run-error-node">
                <NodeLink id={node.nodeId} /> in <Link to={paths.product(node.product)}>{node.product}</Link>
                {error?.code && <span className="pill">{error.code}</span>}
              </p>
              <p className="run-error-message">{error?.message ? <RichText text={error.message} /> : 'No error message was recorded.'}</p>
              {place && (
                <p className="muted">
                  at <code>{place}</code>
                </p>
              )}
              {error?.hint && (
                <p className="run-error-hint">
                  <RichText text={error.hint} />
                </p>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
