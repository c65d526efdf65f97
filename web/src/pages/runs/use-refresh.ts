import { useCallback, useEffect, useState } from 'react';

/** A refresh key for useApi, and `refresh` to bump it (refetch now). */
export function useRefreshKey(): { key: number; refresh: () => void } {
  const [key, setKey] = useState(0);
  const refresh = useCallback(() => {
    setKey((n) => n + 1);
  }, []);
  return { key, refresh };
}

/**
 * Calls `refresh` every `ms` while `active` — set from what the last answer said (a run
 * still in progress), so a page polls exactly as long as something is changing.
 */
export function usePollWhile(active: boolean, ms: number, refresh: () => void): void {
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(refresh, ms);
    return () => {
      window.clearInterval(timer);
    };
  }, [active, ms, refresh]);
}
