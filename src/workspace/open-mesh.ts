import { join, resolve } from 'node:path';
import { compileMesh, type MeshGraph, type ModelSqlAnalysis } from '../compiler/index.js';
import { sortDiagnostics, type Diagnostic } from '../diagnostics/index.js';
import { lintMesh, type LintFinding } from '../governance/index.js';
import { conventionalModelSql, diskFiles, loadMesh, memoizedFiles, type MeshFiles } from '../loader/index.js';
import type { Mesh } from '../spec/index.js';
import { SqlAnalyzer, type AnalyzeStats } from '../sqlparse/index.js';
import { meshRootProblem, tesseraDir } from './paths.js';

export interface OpenMeshOptions {
  /** Reuse and update the parse cache under .tessera/cache (default true). */
  readonly cache?: boolean;
  /** How to read the mesh (default: the disk); the validate memo records through this. */
  readonly files?: MeshFiles;
  /** Run the shared guidelines too, as of this day (YYYY-MM-DD); their findings join the diagnostics. */
  readonly lint?: { readonly today: string };
}

export interface OpenedMesh {
  /** Absolute path of the mesh root. */
  readonly root: string;
  readonly mesh?: Mesh;
  readonly graph?: MeshGraph;
  /** Every problem found, sorted by file and line. */
  readonly diagnostics: Diagnostic[];
  /** Lint findings that carry fixes (only when linted). */
  readonly fixable: readonly LintFinding[];
  readonly stats: { readonly products: number; readonly models: number; readonly sql: AnalyzeStats; readonly milliseconds: number };
}


/** Loads, parses and compiles the mesh at `dir`: the one way every command reads a mesh. */
export async function openMesh(dir: string, options: OpenMeshOptions = {}): Promise<OpenedMesh> {
  const started = performance.now();
  const root = resolve(dir);
  // Only the disk has a folder to check; a mesh read from git or memory brings its own files.
  const unusable = options.files === undefined ? meshRootProblem(root) : undefined;
  if (unusable) return { root, diagnostics: [unusable], fixable: [], stats: { products: 0, models: 0, sql: { parsed: 0, cached: 0 }, milliseconds: performance.now() - started } };
  const files = memoizedFiles(options.files ?? diskFiles(root));
  const analyzer = await SqlAnalyzer.open(options.cache === false ? undefined : join(tesseraDir(root), 'cache', 'sql-parse-v2.json'));
  try {
    // Start DuckDB on the model files while the YAML loads: the two do not depend on each other.
    analyzer.prefetch(conventionalModelSql(files));
    const { mesh, diagnostics } = await loadMesh(root, files);
    if (!mesh) {
      const stats = { products: 0, models: 0, sql: { parsed: 0, cached: 0 }, milliseconds: performance.now() - started };
      return { root, diagnostics: sortDiagnostics(diagnostics), fixable: [], stats };
    }
    const models = [...mesh.products.flatMap((p) => p.models), ...mesh.unvalidatedModels];
    const { results, stats } = await analyzer.analyze(models.map((m) => m.sql));
    const analysis = new Map<string, ModelSqlAnalysis>();
    models.forEach((model, i) => {
      const result = results[i];
      if (result) analysis.set(model.sqlFile, result);
    });
    const compiled = compileMesh(mesh, analysis);
    const findings = options.lint ? lintMesh(mesh, compiled.graph, { today: options.lint.today }) : [];
    return {
      root,
      mesh,
      graph: compiled.graph,
      diagnostics: sortDiagnostics([...diagnostics, ...compiled.diagnostics, ...findings.map((f) => f.diagnostic)]),
      fixable: findings.filter((f) => f.fix !== undefined),
      stats: { products: mesh.products.length, models: models.length, sql: stats, milliseconds: performance.now() - started },
    };
  } finally {
    await analyzer.close();
  }
}
