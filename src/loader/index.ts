export { loadMesh, type LoadResult } from './load-mesh.js';
export { parseYaml, type ParsedYaml } from './yaml-file.js';
