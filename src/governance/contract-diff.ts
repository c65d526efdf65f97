import type { MeshGraph, PortNode } from '../compiler/index.js';
import { portAccess, type AccessLevel, type ColumnSpec, type Mesh, type PortSpec } from '../spec/index.js';

/**
 * What changed in one port's contract. Breaking kinds can break a reader's
 * query or its assumptions; the others cannot.
 */
export type ContractChangeKind =
  // breaking
  | 'port-removed'
  | 'column-removed'
  | 'column-type-changed'
  | 'column-nullable'
  | 'allowed-values-narrowed'
  | 'unique-dropped'
  | 'grain-changed'
  | 'access-tightened'
  // compatible
  | 'port-added'
  | 'port-deprecated'
  | 'deprecation-changed'
  | 'deprecation-withdrawn'
  | 'column-added'
  | 'column-required'
  | 'allowed-values-widened'
  | 'unique-added'
  | 'grain-declared'
  | 'access-loosened'
  | 'check-removed'
  | 'check-added'
  | 'classification-changed'
  | 'description-changed';

const BREAKING: ReadonlySet<ContractChangeKind> = new Set<ContractChangeKind>([
  'port-removed',
  'column-removed',
  'column-type-changed',
  'column-nullable',
  'allowed-values-narrowed',
  'unique-dropped',
  'grain-changed',
  'access-tightened',
]);

/** Why a breaking change is nonetheless allowed. */
export type BreakingAllowance =
  /** The product was `status: draft` at base: its contracts were not published yet. */
  | 'draft'
  /** The port (or its product) was deprecated at base and its sunset date has passed. */
  | 'sunset-reached';

export interface DownstreamProduct {
  /** `<domain>.<product>` */
  readonly product: string;
  /** Its owning team. */
  readonly owner: string;
}

export interface DownstreamFeature {
  /** `<domain>.<product>` declaring the feature. */
  readonly product: string;
  readonly feature: string;
  /** dashboard, ml_model, report, … */
  readonly type: string;
  readonly owner: string;
}

export interface ContractChange {
  /** The port as readers name it: `<domain>.<table>`. */
  readonly port: string;
  /** The graph node id, `port:<domain>.<table>`. */
  readonly portId: string;
  /** The product publishing the port, and its team. */
  readonly product: string;
  readonly owner: string;
  readonly change: ContractChangeKind;
  /** The column concerned, for column changes. */
  readonly column?: string;
  /** One line for people, e.g. "column amount: type DECIMAL(12,2) → DOUBLE". */
  readonly detail: string;
  readonly breaking: boolean;
  /** A breaking change to a published contract: the diff fails. */
  readonly error: boolean;
  /** Set when the change is breaking but allowed. */
  readonly allowed?: BreakingAllowance;
  /** For errors other than a removal: the name a new version of the port would be read by, e.g. commerce.orders_v2. */
  readonly nextVersion?: string;
  /** Products reading the port (other than its own), with their teams. */
  readonly downstream: readonly DownstreamProduct[];
  /** Features (dashboards, ML models, …) fed by the port. */
  readonly features: readonly DownstreamFeature[];
}

export interface ContractDiffSummary {
  /** Ports present at base or head. */
  readonly portsCompared: number;
  /** Ports with at least one change. */
  readonly portsChanged: number;
  readonly changes: number;
  readonly breaking: number;
  readonly errors: number;
  /** Teams owning a product or feature that reads a port with a breaking change, sorted. */
  readonly affectedTeams: readonly string[];
}

export interface ContractDiff {
  /** Ordered by port id, then port-level changes, columns (in contract order), checks, descriptions. */
  readonly changes: readonly ContractChange[];
  readonly summary: ContractDiffSummary;
}

/** One side of the comparison: the compiled graph, and the mesh for product status and defaults. */
export interface ContractSide {
  readonly graph?: MeshGraph;
  readonly mesh?: Mesh;
}

export interface ContractDiffOptions {
  /** Today, YYYY-MM-DD (UTC): a removal is allowed once a deprecated port's sunset has passed. */
  readonly today: string;
}

const ACCESS_RANK: Record<AccessLevel, number> = { public: 0, internal: 1, restricted: 2 };

/** DuckDB's synonyms for the same type, by their canonical name. */
const TYPE_ALIASES: Record<string, string> = {
  INT: 'INTEGER',
  INT4: 'INTEGER',
  SIGNED: 'INTEGER',
  INT8: 'BIGINT',
  LONG: 'BIGINT',
  INT2: 'SMALLINT',
  SHORT: 'SMALLINT',
  INT1: 'TINYINT',
  STRING: 'VARCHAR',
  TEXT: 'VARCHAR',
  CHAR: 'VARCHAR',
  BPCHAR: 'VARCHAR',
  BOOL: 'BOOLEAN',
  LOGICAL: 'BOOLEAN',
  FLOAT8: 'DOUBLE',
  FLOAT4: 'FLOAT',
  REAL: 'FLOAT',
  NUMERIC: 'DECIMAL',
  DATETIME: 'TIMESTAMP',
  TIMESTAMPTZ: 'TIMESTAMPWITHTIMEZONE',
  BYTEA: 'BLOB',
  BINARY: 'BLOB',
  VARBINARY: 'BLOB',
};

