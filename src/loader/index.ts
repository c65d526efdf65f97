export { conventionalModelSql, loadMesh, type LoadResult } from './load-mesh.js';
export { diskFiles, memoizedFiles, type DirEntry, type MeshFiles } from './mesh-files.js';
export { parseYaml, type ParsedYaml } from './yaml-file.js';
