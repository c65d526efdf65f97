import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where products live, relative to the mesh root: products/<domain>/<product>/. */
export const PRODUCTS_DIR = 'products';

export interface DirEntry {
  readonly name: string;
  readonly isDirectory: boolean;
}

/**
 * How the loader reads a mesh: paths are relative to the mesh root, with
 * forward slashes ('' is the root). An interface so that the workspace can
 * record what was read (to know later whether anything changed).
 */
export interface MeshFiles {
  /** The file's text, or undefined when it does not exist; throws FileReadError when it exists but cannot be read. */
  readText(path: string): string | undefined;
  /** Entries sorted by name; empty when the folder does not exist; throws FileReadError when it cannot be read. */
  listDir(path: string): DirEntry[];
}

function missing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * A file or folder that exists but cannot be read: a folder where a file should be
 * (EISDIR), a symbolic link that loops (ELOOP), a name too long for the file system
 * (ENAMETOOLONG), no permission (EACCES). The loader turns it into a diagnostic.
 */
export class FileReadError extends Error {
  constructor(
    /** Relative to the mesh root. */
    readonly path: string,
    /** The system's error code, e.g. `EISDIR`. */
    readonly code: string,
  ) {
    super(`${code}: ${path}`);
    this.name = 'FileReadError';
  }
}

function readFailure(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? new FileReadError(path, code) : error;
}

/*
 * Reads are synchronous on purpose: a mesh is thousands of small files, and
 * promise-based reads spent more time in open/fstat/close bookkeeping than in
 * reading (measured: ~0.75 s of overhead for 11,000 files).
 */
export function diskFiles(root: string): MeshFiles {
  return {
    readText(path) {
      try {
        return readFileSync(join(root, path), 'utf8');
      } catch (error) {
        if (missing(error)) return undefined;
        throw readFailure(path, error);
      }
    },
    listDir(path) {
      try {
        return readdirSync(join(root, path), { withFileTypes: true })
          .map((e) => ({ name: e.name, isDirectory: e.isDirectory() }))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } catch (error) {
        if (missing(error)) return [];
        throw readFailure(path, error);
      }
    },
  };
}

/**
 * Serves each path from memory after its first read, so that looking ahead
 * (listing model files early) costs no second read, and a recording wrapper
 * underneath sees every input exactly once.
 */
export function memoizedFiles(inner: MeshFiles): MeshFiles {
  const texts = new Map<string, string | undefined | FileReadError>();
  const dirs = new Map<string, DirEntry[] | FileReadError>();
  const remember = <T>(map: Map<string, T | FileReadError>, path: string, read: () => T): T => {
    if (!map.has(path)) {
      try {
        map.set(path, read());
      } catch (error) {
        if (!(error instanceof FileReadError)) throw error;
        map.set(path, error);
      }
    }
    const value = map.get(path) as T | FileReadError;
    if (value instanceof FileReadError) throw value;
    return value;
  };
  return {
    readText: (path) => remember(texts, path, () => inner.readText(path)),
    listDir: (path) => remember(dirs, path, () => inner.listDir(path)),
  };
}

/** Reads that a look-ahead may skip: an unreadable file or folder is reported when the loader reaches it. */
function readable<T>(read: () => T, otherwise: T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof FileReadError) return otherwise;
    throw error;
  }
}

/**
 * The SQL of every model file found by convention (products/<domain>/<product>/models/*.sql),
 * without validating anything: enough to start parsing before the YAML is loaded.
 */
export function conventionalModelSql(files: MeshFiles): string[] {
  const sqls: string[] = [];
  for (const domain of readable(() => files.listDir(PRODUCTS_DIR), [])) {
    if (!domain.isDirectory) continue;
    for (const product of readable(() => files.listDir(`${PRODUCTS_DIR}/${domain.name}`), [])) {
      if (!product.isDirectory) continue;
      const models = `${PRODUCTS_DIR}/${domain.name}/${product.name}/models`;
      for (const entry of readable(() => files.listDir(models), [])) {
        if (entry.isDirectory || !entry.name.endsWith('.sql')) continue;
        const sql = readable(() => files.readText(`${models}/${entry.name}`), undefined);
        if (sql !== undefined) sqls.push(sql);
      }
    }
  }
  return sqls;
}
