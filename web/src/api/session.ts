/**
 * The catalog's session: who it acts as (`GET /api/me`), and whether the server said
 * 401 to any call. The token itself is an HttpOnly cookie the page never sees; the
 * server sets it (`POST /api/login`, or the login link) and clears it (`/api/logout`).
 */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Me } from './types.js';

let ended = false;
const listeners = new Set<() => void>();

/** A call answered 401: the token is missing, expired or revoked. */
export function sessionEnded(): void {
  if (ended) return;
  ended = true;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** True once any API call answered 401 (until the page reloads after logging in). */
export function useSessionEnded(): boolean {
  return useSyncExternalStore(subscribe, () => ended);
}

export const MeContext = createContext<Me | undefined>(undefined);

/** Who the catalog acts as; undefined only outside the logged-in app. */
export function useMe(): Me | undefined {
  return useContext(MeContext);
}

/** The e-mail, service name or "admin": what the header and request lists call this identity. */
export function subjectOf(me: Me): string {
  const { identity } = me;
  if (identity.kind === 'member' && identity.email) return identity.email;
  if (identity.kind === 'service') return `service:${identity.name ?? identity.label}`;
  if (identity.kind === 'admin') return `admin:${identity.name ?? 'admin'}`;
  return identity.label;
}
