export { SqlAnalyzer, type AnalyzeStats } from './analyze.js';
export type { FunctionCall, ParsedSelect, SqlProblem, SqlProblemKind, TableReference } from './parsed-select.js';
