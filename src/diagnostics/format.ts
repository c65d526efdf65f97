import type { Diagnostic } from './diagnostic.js';

/** One diagnostic as `file:line:col  severity  message [code]` plus an indented hint. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.column}` : '(mesh)';
  const head = `${where}  ${d.severity}  ${d.message}  [${d.code}]`;
  return d.hint ? `${head}\n    hint: ${d.hint}` : head;
}

/** The JSON shape promised to scripts: flat, one object per diagnostic. */
export interface DiagnosticJson {
  code: string;
  severity: string;
  message: string;
  file: string | null;
  line: number | null;
  column: number | null;
  hint: string | null;
}

export function diagnosticToJson(d: Diagnostic): DiagnosticJson {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.location?.file ?? null,
    line: d.location?.line ?? null,
    column: d.location?.column ?? null,
    hint: d.hint ?? null,
  };
}
