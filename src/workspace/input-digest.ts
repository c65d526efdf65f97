import { createHash, type Hash } from 'node:crypto';
import type { DirEntry, MeshFiles } from '../loader/index.js';

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
    const text = this.inner.readText(path);
    this.inputs.push({ kind: 'file', path });
    hashFile(this.hash, path, text);
    return text;
  }

  listDir(path: string): DirEntry[] {
    const entries = this.inner.listDir(path);
    this.inputs.push({ kind: 'dir', path });
    hashDir(this.hash, path, entries);
    return entries;
  }

  digest(): string {
    return this.hash.copy().digest('base64url');
  }
}

/** Reads the same inputs again, in the same order, and digests them the same way. */
export function replayDigest(files: MeshFiles, inputs: readonly MeshInput[]): string {
  const hash = createHash('sha1');
  for (const input of inputs) {
    if (input.kind === 'file') hashFile(hash, input.path, files.readText(input.path));
    else hashDir(hash, input.path, files.listDir(input.path));
  }
  return hash.digest('base64url');
}
