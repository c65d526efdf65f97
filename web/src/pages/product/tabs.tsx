/**
 * The product page's tabs, as the ARIA tabs pattern has them: one tab stop, arrow keys
 * move between tabs, and the selected tab is in the URL's hash (`/products/x#checks`,
 * as `paths.product(id, tab)` writes it) so that a link can open one.
 */
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface TabSpec<Id extends string> {
  readonly id: Id;
  readonly label: ReactNode;
}

function fromHash<Id extends string>(ids: readonly Id[], fallback: Id): Id {
  const hash = decodeURIComponent(window.location.hash.slice(1));
  return (ids as readonly string[]).includes(hash) ? (hash as Id) : fallback;
}

/** The selected tab and a setter that also writes the hash (replacing: tabs are not pages for Back). */
export function useHashTab<Id extends string>(ids: readonly Id[], fallback: Id): [Id, (id: Id) => void] {
  const [tab, setTab] = useState<Id>(() => fromHash(ids, fallback));
  const idsKey = ids.join(' ');
  useEffect(() => {
    const onHash = (): void => {
      setTab(fromHash(idsKey.split(' ') as Id[], fallback));
    };
    window.addEventListener('hashchange', onHash);
    return () => {
      window.removeEventListener('hashchange', onHash);
    };
  }, [idsKey, fallback]);
  const select = (id: Id): void => {
    setTab(id);
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}#${id}`);
  };
  return [tab, select];
}

export const tabId = (id: string): string => `tab-${id}`;
export const panelId = (id: string): string => `panel-${id}`;

export function TabList<Id extends string>({ tabs, current, onSelect, label }: { tabs: readonly TabSpec<Id>[]; current: Id; onSelect: (id: Id) => void; label: string }): ReactNode {
  const list = useRef<HTMLDivElement>(null);
  const onKey = (event: KeyboardEvent<HTMLDivElement>): void => {
    const index = tabs.findIndex((t) => t.id === current);
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
    const to = moves[event.key];
    if (to === undefined) return;
    event.preventDefault();
    const next = tabs[(to + tabs.length) % tabs.length];
    if (!next) return;
    onSelect(next.id);
    list.current?.querySelector<HTMLButtonElement>(`#${tabId(next.id)}`)?.focus();
  };
  return (
    <div className="tabs product-tabs" role="tablist" aria-label={label} ref={list} onKeyDown={onKey}>
      {tabs.map((tab) => (
        <button
          key={tab.id}
          type="button"
          role="tab"
          id={tabId(tab.id)}
          aria-selected={tab.id === current}
          aria-controls={panelId(tab.id)}
          tabIndex={tab.id === current ? 0 : -1}
          onClick={() => {
            onSelect(tab.id);
          }}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}

export function TabPanel({ id, children }: { id: string; children: ReactNode }): ReactNode {
  return (
    <div role="tabpanel" id={panelId(id)} aria-labelledby={tabId(id)} tabIndex={0} className="tab-panel">
      {children}
    </div>
  );
}
