/** The strip on top of the catalog: what the mesh holds, how healthy it is, and whether it loads. */
import type { ReactNode } from 'react';
import type { Loaded } from '../../api/client.js';
import type { Diagnostic, Health, MeshSummary } from '../../api/types.js';
import { Link, paths } from '../../router.js';
import { formatAgo, formatCount } from '../../ui/format.js';
import { HealthBadge, healthLabel } from '../../ui/health.js';
import { HEALTHS, viewHref, withFilter, type CatalogView } from './view.js';

/** Enough diagnostics to see what is wrong; the CLI's `tessera lint` lists them all. */
const SHOWN_DIAGNOSTICS = 8;

export function MeshSummaryStrip({ mesh, view }: { mesh: Loaded<MeshSummary>; view: CatalogView }): ReactNode {
  if (mesh.state === 'error') {
    return (
      <div className="error-box" role="alert">
        <strong>Could not read the mesh summary.</strong> {mesh.error.message}
      </div>
    );
  }
  if (mesh.state === 'loading') return <div className="mesh-strip panel" aria-hidden="true" />;
  const data = mesh.data;
  const counts: [string, number][] = [
    ['products', data.counts.products],
    ['ports', data.counts.ports],
    ['teams', data.counts.teams],
    ['domains', data.counts.domains],
  ];
  return (
    <>
      <section className="mesh-strip panel" aria-label={`Mesh ${data.name}`}>
        <div className="mesh-about">
          <p className="mesh-name">
            Mesh <strong>{data.name}</strong>
            {data.latestRun != null && (
              <>
                {' · '}
                <Link to={paths.run(data.latestRun)}>latest run #{data.latestRun}</Link>
              </>
            )}
          </p>
          {data.description && <p className="mesh-description">{data.description}</p>}
        </div>
        <dl className="mesh-counts">
          {counts.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{formatCount(value)}</dd>
            </div>
          ))}
        </dl>
        <HealthCounts counts={data.health} view={view} />
      </section>
      {(data.broken || data.diagnostics.length > 0) && <BrokenMesh summary={data} />}
    </>
  );
}

/** Each count is a link to the catalog filtered on that health (again: the filter off). */
function HealthCounts({ counts, view }: { counts: Record<Health, number>; view: CatalogView }): ReactNode {
  return (
    <ul className="mesh-health" aria-label="Products by health">
      {HEALTHS.map((health) => {
        const active = view.filters.health === health;
        const to = viewHref(withFilter(view, 'health', active ? undefined : health));
        const label = `${formatCount(counts[health])} ${healthLabel(health).toLowerCase()}`;
        return (
          <li key={health}>
            <Link
              to={to}
              className={`mesh-health-link${active ? ' is-active' : ''}${counts[health] === 0 ? ' is-zero' : ''}`}
              aria-current={active ? 'true' : undefined}
              title={active ? 'Show every health again' : `Show only ${healthLabel(health).toLowerCase()} products`}
            >
              <HealthBadge health={health} compact />
              <span>{label}</span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

function where(d: Diagnostic): string {
  if (!d.file) return '';
  return `${d.file}${d.line != null ? `:${d.line}` : ''}${d.column != null ? `:${d.column}` : ''}`;
}

function countText(n: number): string {
  return n === 0 ? '' : ` (${formatCount(n)} error${n === 1 ? '' : 's'})`;
}

function BrokenMesh({ summary }: { summary: MeshSummary }): ReactNode {
  const shown = summary.diagnostics.slice(0, SHOWN_DIAGNOSTICS);
  return (
    <div className="error-box mesh-broken" role="alert">
      <p>
        {summary.broken ? (
          <>
            <strong>The mesh on disk does not load</strong>
            {countText(summary.diagnostics.length)}. The catalog shows the last version that loaded, from {formatAgo(summary.loadedAt)}.
          </>
        ) : (
          <>
            <strong>The mesh has errors</strong>
            {countText(summary.diagnostics.length)}.
          </>
        )}
      </p>
      {shown.length > 0 && (
        <ul>
          {shown.map((d, i) => (
            <li key={i}>
              {where(d) && <code>{where(d)}</code>} <code>{d.code}</code> {d.message}
              {d.hint && <span className="muted"> — {d.hint}</span>}
            </li>
          ))}
        </ul>
      )}
      {summary.diagnostics.length > shown.length && (
        <p className="muted">
          …and {formatCount(summary.diagnostics.length - shown.length)} more: run <code>tessera lint</code> to see them all.
        </p>
      )}
    </div>
  );
}
