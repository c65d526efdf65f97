/** What a page shows while its data loads, or when it could not. */
import type { ReactNode } from 'react';
import type { Loaded } from '../api/client.js';

export function LoadingState({ what }: { what: string }): ReactNode {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function ErrorState({ error }: { error: Error }): ReactNode {
  return (
    <div className="error-box" role="alert">
      <strong>Could not load this page.</strong> {error.message}
    </div>
  );
}

/** Renders `children(data)` once loaded, else the loading or error state. */
export function WhenLoaded<T>({ loaded, what, children }: { loaded: Loaded<T>; what: string; children: (data: T) => ReactNode }): ReactNode {
  if (loaded.state === 'loading') return <LoadingState what={what} />;
  if (loaded.state === 'error') return <ErrorState error={loaded.error} />;
  return children(loaded.data);
}
