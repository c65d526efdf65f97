/*
 * Issue 12, item 7: an internal error (a bug) gets its own exit code, 3, and a short
 * "please report" line; the stack only with --debug. A refusal of the system (no
 * permission, disk full) is not called a bug.
 */
import { describe, expect, it, vi } from 'vitest';
import { describeUnexpected, ExitCode } from '../src/cli/exit-codes.js';
import { runCli } from './support/run-cli.js';

vi.mock('../src/workspace/index.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/workspace/index.js')>();
  return {
    ...original,
    validateMesh: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'spec')")),
  };
});

describe('internal errors', () => {
  it('exit 3 with one line saying it is a bug, no stack', async () => {
    const run = await runCli(['validate', '--dir', '.']);
    expect(run.exitCode).toBe(ExitCode.internal);
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toContain("internal error: TypeError: Cannot read properties of undefined (reading 'spec')");
    expect(run.stderr).toContain('This is a bug in Tessera, please report it');
    expect(run.stderr).toContain('--debug');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints the stack with --debug, before or after the command', async () => {
    for (const argv of [['validate', '--dir', '.', '--debug'], ['--debug', 'validate', '--dir', '.']]) {
      const run = await runCli(argv);
      expect(run.exitCode).toBe(3);
      expect(run.stderr).toMatch(/\n\s+at /);
    }
  });
});

describe('describeUnexpected', () => {
  it('calls a refusal of the system what it is, exit 1, not a bug', () => {
    const error = Object.assign(new Error("EACCES: permission denied, open '/mesh/.tessera/x'"), { code: 'EACCES', syscall: 'open', path: '/mesh/.tessera/x' });
    const { lines, exitCode } = describeUnexpected(error, false);
    expect(exitCode).toBe(ExitCode.failed);
    expect(lines.join('\n')).toContain('EACCES: permission denied');
    expect(lines.join('\n')).not.toContain('bug');
  });

  it('describes a thrown non-Error too', () => {
    expect(describeUnexpected('boom', false)).toEqual({ lines: ['internal error: boom', expect.stringContaining('please report')], exitCode: 3 });
  });
});
