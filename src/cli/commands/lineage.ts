import type { Command } from 'commander';
import type { MeshGraph, PortNode, ProductLineage } from '../../compiler/index.js';
import { didYouMean } from '../../diagnostics/index.js';
import { UsageError } from '../exit-codes.js';
import { paint, printJson, type Output } from '../output.js';
import type { CommandContext } from './context.js';
import { openValidMesh } from './open-valid.js';

export function registerLineage(program: Command, context: CommandContext): void {
  program
    .command('lineage')
    .description('Show the products upstream and downstream of a product, and the ports between them')
    .argument('<product>', 'the product as <domain>.<product>, e.g. delivery.deliveries')
    .option('--json', 'print the lineage as JSON')
    .action(async (product: string, options: { json?: boolean }) => {
      const opened = await openValidMesh(context);
      if (!opened) return;
      const { graph } = opened;
      if (!graph.products.has(product)) {
        throw new UsageError(`No product \`${product}\` in this mesh.${didYouMean(product, graph.products.keys())} Products are named <domain>.<product>; \`tessera graph\` lists them.`);
      }
      const { productLineage } = await import('../../compiler/index.js');
      const lineage = productLineage(graph, product);
      const ports = portReaders(graph, product);
      if (options.json) printJson(context.output, { ...lineage, ports });
      else printLineage(context.output, graph, lineage, ports);
    });
}

interface PortReaders {
  port: string;
  version: number;
  deprecated: boolean;
  readers: string[];
  /** Nodes of other products whose reference checks read the port (check edges). */
  checkedBy: string[];
}

/** Who reads each port of the product: products and features, so owners know whom a change reaches. */
function portReaders(graph: MeshGraph, product: string): PortReaders[] {
  return (graph.products.get(product)?.nodes ?? [])
    .map((id) => graph.nodes.get(id))
    .filter((n): n is PortNode => n?.kind === 'port')
    .map((port) => {
      const readers = new Set<string>();
      const checkedBy = new Set<string>();
      for (const edge of graph.checkEdges ?? []) {
        if (edge.from !== port.id) continue;
        const checker = graph.nodes.get(edge.to);
        if (checker && checker.product !== product) checkedBy.add(checker.kind === 'port' ? `${checker.domain}.${checker.table}` : `${checker.product}.${checker.name}`);
      }
      for (const id of port.downstream) {
        const reader = graph.nodes.get(id);
        if (!reader) continue;
        if (reader.kind === 'feature') readers.add(`${reader.product} (${reader.spec.type} ${reader.name})`);
        else if (reader.product !== product) readers.add(reader.product);
      }
      return { port: `${port.domain}.${port.table}`, version: port.version, deprecated: port.spec.deprecated !== undefined, readers: [...readers].sort(), checkedBy: [...checkedBy].sort() };
    });
}

function printLineage(output: Output, graph: MeshGraph, lineage: ProductLineage, ports: PortReaders[]): void {
  const summary = graph.products.get(lineage.product);
  output.out(`${paint(output, 'bold', lineage.product)}  ${paint(output, 'dim', `${summary?.kind ?? ''} · owner ${summary?.owner ?? ''}`)}`);
  const section = (title: string, links: ProductLineage['upstream'], verb: string): void => {
    output.out(`\n${title}`);
    if (links.length === 0) output.out(paint(output, 'dim', '  (none)'));
    for (const link of links) {
      const owner = graph.products.get(link.product)?.owner ?? '';
      const indent = '  '.repeat(link.depth);
      output.out(`${indent}${link.product}  ${paint(output, 'dim', `owner ${owner} · ${verb} ${link.ports.join(', ')}`)}`);
    }
  };
  section('Upstream (this product reads):', lineage.upstream, 'via');
  section('Downstream (read by):', lineage.downstream, 'reads');
  if (lineage.checks.reads.length + lineage.checks.readBy.length > 0) {
    output.out('\nReference checks (check edges: no data flows, a run audits after the port read):');
    for (const link of lineage.checks.reads) output.out(`  checks against ${link.product}  ${paint(output, 'dim', `${link.ports.join(', ')} · ${link.checks.join('; ')}`)}`);
    for (const link of lineage.checks.readBy) output.out(`  checked by ${link.product}  ${paint(output, 'dim', `${link.ports.join(', ')} · ${link.checks.join('; ')}`)}`);
  }
  output.out('\nPorts and their readers:');
  if (ports.length === 0) output.out(paint(output, 'dim', '  (no ports)'));
  for (const port of ports) {
    const label = `${port.port}${port.deprecated ? ' (deprecated)' : ''}`;
    const checked = port.checkedBy.length > 0 ? ` · checked by ${port.checkedBy.join(', ')}` : '';
    output.out(`  ${label}  ${paint(output, 'dim', `${port.readers.length > 0 ? `← ${port.readers.join(', ')}` : 'no readers in the mesh'}${checked}`)}`);
  }
  if (lineage.features.length > 0) {
    output.out('\nFeatures fed by this product:');
    for (const f of lineage.features) output.out(`  ${f.type} ${f.product}.${f.feature}  ${paint(output, 'dim', `← ${f.ports.join(', ')}`)}`);
  }
}
