#!/usr/bin/env node
// The CLI is compiled to dist/ on install (npm "prepare"); this shim only points at it.
// main() turns every error into a message and an exit code; what escapes it (an error in a
// callback, a rejected promise nobody awaited) is a bug: one line, the stack only with --debug.
const debug = process.argv.includes('--debug');
function internal(error) {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`internal error: ${message}\n  This is a bug in Tessera, please report it (with the command you ran)${debug ? '.' : '; run again with --debug for the stack trace.'}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(3);
}
process.on('uncaughtException', internal);
process.on('unhandledRejection', internal);

try {
  const { main } = await import('../dist/cli/main.js');
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  internal(error);
}
