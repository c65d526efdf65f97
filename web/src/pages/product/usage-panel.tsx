/** "How do I use it?": the ports to read, who may read them, and a first query. */
import type { ReactNode } from 'react';
import type { ProductDetail } from '../../api/types.js';
import { formatCount } from '../../ui/format.js';

export function UsagePanel({ product, onShowPorts }: { product: ProductDetail; onShowPorts: () => void }): ReactNode {
  const ports = product.ports;
  const example = ports.find((p) => !p.deprecation) ?? ports[0];
  return (
    <section className="panel overview-panel" aria-labelledby="usage-heading">
      <h2 id="usage-heading">Use it</h2>
      {ports.length === 0 ? (
        <p className="muted">This product publishes no ports: there is nothing to read from it.</p>
      ) : (
        <>
          <ul className="usage-ports">
            {ports.map((port) => (
              <li key={port.id}>
                <code className="usage-port">{port.id}</code> <span className="pill">{port.access}</span>
                <span className="muted"> {port.current ? `${formatCount(port.current.rows)} rows` : 'not published yet'}</span>
                {port.deprecation && (
                  <span className="usage-deprecated">
                    deprecated, sunset {port.deprecation.sunset}
                    {port.deprecation.replaced_by && (
                      <>
                        {' '}
                        — use <code>{port.deprecation.replaced_by}</code>
                      </>
                    )}
                  </span>
                )}
              </li>
            ))}
          </ul>
          {example && (
            <>
              <p className="usage-hint">Query a port by its name, from the mesh's folder:</p>
              <pre className="usage-sql">
                <code>tessera query "select * from {example.id} limit 10"</code>
              </pre>
            </>
          )}
          <button type="button" className="button" onClick={onShowPorts}>
            Contracts and columns
          </button>
        </>
      )}
    </section>
  );
}
