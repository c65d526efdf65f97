/**
 * `/map`: the mesh map — every product as a node inside its domain's box, arrows from the
 * products that publish ports to the products that read them, coloured by health. The
 * server lays it out (GET /api/map); this page draws it, filters it and opens products.
 */
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useDeferredValue, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, getJson, type Loaded } from '../../api/client.js';
import { Link, paths as routes } from '../../router.js';
import { formatCount } from '../../ui/format.js';
import { ErrorState, LoadingState } from '../../ui/loading.js';
import { useTitle } from '../../ui/use-title.js';
import { edgePaths } from './edge-layer.js';
import { healthCounts, isFiltering, noFilter, productMatcher, type MapFilter } from './filter.js';
import { domainNodeId, filteredNodes, flowNodes } from './flow-nodes.js';
import { FIT_PADDING } from './geometry.js';
import { HELP_ID, MapCanvas } from './map-canvas.js';
import { MapList } from './map-list.js';
import { MapToolbar } from './map-toolbar.js';
import type { MeshMap } from './types.js';
import '@xyflow/react/dist/style.css';
import './map.css';

const MAP_API = '/api/map';

/**
 * The map's data is what opening the page waits for longest, so its request starts as
 * soon as this module (loaded only for /map) is evaluated rather than after the page's
 * first render; the first MapPage takes it, later visits ask again.
 */
let early: Promise<MeshMap> | undefined = getJson<MeshMap>(MAP_API);

function useMeshMap(): Loaded<MeshMap> {
  const [loaded, setLoaded] = useState<Loaded<MeshMap>>({ state: 'loading' });
  useEffect(() => {
    let current = true;
    const request = early ?? getJson<MeshMap>(MAP_API);
    early = undefined;
    request.then(
      (data) => {
        if (current) setLoaded({ state: 'ready', data });
      },
      (error: unknown) => {
        if (current) setLoaded({ state: 'error', error: error instanceof Error ? error : new Error(String(error)) });
      },
    );
    return () => {
      current = false;
    };
  }, []);
  return loaded;
}

export function MapPage(): ReactNode {
  useTitle('Mesh map');
  const loaded = useMeshMap();
  if (loaded.state === 'ready') {
    return (
      <ReactFlowProvider>
        <MapView map={loaded.data} />
      </ReactFlowProvider>
    );
  }
  return (
    <div className="map-page">
      <MapHeading />
      <div className="map-message">{loaded.state === 'loading' ? <LoadingState what="the mesh map" /> : <MapError error={loaded.error} />}</div>
    </div>
  );
}

function MapHeading({ map }: { map?: MeshMap }): ReactNode {
  const domains = map?.domains.length ?? 0;
  const products = map?.products.length ?? 0;
  return (
    <div className="map-heading">
      <h1>Mesh map</h1>
      <p className="subtitle">
        {map ? `${formatCount(products)} product${products === 1 ? '' : 's'} in ${formatCount(domains)} domain${domains === 1 ? '' : 's'}. ` : ''}
        Arrows run from a product that publishes a port to the products that read it.
      </p>
    </div>
  );
}

function MapError({ error }: { error: Error }): ReactNode {
  if (error instanceof ApiError && error.code === 'mesh_broken') {
    return (
      <div className="error-box" role="alert">
        <strong>The mesh has errors and has never loaded, so there is no map to draw.</strong> {error.message} Run <code>tessera validate</code> to see them; the
        map appears once the files load.
      </div>
    );
  }
  return <ErrorState error={error} />;
}

/** Below this width the page opens as a list: a map of boxes and arrows does not fit a phone. */
const LIST_QUERY = '(max-width: 599px)';

type MapMode = 'map' | 'list';

