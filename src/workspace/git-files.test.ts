import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diskFiles, type MeshFiles } from '../loader/index.js';
import { gitFiles, GitError } from './git-files.js';
import { openMesh } from './open-mesh.js';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/valid', import.meta.url));
let repo: string;
let mesh: string;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Tessera Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
  });
}

/** Every file and folder under `dir`, as the loader would walk it. */
function walk(files: MeshFiles, dir = ''): { dirs: Record<string, string[]>; texts: Record<string, string | undefined> } {
  const dirs: Record<string, string[]> = {};
  const texts: Record<string, string | undefined> = {};
  const visit = (path: string): void => {
    const entries = files.listDir(path);
    dirs[path] = entries.map((e) => `${e.name}${e.isDirectory ? '/' : ''}`);
    for (const entry of entries) {
      const child = path === '' ? entry.name : `${path}/${entry.name}`;
      if (entry.isDirectory) visit(child);
      else texts[child] = files.readText(child);
    }
  };
  visit(dir);
  return { dirs, texts };
}

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'tessera-git-files-'));
  // Spaces and non-ASCII in the mesh's own path: no quoting may get in the way.
  mesh = join(repo, 'meshes/äcme mesh');
  await mkdir(join(repo, 'meshes'), { recursive: true });
  await cp(FIXTURE, mesh, { recursive: true });
  // Bytes and characters differ: sizes in cat-file's framing are bytes.
  await mkdir(join(mesh, 'notes/deep'), { recursive: true });
  await writeFile(join(mesh, 'notes/ünïcödé 🧀.md'), 'Grüße, 🧀\nno newline at the end');
  await writeFile(join(mesh, 'notes/empty.txt'), '');
  await writeFile(join(mesh, 'notes/deep/B.txt'), 'upper case sorts first\n');
  await writeFile(join(mesh, 'notes/deep/a.txt'), 'line\n\nwith blank lines\n\n');
  await writeFile(join(repo, 'README.md'), 'outside the mesh\n');
  git(repo, 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'mesh');
});

afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe('gitFiles', () => {
  it('lists and reads exactly what the working tree holds, for a committed mesh', () => {
    const fromGit = walk(gitFiles(mesh, 'HEAD'));
    const fromDisk = walk(diskFiles(mesh));
    expect(fromGit).toEqual(fromDisk);
    expect(fromGit.texts['notes/ünïcödé 🧀.md']).toBe('Grüße, 🧀\nno newline at the end');
    expect(fromGit.dirs['notes/deep']).toEqual(['B.txt', 'a.txt']);
    expect(fromGit.texts['README.md']).toBeUndefined();
  });

  it('compiles to the same graph as the disk', async () => {
    const fromDisk = await openMesh(mesh, { cache: false });
    const fromGit = await openMesh(mesh, { cache: false, files: gitFiles(mesh, 'HEAD') });
    expect(fromGit.diagnostics).toEqual([]);
    expect([...(fromGit.graph?.nodes.keys() ?? [])].sort()).toEqual([...(fromDisk.graph?.nodes.keys() ?? [])].sort());
    expect(fromGit.graph?.order).toEqual(fromDisk.graph?.order);
  });

  it('reads the committed version, not the working tree, and names the commit', async () => {
    const head = git(repo, 'rev-parse', 'HEAD').trim();
    await writeFile(join(mesh, 'tessera.yaml'), 'name: changed\n');
    await writeFile(join(mesh, 'untracked.txt'), 'new\n');
    try {
      const files = gitFiles(mesh, head.slice(0, 10));
      expect(files.commit).toBe(head);
      expect(files.readText('tessera.yaml')).toContain('name: acme');
      expect(files.readText('untracked.txt')).toBeUndefined();
    } finally {
      git(repo, 'checkout', '-q', '--', '.');
      await rm(join(mesh, 'untracked.txt'));
    }
  });

  it('answers missing paths like the disk, and normalizes ./ and trailing slashes', () => {
    const files = gitFiles(mesh, 'HEAD');
    expect(files.readText('nope.yaml')).toBeUndefined();
    expect(files.listDir('nope')).toEqual([]);
    expect(files.listDir('products/')).toEqual(files.listDir('products'));
    expect(files.readText('./products/../tessera.yaml')).toBe(files.readText('tessera.yaml'));
    // A folder is not a file, a file is not a folder.
    expect(files.readText('products')).toBeUndefined();
    expect(files.listDir('tessera.yaml')).toEqual([]);
    // Outside the mesh folder but inside the repository (a model's `sql: ../…`).
    expect(files.readText('../../README.md')).toBe('outside the mesh\n');
    expect(files.readText('../../../etc/passwd')).toBeUndefined();
  });

  it('reads a mesh at the top of the repository', () => {
    const files = gitFiles(repo, 'HEAD');
    expect(files.listDir('').map((e) => e.name)).toEqual(['README.md', 'meshes']);
    expect(files.readText('meshes/äcme mesh/tessera.yaml')).toContain('name: acme');
  });

  it('rejects a ref that is not a commit, and a folder outside any repository', async () => {
    expect(() => gitFiles(mesh, 'no-such-branch')).toThrow(GitError);
    expect(() => gitFiles(mesh, 'no-such-branch')).toThrow('`no-such-branch` is not a commit in this repository.');
    expect(() => gitFiles(mesh, '--output=/tmp/x')).toThrow(GitError);
    expect(() => gitFiles(mesh, 'HEAD:tessera.yaml')).toThrow(GitError);
    expect(() => gitFiles(mesh, '')).toThrow(GitError);
    const outside = await mkdtemp(join(tmpdir(), 'tessera-no-git-'));
    try {
      expect(() => gitFiles(outside, 'HEAD')).toThrow(/not inside a git repository/);
      expect(() => gitFiles(join(outside, 'missing'), 'HEAD')).toThrow(/does not exist/);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('sees a mesh folder that did not exist at the ref as empty', async () => {
    const later = join(repo, 'meshes/later');
    await mkdir(later);
    await writeFile(join(later, 'tessera.yaml'), 'name: later\n');
    try {
      const files = gitFiles(later, 'HEAD');
      expect(files.listDir('')).toEqual([]);
      expect(files.readText('tessera.yaml')).toBeUndefined();
      expect(() => gitFiles(later, 'HEAD~1')).toThrow(GitError); // one commit only
    } finally {
      await rm(later, { recursive: true });
    }
  });
});
