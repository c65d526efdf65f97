import type { Diagnostic, SourcePosition } from '../diagnostics/index.js';
import { WarehouseError } from '../warehouse/index.js';
import { BuildFailure } from './context.js';
import { storageTrouble } from './storage.js';

/** A model statement: the model's file, and where its SQL starts in the statement. */
export interface ModelStatementOrigin {
  readonly file: string;
  readonly prefixLength: number;
}

/**
 * Turns what a build threw into a diagnostic. Engine errors in a model's statement
 * point at the model's file and line (statements keep the model's line numbers).
 */
export function toDiagnostic(error: unknown, fallback: SourcePosition, origin?: ModelStatementOrigin): Diagnostic {
  if (error instanceof BuildFailure) {
    return {
      code: error.code,
      severity: 'error',
      message: error.message,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      location: error.location ?? fallback,
    };
  }
  const trouble = storageTrouble(error);
  if (trouble) return { code: trouble.code, severity: 'error', message: trouble.message, hint: trouble.hint, location: fallback };
  if (error instanceof WarehouseError) {
    let location = fallback;
    if (origin && error.line !== undefined) {
      const column = error.column === undefined ? 1 : error.line === 1 ? Math.max(1, error.column - origin.prefixLength) : error.column;
      location = { file: origin.file, line: error.line, column };
    }
    return { code: 'run/sql-error', severity: 'error', message: error.message, hint: sqlHint(error.message), location };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'run/internal-error', severity: 'error', message, hint: 'This is a bug in Tessera; please report it with the run id.', location: fallback };
}

function sqlHint(message: string): string {
  if (/Table with name .* does not exist|Catalog Error: Table/i.test(message)) {
    return 'A port read here may never have been published: run its product first, or select it too with a leading + (e.g. +<domain>.<product>).';
  }
  if (/No files found/i.test(message)) return 'Check the source `path` (relative to the mesh root); `tessera example-data` generates the example\'s files.';
  return 'Fix the SQL at this line; `tessera validate` checks the syntax and references without running.';
}
