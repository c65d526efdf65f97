import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics/index.js';

/** Where Tessera keeps what it derives from a mesh (caches; later the warehouse and state). */
export function tesseraDir(root: string): string {
  return join(root, '.tessera');
}

/**
 * Why `root` cannot be a mesh at all (it does not exist, it is a file, it cannot be
 * read), or undefined. Checked before anything is read or written, so that a wrong
 * `--dir` creates nothing.
 */
export function meshRootProblem(root: string): Diagnostic | undefined {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    if (code === 'ENOENT') {
      return {
        code: 'file/missing',
        severity: 'error',
        message: `Mesh folder not found: ${root} does not exist.`,
        hint: 'Pass --dir PATH with the folder holding tessera.yaml, or run tessera in that folder.',
        location: { file: 'tessera.yaml', line: 1, column: 1 },
      };
    }
    const reasons: Record<string, string> = {
      ENOTDIR: 'a part of the path is a file, not a folder',
      ELOOP: 'it is a symbolic link that loops',
      ENAMETOOLONG: 'its name is too long for the file system',
      EACCES: 'permission denied',
    };
    return {
      code: 'file/unreadable',
      severity: 'error',
      message: `The mesh folder ${root} cannot be read: ${reasons[code] ?? code}.`,
      hint: 'Pass --dir PATH with the folder holding tessera.yaml.',
      location: { file: root, line: 1, column: 1 },
    };
  }
  if (isDirectory) return undefined;
  return {
    code: 'file/unreadable',
    severity: 'error',
    message: `${root} is a file, not a mesh folder.`,
    hint: 'Pass --dir PATH with the folder holding tessera.yaml (not the file itself).',
    location: { file: root, line: 1, column: 1 },
  };
}
