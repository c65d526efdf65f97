import type { DiagnosticJson } from '../../diagnostics/index.js';

/** An answer other than 200 that a handler decides on; the app's error handler turns it into `{ code, message }`. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly diagnostics?: readonly DiagnosticJson[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function notFound(message: string): ApiError {
  return new ApiError(404, 'not_found', message);
}
