import type { OpenedMesh, OpenMeshOptions } from './open-mesh.js';

export type { OpenedMesh, OpenMeshOptions } from './open-mesh.js';
export { tesseraDir } from './paths.js';
export { validateMesh, type ValidateResult } from './validate-mesh.js';

/** Loads, parses and compiles the mesh at `dir`; the implementation loads on first use (see loader). */
export async function openMesh(dir: string, options: OpenMeshOptions = {}): Promise<OpenedMesh> {
  const { openMesh: open } = await import('./open-mesh.js');
  return open(dir, options);
}
