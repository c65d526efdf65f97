import type { LoadResult } from './load-mesh.js';
import type { MeshFiles } from './mesh-files.js';

export type { LoadResult } from './load-mesh.js';
export { DEFAULT_MESH_FILE, MESH_FILE_ENV, meshFileName } from './mesh-file.js';
export { conventionalModelSql, diskFiles, FileReadError, memoizedFiles, type DirEntry, type MeshFiles } from './mesh-files.js';

/**
 * Reads and validates a mesh folder. The implementation (YAML parsers, Zod
 * schemas: ~0.2 s to import) loads on first use, so that commands and paths
 * that never load a mesh, such as a validate answered from its memo, start fast.
 */
export async function loadMesh(root: string, files?: MeshFiles): Promise<LoadResult> {
  const { loadMesh: load } = await import('./load-mesh.js');
  return load(root, files);
}
