/**
 * A small history router: eight routes do not need a routing library. Links are real
 * anchors (middle-click and copy link work); a plain click navigates in place.
 */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  for (const listener of listeners) listener();
  if (!options.replace) window.scrollTo(0, 0);
}

/** The current path and query string, re-rendering on navigation. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, () => window.location.pathname + window.location.search);
  const url = new URL(href, window.location.origin);
  return { path: url.pathname, query: url.searchParams };
}

export function Link({ to, children, ...rest }: { to: string; children: ReactNode } & AnchorHTMLAttributes<HTMLAnchorElement>): ReactNode {
  const onClick = (event: MouseEvent<HTMLAnchorElement>): void => {
    rest.onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a {...rest} href={to} onClick={onClick}>
      {children}
    </a>
  );
}

export const paths = {
  catalog: (query?: string) => (query ? `/?q=${encodeURIComponent(query)}` : '/'),
  map: () => '/map',
  product: (id: string, tab?: string) => `/products/${encodeURIComponent(id)}${tab ? `#${tab}` : ''}`,
  teams: () => '/teams',
  team: (id: string) => `/teams/${encodeURIComponent(id)}`,
  runs: () => '/runs',
  run: (id: number) => `/runs/${id}`,
  query: (sql?: string) => (sql ? `/query?sql=${encodeURIComponent(sql)}` : '/query'),
  access: () => '/access',
  incidents: (team?: string) => (team ? `/incidents?team=${encodeURIComponent(team)}` : '/incidents'),
  incident: (id: number) => `/incidents/${id}`,
};
