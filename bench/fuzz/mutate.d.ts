// Types of mutate.js (plain JavaScript so that bench/fuzz/run.js needs no build step).

/** A seeded PRNG (mulberry32): floats in [0, 1). */
export function seededRandom(seed: number): () => number;
/** Copies a mesh's declaration files (not .tessera/ nor data/) into `to`. */
export function copyMesh(from: string, to: string): void;
/** The mesh's YAML and SQL files, relative to `dir`, sorted. */
export function meshFiles(dir: string): string[];
/** Applies 1–3 random mutations to the mesh in `dir`; returns what it did, one line each. */
export function mutateMesh(dir: string, rng: () => number): string[];
/** Codes that are about the mesh as a whole, so that they may lack a file and line. */
export const MESH_WIDE_CODES: readonly string[];
/** What is wrong with one `validate --json` answer, as sentences (empty when all is well). */
export function problemsOf(run: { exitCode: number; stdout: string; stderr: string }, meshWide?: readonly string[], dir?: string): string[];
/** For a mutant that validates: graph, scorecard and lineage must work on it too. */
export function followUpProblems(run: (argv: string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>, dir: string): Promise<string[]>;
