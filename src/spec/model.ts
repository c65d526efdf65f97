import type { SourcePosition } from '../diagnostics/index.js';
import type { GlossaryTermSpec, MeshSpec, TeamSpec } from './mesh.js';
import type { AccessLevel, ModelSpec, PortSpec, ProductSpec } from './product.js';

/** A path into a YAML document, e.g. ['ports', 0, 'columns', 2, 'name']. */
export type SpecPath = readonly (string | number)[];

/** A spec file as loaded: its path (relative to the mesh root) and a way to point into it. */
export interface SpecFile {
  readonly path: string;
  /** Position of the node at `path`, or of its nearest existing ancestor. `key` points at the key rather than the value. */
  locate(path: SpecPath, options?: { key?: boolean }): SourcePosition;
}

/** A model of a product: its SQL file and, when product.yaml lists it, its settings. */
export interface ModelDefinition {
  readonly name: string;
  /** SQL file path relative to the mesh root. */
  readonly sqlFile: string;
  readonly sql: string;
  /** Settings from product.yaml, if the model is listed there. */
  readonly spec?: ModelSpec;
  /** Index in product.yaml's `models:` list, when listed. */
  readonly specIndex?: number;
}

export interface Product {
  /** `<domain>.<name>`, unique in the mesh. */
  readonly id: string;
  readonly spec: ProductSpec;
  /** Folder relative to the mesh root, e.g. products/commerce/orders. */
  readonly dir: string;
  readonly file: SpecFile;
  readonly models: readonly ModelDefinition[];
}

/** The whole mesh as declared on disk, validated against the schemas. */
export interface Mesh {
  readonly spec: MeshSpec;
  readonly file: SpecFile;
  readonly teams: readonly TeamSpec[];
  readonly teamsFile?: SpecFile;
  readonly glossary: readonly GlossaryTermSpec[];
  readonly glossaryFile?: SpecFile;
  readonly products: readonly Product[];
  /**
   * Ports of products that failed validation (`<domain>.<table>`, lowercase), and domains holding a product
   * whose ports could not even be read: references to them are not reported as unknown, since the real error
   * is already reported in that product.
   */
  readonly unloadedPorts: readonly string[];
  readonly unloadedDomains: readonly string[];
  /** Models of products that failed validation: still checked for SQL errors, so all problems show at once. */
  readonly unvalidatedModels: readonly ModelDefinition[];
}

/** The name consumers use for a port: `<name>` for version 1, `<name>_v<N>` after. */
export function portTableName(port: { name: string; version?: number | undefined }): string {
  const version = port.version ?? 1;
  return version === 1 ? port.name : `${port.name}_v${version}`;
}

/** Access when neither the port nor tessera.yaml's `defaults` says: the company, not the world. */
export const DEFAULT_ACCESS: AccessLevel = 'internal';

/** Who may read a port: its own `access`, else tessera.yaml's `defaults.access`, else internal. */
export function portAccess(port: Pick<PortSpec, 'access'>, mesh: Pick<MeshSpec, 'defaults'>): AccessLevel {
  return port.access ?? mesh.defaults?.access ?? DEFAULT_ACCESS;
}
