import type { Output } from '../output.js';

/** What every command gets from main: the mesh folder, where to write, and how to set the exit code. */
export interface CommandContext {
  readonly output: Output;
  dir(): string;
  setExit(code: number): void;
}
