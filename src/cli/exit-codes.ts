/** Exit codes, stable for CI scripts. */
export const ExitCode = {
  ok: 0,
  /** The mesh has errors (or, for later commands, something failed). */
  failed: 1,
  /** The command line itself was wrong. */
  usage: 2,
  /** An internal error: a bug in Tessera, not a problem of the mesh or the command line. */
  internal: 3,
} as const;

/** Thrown by commands for a bad command line; main turns it into exit 2. */
export class UsageError extends Error {}

/** The lines printed for an error no command expected. The stack only with --debug. */
export function describeUnexpected(error: unknown, debug: boolean): { lines: string[]; exitCode: number } {
  const errno = error as NodeJS.ErrnoException | undefined;
  // The system refused (disk full, no permission, a read-only file system): not a bug; say what and where.
  if (errno instanceof Error && typeof errno.code === 'string' && typeof errno.syscall === 'string') {
    const lines = [`error: ${errno.message}`, '  The system refused an operation on this path; check the disk, its space and permissions.'];
    if (debug && errno.stack) lines.push(errno.stack);
    return { lines, exitCode: ExitCode.failed };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const lines = [
    `internal error: ${message}`,
    `  This is a bug in Tessera, please report it (with the command you ran)${debug ? '.' : '; run again with --debug for the stack trace.'}`,
  ];
  if (debug && error instanceof Error && error.stack) lines.push(error.stack);
  return { lines, exitCode: ExitCode.internal };
}