function ModeToggle({ mode, onMode }: { mode: MapMode; onMode: (mode: MapMode) => void }): ReactNode {
  return (
    <div className="map-mode" role="group" aria-label="Show the mesh as">
      {(['map', 'list'] as const).map((m) => (
        <button
          key={m}
          type="button"
          className="button"
          aria-pressed={mode === m}
          onClick={() => {
            onMode(m);
          }}
        >
          {m === 'map' ? 'Map' : 'List'}
        </button>
      ))}
    </div>
  );
}

function MapView({ map }: { map: MeshMap }): ReactNode {
  const [filter, setFilter] = useState<MapFilter>(noFilter);
  const [mode, setMode] = useState<MapMode>(() => (typeof window.matchMedia === 'function' && window.matchMedia(LIST_QUERY).matches ? 'list' : 'map'));
  // Typing stays responsive: a thousand nodes re-render behind it, not in its way.
  const shown = useDeferredValue(filter);
  const flow = useReactFlow();
  const base = useMemo(() => flowNodes(map), [map]);
  const paths = useMemo(() => edgePaths(map), [map]);
  const counts = useMemo(() => healthCounts(map.products), [map]);
  const matched = useMemo(() => (isFiltering(shown) ? new Set(map.products.filter(productMatcher(shown)).map((p) => p.id)) : undefined), [map, shown]);
  const nodes = useMemo(() => filteredNodes(base, matched, shown.domain, shown.text.trim() !== '' || shown.health !== ''), [base, matched, shown]);
  const matchCount = useMemo(() => (isFiltering(filter) ? map.products.filter(productMatcher(filter)).length : map.products.length), [map, filter]);

  const zoomToMatches = (): void => {
    const ids = map.products.filter(productMatcher(filter)).map((p) => ({ id: p.id }));
    if (ids.length > 0) void flow.fitView({ nodes: ids, padding: 0.15, maxZoom: 1, duration: 300 });
  };
  const onFilter = (next: MapFilter): void => {
    setFilter(next);
    // Choosing a domain goes there; going back to all domains shows them all.
    if (next.domain !== filter.domain) {
      void flow.fitView({ ...(next.domain === '' ? {} : { nodes: [{ id: domainNodeId(next.domain) }] }), padding: FIT_PADDING, duration: 300 });
    }
  };

  return (
    <div className={mode === 'list' ? 'map-page is-list' : 'map-page'}>
      <div className="map-toolbar">
        <MapHeading map={map} />
        {map.products.length > 0 ? <ModeToggle mode={mode} onMode={setMode} /> : null}
        {map.products.length > 0 ? (
          <MapToolbar domains={map.domains} counts={counts} total={map.products.length} filter={filter} matches={matchCount} onFilter={onFilter} onZoomToMatches={zoomToMatches} />
        ) : null}
      </div>
      {map.broken ? (
        <p className="map-notice" role="status">
          The mesh files have errors: this is the last version that loaded. Run <code>tessera validate</code> to see what is wrong.
        </p>
      ) : null}
      {map.products.length === 0 ? (
        // Still the map's container, so that whatever waits for the map sees it drawn: empty.
        <div className="map-message" data-testid="mesh-map" data-products="0" data-ready="true">
          <div className="panel">
            <h2>No products yet</h2>
            <p>
              The map shows the mesh&apos;s data products once there are some: add a <code>product.yaml</code> under <code>products/&lt;domain&gt;/&lt;name&gt;/</code> and the
              server picks it up. The <Link to={routes.catalog()}>catalog</Link> lists them as they arrive.
            </p>
          </div>
        </div>
      ) : mode === 'list' ? (
        <MapList map={map} matched={matched} />
      ) : (
        <>
          <p id={HELP_ID} className="map-help">
            Drag to pan; scroll, <kbd>+</kbd> or <kbd>−</kbd> to zoom; <kbd>0</kbd> fits the mesh. <kbd>Tab</kbd> reaches the products, arrow keys move to the nearest one
            that way, <kbd>Enter</kbd> opens it.
          </p>
          <MapCanvas map={map} nodes={nodes} paths={paths} matched={matched} domain={shown.domain} />
        </>
      )}
    </div>
  );
}
