/**
 * Which file of the mesh root holds the mesh: `tessera.yaml`, or the one the
 * environment variable TESSERA_CONFIG names (e.g. `tessera.postgres.yaml`), so that one
 * mesh can run on another warehouse without editing the file the team keeps.
 */
export const MESH_FILE_ENV = 'TESSERA_CONFIG';
export const DEFAULT_MESH_FILE = 'tessera.yaml';

/** A YAML file directly in the mesh root: no folders, so the mesh stays in one place. */
const meshFilePattern = /^[^/\\]+\.ya?ml$/;

/** The mesh file's name, or an explanation of why TESSERA_CONFIG cannot be used. */
export function meshFileName(env: NodeJS.ProcessEnv = process.env): { readonly name: string; readonly problem?: string } {
  const given = env[MESH_FILE_ENV]?.trim();
  if (given === undefined || given === '') return { name: DEFAULT_MESH_FILE };
  if (!meshFilePattern.test(given)) {
    return { name: DEFAULT_MESH_FILE, problem: `${MESH_FILE_ENV} is ${JSON.stringify(given)}; it must name a .yaml file in the mesh folder, such as tessera.postgres.yaml.` };
  }
  return { name: given };
}
