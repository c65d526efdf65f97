import { Option, type Command } from 'commander';
import type { MeshGraph, MeshNode } from '../../compiler/index.js';
import { paint, printJson, type Output } from '../output.js';
import type { CommandContext } from './context.js';
import { openValidMesh } from './open-valid.js';

type GraphFormat = 'text' | 'json' | 'dot';
type GraphLevel = 'node' | 'product';

export function registerGraph(program: Command, context: CommandContext): void {
  program
    .command('graph')
    .description('Print the compiled DAG of the whole mesh')
    .addOption(new Option('--format <format>', 'text, json or dot (Graphviz)').choices(['text', 'json', 'dot']).default('text'))
    .addOption(new Option('--level <level>', 'node: every source, model, snapshot and port; product: products and the ports between them').choices(['node', 'product']).default('node'))
    .option('--json', 'same as --format json')
    .action(async (options: { format: GraphFormat; level: GraphLevel; json?: boolean }) => {
      const opened = await openValidMesh(context);
      if (!opened) return;
      const format = options.json ? 'json' : options.format;
      if (options.level === 'product') {
        const { productCheckEdges, productEdges } = await import('../../compiler/index.js');
        const map = productMap(opened.graph, productEdges(opened.graph), productCheckEdges(opened.graph));
        if (format === 'json') printJson(context.output, map);
        else if (format === 'dot') context.output.out(productMapToDot(map));
        else printProductMap(context.output, map);
        return;
      }
      if (format === 'json') printJson(context.output, graphToJson(opened.graph));
      else if (format === 'dot') context.output.out(graphToDot(opened.graph));
      else printGraphText(context.output, opened.graph);
    });
}

/** How a node is named to people: ports by what consumers write, the rest by product and name. */
export function displayName(node: MeshNode): string {
  return node.kind === 'port' ? `${node.domain}.${node.table}` : `${node.product}.${node.name}`;
}

export function graphToJson(graph: MeshGraph): unknown {
  const position = new Map(graph.order.map((id, i) => [id, i]));
  const nodes = [...graph.nodes.values()]
    .sort((a, b) => (position.get(a.id) ?? Infinity) - (position.get(b.id) ?? Infinity) || (a.id < b.id ? -1 : 1))
    .map((n) => ({
      id: n.id,
      kind: n.kind,
      name: displayName(n),
      product: n.product,
      domain: n.domain,
      file: n.location.file,
      line: n.location.line,
      upstream: n.upstream,
      downstream: n.downstream,
    }));
  const products = [...graph.products.values()].map((p) => ({ id: p.id, domain: p.domain, name: p.name, owner: p.owner, kind: p.kind }));
  // Reference checks read other ports: check edges, apart from the data edges (upstream/downstream).
  const checkEdges = (graph.checkEdges ?? []).map((e) => ({ kind: 'check', from: e.from, to: e.to, checks: e.checks }));
  return { products, nodes, checkEdges };
}

function printGraphText(output: Output, graph: MeshGraph): void {
  const position = new Map(graph.order.map((id, i) => [id, i]));
  const checksRead = new Map<string, string[]>();
  for (const edge of graph.checkEdges ?? []) {
    const port = graph.nodes.get(edge.from);
    checksRead.set(edge.to, [...(checksRead.get(edge.to) ?? []), port ? displayName(port) : edge.from]);
  }
  const products = [...graph.products.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const product of products) {
    output.out(`${paint(output, 'bold', product.id)}  ${paint(output, 'dim', `${product.kind} · owner ${product.owner}`)}`);
    const nodes = product.nodes
      .map((id) => graph.nodes.get(id))
      .filter((n): n is MeshNode => n !== undefined)
      .sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
    const shownName = (n: MeshNode): string => (n.kind === 'port' ? displayName(n) : n.name);
    const width = Math.max(...nodes.map((n) => shownName(n).length), 0);
    for (const node of nodes) {
      const reads = node.upstream.map((id) => {
        const up = graph.nodes.get(id);
        return up ? (up.product === node.product && up.kind !== 'port' ? up.name : displayName(up)) : id;
      });
      const line = `  ${node.kind.padEnd(8)} ${shownName(node).padEnd(width)}`;
      const checked = checksRead.get(node.id) ?? [];
      const notes = [...(reads.length > 0 ? [`← ${reads.join(', ')}`] : []), ...(checked.length > 0 ? [`checks against ${checked.join(', ')}`] : [])];
      output.out(notes.length > 0 ? `${line}${paint(output, 'dim', `  ${notes.join(' · ')}`)}` : line.trimEnd());
    }
    output.out('');
  }
  output.out(`${graph.products.size} products, ${graph.nodes.size} nodes`);
}

interface ProductMap {
  products: { id: string; domain: string; kind: string; owner: string }[];
  edges: { from: string; to: string; ports: string[] }[];
  /** Reference checks of `to` reading ports of `from`: check edges, which carry no data. */
  checkEdges: { kind: 'check'; from: string; to: string; ports: string[]; checks: string[] }[];
}

