/** The catalog's frame: header with navigation and search, and the page for the current route. */
import { lazy, Suspense, useEffect, useRef, useState, type ComponentType, type ReactNode, type SyntheticEvent } from 'react';
import { useApi } from './api/client.js';
import { MeContext, useSessionEnded } from './api/session.js';
import type { Me } from './api/types.js';
import { AccessPage } from './pages/access/index.js';
import { IncidentPage, IncidentsPage } from './pages/incidents/index.js';
import { CatalogPage } from './pages/catalog/index.js';
import { LoginPage } from './pages/login/index.js';
import { ProductPage } from './pages/product/index.js';
import { QueryPage } from './pages/query/index.js';
import { RunPage, RunsPage } from './pages/runs/index.js';
import { TeamPage, TeamsPage } from './pages/teams/index.js';
import { Link, navigate, paths, useLocation } from './router.js';
import { IdentityBox } from './ui/identity.js';
import { ErrorState, LoadingState } from './ui/loading.js';
import { useTitle } from './ui/use-title.js';

// The map pulls in xyflow; other pages should not wait for it.
const loadMap = (): Promise<ComponentType> => import('./pages/map/index.js').then((m) => m.MapPage);
let loadedMap: ComponentType | undefined;
const LazyMap = lazy(() => loadMap().then((page) => ({ default: page })));

/**
 * Opening /map directly: main.tsx awaits this before the first render, so the map renders
 * at once instead of behind a Suspense fallback (which React holds for at least 300 ms).
 */
export async function preloadPage(path: string): Promise<void> {
  if (path === '/map') loadedMap = await loadMap();
}

function MapPage(): ReactNode {
  const Loaded = loadedMap;
  return Loaded ? <Loaded /> : <LazyMap />;
}

function route(path: string): ReactNode {
  const [, first = '', second] = path.split('/').map((part) => decodeURIComponent(part));
  if (first === '' || first === 'search') return <CatalogPage />;
  if (first === 'map' && second === undefined) return <MapPage />;
  if (first === 'products' && second) return <ProductPage id={second} />;
  if (first === 'teams' && !second) return <TeamsPage />;
  if (first === 'teams' && second) return <TeamPage id={second} />;
  if (first === 'runs' && !second) return <RunsPage />;
  if (first === 'runs' && second && /^\d+$/.test(second)) return <RunPage id={Number(second)} />;
  if (first === 'query' && second === undefined) return <QueryPage />;
  if (first === 'access' && second === undefined) return <AccessPage />;
  if (first === 'incidents' && !second) return <IncidentsPage />;
  if (first === 'incidents' && second && /^\d+$/.test(second)) return <IncidentPage id={Number(second)} />;
  return <NotFound />;
}

function NotFound(): ReactNode {
  useTitle('Not found');
  return (
    <section>
      <h1>Nothing here</h1>
      <p>
        This address is not a page of the catalog. <Link to={paths.catalog()}>Go to the catalog</Link>.
      </p>
    </section>
  );
}

function SearchBox(): ReactNode {
  const { path, query } = useLocation();
  const current = path === '/' ? (query.get('q') ?? '') : '';
  const [text, setText] = useState(current);
  const [shown, setShown] = useState(current);
  // Navigation (back, a link with ?q=) changes the query: the box follows it.
  if (shown !== current) {
    setShown(current);
    setText(current);
  }
  const input = useRef<HTMLInputElement>(null);
  // "/" focuses the search from anywhere, as on most catalog sites.
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const target = event.target as HTMLElement | null;
      if (event.key !== '/' || target?.closest('input, textarea, select, [contenteditable]')) return;
      event.preventDefault();
      input.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, []);
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    navigate(paths.catalog(text.trim()));
  };
  return (
    <form role="search" className="header-search" onSubmit={submit}>
      <label htmlFor="global-search" className="visually-hidden">
        Search data products
      </label>
      <input
        id="global-search"
        ref={input}
        type="search"
        placeholder="Search products, columns, terms…  ( / )"
        value={text}
        autoComplete="off"
        onChange={(event) => {
          setText(event.target.value);
          // Typing on the catalog page searches in place, keeping its filters; elsewhere Enter goes there.
          if (path === '/') {
            const next = new URLSearchParams(window.location.search);
            if (event.target.value) next.set('q', event.target.value);
            else next.delete('q');
            const search = next.toString();
            navigate(search ? `/?${search}` : '/', { replace: true });
          }
        }}
      />
    </form>
  );
}

const sections = [
  { to: paths.catalog(), label: 'Catalog', match: (p: string) => p === '/' || p.startsWith('/products') },
  { to: paths.map(), label: 'Mesh map', match: (p: string) => p.startsWith('/map') },
  { to: paths.teams(), label: 'Teams', match: (p: string) => p.startsWith('/teams') },
  { to: paths.runs(), label: 'Runs', match: (p: string) => p.startsWith('/runs') },
  { to: paths.incidents(), label: 'Incidents', match: (p: string) => p.startsWith('/incidents') },
  { to: paths.query(), label: 'Query', match: (p: string) => p.startsWith('/query') },
  { to: paths.access(), label: 'Access', match: (p: string) => p.startsWith('/access') },
];

function Brand(): ReactNode {
  return (
    <Link to={paths.catalog()} className="brand" aria-label="Tessera home">
      <span className="brand-mark" aria-hidden="true" />
      <span className="brand-name">Tessera</span>
    </Link>
  );
}

/**
 * Who the catalog acts as comes first (`/api/me`): without a session (a 401 from any
 * call, now or later) the login screen stands in for the page, at the same address.
 */
export function App(): ReactNode {
  const ended = useSessionEnded();
  const me = useApi<Me>(ended ? undefined : '/api/me');
  if (ended || me.state !== 'ready') {
    return (
      <>
        <header className="site-header">
          <Brand />
        </header>
        <main id="main" className="main" tabIndex={-1}>
          {ended ? <LoginPage /> : me.state === 'error' ? <ErrorState error={me.error} /> : <LoadingState what="the catalog" />}
        </main>
      </>
    );
  }
  return (
    <MeContext value={me.data}>
      <Catalog me={me.data} />
    </MeContext>
  );
}

function Catalog({ me }: { me: Me }): ReactNode {
  const { path } = useLocation();
  const wide = path.startsWith('/map');
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Brand />
        <nav aria-label="Sections">
          <ul>
            {sections.map((section) => (
              <li key={section.to}>
                <Link to={section.to} aria-current={section.match(path) ? 'page' : undefined}>
                  {section.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <SearchBox />
        <IdentityBox me={me} />
      </header>
      <main id="main" className={wide ? 'main-wide' : 'main'} tabIndex={-1}>
        <Suspense fallback={<LoadingState what="the page" />}>{route(path)}</Suspense>
      </main>
    </>
  );
}
