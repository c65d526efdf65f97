/** A product's open incidents as a banner: its own, and those upstream that leave its inputs stale. Nothing when there are none. */
import type { ReactNode } from 'react';
import { useApi } from '../../api/client.js';
import type { Incident } from '../../api/types.js';
import { Link, paths } from '../../router.js';
import './incidents.css';

export function ProductIncidents({ product }: { product: string }): ReactNode {
  const loaded = useApi<{ incidents: Incident[] }>(`/api/incidents?product=${encodeURIComponent(product)}&status=active`);
  if (loaded.state !== 'ready' || loaded.data.incidents.length === 0) return null;
  const own = loaded.data.incidents.filter((i) => i.relation === 'own');
  const upstream = loaded.data.incidents.filter((i) => i.relation === 'upstream');
  return (
    <div className="product-incidents" role="note">
      {own.length > 0 ? (
        <p data-relation="own">
          <strong>{own.length === 1 ? 'An open incident' : `${own.length} open incidents`}:</strong>{' '}
          {own.map((i, n) => (
            <span key={i.id}>
              {n > 0 ? '; ' : ''}
              <Link to={paths.incident(i.id)}>
                #{i.id} {i.title}
              </Link>{' '}
              ({i.status})
            </span>
          ))}
        </p>
      ) : null}
      {upstream.map((i) => (
        <p key={i.id} data-relation="upstream" data-incident={i.id}>
          <strong>Your input is stale</strong> because of <Link to={paths.incident(i.id)}>#{i.id} {i.title}</Link>, owned by <Link to={paths.team(i.team)}>{i.team}</Link> ({i.status}).
        </p>
      ))}
    </div>
  );
}
