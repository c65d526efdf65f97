import { main } from '../../src/cli/main.js';
import type { Output } from '../../src/cli/output.js';

export interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI in-process, capturing what it prints. */
export async function runCli(argv: readonly string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = {
    out(text) {
      out.push(text);
    },
    err(text) {
      err.push(text);
    },
    color: false,
  };
  const exitCode = await main(argv, output);
  return { exitCode, stdout: out.join('\n'), stderr: err.join('\n') };
}