/** Upper case, no whitespace, the leading type name by its canonical synonym: `decimal(12, 2)` = `NUMERIC(12,2)`. */
export function normalizeType(type: string): string {
  const compact = type.toUpperCase().replace(/\s+/g, '');
  const head = /^[A-Z0-9_]+/.exec(compact)?.[0] ?? '';
  const canonical = TYPE_ALIASES[head];
  return canonical === undefined ? compact : canonical + compact.slice(head.length);
}

function keyColumns(key: PortSpec['unique_key']): string[] | undefined {
  if (key === undefined) return undefined;
  return (typeof key === 'string' ? [key] : key).map((c) => c.toLowerCase()).sort();
}

function showValue(value: string | number | boolean): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

function valueKey(value: string | number | boolean): string {
  return JSON.stringify(value);
}

type Check = NonNullable<PortSpec['checks']>[number];

function checkKey(check: Check): string {
  return typeof check === 'string' ? check.trim().replace(/\s+/g, ' ') : JSON.stringify(check);
}

function effectiveAccess(spec: PortSpec, mesh: Mesh | undefined): { level: AccessLevel; declared: boolean } {
  if (spec.access !== undefined) return { level: spec.access, declared: true };
  return { level: portAccess(spec, mesh?.spec ?? {}), declared: false };
}

function ports(graph: MeshGraph | undefined): Map<string, PortNode> {
  const found = new Map<string, PortNode>();
  for (const node of graph?.nodes.values() ?? []) if (node.kind === 'port') found.set(node.id, node);
  return found;
}

function readersOf(graph: MeshGraph, port: PortNode): { downstream: DownstreamProduct[]; features: DownstreamFeature[] } {
  const products = new Set<string>();
  const features: DownstreamFeature[] = [];
  const owner = (product: string): string => graph.products.get(product)?.owner ?? '';
  for (const id of port.downstream) {
    const reader = graph.nodes.get(id);
    if (!reader) continue;
    if (reader.kind === 'feature') features.push({ product: reader.product, feature: reader.name, type: reader.spec.type, owner: owner(reader.product) });
    if (reader.product !== port.product) products.add(reader.product);
  }
  return {
    downstream: [...products].sort().map((product) => ({ product, owner: owner(product) })),
    features: features.sort((a, b) => (a.product + a.feature < b.product + b.feature ? -1 : 1)),
  };
}

type Found = { change: ContractChangeKind; detail: string; column?: string };

/** The column-by-column comparison of one port's contract. */
function columnChanges(base: readonly ColumnSpec[], head: readonly ColumnSpec[]): Found[] {
  const found: Found[] = [];
  const headByName = new Map(head.map((c) => [c.name.toLowerCase(), c]));
  const baseNames = new Set(base.map((c) => c.name.toLowerCase()));
  base.forEach((before, position) => {
    const after = headByName.get(before.name.toLowerCase());
    const column = before.name;
    if (!after) {
      // A new column of the same type in the same place was most likely this one, renamed.
      const there = head[position];
      const renamed =
        there !== undefined && !baseNames.has(there.name.toLowerCase()) && before.type !== undefined && there.type !== undefined && normalizeType(before.type) === normalizeType(there.type);
      found.push({ change: 'column-removed', column, detail: `column ${column} removed${renamed ? ` (renamed to ${there.name}?)` : ''}` });
      return;
    }
    if (before.type !== undefined && after.type !== undefined && normalizeType(before.type) !== normalizeType(after.type)) {
      found.push({ change: 'column-type-changed', column, detail: `column ${column}: type ${before.type} → ${after.type}` });
    } else if (before.type !== undefined && after.type === undefined) {
      found.push({ change: 'column-type-changed', column, detail: `column ${column}: type ${before.type} no longer declared` });
    }
    if (before.required === true && after.required !== true) {
      found.push({ change: 'column-nullable', column, detail: `column ${column} may now be NULL (no longer required)` });
    } else if (before.required !== true && after.required === true) {
      found.push({ change: 'column-required', column, detail: `column ${column} is now required (never NULL)` });
    }
    found.push(...allowedValueChanges(column, before.allowed_values, after.allowed_values));
    if (before.unique === true && after.unique !== true) {
      found.push({ change: 'unique-dropped', column, detail: `column ${column} is no longer unique` });
    } else if (before.unique !== true && after.unique === true) {
      found.push({ change: 'unique-added', column, detail: `column ${column} is now unique` });
    }
    if (before.classification !== after.classification || before.masking !== after.masking) {
      const show = (c: ColumnSpec): string => `${c.classification ?? 'unclassified'}${c.masking !== undefined ? `, masking ${c.masking}` : ''}`;
      found.push({ change: 'classification-changed', column, detail: `column ${column}: ${show(before)} → ${show(after)}` });
    }
    if ((before.description ?? '') !== (after.description ?? '')) {
      found.push({ change: 'description-changed', column, detail: `column ${column}: description changed` });
    }
  });
  for (const after of head) {
    if (!baseNames.has(after.name.toLowerCase())) {
      found.push({ change: 'column-added', column: after.name, detail: `column ${after.name}${after.type !== undefined ? ` ${after.type}` : ''} added` });
    }
  }
  return found;
}

