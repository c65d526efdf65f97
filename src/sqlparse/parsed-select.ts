/** A table named in a model's FROM/JOIN clauses, as written. */
export interface TableReference {
  readonly catalog?: string;
  readonly schema?: string;
  readonly name: string;
  /** Character offset of the reference in the SQL text. */
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
  readonly problem?: SqlProblem;
}
