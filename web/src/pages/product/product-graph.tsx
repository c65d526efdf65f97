/**
 * The product's own DAG for its owners: sources → models → ports → features, with the
 * ports of other products it reads (and the nodes reading its ports) at the edges.
 * xyflow and ELK are large: the page loads this module only when the tab opens.
 */
import { Background, Controls, Handle, MarkerType, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useApi } from '../../api/client.js';
import type { GraphEdge, GraphNode, Health, ProductDetail } from '../../api/types.js';
import { navigate, paths } from '../../router.js';
import { healthLabel, outcomeHealth } from '../../ui/health.js';
import { isFailing, latestNodeResults } from './derive.js';
import { layout, NODE_HEIGHT, NODE_WIDTH } from './graph-layout.js';
import { nodeLabel } from '../../ui/node-id.js';

interface NodeGraph {
  product: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

type DagData = { kind: string; name: string; product: string; external: boolean; health: Health } & Record<string, unknown>;
type DagNode = Node<DagData, 'dag'>;

function DagNodeView({ data }: NodeProps<DagNode>): ReactNode {
  return (
    <div className={`dag-node dag-${data.kind} dag-health-${data.health}${data.external ? ' is-external' : ''}`} style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="dag-kind">
        {data.kind}
        {data.external && <> · {data.product}</>}
        {!data.external && data.health !== 'unknown' && data.health !== 'ok' && <> · {healthLabel(data.health).toLowerCase()}</>}
      </div>
      <div className="dag-name">{data.name}</div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

const nodeTypes = { dag: DagNodeView };

/** A node's health from its latest run and its checks: what its owners look at first. */
function nodeHealth(product: ProductDetail): Map<string, Health> {
  const health = new Map<string, Health>();
  for (const [id, result] of latestNodeResults(product.recentRuns)) health.set(id, outcomeHealth(result.status));
  for (const node of product.checks) {
    const outcomes = node.checks.map((c) => c.latest?.outcome);
    if (outcomes.some(isFailing)) health.set(node.node, 'failing');
    else if (outcomes.includes('warn') && health.get(node.node) !== 'failing') health.set(node.node, 'warning');
  }
  return health;
}

export function ProductGraph({ product }: { product: ProductDetail }): ReactNode {
  // The node lineage adds the neighbours outside the product; until it answers (or if it cannot), the product's own graph.
  const lineage = useApi<NodeGraph>(`/api/products/${encodeURIComponent(product.id)}/lineage?level=node`);
  const ready = lineage.state === 'ready' ? lineage.data : undefined;
  const graph = useMemo<NodeGraph>(() => ready ?? { product: product.id, ...product.graph }, [ready, product]);
  const [positions, setPositions] = useState<{ graph: NodeGraph; at: Map<string, { x: number; y: number }> } | undefined>(undefined);
  const [failed, setFailed] = useState<string | undefined>(undefined);

  useEffect(() => {
    let current = true;
    layout(
      graph.nodes.map((n) => n.id),
      graph.edges,
    ).then(
      (at) => {
        if (current) setPositions({ graph, at });
      },
      (error: unknown) => {
        if (current) setFailed(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      current = false;
    };
  }, [graph]);

  const health = useMemo(() => nodeHealth(product), [product]);
  const laidOut = positions?.graph;
  const nodes = useMemo<DagNode[]>(
    () =>
      (laidOut?.nodes ?? []).map((n) => ({
        id: n.id,
        type: 'dag',
        position: positions?.at.get(n.id) ?? { x: 0, y: 0 },
        data: { kind: n.kind, name: nodeLabel(n), product: n.product, external: n.external === true, health: health.get(n.id) ?? 'unknown' },
        draggable: false,
        connectable: false,
        ariaLabel: `${n.kind} ${nodeLabel(n)}${n.external ? ` of ${n.product}` : ''}`,
      })),
    [laidOut, positions, health],
  );
  const edges = useMemo<Edge[]>(
    () =>
      (laidOut?.edges ?? []).map((e) => ({
        id: `${e.from}->${e.to}`,
        source: e.from,
        target: e.to,
        markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
      })),
    [laidOut],
  );

  const names = new Map(graph.nodes.map((n) => [n.id, n]));
  const labelOf = (n: (typeof graph.nodes)[number] | undefined): string | undefined => (n ? nodeLabel(n) : undefined);
  // As tall as the layout needs (within reason), so that a small graph is not a speck in a big box.
  const layers = positions ? Math.max(...[...positions.at.values()].map((p) => p.y), 0) + NODE_HEIGHT : 0;
  const height = Math.min(Math.max(layers + 80, 240), 600);
  return (
    <>
      <h2>Internal graph</h2>
      <p className="muted">
        How the product builds its ports: sources and other products' ports (dashed) feed models, models feed ports, ports feed features. Select a dashed node to
        open its product.
      </p>
      {failed ? (
        <div className="error-box">Could not lay the graph out: {failed}</div>
      ) : (
        <div className="dag" aria-label={`Node graph of ${product.id}`} role="group" style={{ height }}>
          {laidOut && (
            <ReactFlow<DagNode>
              nodes={nodes}
              edges={edges}
              nodeTypes={nodeTypes}
              fitView
              fitViewOptions={{ padding: 0.1, maxZoom: 1 }}
              nodesDraggable={false}
              nodesConnectable={false}
              minZoom={0.3}
              maxZoom={1.5}
              onNodeClick={(_, node) => {
                if (node.data.external) navigate(paths.product(node.data.product));
              }}
            >
              <Background gap={20} color="#e4e8ec" />
              <Controls showInteractive={false} />
            </ReactFlow>
          )}
        </div>
      )}
      <details className="dag-text">
        <summary>The graph as a list</summary>
        <ul>
          {graph.nodes.map((node) => {
            const inputs = graph.edges.filter((e) => e.to === node.id).map((e) => labelOf(names.get(e.from)) ?? e.from);
            return (
              <li key={node.id}>
                {node.kind} <code>{nodeLabel(node)}</code>
                {node.external && <span className="muted"> (of {node.product})</span>}
                {inputs.length > 0 && <span className="muted"> ← {inputs.join(', ')}</span>}
              </li>
            );
          })}
        </ul>
      </details>
    </>
  );
}
