import { useState } from 'react';
import type { Loaded } from '../../api/client.js';

/**
 * The newest answer so far while a newer request is under way: search results change in
 * place as one types instead of blinking to "loading" on every keystroke.
 */
export function useLastReady<T>(loaded: Loaded<T>): { data: T | undefined; pending: boolean; error: Error | undefined } {
  const [last, setLast] = useState<T | undefined>(undefined);
  // Adjusting state while rendering (as React's docs advise over an effect): no extra paint.
  if (loaded.state === 'ready' && loaded.data !== last) setLast(loaded.data);
  return {
    data: loaded.state === 'ready' ? loaded.data : last,
    pending: loaded.state === 'loading',
    error: loaded.state === 'error' ? loaded.error : undefined,
  };
}
