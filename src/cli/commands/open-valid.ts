import type { MeshGraph } from '../../compiler/index.js';
import { hasErrors } from '../../diagnostics/index.js';
import type { Mesh } from '../../spec/index.js';
import { openMesh } from '../../workspace/index.js';
import { ExitCode } from '../exit-codes.js';
import { countBySeverity, printDiagnostics } from '../output.js';
import type { CommandContext } from './context.js';

/**
 * Opens the mesh for a command that needs a sound graph. With errors it prints
 * them to stderr, sets exit 1 and returns undefined; warnings do not stop it.
 */
export async function openValidMesh(context: CommandContext): Promise<{ mesh: Mesh; graph: MeshGraph } | undefined> {
  const opened = await openMesh(context.dir());
  if (hasErrors(opened.diagnostics) || !opened.mesh || !opened.graph) {
    printDiagnostics(context.output, opened.diagnostics, 'err');
    context.output.err(`\n${countBySeverity(opened.diagnostics)}: fix the errors first (tessera validate lists them).`);
    context.setExit(ExitCode.failed);
    return undefined;
  }
  return { mesh: opened.mesh, graph: opened.graph };
}
