import { WarehouseError } from '../warehouse/index.js';

export type GatewayErrorCode = 'refused' | 'syntax' | 'timeout' | 'cancelled' | 'rate_limited' | 'query_failed' | 'unauthorized';

/**
 * The one answer to every refusal, whatever the reason: a hidden port, an internal
 * table, a table function and a misspelt name all read the same, so a refusal never
 * tells whether something exists.
 */
export const REFUSED =
  'Query refused: a consumer query is one SELECT (or WITH … SELECT) that reads only ports you may read, named <domain>.<port>. `tessera query --ports` or GET /api/sql/ports lists them.';

export class GatewayError extends Error {
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    /** Why, for the audit log and the server log only: never sent to the caller. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

/**
 * An engine error as a consumer may see it: no quoted values (a failed cast would echo
 * a value), no suggestions over names (DuckDB's "Did you mean"), no statement text (it
 * holds the rewritten, internal names). When internal names remain, only the class of
 * the error is told.
 */
export function consumerError(error: unknown): GatewayError {
  const raw = error instanceof WarehouseError || error instanceof Error ? error.message : String(error);
  const firstLine = raw.split('\n')[0] ?? '';
  let message = firstLine
    .replace(/'(?:[^']|'')*'/g, "'…'")
    .replace(/(Did you mean|Candidate bindings|Candidates)[\s\S]*$/i, '')
    .trim();
  if (/tessera_|__/i.test(message)) message = `${/^([A-Za-z ]+Error)/.exec(message)?.[1] ?? 'Error'}: the query failed.`;
  return new GatewayError('query_failed', message || 'The query failed.', raw);
}
