export type { Diagnostic, Severity, SourcePosition } from './diagnostic.js';
export { hasErrors, sortDiagnostics } from './diagnostic.js';
export { closestMatch, didYouMean, editDistance } from './suggest.js';
export { formatDiagnostic, diagnosticToJson, type DiagnosticJson } from './format.js';
export { LineIndex } from './text-position.js';
