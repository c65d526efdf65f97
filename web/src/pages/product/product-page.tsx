/**
 * `/products/:id`: one product. The first screen answers what it is, who owns it,
 * whether it is healthy and how to use it; the tabs hold the detail (contracts, checks,
 * lineage, runs, lint, and the internal graph, which loads xyflow only when opened).
 */
import { lazy, Suspense, useState, type ReactNode } from 'react';
import { ApiError, useApi } from '../../api/client.js';
import type { PortAccess, ProductAccess, ProductDetail } from '../../api/types.js';
import { Link, paths } from '../../router.js';
import { HealthBadge } from '../../ui/health.js';
import { ErrorState, LoadingState } from '../../ui/loading.js';
import { useTitle } from '../../ui/use-title.js';
import { ChecksTab } from './checks-tab.js';
import { checkCounts, latestNodeResults } from './derive.js';
import { HealthPanel } from './health-panel.js';
import { LineageTab } from './lineage-tab.js';
import { LintTab } from './lint-tab.js';
import { NoSuchProduct } from './not-found.js';
import { OwnerPanel } from './owner-panel.js';
import { PortContract } from './port-contract.js';
import { RunsTab } from './runs-tab.js';
import { TabList, TabPanel, useHashTab, type TabSpec } from './tabs.js';
import { UsagePanel } from './usage-panel.js';
import './product.css';
import { ProductIncidents } from '../incidents/index.js';

const ProductGraph = lazy(() => import('./product-graph.js').then((m) => ({ default: m.ProductGraph })));

const TABS = ['ports', 'checks', 'lineage', 'runs', 'lint', 'graph'] as const;
type Tab = (typeof TABS)[number];

export function ProductPage({ id }: { id: string }): ReactNode {
  useTitle(id);
  const loaded = useApi<ProductDetail>(`/api/products/${encodeURIComponent(id)}`);
  if (loaded.state === 'loading') return <LoadingState what={`product ${id}`} />;
  if (loaded.state === 'error') {
    const error = loaded.error;
    if (error instanceof ApiError && error.status === 404) return <NoSuchProduct id={id} message={error.message} />;
    // The API refuses an id without a dot (400) before looking: that is not a product either.
    if (error instanceof ApiError && error.status === 400) return <NoSuchProduct id={id} message={`\`${id}\` is not a product id.`} />;
    return <ErrorState error={error} />;
  }
  // Keyed by id: another product starts on its own first tab.
  return <ProductView key={id} product={loaded.data} />;
}

function Count({ n, tone }: { n: number; tone?: 'failing' | 'warning' }): ReactNode {
  return <span className={`tab-count${tone ? ` tab-count-${tone}` : ''}`}>{n}</span>;
}

function ProductView({ product }: { product: ProductDetail }): ReactNode {
  const [tab, setTab] = useHashTab<Tab>(TABS, 'ports');
  const counts = checkCounts(product);
  const latest = latestNodeResults(product.recentRuns);
  const errors = product.lint.filter((d) => d.severity === 'error').length;
  // What the caller may do with each port; refreshed after a request or a decision.
  const [accessKey, setAccessKey] = useState(0);
  const access = useApi<ProductAccess>(`/api/products/${encodeURIComponent(product.id)}/access`, accessKey);
  const accessOf = (portId: string): PortAccess | 'loading' | undefined => (access.state === 'loading' ? 'loading' : access.state === 'ready' ? access.data.ports.find((p) => p.port === portId) : undefined);
  const refreshAccess = (): void => {
    setAccessKey((key) => key + 1);
  };
  const tabs: TabSpec<Tab>[] = [
    { id: 'ports', label: <>Ports and contracts <Count n={product.ports.length} /></> },
    {
      id: 'checks',
      label: (
        <>
          Checks{' '}
          {counts.fail > 0 ? (
            <Count n={counts.fail} tone="failing" />
          ) : counts.warn > 0 ? (
            <Count n={counts.warn} tone="warning" />
          ) : (
            <Count n={counts.total} />
          )}
          {counts.fail > 0 && <span className="visually-hidden"> failing</span>}
        </>
      ),
    },
    { id: 'lineage', label: 'Lineage and features' },
    { id: 'runs', label: 'Recent runs' },
    { id: 'lint', label: <>Lint {product.lint.length > 0 && <Count n={product.lint.length} tone={errors > 0 ? 'failing' : 'warning'} />}</> },
    { id: 'graph', label: 'Internal graph' },
  ];
  const deprecated = product.status === 'deprecated' || product.sunset !== undefined;
  return (
    <article className="product">
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to={paths.catalog()}>Catalog</Link>
        <span aria-hidden="true"> / </span>
        <Link to={`/?domain=${encodeURIComponent(product.domain)}`}>{product.domain}</Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">{product.name}</span>
      </nav>
      <header className="product-header">
        <h1>
          <span className="product-domain">{product.domain}.</span>
          {product.name}
        </h1>
        <div className="product-badges">
          <HealthBadge health={product.health} />
          <span className="pill">{product.kind}</span>
          <span className={`pill${product.status === 'active' ? '' : ' pill-status'}`}>{product.status}</span>
          {(product.tags ?? []).map((tag) => (
            <Link key={tag} className="pill pill-tag" to={paths.catalog(tag)}>
              #{tag}
            </Link>
          ))}
        </div>
      </header>
      {deprecated && (
        <div className="deprecation" role="note">
          <strong>This product is {product.status === 'active' ? 'being retired' : product.status}.</strong>
          {product.sunset && <> Sunset on {product.sunset}.</>} Plan to move off it.
        </div>
      )}
      <ProductIncidents product={product.id} />
      <div className="product-about">
        {product.description ? <p className="product-lead">{product.description}</p> : <p className="muted">No description.</p>}
        {product.purpose && (
          <p className="product-purpose">
            <strong>Purpose.</strong> {product.purpose}
          </p>
        )}
      </div>
      <div className="product-overview">
        <HealthPanel
          product={product}
          onShowChecks={() => {
            setTab('checks');
          }}
        />
        <OwnerPanel owner={product.owner} />
        <UsagePanel
          product={product}
          onShowPorts={() => {
            setTab('ports');
          }}
        />
      </div>
      <TabList tabs={tabs} current={tab} onSelect={setTab} label="Product details" />
      <TabPanel id={tab}>
        {tab === 'ports' && (
          <>
            <h2 className="visually-hidden">Ports and contracts</h2>
            {product.ports.length === 0 ? <p className="muted">This product publishes no ports.</p> : product.ports.map((port) => <PortContract key={port.id} port={port} latest={latest.get(port.node)} access={accessOf(port.id)} onAccessChanged={refreshAccess} />)}
          </>
        )}
        {tab === 'checks' && <ChecksTab product={product} />}
        {tab === 'lineage' && <LineageTab product={product} />}
        {tab === 'runs' && <RunsTab product={product} />}
        {tab === 'lint' && <LintTab findings={product.lint} />}
        {tab === 'graph' && (
          <Suspense fallback={<LoadingState what="the graph" />}>
            <ProductGraph product={product} />
          </Suspense>
        )}
      </TabPanel>
    </article>
  );
}
