import { statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../diagnostics/index.js';
import { diskFiles, meshFileName } from '../loader/index.js';
import { RecordingFiles, replayDigest, type MeshInput } from './input-digest.js';
import type { OpenedMesh } from './open-mesh.js';
import { meshRootProblem, tesseraDir } from './paths.js';

export interface ValidateResult {
  readonly diagnostics: Diagnostic[];
  readonly stats: OpenedMesh['stats'] & { readonly unchanged: boolean };
}

/** Today in UTC, YYYY-MM-DD: rules about sunset dates depend on it. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

interface Memo {
  readonly tool: string;
  readonly digest: string;
  readonly inputs: MeshInput[];
  readonly result: ValidateResult;
}

/**
 * Identifies this build of Tessera: a memo written by another build (another
 * version, or a rebuilt development copy) is not trusted.
 */
function toolIdentity(today: string): string {
  return `validate-v2:${statSync(fileURLToPath(import.meta.url)).mtimeMs}:${today}`;
}

async function readMemo(path: string): Promise<Memo | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Memo;
  } catch {
    return undefined;
  }
}

/** Best effort: a memo that cannot be written (a path too long, a read-only disk) only costs speed next time. */
async function writeMemo(path: string, memo: Memo): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(memo));
    await rename(temporary, path);
  } catch (error) {
    if (typeof (error as NodeJS.ErrnoException).code !== 'string') throw error;
  }
}

/**
 * `tessera validate`: the mesh's diagnostics, the shared guidelines' included
 * (the result depends on the day too, for sunset dates). When nothing the loader reads has
 * changed since the last validate (same files, same contents, same folders,
 * same Tessera), the recorded result is returned without parsing anything;
 * otherwise the mesh is opened in full (unchanged models still come from the
 * parse cache).
 */
export async function validateMesh(dir: string, options: { cache?: boolean; today?: string } = {}): Promise<ValidateResult> {
  const started = performance.now();
  const root = resolve(dir);
  const unusable = meshRootProblem(root);
  if (unusable) {
    const stats = { products: 0, models: 0, sql: { parsed: 0, cached: 0 }, milliseconds: performance.now() - started, unchanged: false };
    return { diagnostics: [unusable], stats };
  }
  const useCache = options.cache !== false;
  const memoPath = join(tesseraDir(root), 'cache', 'validate-v1.json');
  const today = options.today ?? todayUtc();
  // The mesh file is part of what was validated: another TESSERA_CONFIG is another mesh.
  const tool = `${toolIdentity(today)} ${JSON.stringify(meshFileName())}`;
  if (useCache) {
    const memo = await readMemo(memoPath);
    if (memo?.tool === tool && replayDigest(diskFiles(root), memo.inputs) === memo.digest) {
      return { ...memo.result, stats: { ...memo.result.stats, unchanged: true, milliseconds: performance.now() - started } };
    }
  }
  const { openMesh } = await import('./open-mesh.js');
  const files = new RecordingFiles(diskFiles(root));
  const opened = await openMesh(root, { cache: useCache, files, lint: { today } });
  const result: ValidateResult = { diagnostics: opened.diagnostics, stats: { ...opened.stats, unchanged: false } };
  if (useCache) await writeMemo(memoPath, { tool, digest: files.digest(), inputs: files.inputs, result });
  return result;
}
