import { nodeId, type MeshGraph, type PortNode } from '../../compiler/index.js';
import { closestMatch, type Severity, type SourcePosition } from '../../diagnostics/index.js';
import { portTableName, type Mesh, type Product } from '../../spec/index.js';
import { portsReadFromOthers } from './port-reads.js';
import type { Finding, Rule } from '../rule.js';

const byId = (a: Product, b: Product): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Why reading a port is living on borrowed time: the port's own deprecation, or its product's. */
interface Deprecation {
  readonly sunset: string;
  /** `<domain>.<table>` consumers should move to: the declared `replaced_by` when it exists, else the latest later version. */
  readonly replacement?: string;
  /** Whether the whole product is deprecated rather than this port. */
  readonly wholeProduct: boolean;
  /** The product that owns the port. */
  readonly owner: Product;
}

class Ports {
  /** lowercased `<domain>.<table>` → port */
  private readonly byTable = new Map<string, PortNode>();
  readonly names: string[] = [];

  constructor(graph: MeshGraph) {
    for (const node of graph.nodes.values()) {
      if (node.kind !== 'port') continue;
      const name = `${node.domain}.${node.table}`;
      this.byTable.set(name.toLowerCase(), node);
      this.names.push(name);
    }
  }

  get(name: string): PortNode | undefined {
    return this.byTable.get(name.toLowerCase());
  }

  /** The latest version of the same port (same domain and name, a higher version), preferring versions not deprecated themselves. */
  successor(port: PortNode): PortNode | undefined {
    let best: PortNode | undefined;
    const rank = (p: PortNode): number => p.version + (p.spec.deprecated === undefined ? 1e6 : 0);
    for (const other of this.byTable.values()) {
      if (other.domain.toLowerCase() !== port.domain.toLowerCase() || other.name.toLowerCase() !== port.name.toLowerCase()) continue;
      if (other.version <= port.version) continue;
      if (!best || rank(other) > rank(best)) best = other;
    }
    return best;
  }
}

const tableOf = (port: PortNode): string => `${port.domain}.${port.table}`;

function deprecationOf(port: PortNode, products: ReadonlyMap<string, Product>, ports: Ports): Deprecation | undefined {
  const owner = products.get(port.product);
  if (!owner) return undefined;
  const declared = port.spec.deprecated;
  if (declared) {
    // Only an existing port is worth suggesting; a wrong `replaced_by` is reported on the port itself.
    const named = declared.replaced_by !== undefined ? ports.get(declared.replaced_by) : undefined;
    const next = named !== undefined && named !== port ? named : ports.successor(port);
    return { sunset: declared.sunset, wholeProduct: false, owner, ...(next ? { replacement: tableOf(next) } : {}) };
  }
  if (owner.spec.status === 'deprecated' && owner.spec.sunset !== undefined) {
    return { sunset: owner.spec.sunset, wholeProduct: true, owner };
  }
  return undefined;
}

/**
 * The finding for something that reads a deprecated port: a warning, an error once past the sunset.
 * `reader` says who reads and how: "Model `x` of a.b reads".
 */
function readFinding(reader: string, port: PortNode, deprecation: Deprecation, today: string, location: SourcePosition, domain: string): Finding {
  const table = tableOf(port);
  const { sunset, replacement, owner } = deprecation;
  const past = today > sunset;
  const subject = deprecation.wholeProduct ? `${table}, a port of ${owner.id}, which` : `${table}, which`;
  const details = `sunset ${sunset}${replacement !== undefined ? `; replaced by ${replacement}` : ''}`;
  const message = past ? `${reader} ${subject} is past its sunset (deprecated, ${details}).` : `${reader} ${subject} is deprecated (${details}).`;
  const hint =
    replacement !== undefined
      ? `Read ${replacement} instead${past ? `: ${table} may stop being served any day` : `, before ${sunset}`}.`
      : `Ask the owners of ${owner.id} (team ${owner.spec.owner}) what replaces ${table}, and move ${past ? 'now' : `before ${sunset}`}.`;
  const severity: Severity | undefined = past ? 'error' : undefined;
  return { message, hint, location, domain, ...(severity ? { severity } : {}) };
}