/** The mesh as products and the ports that connect them: the map a data mesh is drawn as. */
function productMap(
  graph: MeshGraph,
  edges: Map<string, Map<string, Set<string>>>,
  checks: Map<string, Map<string, { ports: Set<string>; checks: Set<string> }>>,
): ProductMap {
  const products = [...graph.products.values()]
    .map((p) => ({ id: p.id, domain: p.domain, kind: p.kind, owner: p.owner }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const links: ProductMap['edges'] = [];
  for (const [from, targets] of edges) for (const [to, ports] of targets) links.push({ from, to, ports: [...ports].sort() });
  links.sort((a, b) => (a.from === b.from ? (a.to < b.to ? -1 : 1) : a.from < b.from ? -1 : 1));
  const checkLinks: ProductMap['checkEdges'] = [];
  for (const [from, targets] of checks) {
    for (const [to, link] of targets) checkLinks.push({ kind: 'check', from, to, ports: [...link.ports].sort(), checks: [...link.checks].sort() });
  }
  checkLinks.sort((a, b) => (a.from === b.from ? (a.to < b.to ? -1 : 1) : a.from < b.from ? -1 : 1));
  return { products, edges: links, checkEdges: checkLinks };
}

function printProductMap(output: Output, map: ProductMap): void {
  for (const product of map.products) {
    output.out(`${paint(output, 'bold', product.id)}  ${paint(output, 'dim', `${product.kind} · owner ${product.owner}`)}`);
    for (const edge of map.edges.filter((e) => e.from === product.id)) output.out(`  → ${edge.to}  ${paint(output, 'dim', `reads ${edge.ports.join(', ')}`)}`);
    for (const edge of map.checkEdges.filter((e) => e.from === product.id)) output.out(`  ⇢ ${edge.to}  ${paint(output, 'dim', `checks against ${edge.ports.join(', ')}`)}`);
  }
  output.out(`\n${map.products.length} products, ${map.edges.length} links between them`);
}

const KIND_COLORS: Record<string, string> = { 'source-aligned': '#dbeafe', aggregate: '#dcfce7', 'consumer-aligned': '#fef3c7' };

function productMapToDot(map: ProductMap): string {
  const lines = ['digraph products {', '  rankdir=LR;', '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];'];
  const domains = [...new Set(map.products.map((p) => p.domain))].sort();
  domains.forEach((domain, i) => {
    lines.push(`  subgraph cluster_${i} {`, `    label=${quote(domain)}; style=rounded; color="#999999";`);
    for (const p of map.products.filter((x) => x.domain === domain)) {
      lines.push(`    ${quote(p.id)} [label=${quote(`${p.id}\n${p.kind}`)}, fillcolor=${quote(KIND_COLORS[p.kind] ?? '#eeeeee')}];`);
    }
    lines.push('  }');
  });
  for (const e of map.edges) lines.push(`  ${quote(e.from)} -> ${quote(e.to)} [label=${quote(e.ports.join('\n'))}, fontsize=8];`);
  for (const e of map.checkEdges) lines.push(`  ${quote(e.from)} -> ${quote(e.to)} [label=${quote(`check: ${e.ports.join('\n')}`)}, style=dashed, constraint=false, fontsize=8];`);
  lines.push('}');
  return lines.join('\n');
}

const DOT_SHAPES: Record<MeshNode['kind'], string> = { source: 'cylinder', model: 'box', snapshot: 'box3d', port: 'cds', feature: 'note' };

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Graphviz: one cluster per domain holding one cluster per product; edges follow the data. */
export function graphToDot(graph: MeshGraph): string {
  const lines = ['digraph mesh {', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=10];', '  compound=true;'];
  const domains = new Map<string, string[]>();
  for (const product of graph.products.values()) {
    const list = domains.get(product.domain) ?? [];
    list.push(product.id);
    domains.set(product.domain, list);
  }
  let cluster = 0;
  for (const [domain, productIds] of [...domains].sort()) {
    lines.push(`  subgraph cluster_${cluster++} {`, `    label=${quote(domain)}; style=rounded; color="#999999";`);
    for (const productId of productIds.sort()) {
      const product = graph.products.get(productId);
      if (!product) continue;
      lines.push(`    subgraph cluster_${cluster++} {`, `      label=${quote(`${product.name} (${product.kind})`)}; style=filled; fillcolor="#f4f6fb";`);
      for (const id of product.nodes) {
        const node = graph.nodes.get(id);
        if (node) lines.push(`      ${quote(id)} [label=${quote(node.kind === 'port' ? displayName(node) : node.name)}, shape=${DOT_SHAPES[node.kind]}];`);
      }
      lines.push('    }');
    }
    lines.push('  }');
  }
  for (const node of graph.nodes.values()) for (const up of node.upstream) lines.push(`  ${quote(up)} -> ${quote(node.id)};`);
  // Check edges: dashed, and left out of the ranking so that they never bend the data flow.
  for (const edge of graph.checkEdges ?? []) lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)} [style=dashed, label="check", constraint=false, fontsize=8];`);
  lines.push('}');
  return lines.join('\n');
}
