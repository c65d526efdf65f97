/** Fetching from the API: one function for the request, one hook for components. */
import { useEffect, useState } from 'react';
import { sessionEnded } from './session.js';
import type { ApiErrorBody } from './types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The body of an answer, or an ApiError with the server's code and message. */
async function readJson<T>(response: Response): Promise<T> {
  if (!response.ok) {
    const body = (await response.json().catch(() => ({ code: 'http', message: response.statusText }))) as ApiErrorBody;
    // No (or no longer a valid) token: the app shows the login screen instead of the page.
    if (response.status === 401) sessionEnded();
    throw new ApiError(response.status, body.code, body.message);
  }
  return (await response.json()) as T;
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return readJson<T>(await fetch(path, { headers: { accept: 'application/json' }, ...(signal ? { signal } : {}) }));
}

export async function postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const init: RequestInit = { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify(body) };
  return readJson<T>(await fetch(path, signal ? { ...init, signal } : init));
}

/** The message to show for a failed call: the server's own for an ApiError. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export type Loaded<T> = { state: 'loading' } | { state: 'error'; error: ApiError | Error } | { state: 'ready'; data: T };

/**
 * GETs `path` (none while it is undefined) and refetches when it changes; a response to
 * an older path never overwrites a newer one.
 */
export function useApi<T>(path: string | undefined, refreshKey = 0): Loaded<T> {
  // The result remembers what it answers, so a new path reads as loading until its own answer lands.
  const [result, setResult] = useState<{ key: string; loaded: Loaded<T> } | undefined>(undefined);
  const key = `${path ?? ''}#${refreshKey}`;
  useEffect(() => {
    if (path === undefined) return;
    const controller = new AbortController();
    getJson<T>(path, controller.signal).then(
      (data) => {
        setResult({ key, loaded: { state: 'ready', data } });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setResult({ key, loaded: { state: 'error', error: error instanceof Error ? error : new Error(String(error)) } });
      },
    );
    return () => {
      controller.abort();
    };
  }, [path, key]);
  if (result?.key === key) return result.loaded;
  // A refresh of the same path keeps showing the previous answer instead of flashing "loading".
  if (result && result.loaded.state === 'ready' && result.key.split('#')[0] === (path ?? '')) return result.loaded;
  return { state: 'loading' };
}
