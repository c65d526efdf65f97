import { portPolicies, type Identity, type PortPolicy } from '../access/index.js';
import type { MeshGraph } from '../compiler/index.js';
import type { Mesh } from '../spec/index.js';
import type { ServerContext } from './context.js';
import type { SampleAccess } from './samples.js';

const policiesByGraph = new WeakMap<MeshGraph, Map<string, PortPolicy>>();

/** Every port's policy for the loaded graph, computed once per mesh load. */
export function policiesOf(graph: MeshGraph, mesh: Mesh): Map<string, PortPolicy> {
  let policies = policiesByGraph.get(graph);
  if (!policies) {
    policies = portPolicies(graph, mesh);
    policiesByGraph.set(graph, policies);
  }
  return policies;
}

/** What an answer that carries data needs to enforce the access decision for `identity`. */
export async function accessView(ctx: ServerContext, identity: Identity): Promise<SampleAccess | undefined> {
  const { mesh, graph } = ctx.mesh();
  if (!mesh || !graph) return undefined;
  return { identity, graph, policies: policiesOf(graph, mesh), grants: await ctx.gateway.grants(), salt: ctx.maskSalt, now: new Date() };
}
