import { join, resolve } from 'node:path';
import { compileMesh, type MeshGraph, type ModelSqlAnalysis } from '../compiler/index.js';
import { sortDiagnostics, type Diagnostic } from '../diagnostics/index.js';
import { loadMesh } from '../loader/index.js';
import type { Mesh } from '../spec/index.js';
import { analyzeSql, type AnalyzeStats } from '../sqlparse/index.js';

export interface OpenMeshOptions {
  /** Reuse and update the parse cache under .tessera/cache (default true). */
  readonly cache?: boolean;
}

export interface OpenedMesh {
  /** Absolute path of the mesh root. */
  readonly root: string;
  readonly mesh?: Mesh;
  readonly graph?: MeshGraph;
  /** Every problem found, sorted by file and line. */
  readonly diagnostics: Diagnostic[];
  readonly stats: { readonly products: number; readonly models: number; readonly sql: AnalyzeStats; readonly milliseconds: number };
}

/** Where Tessera keeps what it derives from a mesh (caches, later the warehouse and state). */
export function tesseraDir(root: string): string {
  return join(root, '.tessera');
}

/** Loads, parses and compiles the mesh at `dir`: the one way every command reads a mesh. */
export async function openMesh(dir: string, options: OpenMeshOptions = {}): Promise<OpenedMesh> {
  const started = performance.now();
  const root = resolve(dir);
  const { mesh, diagnostics } = loadMesh(root);
  const empty = { parsed: 0, cached: 0 };
  if (!mesh) {
    return { root, diagnostics: sortDiagnostics(diagnostics), stats: { products: 0, models: 0, sql: empty, milliseconds: performance.now() - started } };
  }
  const models = [...mesh.products.flatMap((p) => p.models), ...mesh.unvalidatedModels];
  const { results, stats } = await analyzeSql(
    models.map((m) => m.sql),
    options.cache === false ? {} : { cachePath: join(tesseraDir(root), 'cache', 'sql-parse-v1.json') },
  );
  const analysis = new Map<string, ModelSqlAnalysis>();
  models.forEach((model, i) => {
    const result = results[i];
    if (result) analysis.set(model.sqlFile, result);
  });
  const compiled = compileMesh(mesh, analysis);
  return {
    root,
    mesh,
    graph: compiled.graph,
    diagnostics: sortDiagnostics([...diagnostics, ...compiled.diagnostics]),
    stats: { products: mesh.products.length, models: models.length, sql: stats, milliseconds: performance.now() - started },
  };
}
