import type { YamlEdit } from '../governance/index.js';
import type { AppliedFixes } from './apply-fixes.js';
import type { OpenedMesh, OpenMeshOptions } from './open-mesh.js';
import type { NewProductOptions, ScaffoldResult } from './scaffold-types.js';

export type { AppliedFixes } from './apply-fixes.js';
export type { OpenedMesh, OpenMeshOptions } from './open-mesh.js';
export { tesseraDir } from './paths.js';
export { ScaffoldError, type NewProductOptions, type ScaffoldResult } from './scaffold-types.js';
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

/** `tessera init`: an empty mesh (tessera.yaml, teams.yaml, glossary.yaml, products/, schema/, .gitignore) that validates clean. */
export async function initMesh(root: string, options: { name?: string } = {}): Promise<ScaffoldResult> {
  const { initMesh: init } = await import('./scaffold.js');
  return init(root, options);
}

/** `tessera new team`: a team appended to teams.yaml, comments kept. */
export async function addTeam(root: string, options: { id: string; name?: string; domain?: string }): Promise<ScaffoldResult> {
  const { addTeam: add } = await import('./scaffold.js');
  return add(root, options);
}

/** `tessera new product`: product.yaml, a model and a small CSV source, so the product validates and runs at once. */
export async function addProduct(root: string, options: NewProductOptions): Promise<ScaffoldResult> {
  const { addProduct: add } = await import('./scaffold.js');
  return add(root, options);
}
