/**
 * `tessera <args>` as a child process (the real binary, which loads dist/), for tests of
 * what only a process shows: exit codes, signals, closed pipes.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface ChildRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts the CLI; `interrupt` may kill it or drop its pipes. Resolves when it has exited. */
export function runChild(args: readonly string[], interrupt?: (child: ChildProcessWithoutNullStreams) => void): Promise<ChildRun> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['bin/tessera.js', ...args], { cwd: process.cwd(), env: { ...process.env, CI: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    interrupt?.(child);
    child.on('close', (code, signal) => {
      done({ code, signal, stdout, stderr });
    });
  });
}
