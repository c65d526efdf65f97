/** A table named in a model's FROM/JOIN clauses, as written. */
export interface TableReference {
  readonly catalog?: string;
  readonly schema?: string;
  readonly name: string;
  /** Character offset of the reference in the SQL text. */
  readonly offset: number;
}

/**
 * A function call the compiler must judge: every table function in FROM (`read_csv(…)`,
 * `range(…)`), and scalar calls that read the environment (`getenv`, `current_setting`).
 */
export interface FunctionCall {
  readonly kind: 'table' | 'scalar';
  /** As written, without schema. */
  readonly name: string;
  readonly schema?: string;
  /** Character offset of the call in the SQL text. */
  readonly offset: number;
}

export type SqlProblemKind = 'syntax' | 'not-select' | 'multiple-statements' | 'empty';

export interface SqlProblem {
  readonly kind: SqlProblemKind;
  readonly message: string;
  /** Character offset where the engine located the problem, when it did. */
  readonly offset?: number;
}

/** What the compiler needs to know of a model's SQL: the tables it reads, or why it cannot be read. */
export interface ParsedSelect {
  readonly references: readonly TableReference[];
  /** Absent when there are none. */
  readonly functions?: readonly FunctionCall[];
  readonly problem?: SqlProblem;
}
