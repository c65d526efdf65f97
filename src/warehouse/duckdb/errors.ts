/** Turns DuckDB's exceptions into `WarehouseError`s that say where the problem is. */
import { WarehouseError } from '../warehouse.js';

/** Where DuckDB points within the statement: `LINE n: <echoed line>` then a caret line. */
const contextPattern = /\n\nLINE (\d+): ([^\n]*)\n( *)\^\s*$/;
const lockPattern = /Could not set lock on file "(.*)": Conflicting lock is held in .*?\(PID (\d+)\)/s;

export function sqlError(error: unknown, sql: string): WarehouseError {
  const raw = messageOf(error);
  const match = contextPattern.exec(raw);
  if (match === null) return new WarehouseError('warehouse/sql', raw.trim(), { sql, cause: error });
  const [, lineText = '', echoed = '', caretIndent = ''] = match;
  const where = locate(sql, Number(lineText), echoed, caretIndent.length - `LINE ${lineText}: `.length);
  return new WarehouseError('warehouse/sql', raw.slice(0, match.index).trim(), { sql, cause: error, ...where });
}

export function openError(error: unknown, path: string): WarehouseError {
  const raw = messageOf(error);
  const lock = lockPattern.exec(raw);
  if (lock !== null) {
    const holderPid = lock[2] === undefined ? undefined : Number(lock[2]);
    const holder = holderPid === undefined ? 'another process' : `another process (PID ${holderPid})`;
    return new WarehouseError(
      'warehouse/locked',
      `The database ${path} is in use by ${holder}; DuckDB lets one process open a file at a time. Stop that process, or use another database file.`,
      { cause: error, ...(holderPid === undefined ? {} : { holderPid }) },
    );
  }
  // DuckDB does not say which option it rejected.
  const hint = raw === 'Failed to set config' ? ' (check threads and memoryLimit)' : '';
  return new WarehouseError('warehouse/open', `Could not open the DuckDB database ${path}: ${raw}${hint}`, { cause: error });
}

/**
 * Line and column of DuckDB's caret, both 1-based. The line is given only when the text
 * DuckDB echoes is on that line of `sql`. DuckDB places the caret by display width and
 * may echo only a window of a long line between "..."; the column is given only when it
 * lines up with the source exactly.
 */
function locate(sql: string, line: number, echoed: string, caret: number): { line?: number; column?: number } {
  // DuckDB counts a lone CR as a line break too.
  const source = sql.split(/\r\n?|\n/)[line - 1];
  if (source === undefined) return {};
  const head = echoed.startsWith('...') ? 3 : 0;
  const tail = echoed.endsWith('...') && echoed.length - 3 >= head ? 3 : 0;
  const visible = echoed.slice(head, echoed.length - tail);
  const start = head === 0 ? (source.startsWith(visible) ? 0 : -1) : uniqueIndex(source, visible);
  if (start < 0) return source.includes(visible) ? { line } : {};
  const index = start + caret - head;
  // Up to and including the caret's character, every character must be one column wide
  // (a tab counts as none, so a caret after tabs could mean several places).
  if (caret < head || index > source.length || !/^[\x20-\x7e\u00a0-\u02ff]*$/.test(source.slice(0, index + 1))) return { line };
  return { line, column: index + 1 };
}

function uniqueIndex(text: string, part: string): number {
  const first = text.indexOf(part);
  return part !== '' && first >= 0 && text.indexOf(part, first + 1) < 0 ? first : -1;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
