/** Turns node-postgres errors into `WarehouseError`s that say where the problem is. */
import { WarehouseError } from '../warehouse.js';

/** What node-postgres reports of a server error (pg's DatabaseError), as far as Tessera reads it. */
interface ServerError {
  readonly message: string;
  /** SQLSTATE, e.g. 42703 for an undefined column. */
  readonly code?: string;
  /** 1-based character offset into the statement text, as a string. */
  readonly position?: string;
  readonly detail?: string;
  readonly hint?: string;
}

/** SQLSTATE of a statement stopped by a cancel request (`interrupt()`). */
export const queryCanceled = '57014';

export function sqlError(error: unknown, sql: string): WarehouseError {
  if (error instanceof WarehouseError) return error;
  const server = serverError(error);
  if (server === undefined) return new WarehouseError('warehouse/sql', messageOf(error), { sql, cause: error });
  const extra = [server.detail, server.hint === undefined ? undefined : `Hint: ${server.hint}`].filter((part) => part !== undefined && part !== '');
  const message = [server.message, ...extra].join('\n');
  const where = server.position === undefined ? {} : locate(sql, Number(server.position));
  return new WarehouseError('warehouse/sql', message, { sql, cause: error, ...where });
}

/** A failure to reach or log in to the server; the URL is named without its password. */
export function openError(error: unknown, url: string): WarehouseError {
  return new WarehouseError('warehouse/open', `Could not connect to the PostgreSQL warehouse at ${redacted(url)}: ${messageOf(error)}`, { cause: error });
}

/** A URL fit for a message: user, host, port and database, never the password. */
export function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(an unreadable URL)';
  }
}

/**
 * Line and column (both 1-based) of PostgreSQL's position, which counts characters
 * (code points) of the whole text sent, across statements.
 */
export function locate(sql: string, position: number): { line?: number; column?: number } {
  if (!Number.isInteger(position) || position < 1) return {};
  const before = Array.from(sql).slice(0, position - 1).join('');
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length, column: Array.from(lines.at(-1) ?? '').length + 1 };
}

function serverError(error: unknown): ServerError | undefined {
  if (!(error instanceof Error)) return undefined;
  const fields = error as Error & Partial<Record<'code' | 'position' | 'detail' | 'hint', unknown>>;
  // Server errors carry a five-character SQLSTATE; socket errors carry codes like ECONNRESET.
  if (typeof fields.code !== 'string' || !/^[0-9A-Z]{5}$/.test(fields.code)) return undefined;
  const server: { -readonly [K in keyof ServerError]: ServerError[K] } = { message: error.message, code: fields.code };
  if (typeof fields.position === 'string') server.position = fields.position;
  if (typeof fields.detail === 'string') server.detail = fields.detail;
  if (typeof fields.hint === 'string') server.hint = fields.hint;
  return server;
}

export function sqlState(error: unknown): string | undefined {
  const cause = error instanceof WarehouseError ? error.cause : error;
  return serverError(cause)?.code;
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
  if (error instanceof Error) return error.message === '' ? ((error as Error & { code?: string }).code ?? error.name) : error.message;
  return String(error);
}