/** Declared deprecations of a product's own ports: is the replacement named, and does it exist? */
function checkDeclarations(product: Product, mesh: Mesh, ports: Ports, findings: Finding[]): void {
  const { spec, file } = product;
  (spec.ports ?? []).forEach((port, i) => {
    const deprecated = port.deprecated;
    if (!deprecated) return;
    const self = ports.get(`${spec.domain}.${portTableName(port)}`);
    if (self?.product !== product.id) return; // a duplicate port, reported by the compiler
    const table = tableOf(self);
    if (deprecated.replaced_by === undefined) {
      const successor = ports.successor(self);
      const next = successor ? tableOf(successor) : undefined;
      findings.push({
        message: `Port ${table} is deprecated (sunset ${deprecated.sunset}) but does not say which port replaces it.`,
        hint:
          next !== undefined
            ? `Set \`replaced_by: ${next}\`, the latest version of this port, so that consumers know where to move.`
            : 'Set `replaced_by` to the port consumers should move to, as <domain>.<port>.',
        location: file.locate(['ports', i, 'deprecated'], { key: true }),
        domain: spec.domain,
        ...(next !== undefined ? { fix: [{ file: file.path, path: ['ports', i, 'deprecated', 'replaced_by'], value: next }] } : {}),
      });
      return;
    }
    const named = deprecated.replaced_by;
    const target = ports.get(named);
    const location = file.locate(['ports', i, 'deprecated', 'replaced_by']);
    if (target === self) {
      findings.push({
        message: `Port ${table} names itself as its replacement.`,
        hint: 'Set `replaced_by` to the port consumers should move to, as <domain>.<port>.',
        location,
        domain: spec.domain,
        severity: 'error',
      });
      return;
    }
    if (target) return;
    const [domain = ''] = named.split('.');
    const unloaded =
      mesh.unloadedPorts.some((p) => p.toLowerCase() === named.toLowerCase()) || mesh.unloadedDomains.some((d) => d.toLowerCase() === domain.toLowerCase());
    if (unloaded) return; // its product has errors of its own
    const guess = closestMatch(named, ports.names.filter((n) => n !== table));
    findings.push({
      message: `Port ${table} is replaced by \`${named}\`, which is not a port.${guess !== undefined ? ` Did you mean \`${guess}\`?` : ''}`,
      hint: guess !== undefined ? `Write \`replaced_by: ${guess}\`.` : 'Name an existing port as <domain>.<port> (`tessera graph` lists them all), with _v<N> for version 2 and later.',
      location,
      domain: spec.domain,
      severity: 'error',
    });
  });
}

/**
 * Deprecated ports announce their end (sunset) and successor (replaced_by); their
 * readers are told where they read them, and are errors once the sunset has passed.
 */
export const deprecationRule: Rule = {
  id: 'deprecation',
  description:
    'Deprecated ports name an existing replacement, and whoever still reads a deprecated port (or a deprecated product) is told, with an error past the sunset.',
  defaultSeverity: 'warning',
  fixable: true,
  check({ mesh, graph, today }) {
    const findings: Finding[] = [];
    const ports = new Ports(graph);
    const products = new Map(mesh.products.map((p) => [p.id, p]));
    const known = new Map<PortNode, Deprecation | undefined>();
    const deprecation = (port: PortNode): Deprecation | undefined => {
      if (!known.has(port)) known.set(port, deprecationOf(port, products, ports));
      return known.get(port);
    };
    for (const product of [...mesh.products].sort(byId)) {
      const { spec, file } = product;
      checkDeclarations(product, mesh, ports, findings);

      for (const { model, port, location } of portsReadFromOthers(product.id, graph)) {
        const deprecated = deprecation(port);
        if (!deprecated) continue;
        findings.push(readFinding(`Model \`${model}\` of ${product.id} reads`, port, deprecated, today, { ...location }, spec.domain));
      }

      (spec.features ?? []).forEach((feature, i) => {
        const node = graph.nodes.get(nodeId('feature', product.id, feature.name));
        if (node?.kind !== 'feature') return;
        (feature.inputs ?? []).forEach((input, j) => {
          const port = ports.get(input);
          if (!port) return; // feature/unknown-port
          const deprecated = deprecation(port);
          // A deprecated product's own dashboards go with it.
          if (!deprecated || (deprecated.wholeProduct && port.product === product.id)) return;
          const reader = `Feature \`${feature.name}\` (${feature.type}) of ${product.id} is fed by`;
          findings.push(readFinding(reader, port, deprecated, today, file.locate(['features', i, 'inputs', j]), spec.domain));
        });
      });
    }
    return findings;
  },
};
