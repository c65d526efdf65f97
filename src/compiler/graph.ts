import type { Check } from '../checks/index.js';
import type { SourcePosition } from '../diagnostics/index.js';
import type { FeatureSpec, ModelSpec, PortSpec, SnapshotSpec, SourceSpec } from '../spec/index.js';

interface NodeBase {
  /** `<kind>:<domain>.<product>.<name>` for internal nodes, `port:<domain>.<table>` for ports. */
  readonly id: string;
  readonly name: string;
  /** Owning product, `<domain>.<product>`. */
  readonly product: string;
  readonly domain: string;
  /** Where it is declared: the model's SQL file, or the YAML entry. */
  readonly location: SourcePosition;
  /** Ids of the nodes this one reads. */
  readonly upstream: string[];
  /** Ids of the nodes that read this one (the other half of each edge). */
  readonly downstream: string[];
}

/** A node whose table can be checked. */
interface Checked {
  /** Its checks, parsed; for a port, the contract's implied checks first. */
  readonly checks: readonly Check[];
}

export interface SourceNode extends NodeBase, Checked {
  readonly kind: 'source';
  readonly spec: SourceSpec;
}

export interface ModelNode extends NodeBase, Checked {
  readonly kind: 'model';
  readonly spec?: ModelSpec;
  readonly sqlFile: string;
  readonly sql: string;
  /** Each node the SQL reads, with where it is written (the first time). */
  readonly reads: { readonly target: string; readonly location: SourcePosition }[];
}

export interface SnapshotNode extends NodeBase, Checked {
  readonly kind: 'snapshot';
  readonly spec: SnapshotSpec;
}

export interface PortNode extends NodeBase, Checked {
  readonly kind: 'port';
  readonly spec: PortSpec;
  /** Table name consumers read in the domain schema: `<name>` or `<name>_v<N>`. */
  readonly table: string;
  readonly version: number;
}

export interface FeatureNode extends NodeBase {
  readonly kind: 'feature';
  readonly spec: FeatureSpec;
}

/** One node of the mesh DAG: a tagged union, one map for all kinds. */
export type MeshNode = SourceNode | ModelNode | SnapshotNode | PortNode | FeatureNode;
export type NodeKind = MeshNode['kind'];

export interface ProductSummary {
  readonly id: string;
  readonly domain: string;
  readonly name: string;
  readonly owner: string;
  readonly kind: string;
  readonly nodes: readonly string[];
}

/**
 * A check edge: a node's reference checks (`reference(col) in <domain>.<port>(col)`) read
 * port `from`. Not a data edge: it is not in `upstream`/`downstream` nor in `order`, so it
 * never makes a cycle; a run audits `to` after `from` when both are in it and that makes no
 * cycle (ADR 0012).
 */
export interface CheckEdge {
  /** The port the checks read. */
  readonly from: string;
  /** The node whose checks read it. */
  readonly to: string;
  /** The checks, by name. */
  readonly checks: readonly string[];
}

/** The compiled mesh: every node of every product, and the edges between them. */
export interface MeshGraph {
  readonly nodes: ReadonlyMap<string, MeshNode>;
  readonly products: ReadonlyMap<string, ProductSummary>;
  /** Node ids in dependency order (upstream first); nodes on a cycle are left out. */
  readonly order: readonly string[];
  /** Reference checks' reads, sorted by `to` then `from`; the compiler always sets it (absent: none). */
  readonly checkEdges?: readonly CheckEdge[];
}

export function nodeId(kind: Exclude<NodeKind, 'port'>, product: string, name: string): string {
  return `${kind}:${product}.${name}`;
}

export function portId(domain: string, table: string): string {
  return `port:${domain}.${table}`;
}
