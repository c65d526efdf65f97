import { Command, CommanderError } from 'commander';
import { registerAccess } from './commands/access.js';
import { registerDemo } from './commands/demo.js';
import { registerDiff } from './commands/diff.js';
import { registerDoctor } from './commands/doctor.js';
import { registerExampleData } from './commands/example-data.js';
import { registerGrants } from './commands/grants.js';
import { registerGraph } from './commands/graph.js';
import { registerAlerts, registerIncidents } from './commands/incidents.js';
import { registerInit } from './commands/init.js';
import { registerLineage } from './commands/lineage.js';
import { registerLint } from './commands/lint.js';
import { registerNew } from './commands/new.js';
import { registerQuery } from './commands/query.js';
import { registerRollback } from './commands/rollback.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerSchema } from './commands/schema.js';
import { registerScorecard } from './commands/scorecard.js';
import { registerServe } from './commands/serve.js';
import { registerSla } from './commands/sla.js';
import { registerSnapshot } from './commands/snapshot.js';
import { registerTest } from './commands/test.js';
import { registerToken } from './commands/token.js';
import { registerValidate } from './commands/validate.js';
import { registerWorker } from './commands/worker.js';
import type { CommandContext } from './commands/context.js';
import { describeUnexpected, ExitCode, UsageError } from './exit-codes.js';
import { processOutput, type Output } from './output.js';

const VERSION = '0.1.0';

function buildProgram(context: CommandContext, setDir: (dir: string) => void): Command {
  const program = new Command('tessera')
    .description('Data products as code: declare, build, govern, observe and consume a data mesh.')
    .version(VERSION)
    .option('-d, --dir <path>', 'the mesh root, the folder holding tessera.yaml', '.')
    .option('--debug', 'on an internal error, print its stack trace')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => {
        context.output.out(text.trimEnd());
      },
      writeErr: (text) => {
        context.output.err(text.trimEnd());
      },
    })
    .hook('preAction', (_command, action) => {
      setDir(action.optsWithGlobals<{ dir: string }>().dir);
    });
  for (const register of [
    registerInit,
    registerNew,
    registerValidate,
    registerLint,
    registerGraph,
    registerLineage,
    registerDiff,
    registerScorecard,
    registerSchema,
    registerExampleData,
    registerRun,
    registerTest,
    registerSla,
    registerRuns,
    registerRollback,
    registerSnapshot,
    registerQuery,
    registerDemo,
    registerServe,
    registerWorker,
    registerToken,
    registerAccess,
    registerGrants,
    registerDoctor,
    registerIncidents,
    registerAlerts,
  ]) register(program, context);
  for (const command of program.commands) {
    command
      .exitOverride()
      .option('-d, --dir <path>', 'the mesh root, the folder holding tessera.yaml')
      .option('--debug', 'on an internal error, print its stack trace');
  }
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 errors in the mesh, 2 a bad command line, 3 an internal error (a bug). */
export async function main(argv: readonly string[], output: Output = processOutput()): Promise<number> {
  let exitCode: number = ExitCode.ok;
  let dir = '.';
  const context: CommandContext = {
    output,
    dir: () => dir,
    setExit: (code) => {
      exitCode = Math.max(exitCode, code);
    },
  };
  const program = buildProgram(context, (value) => (dir = value));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    if (argv.length === 0) program.outputHelp();
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof UsageError) {
      output.err(`error: ${error.message}`);
      return ExitCode.usage;
    }
    const { lines, exitCode: code } = describeUnexpected(error, argv.includes('--debug'));
    for (const line of lines) output.err(line);
    return Math.max(exitCode, code);
  }
}
