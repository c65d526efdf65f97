export { compileMesh, SELF_NAME, type CompileResult, type ModelSqlAnalysis } from './compile.js';
export {
  nodeId,
  portId,
  type FeatureNode,
  type CheckEdge,
  type MeshGraph,
  type MeshNode,
  type ModelNode,
  type NodeKind,
  type PortNode,
  type ProductSummary,
  type SnapshotNode,
  type SourceNode,
} from './graph.js';
export { productCheckEdges, productEdges, productLineage, type ProductCheckLink, type ProductLineage, type ProductLink } from './lineage.js';
