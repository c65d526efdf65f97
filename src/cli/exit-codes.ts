/** Exit codes, stable for CI scripts. */
export const ExitCode = {
  ok: 0,
  /** The mesh has errors (or, for later commands, something failed). */
  failed: 1,
  /** The command line itself was wrong. */
  usage: 2,
} as const;

/** Thrown by commands for a bad command line; main turns it into exit 2. */
export class UsageError extends Error {}