type Values = ColumnSpec['allowed_values'];

function allowedValueChanges(column: string, before: Values, after: Values): Found[] {
  if (before === undefined && after === undefined) return [];
  const list = (values: readonly (string | number | boolean)[]): string => values.map(showValue).join(', ');
  if (before === undefined && after !== undefined) {
    return [{ change: 'allowed-values-narrowed', column, detail: `column ${column}: now limited to ${list(after)}` }];
  }
  if (before !== undefined && after === undefined) {
    return [{ change: 'allowed-values-widened', column, detail: `column ${column}: no longer limited to ${list(before)}` }];
  }
  const beforeKeys = new Set((before ?? []).map(valueKey));
  const afterKeys = new Set((after ?? []).map(valueKey));
  const removed = (before ?? []).filter((v) => !afterKeys.has(valueKey(v)));
  const added = (after ?? []).filter((v) => !beforeKeys.has(valueKey(v)));
  if (removed.length > 0) {
    const also = added.length > 0 ? `; added ${list(added)}` : '';
    return [{ change: 'allowed-values-narrowed', column, detail: `column ${column}: allowed values narrowed: removed ${list(removed)}${also}` }];
  }
  if (added.length > 0) return [{ change: 'allowed-values-widened', column, detail: `column ${column}: allowed values widened: added ${list(added)}` }];
  return [];
}

function portChanges(base: PortNode, head: PortNode, baseMesh: Mesh | undefined, headMesh: Mesh | undefined): Found[] {
  const found: Found[] = [];
  const before = base.spec;
  const after = head.spec;
  if (before.deprecated === undefined && after.deprecated !== undefined) {
    const { sunset, replaced_by } = after.deprecated;
    found.push({ change: 'port-deprecated', detail: `deprecated: sunset ${sunset}${replaced_by !== undefined ? `, replaced by ${replaced_by}` : ''}` });
  } else if (before.deprecated !== undefined && after.deprecated === undefined) {
    found.push({ change: 'deprecation-withdrawn', detail: 'no longer deprecated' });
  } else if (before.deprecated !== undefined && after.deprecated !== undefined && JSON.stringify(before.deprecated) !== JSON.stringify(after.deprecated)) {
    found.push({ change: 'deprecation-changed', detail: `deprecation changed: sunset ${before.deprecated.sunset} → ${after.deprecated.sunset}` });
  }
  const accessBefore = effectiveAccess(before, baseMesh);
  const accessAfter = effectiveAccess(after, headMesh);
  const rankBefore = ACCESS_RANK[accessBefore.level];
  const rankAfter = ACCESS_RANK[accessAfter.level];
  if (rankBefore !== rankAfter) {
    const show = (a: typeof accessBefore): string => `${a.level}${a.declared ? '' : ' (default)'}`;
    found.push({
      change: rankAfter > rankBefore ? 'access-tightened' : 'access-loosened',
      detail: `access ${rankAfter > rankBefore ? 'tightened' : 'loosened'}: ${show(accessBefore)} → ${show(accessAfter)}`,
    });
  }
  const grainBefore = keyColumns(before.unique_key);
  const grainAfter = keyColumns(after.unique_key);
  const showGrain = (key: PortSpec['unique_key']): string => `[${(typeof key === 'string' ? [key] : (key ?? [])).join(', ')}]`;
  if (grainBefore !== undefined && grainBefore.join(',') !== (grainAfter ?? []).join(',')) {
    found.push({
      change: 'grain-changed',
      detail: grainAfter === undefined ? `grain ${showGrain(before.unique_key)} no longer declared (unique_key removed)` : `grain changed: unique_key ${showGrain(before.unique_key)} → ${showGrain(after.unique_key)}`,
    });
  } else if (grainBefore === undefined && grainAfter !== undefined) {
    found.push({ change: 'grain-declared', detail: `grain declared: unique_key ${showGrain(after.unique_key)}` });
  }
  found.push(...columnChanges(before.columns ?? [], after.columns ?? []));
  const checksBefore = new Map((before.checks ?? []).map((c) => [checkKey(c), c]));
  const checksAfter = new Map((after.checks ?? []).map((c) => [checkKey(c), c]));
  for (const [key] of checksBefore) if (!checksAfter.has(key)) found.push({ change: 'check-removed', detail: `check removed: ${key}` });
  for (const [key] of checksAfter) if (!checksBefore.has(key)) found.push({ change: 'check-added', detail: `check added: ${key}` });
  if ((before.description ?? '') !== (after.description ?? '')) found.push({ change: 'description-changed', detail: 'description changed' });
  return found;
}

