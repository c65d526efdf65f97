/** A refusal the user can act on (a file exists, a name is not valid); the CLI prints it and exits 1. */
export class ScaffoldError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ScaffoldError';
  }
}

export interface ScaffoldResult {
  /** Paths written, relative to the mesh root. */
  readonly written: readonly string[];
  /** Paths changed in place (teams.yaml), relative to the mesh root. */
  readonly changed: readonly string[];
  /** What to tell the user besides the files: notes such as "domain sales given to team x". */
  readonly notes: readonly string[];
}

export interface NewProductOptions {
  /** `<domain>.<name>` */
  readonly id: string;
  /** source-aligned | aggregate | consumer-aligned */
  readonly kind: string;
  readonly owner: string;
}
