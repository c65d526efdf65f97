import type { YamlEdit } from '../governance/index.js';
import type { AppliedFixes } from './apply-fixes.js';
import type { OpenedMesh, OpenMeshOptions } from './open-mesh.js';

export type { AppliedFixes } from './apply-fixes.js';
export type { OpenedMesh, OpenMeshOptions } from './open-mesh.js';
export { tesseraDir } from './paths.js';
export { gitFiles, GitError, type GitMeshFiles } from './git-files.js';
export { todayUtc, validateMesh, type ValidateResult } from './validate-mesh.js';

/*
 * The implementations below load on first use: they pull in the YAML parsers,
 * Zod and the compiler (~0.2 s of imports), which a validate answered from its
 * memo, or `--help`, never needs.
 */

/** Loads, parses and compiles the mesh at `dir` (and lints it, when asked). */
export async function openMesh(dir: string, options: OpenMeshOptions = {}): Promise<OpenedMesh> {
  const { openMesh: open } = await import('./open-mesh.js');
  return open(dir, options);
}

/** Applies lint fixes to the mesh's YAML files, keeping comments and formatting. */
export async function applyYamlEdits(root: string, edits: readonly YamlEdit[]): Promise<AppliedFixes> {
  const { applyYamlEdits: apply } = await import('./apply-fixes.js');
  return apply(root, edits);
}
