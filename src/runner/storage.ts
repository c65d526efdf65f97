import { userInfo } from 'node:os';
import { dirname } from 'node:path';

/**
 * When the warehouse cannot be read or written because of the machine (a full disk, a
 * read-only file system, missing permissions, a damaged file), the SQL is not at fault
 * and no node after it will do better. Each kind gets its own code and advice that
 * loses nothing: the warehouse holds snapshot history and kept port versions that no
 * source can give back, so the advice is never to delete or rebuild it.
 */
export type StorageKind = 'disk-full' | 'read-only' | 'permission' | 'damaged';

export interface StorageTrouble {
  readonly kind: StorageKind;
  readonly code: `run/${StorageKind}`;
  /** What happened, in a sentence, with the engine's or system's own words. */
  readonly message: string;
  readonly hint: string;
}

const PATTERNS: readonly [StorageKind, RegExp][] = [
  ['disk-full', /No space left on device|ENOSPC|disk is full|Disk full|out of disk space|max_temp_directory_size/i],
  ['read-only', /Read-only file system|EROFS/i],
  ['permission', /Permission denied|EACCES|EPERM|Operation not permitted/i],
  ['damaged', /not a valid DuckDB database|Corrupt|checksum|Invalid block|database file.*(damaged|invalid)|Serialization Error/i],
];

const KEEP = 'Nothing is lost: consumers read the last published version of every port, and snapshot history and kept versions are as they were (unfinished work is rolled back).';

function user(): string {
  try {
    return userInfo().username;
  } catch {
    return 'this user';
  }
}

/** The storage trouble an error shows, if it is one; `path` is the warehouse file. */
export function storageTrouble(error: unknown, path?: string): StorageTrouble | undefined {
  const text = error instanceof Error ? `${error.message} ${(error as NodeJS.ErrnoException).code ?? ''}` : String(error);
  const kind = PATTERNS.find(([, pattern]) => pattern.test(text))?.[0];
  if (kind === undefined) return undefined;
  const where = path === undefined ? 'the warehouse folder (.tessera)' : dirname(path);
  const said = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  switch (kind) {
    case 'disk-full':
      return {
        kind,
        code: 'run/disk-full',
        message: `The disk is full: the warehouse could not be written (${said}).`,
        hint: `Free space on the disk that holds ${where} (\`df -h ${where}\`), then run again. ${KEEP}`,
      };
    case 'read-only':
      return {
        kind,
        code: 'run/read-only',
        message: `The file system is read-only: the warehouse could not be written (${said}).`,
        hint: `Remount the file system that holds ${where} read-write, then run again; or copy the warehouse file to a writable disk and point \`warehouse.path\` in tessera.yaml at the copy (copy it: it holds snapshot history and port versions). ${KEEP}`,
      };
    case 'permission':
      return {
        kind,
        code: 'run/permission',
        message: `No permission: the user \`${user()}\` cannot write the warehouse or its folder (${said}).`,
        hint: `Give ${user()} write access to ${where} and the files in it (\`ls -l ${where}\`; chown or chmod), or run as their owner. ${KEEP}`,
      };
    case 'damaged':
      return {
        kind,
        code: 'run/damaged',
        message: `The warehouse file cannot be read: it looks damaged (${said}).`,
        hint: `Do not delete it or build a new one from the sources: it holds snapshot history and the kept port versions, which no source can give back. Stop every process using it, keep the file aside (rename it, do not remove it), and restore the latest good copy from your backups to ${path ?? 'its place'}; then run again. Without a copy, a new warehouse (\`tessera run\` once the file is renamed) starts snapshot history and port versions from today: do that only knowingly.`,
      };
  }
}

/** Why a warehouse file could not be opened, with advice that keeps it. */
export function openTrouble(error: unknown, path: string): StorageTrouble {
  return (
    storageTrouble(error, path) ?? {
      kind: 'damaged',
      code: 'run/damaged',
      message: `The warehouse ${path} could not be opened (${(error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''}).`,
      hint: `Keep the file: it holds snapshot history and the kept port versions, which no source can give back. Check that its disk is mounted and readable; if the file is damaged, keep it aside (rename it, do not remove it) and restore the latest good copy from your backups. Without a copy, a new warehouse starts snapshot history and port versions from today: do that only knowingly.`,
    }
  );
}
