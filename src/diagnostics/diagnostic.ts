/** How bad a finding is: `error` fails validation (exit 1); `warning` and `info` do not. */
export type Severity = 'error' | 'warning' | 'info';

/** A position in a file: 1-based line and column, as editors show them. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

/**
 * A user mistake, reported rather than thrown. Every layer returns these;
 * exceptions are kept for bugs.
 */
export interface Diagnostic {
  /** Stable identifier, e.g. `ref/unknown`; safe to match on in scripts and policies. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** How to fix it, in one sentence. */
  readonly hint?: string;
  /** Where, when there is a file; paths are relative to the mesh root. */
  readonly location?: SourcePosition;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Sorts by file, then line, then column; diagnostics without a file come first. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => {
    const fa = a.location?.file ?? '';
    const fb = b.location?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const la = a.location?.line ?? 0;
    const lb = b.location?.line ?? 0;
    if (la !== lb) return la - lb;
    return (a.location?.column ?? 0) - (b.location?.column ?? 0);
  });
}
