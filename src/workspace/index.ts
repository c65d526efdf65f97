export { openMesh, tesseraDir, type OpenedMesh, type OpenMeshOptions } from './open-mesh.js';
