export { SqlAnalyzer, type AnalyzeStats } from './analyze.js';
export type { ParsedSelect, SqlProblem, SqlProblemKind, TableReference } from './parsed-select.js';