/** The product's published state at base: drafts may still change; a retired product or port may go. */
function allowance(port: PortNode, removed: boolean, baseMesh: Mesh | undefined, today: string): BreakingAllowance | undefined {
  const product = baseMesh?.products.find((p) => p.id === port.product)?.spec;
  if (product?.status === 'draft') return 'draft';
  if (!removed) return undefined;
  const sunset = port.spec.deprecated?.sunset ?? (product?.status === 'deprecated' ? product.sunset : undefined);
  return sunset !== undefined && sunset < today ? 'sunset-reached' : undefined;
}

/**
 * Compares the contract of every port between two versions of a mesh. Ports
 * are matched by id (`port:<domain>.<table>`), so a new version of a port is a
 * port added: publishing `orders_v2` next to an unchanged `orders` is the way
 * to ship a breaking change. A breaking change to a port that existed at base
 * is an error unless its product was a draft at base, or, for a removal, the
 * port (or its product) was deprecated at base and its sunset has passed.
 */
export function diffContracts(base: ContractSide, head: ContractSide, options: ContractDiffOptions): ContractDiff {
  const basePorts = ports(base.graph);
  const headPorts = ports(head.graph);
  const ids = [...new Set([...basePorts.keys(), ...headPorts.keys()])].sort();
  /** Highest version of each `<domain>.<name>` on either side, for naming the next one. */
  const latest = new Map<string, number>();
  for (const port of [...basePorts.values(), ...headPorts.values()]) {
    const key = `${port.domain}.${port.name}`.toLowerCase();
    latest.set(key, Math.max(latest.get(key) ?? 0, port.version));
  }
  const changes: ContractChange[] = [];
  for (const id of ids) {
    const before = basePorts.get(id);
    const after = headPorts.get(id);
    const port = after ?? before;
    const graph = after ? head.graph : base.graph;
    if (!port || !graph) continue;
    let found: Found[];
    if (!before) {
      const older = [...headPorts.values(), ...basePorts.values()].find((p) => p.domain === port.domain && p.name === port.name && p.version < port.version);
      found = [{ change: 'port-added', detail: older ? `version ${port.version} of ${older.domain}.${older.table} added` : 'port added' }];
    } else if (!after) {
      found = [{ change: 'port-removed', detail: `port removed${before.spec.deprecated ? ` (deprecated, sunset ${before.spec.deprecated.sunset})` : ''}` }];
    } else {
      found = portChanges(before, after, base.mesh, head.mesh);
    }
    if (found.length === 0) continue;
    const readers = readersOf(graph, port);
    const name = `${port.domain}.${port.table}`;
    const next = `${port.domain}.${port.name}_v${(latest.get(`${port.domain}.${port.name}`.toLowerCase()) ?? port.version) + 1}`;
    for (const f of found) {
      const breaking = BREAKING.has(f.change);
      const allowed = breaking && before ? allowance(before, !after, base.mesh, options.today) : undefined;
      const error = breaking && allowed === undefined;
      changes.push({
        port: name,
        portId: id,
        product: port.product,
        owner: graph.products.get(port.product)?.owner ?? '',
        change: f.change,
        ...(f.column !== undefined ? { column: f.column } : {}),
        detail: f.detail,
        breaking,
        error,
        ...(allowed !== undefined ? { allowed } : {}),
        ...(error && f.change !== 'port-removed' ? { nextVersion: next } : {}),
        downstream: readers.downstream,
        features: readers.features,
      });
    }
  }
  const breaking = changes.filter((c) => c.breaking);
  const teams = new Set<string>();
  for (const change of breaking) {
    for (const d of change.downstream) if (d.owner !== '') teams.add(d.owner);
    for (const f of change.features) if (f.owner !== '') teams.add(f.owner);
  }
  return {
    changes,
    summary: {
      portsCompared: ids.length,
      portsChanged: new Set(changes.map((c) => c.portId)).size,
      changes: changes.length,
      breaking: breaking.length,
      errors: changes.filter((c) => c.error).length,
      affectedTeams: [...teams].sort(),
    },
  };
}
