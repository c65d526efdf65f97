export { openMesh, type OpenedMesh, type OpenMeshOptions } from './open-mesh.js';
export { tesseraDir } from './paths.js';
export { validateMesh, type ValidateResult } from './validate-mesh.js';
