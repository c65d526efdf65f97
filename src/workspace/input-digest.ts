import { createHash, type Hash } from 'node:crypto';
import { FileReadError, type DirEntry, type MeshFiles } from '../loader/index.js';

/** One thing the loader looked at: a file's content or a folder's listing. */
export interface MeshInput {
  readonly kind: 'file' | 'dir';
  readonly path: string;
}

function hashFile(hash: Hash, path: string, text: string | undefined): void {
  hash.update(`f\0${path}\0`);
  hash.update(text === undefined ? '\u0001missing' : text);
  hash.update('\0');
}

function hashUnreadable(hash: Hash, kind: string, path: string, error: FileReadError): void {
  hash.update(`${kind}\0${path}\0\u0002${error.code}\0`);
}

/** Runs a read; an unreadable file is an input too (its error code is hashed), then rethrown. */
function recorded<T>(hash: Hash, kind: string, path: string, read: () => T, record: (value: T) => void): T {
  let value: T;
  try {
    value = read();
  } catch (error) {
    if (error instanceof FileReadError) hashUnreadable(hash, kind, path, error);
    throw error;
  }
  record(value);
  return value;
}

function hashDir(hash: Hash, path: string, entries: readonly DirEntry[]): void {
  hash.update(`d\0${path}\0`);
  for (const entry of entries) hash.update(`${entry.name}${entry.isDirectory ? '/' : ''}\n`);
  hash.update('\0');
}

/**
 * Wraps the loader's file access and records, in order, everything read, with
 * a digest of it all. Everything `validate` reports is a function of exactly
 * these inputs, so an equal digest later means an equal result.
 */
export class RecordingFiles implements MeshFiles {
  readonly inputs: MeshInput[] = [];
  private readonly hash = createHash('sha1');

  constructor(private readonly inner: MeshFiles) {}

  readText(path: string): string | undefined {
    this.inputs.push({ kind: 'file', path });
    return recorded(this.hash, 'f', path, () => this.inner.readText(path), (text) => {
      hashFile(this.hash, path, text);
    });
  }

  listDir(path: string): DirEntry[] {
    this.inputs.push({ kind: 'dir', path });
    return recorded(this.hash, 'd', path, () => this.inner.listDir(path), (entries) => {
      hashDir(this.hash, path, entries);
    });
  }

  digest(): string {
    return this.hash.copy().digest('base64url');
  }
}

/** Reads the same inputs again, in the same order, and digests them the same way. */
export function replayDigest(files: MeshFiles, inputs: readonly MeshInput[]): string {
  const hash = createHash('sha1');
  for (const input of inputs) {
    try {
      if (input.kind === 'file') {
        recorded(hash, 'f', input.path, () => files.readText(input.path), (text) => {
          hashFile(hash, input.path, text);
        });
      } else {
        recorded(hash, 'd', input.path, () => files.listDir(input.path), (entries) => {
          hashDir(hash, input.path, entries);
        });
      }
    } catch (error) {
      if (!(error instanceof FileReadError)) throw error;
    }
  }
  return hash.digest('base64url');
}
