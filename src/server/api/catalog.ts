/**
 * What the API derives from one load of the mesh, computed once per `LoadedMesh`
 * object (a reload makes a new one) rather than per request: product entries,
 * product-level edges, the search index, lint findings per product, scorecards.
 */
import { productEdges, productLineage, type MeshGraph, type MeshNode, type PortNode, type ProductLineage } from '../../compiler/index.js';
import { diagnosticToJson, type DiagnosticJson } from '../../diagnostics/index.js';
import { scorecards, type Scorecards } from '../../governance/index.js';
import type { Mesh, Product, TeamSpec } from '../../spec/index.js';
import type { LoadedMesh, ServerContext } from '../context.js';
import { ApiError } from './errors.js';
import { SearchIndex } from './search.js';

export interface ProductEntry {
  readonly id: string;
  readonly product: Product;
  readonly nodes: readonly MeshNode[];
  readonly ports: readonly PortNode[];
  readonly owner: { readonly id: string; readonly name: string };
  /** `active` when the spec does not say. */
  readonly status: string;
}

export interface ProductEdge {
  readonly from: string;
  readonly to: string;
  readonly ports: readonly string[];
}

export interface Catalog {
  readonly loaded: LoadedMesh;
  readonly mesh: Mesh;
  readonly graph: MeshGraph;
  /** By id, in id order. */
  readonly products: ReadonlyMap<string, ProductEntry>;
  readonly teams: ReadonlyMap<string, TeamSpec>;
  readonly edges: readonly ProductEdge[];
  readonly counts: { readonly domains: number; readonly products: number; readonly ports: number; readonly models: number; readonly teams: number };
  readonly search: SearchIndex;
  readonly lint: readonly DiagnosticJson[];
  readonly lintByProduct: ReadonlyMap<string, readonly DiagnosticJson[]>;
  scorecards(): Scorecards;
  lineage(product: string): ProductLineage;
}

const catalogs = new WeakMap<LoadedMesh, Catalog>();

/** The catalog of the current mesh; 503 `mesh_broken` while there is no graph to serve. */
export function catalogFor(ctx: ServerContext): Catalog {
  const loaded = ctx.mesh();
  const cached = catalogs.get(loaded);
  if (cached) return cached;
  const { mesh, graph } = loaded;
  if (!mesh || !graph) {
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error').map(diagnosticToJson);
    throw new ApiError(503, 'mesh_broken', `The mesh has errors and has never loaded: fix ${errors.length} error(s) and it reloads.`, errors);
  }
  const catalog = buildCatalog(loaded, mesh, graph);
  catalogs.set(loaded, catalog);
  return catalog;
}

function buildCatalog(loaded: LoadedMesh, mesh: Mesh, graph: MeshGraph): Catalog {
  const teams = new Map(mesh.teams.map((t) => [t.id, t]));
  const products = new Map<string, ProductEntry>();
  for (const product of [...mesh.products].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const summary = graph.products.get(product.id);
    const nodes = (summary?.nodes ?? []).map((id) => graph.nodes.get(id)).filter((n): n is MeshNode => n !== undefined);
    const owner = product.spec.owner;
    products.set(product.id, {
      id: product.id,
      product,
      nodes,
      ports: nodes.filter((n): n is PortNode => n.kind === 'port'),
      owner: { id: owner, name: teams.get(owner)?.name ?? owner },
      status: product.spec.status ?? 'active',
    });
  }
  const edges: ProductEdge[] = [];
  const byProduct = productEdges(graph);
  for (const [from, targets] of byProduct) {
    for (const [to, ports] of targets) edges.push({ from, to, ports: [...ports].sort() });
  }
  edges.sort((a, b) => (a.from === b.from ? (a.to < b.to ? -1 : 1) : a.from < b.from ? -1 : 1));
  const lint = loaded.lint.map((f) => diagnosticToJson(f.diagnostic));
  const lintByProduct = new Map<string, DiagnosticJson[]>();
  for (const entry of products.values()) {
    const prefix = `${entry.product.dir}/`;
    lintByProduct.set(entry.id, lint.filter((d) => d.file?.startsWith(prefix) === true));
  }
  let ports = 0;
  let models = 0;
  for (const node of graph.nodes.values()) {
    if (node.kind === 'port') ports++;
    else if (node.kind === 'model') models++;
  }
  const counts = { domains: new Set(mesh.products.map((p) => p.spec.domain)).size, products: products.size, ports, models, teams: mesh.teams.length };
  let cards: Scorecards | undefined;
  const lineages = new Map<string, ProductLineage>();
  return {
    loaded,
    mesh,
    graph,
    products,
    teams,
    edges,
    counts,
    search: new SearchIndex(products.values(), mesh.glossary),
    lint,
    lintByProduct,
    scorecards: () => (cards ??= scorecards(mesh, graph, loaded.lint)),
    lineage: (product) => {
      let lineage = lineages.get(product);
      if (!lineage) lineages.set(product, (lineage = productLineage(graph, product, byProduct)));
      return lineage;
    },
  };
}
