/** Where the product's data comes from and where it goes: products upstream and downstream, and features. */
import type { ReactNode } from 'react';
import type { LineageLink, ProductDetail } from '../../api/types.js';
import { Link, paths } from '../../router.js';

function Links({ links, empty, through }: { links: readonly LineageLink[]; empty: string; through: string }): ReactNode {
  if (links.length === 0) return <p className="muted">{empty}</p>;
  const sorted = [...links].sort((a, b) => a.depth - b.depth || a.product.localeCompare(b.product));
  return (
    <table className="lineage-table">
      <thead>
        <tr>
          <th scope="col">Product</th>
          <th scope="col">{through}</th>
          <th scope="col">Distance</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((link) => (
          <tr key={link.product}>
            <th scope="row">
              <Link to={paths.product(link.product)}>{link.product}</Link>
            </th>
            <td>
              <span className="code-list">
                {link.ports.map((port) => (
                  <code key={port}>{port}</code>
                ))}
              </span>
            </td>
            <td>{link.depth === 1 ? 'direct' : `${link.depth} steps away`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function LineageTab({ product }: { product: ProductDetail }): ReactNode {
  const features = product.features ?? [];
  const elsewhere = product.lineage.features.filter((f) => f.product !== product.id);
  return (
    <>
      <h2>Lineage</h2>
      <div className="grid grid-2">
        <section className="panel" aria-labelledby="inputs-heading">
          <h3 id="inputs-heading">Inputs</h3>
          <Links links={product.lineage.upstream} through="Ports it reads" empty="Reads no other product: its data comes from its own sources." />
        </section>
        <section className="panel" aria-labelledby="consumers-heading">
          <h3 id="consumers-heading">Consumers</h3>
          <Links links={product.lineage.downstream} through="Ports they read" empty="No product reads this one yet." />
        </section>
      </div>
      <section className="panel features" aria-labelledby="features-heading">
        <h3 id="features-heading">Declared features</h3>
        {features.length === 0 ? (
          <p className="muted">No dashboards, reports or models are declared on this product.</p>
        ) : (
          <ul className="feature-list">
            {features.map((feature) => (
              <li key={feature.name}>
                <div className="feature-head">
                  <span className="pill">{feature.type}</span>{' '}
                  {feature.url ? (
                    <a href={feature.url} rel="noreferrer">
                      {feature.name}
                    </a>
                  ) : (
                    <strong>{feature.name}</strong>
                  )}
                </div>
                {feature.description && <p>{feature.description}</p>}
                {feature.inputs && feature.inputs.length > 0 && (
                  <p className="muted">
                    reads{' '}
                    <span className="code-list">
                      {feature.inputs.map((input) => (
                        <code key={input}>{input}</code>
                      ))}
                    </span>
                  </p>
                )}
              </li>
            ))}
          </ul>
        )}
        {elsewhere.length > 0 && (
          <>
            <h4>Features of other products that read this one</h4>
            <ul className="feature-list">
              {elsewhere.map((f) => (
                <li key={`${f.product}.${f.feature}`}>
                  <span className="pill">{f.type}</span> <strong>{f.feature}</strong> of <Link to={paths.product(f.product)}>{f.product}</Link>{' '}
                  <span className="muted">
                    reads{' '}
                    <span className="code-list">
                      {f.ports.map((port) => (
                        <code key={port}>{port}</code>
                      ))}
                    </span>
                  </span>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </>
  );
}
