import { useEffect } from 'react';

/** Sets the document title (what the browser tab and screen readers announce). */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Tessera` : 'Tessera';
  }, [title]);
}
