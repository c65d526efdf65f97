/**
 * Left-to-right layering of a product's node graph (sources → models → ports → features)
 * with ELK, in a Web Worker: ELK is 1.6 MB of compiled Java, which as a worker script is
 * neither part of a chunk nor work on the page's thread.
 */
import ELK from 'elkjs/lib/elk-api.js';
import workerUrl from 'elkjs/lib/elk-worker.min.js?url';
import type { GraphEdge } from '../../api/types.js';

export const NODE_WIDTH = 210;
export const NODE_HEIGHT = 54;

let elk: InstanceType<typeof ELK> | undefined;

export async function layout(nodeIds: readonly string[], edges: readonly GraphEdge[]): Promise<Map<string, { x: number; y: number }>> {
  elk ??= new ELK({ workerUrl });
  const known = new Set(nodeIds);
  const result = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '48',
      'elk.spacing.nodeNode': '22',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: nodeIds.map((id) => ({ id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: edges.filter((e) => known.has(e.from) && known.has(e.to)).map((e, i) => ({ id: `e${i}`, sources: [e.from], targets: [e.to] })),
  });
  return new Map((result.children ?? []).map((child) => [child.id, { x: child.x ?? 0, y: child.y ?? 0 }]));
}
