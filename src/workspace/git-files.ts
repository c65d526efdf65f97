import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import type { DirEntry, MeshFiles } from '../loader/index.js';

/** A git problem the user can fix on the command line: not a repository, or a ref that is not a commit. */
export class GitError extends Error {}

interface GitResult {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

function git(cwd: string, args: readonly string[], input?: Buffer): GitResult {
  const result = spawnSync('git', ['--literal-pathspecs', ...args], {
    cwd,
    input,
    maxBuffer: Number.MAX_SAFE_INTEGER,
    // No pager, no prompts, no locale-dependent messages to parse.
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' },
  });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new GitError('git is not installed (or not on PATH): tessera diff reads the base version through git.');
    throw result.error;
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString('utf8').trim() };
}

const compareNames = (a: DirEntry, b: DirEntry): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** One blob per line of the tree listing: `<mode> SP <type> SP <object> TAB <path>`, NUL-terminated. */
interface TreeFile {
  readonly path: string;
  readonly object: string;
}

function parseTree(stdout: Buffer): TreeFile[] {
  const files: TreeFile[] = [];
  for (const record of stdout.toString('utf8').split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode = '', type = '', object = ''] = record.slice(0, tab).split(' ');
    // Regular files only: gitlinks (submodules) have no blob here, and symlinks hold a path, not the file.
    if (type !== 'blob' || mode === '120000') continue;
    files.push({ path: record.slice(tab + 1), object });
  }
  return files;
}

/**
 * Parses `git cat-file --batch` output: per object `<sha> <type> <size>\n<content>\n`
 * (or `<name> missing\n`). Sizes are in bytes, so this works on the Buffer.
 */
function parseBatch(stdout: Buffer): Map<string, Buffer> {
  const contents = new Map<string, Buffer>();
  let at = 0;
  while (at < stdout.length) {
    const eol = stdout.indexOf(0x0a, at);
    if (eol < 0) throw new Error('git cat-file --batch: truncated output');
    const header = stdout.toString('utf8', at, eol).split(' ');
    at = eol + 1;
    if (header.length !== 3) continue; // `<name> missing` or `<name> ambiguous`
    const [sha = '', , size = ''] = header;
    const bytes = Number(size);
    contents.set(sha, stdout.subarray(at, at + bytes));
    at += bytes + 1; // the content, then its terminating newline
  }
  return contents;
}

/** `a/./b/` → `a/b`; undefined when the path climbs out of the root. */
function normalize(path: string): string | undefined {
  if (path === '' || path === '.') return '';
  const normal = posix.normalize(path).replace(/\/+$/, '');
  if (normal === '.') return '';
  if (normal === '..' || normal.startsWith('../') || normal.startsWith('/')) return undefined;
  return normal;
}

/** A mesh as committed: the MeshFiles the loader reads, and the commit they come from. */
export interface GitMeshFiles extends MeshFiles {
  /** The full hash of the commit `ref` named. */
  readonly commit: string;
}

/**
 * The mesh at `meshDir` as it was committed at `ref`, read from git without a
 * checkout: three git processes in all (find the repository, list the files,
 * read every blob in one `cat-file --batch`), then served from memory.
 * Contents are the committed bytes (no smudge filters or line-ending
 * conversion); symlinks and submodules are left out. Throws GitError when
 * `meshDir` is not in a git repository or `ref` is not a commit.
 */
export function gitFiles(meshDir: string, ref: string): GitMeshFiles {
  if (!existsSync(meshDir)) throw new GitError(`\`${meshDir}\` does not exist.`);
  if (ref.trim() === '') throw new GitError('The base ref is empty: name a commit, branch or tag, e.g. --base origin/main.');
  const located = git(meshDir, ['rev-parse', '--show-toplevel', '--show-prefix']);
  if (located.status !== 0) throw new GitError(`\`${meshDir}\` is not inside a git repository.`);
  const [top = '', prefixLine = ''] = located.stdout.toString('utf8').split('\n');
  // The mesh's folder inside the repository, with forward slashes and no trailing one ('' at the top).
  const prefix = prefixLine.replace(/\/$/, '');

  const resolved = git(top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  if (resolved.status !== 0) {
    const shallow = git(top, ['rev-parse', '--is-shallow-repository']).stdout.toString('utf8').trim() === 'true';
    const hint = shallow ? ' This clone is shallow: fetch the base first (e.g. `git fetch origin main`, or fetch-depth: 0 in CI).' : '';
    throw new GitError(`\`${ref}\` is not a commit in this repository.${hint}`);
  }
  const commit = resolved.stdout.toString('utf8').trim();

  const listed = git(top, ['ls-tree', '-r', '-z', '--full-tree', commit, ...(prefix === '' ? [] : ['--', prefix])]);
  if (listed.status !== 0) throw new Error(`git ls-tree ${commit}: ${listed.stderr}`);
  const inside = prefix === '' ? '' : `${prefix}/`;
  const tree = parseTree(listed.stdout).filter((f) => f.path.startsWith(inside));

  // Every blob in one process; asked for by object id, so that no path needs quoting on stdin.
  const objects = [...new Set(tree.map((f) => f.object))];
  const blobs = objects.length === 0 ? new Map<string, Buffer>() : parseBatch(git(top, ['cat-file', '--batch'], Buffer.from(objects.map((o) => `${o}\n`).join(''))).stdout);

  const texts = new Map<string, Buffer>();
  const dirs = new Map<string, Map<string, boolean>>([['', new Map()]]);
  for (const file of tree) {
    const path = file.path.slice(inside.length);
    const blob = blobs.get(file.object);
    if (blob) texts.set(path, blob);
    // Register the file in its folder, and each folder in its parent, up to the root.
    let child = path;
    let isDirectory = false;
    while (child !== '') {
      const slash = child.lastIndexOf('/');
      const parent = slash < 0 ? '' : child.slice(0, slash);
      let entries = dirs.get(parent);
      const known = entries !== undefined;
      if (!entries) dirs.set(parent, (entries = new Map<string, boolean>()));
      entries.set(child.slice(slash + 1), isDirectory);
      if (known) break; // its ancestors are registered already
      child = parent;
      isDirectory = true;
    }
  }
  const listings = new Map<string, DirEntry[]>();
  for (const [dir, entries] of dirs) {
    listings.set(dir, [...entries].map(([name, isDirectory]) => ({ name, isDirectory })).sort(compareNames));
  }

  /** Files outside the mesh folder (a model's `sql: ../shared/x.sql`) are read one at a time, rarely. */
  const outside = (path: string): string | undefined => {
    const inRepo = normalize(inside + path);
    if (inRepo === undefined) return undefined;
    const shown = git(top, ['cat-file', 'blob', `${commit}:${inRepo}`]);
    return shown.status === 0 ? shown.stdout.toString('utf8') : undefined;
  };

  return {
    commit,
    readText(path) {
      const normal = normalize(path);
      if (normal === undefined) return inside === '' ? undefined : outside(path);
      return texts.get(normal)?.toString('utf8');
    },
    listDir(path) {
      const normal = normalize(path);
      return normal === undefined ? [] : [...(listings.get(normal) ?? [])];
    },
  };
}
