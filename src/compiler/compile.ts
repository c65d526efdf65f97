import { checkColumns, impliedChecks, parseChecks, type Check } from '../checks/index.js';
import { didYouMean, LineIndex, type Diagnostic, type SourcePosition } from '../diagnostics/index.js';
import { portTableName, type ColumnSpec, type Mesh, type Product, type SpecFile, type SpecPath } from '../spec/index.js';
import { COMMON_TYPES, isKnownColumnType, TYPE_NAMES } from './column-types.js';
import { cycleChain, findCycles, topologicalOrder } from './cycles.js';
import { nodeId, portId, type MeshGraph, type MeshNode, type ModelNode, type PortNode, type ProductSummary } from './graph.js';

/** What the compiler needs from a model's parsed SQL (the sqlparse layer produces it). */
export interface ModelSqlAnalysis {
  readonly references: readonly { readonly catalog?: string; readonly schema?: string; readonly name: string; readonly offset: number }[];
  /** Table functions in FROM and calls that read the environment. */
  readonly functions?: readonly { readonly kind: 'table' | 'scalar'; readonly name: string; readonly schema?: string; readonly offset: number }[];
  readonly problem?: { readonly kind: string; readonly message: string; readonly offset?: number };
}

/** Table functions that compute rows from their arguments alone; every other one reaches outside the graph. */
const PURE_TABLE_FUNCTIONS: readonly string[] = ['range', 'generate_series', 'unnest'];

/** Schemas of the engine and of Tessera itself: never part of a mesh. */
const SYSTEM_SCHEMAS: Record<string, string> = {
  tessera_versions: "Tessera's own schema of port versions",
  tessera_state: "Tessera's own state schema (runs, results, versions)",
  tessera_raw: "Tessera's own schema of raw loaded files",
  information_schema: "the engine's catalog",
  pg_catalog: "the engine's catalog",
};

/** What a table function reaches, for the message. */
function tableFunctionReach(name: string): string {
  if (/^(query|query_table)$/.test(name)) return 'reads tables named in a string, which the graph cannot see';
  if (/^(read_|parquet_|sniff_csv$|glob$|iceberg_|delta_)/.test(name)) return 'reads files directly';
  if (/^(postgres_|sqlite_|mysql_)/.test(name)) return 'reaches another database';
  if (/^(duckdb_|pragma_|which_secret$|pg_)/.test(name)) return "reads the engine's catalog or settings";
  return 'reads outside what the mesh declares';
}

export interface CompileResult {
  readonly graph: MeshGraph;
  readonly diagnostics: Diagnostic[];
}

const SQL_PROBLEM_CODES: Record<string, { code: string; hint: string }> = {
  syntax: { code: 'sql/syntax', hint: 'Fix the SQL near the position shown; the model must parse as DuckDB SQL.' },
  'not-select': { code: 'sql/not-select', hint: 'Write the model as a plain SELECT (or WITH … SELECT); Tessera creates the table itself.' },
  'multiple-statements': { code: 'sql/multiple-statements', hint: 'Keep one SELECT per model file; split the rest into models of their own.' },
  empty: { code: 'sql/empty', hint: 'Write the SELECT that produces the model, or delete the file.' },
};

/**
 * A position looked up only when read. Finding a YAML position builds the
 * file's source map, which a mesh without errors never needs.
 */
/** The name under which an incremental model reads its own previous result. */
export const SELF_NAME = 'this';

function lazyLocation(file: SpecFile, path: SpecPath): SourcePosition {
  return lazyPosition(file.path, () => file.locate(path));
}

/** The same file, pointing lazily: positions are computed (and the YAML document built) only when read. */
function lazyFile(file: SpecFile): SpecFile {
  return { path: file.path, locate: (path, options) => lazyPosition(file.path, () => file.locate(path, options)) };
}

function lazyPosition(file: string, compute: () => SourcePosition): SourcePosition {
  let found: SourcePosition | undefined;
  const get = (): SourcePosition => (found ??= compute());
  return {
    file,
    get line() {
      return get().line;
    },
    get column() {
      return get().column;
    },
  };
}

/** Per-product lookup of internal assets by lowercased name. */
type AssetIndex = Map<string, MeshNode>;

class Compiler {
  readonly diagnostics: Diagnostic[] = [];
  private readonly nodes = new Map<string, MeshNode>();
  private readonly assets = new Map<string, AssetIndex>();
  /** domain → lowercased port table → port node */
  private readonly ports = new Map<string, Map<string, PortNode>>();
  /** `<from> <to>` → the reference checks of `to` that read port `from`. */
  private readonly checkEdges = new Map<string, { from: string; to: string; checks: string[] }>();
  /** Each reference check that reads another node's port, for the cycle check. */
  private readonly referenceReads: { port: PortNode; node: MeshNode; check: Check }[] = [];

  constructor(
    private readonly mesh: Mesh,
    private readonly sql: ReadonlyMap<string, ModelSqlAnalysis>,
  ) {}

  compile(): CompileResult {
    this.checkTeams();
    for (const model of this.mesh.unvalidatedModels) this.reportSqlProblem(model.name, model.sqlFile, model.sql);
    for (const product of this.mesh.products) this.declareProduct(product);
    for (const product of this.mesh.products) this.connectProduct(product);
    const order = this.orderAndCycles();
    for (const node of this.nodes.values()) for (const up of node.upstream) this.nodes.get(up)?.downstream.push(node.id);
    this.checkReferenceCycles();
    const nodesOf = new Map<string, string[]>();
    for (const node of this.nodes.values()) {
      const list = nodesOf.get(node.product);
      if (list) list.push(node.id);
      else nodesOf.set(node.product, [node.id]);
    }
    const products = new Map<string, ProductSummary>();
    for (const product of this.mesh.products) {
      products.set(product.id, {
        id: product.id,
        domain: product.spec.domain,
        name: product.spec.name,
        owner: product.spec.owner,
        kind: product.spec.kind,
        nodes: nodesOf.get(product.id) ?? [],
      });
    }
    const checkEdges = [...this.checkEdges.values()].sort((a, b) => (a.to === b.to ? (a.from < b.from ? -1 : 1) : a.to < b.to ? -1 : 1));
    return { graph: { nodes: this.nodes, products, order, checkEdges }, diagnostics: this.diagnostics };
  }

  private error(code: string, message: string, hint: string, location: SourcePosition | undefined): void {
    this.diagnostics.push({ code, severity: 'error', message, hint, ...(location ? { location } : {}) });
  }

  private checkTeams(): void {
    const seen = new Map<string, number>();
    this.mesh.teams.forEach((team, i) => {
      const first = seen.get(team.id);
      if (first !== undefined) {
        this.error('team/duplicate', `Team id \`${team.id}\` is declared twice (first as teams[${first}]).`, 'Give every team a unique id.', this.mesh.teamsFile?.locate(['teams', i, 'id']));
      } else {
        seen.set(team.id, i);
      }
    });
  }

  /** First pass: create every node, so that the second pass can resolve references in any order. */
  private declareProduct(product: Product): void {
    const { spec, file } = product;
    const domain = spec.domain;

    // No teams.yaml that validated (already reported): owners cannot be checked against it.
    const teamsKnown = this.mesh.teamsFile !== undefined || this.mesh.teams.length > 0;
    if (teamsKnown && !this.mesh.teams.some((t) => t.id === spec.owner)) {
      const teamIds = this.mesh.teams.map((t) => t.id);
      this.error(
        'owner/unknown-team',
        `Owner \`${spec.owner}\` of product ${product.id} is not a team in teams.yaml.${didYouMean(spec.owner, teamIds)}`,
        teamIds.length > 0 ? `Use one of the declared teams (${teamIds.join(', ')}) or add this team to teams.yaml.` : 'Declare the team in teams.yaml.',
        file.locate(['owner']),
      );
    }

    const assets: AssetIndex = new Map();
    this.assets.set(product.id, assets);
    const base = { product: product.id, domain, upstream: [] as string[], downstream: [] as string[] };
    const addAsset = (node: MeshNode): void => {
      const key = node.name.toLowerCase();
      if (key === SELF_NAME) {
        this.error(
          'asset/reserved-name',
          `\`${node.name}\` cannot name a ${node.kind}: incremental models read their own previous result as \`${SELF_NAME}\`.`,
          'Choose another name.',
          node.location,
        );
        return;
      }
      const existing = assets.get(key);
      if (existing) {
        this.error(
          'asset/duplicate-name',
          `\`${node.name}\` names both a ${existing.kind} and a ${node.kind} in product ${product.id}.`,
          'Sources, models and snapshots of a product share one namespace (models read them by bare name): rename one.',
          node.location,
        );
        return;
      }
      assets.set(key, node);
      this.nodes.set(node.id, node);
    };
    const lazy = lazyFile(file);
    const checksAt = (raw: readonly unknown[] | undefined, path: SpecPath): Check[] => {
      if (!raw || raw.length === 0) return [];
      const parsed = parseChecks(raw, lazy, path);
      this.diagnostics.push(...parsed.diagnostics);
      return parsed.checks;
    };
    // Declared columns keep their promises: required, unique and allowed_values are checked on
    // sources and models as on ports (a failing one fails the node), and every type is one the engine knows.
    const columnsAt = (columns: readonly ColumnSpec[] | undefined, path: SpecPath, owner: string): Check[] => {
      (columns ?? []).forEach((column, j) => { this.checkColumnType(column, owner, file, [...path, 'columns', j, 'type']); });
      return columns && columns.length > 0 ? impliedChecks(columns, undefined, lazy, path) : [];
    };
    (spec.sources ?? []).forEach((source, i) => {
      const checks = [...columnsAt(source.columns, ['sources', i], `source \`${source.name}\``), ...checksAt(source.checks, ['sources', i, 'checks'])];
      addAsset({ ...base, upstream: [], downstream: [], kind: 'source', id: nodeId('source', product.id, source.name), name: source.name, spec: source, checks, location: lazyLocation(file, ['sources', i, 'name']) });
    });
    for (const model of product.models) {
      const node: ModelNode = {
        ...base,
        upstream: [],
        downstream: [],
        kind: 'model',
        id: nodeId('model', product.id, model.name),
        name: model.name,
        sqlFile: model.sqlFile,
        sql: model.sql,
        reads: [],
        checks:
          model.specIndex === undefined
            ? []
            : [...columnsAt(model.spec?.columns, ['models', model.specIndex], `model \`${model.name}\``), ...checksAt(model.spec?.checks, ['models', model.specIndex, 'checks'])],
        location: { file: model.sqlFile, line: 1, column: 1 },
        ...(model.spec ? { spec: model.spec } : {}),
      };
      addAsset(node);
    }
    (spec.snapshots ?? []).forEach((snapshot, i) => {
      addAsset({ ...base, upstream: [], downstream: [], kind: 'snapshot', id: nodeId('snapshot', product.id, snapshot.name), name: snapshot.name, spec: snapshot, checks: checksAt(snapshot.checks, ['snapshots', i, 'checks']), location: lazyLocation(file, ['snapshots', i, 'name']) });
    });

    let domainPorts = this.ports.get(domain.toLowerCase());
    if (!domainPorts) {
      domainPorts = new Map();
      this.ports.set(domain.toLowerCase(), domainPorts);
    }
    (spec.ports ?? []).forEach((port, i) => {
      const table = portTableName(port);
      (port.columns ?? []).forEach((column, j) => { this.checkColumnType(column, `port \`${domain}.${table}\``, file, ['ports', i, 'columns', j, 'type']); });
      const location = lazyLocation(file, ['ports', i, 'name']);
      const existing = domainPorts.get(table.toLowerCase());
      if (existing) {
        this.error(
          'port/duplicate',
          `Port \`${domain}.${table}\` is declared twice: by ${product.id} here and by ${existing.product} at ${existing.location.file}:${existing.location.line}.`,
          `A port name is unique within its domain: rename one, or give it \`version: ${(port.version ?? 1) + 1}\` if it is a new contract version.`,
          location,
        );
        return;
      }
      const node: PortNode = {
        ...base,
        upstream: [],
        downstream: [],
        kind: 'port',
        id: portId(domain, table),
        name: port.name,
        table,
        version: port.version ?? 1,
        spec: port,
        checks: [...impliedChecks(port.columns ?? [], port.unique_key, lazy, ['ports', i]), ...checksAt(port.checks, ['ports', i, 'checks'])],
        location,
      };
      domainPorts.set(table.toLowerCase(), node);
      this.nodes.set(node.id, node);
    });
    (spec.features ?? []).forEach((feature, i) => {
      const id = nodeId('feature', product.id, feature.name);
      this.nodes.set(id, { ...base, upstream: [], downstream: [], kind: 'feature', id, name: feature.name, spec: feature, location: lazyLocation(file, ['features', i, 'name']) });
    });
  }

  /** Second pass: resolve what every node reads. */
  private connectProduct(product: Product): void {
    const { spec, file } = product;
    const assets = this.assets.get(product.id) ?? new Map<string, MeshNode>();
    const localNames = [...assets.values()].map((a) => a.name);

    for (const model of product.models) {
      const node = this.nodes.get(nodeId('model', product.id, model.name));
      if (node?.kind !== 'model' || node.sqlFile !== model.sqlFile) continue;
      this.connectModel(product, node, assets);
    }
    (spec.snapshots ?? []).forEach((snapshot, i) => {
      const node = this.nodes.get(nodeId('snapshot', product.id, snapshot.name));
      const from = assets.get(snapshot.from.toLowerCase());
      if (!node) return;
      if (!from && this.declaredWithoutSql(product, snapshot.from)) return;
      if (!from || from.kind === 'snapshot') {
        this.error(
          'snapshot/unknown-from',
          `Snapshot \`${snapshot.name}\` keeps the history of \`${snapshot.from}\`, which is not a model or source of ${product.id}.${didYouMean(snapshot.from, localNames)}`,
          'Set `from:` to one of this product\'s models or sources.',
          file.locate(['snapshots', i, 'from']),
        );
        return;
      }
      node.upstream.push(from.id);
    });
    (spec.ports ?? []).forEach((port, i) => {
      const node = this.nodes.get(portId(spec.domain, portTableName(port)));
      if (node?.kind !== 'port' || node.product !== product.id) return;
      const feeding = port.model ?? port.name;
      const source = assets.get(feeding.toLowerCase());
      if (!source && this.declaredWithoutSql(product, feeding)) return;
      if (!source) {
        this.error(
          'port/unknown-model',
          `Port \`${node.table}\` is fed by \`${feeding}\`, which is not a model, snapshot or source of ${product.id}.${didYouMean(feeding, localNames)}`,
          port.model === undefined
            ? `Without \`model:\` a port is fed by the model of the same name: add models/${feeding}.sql or set \`model:\`.`
            : `Set \`model:\` to one of: ${localNames.join(', ') || '(this product has no models yet)'}.`,
          file.locate(['ports', i, port.model === undefined ? 'name' : 'model']),
        );
        return;
      }
      node.upstream.push(source.id);
    });
    for (const id of this.assets.get(product.id)?.values() ?? []) this.checkReferences(id);
    for (const port of spec.ports ?? []) {
      const node = this.nodes.get(portId(spec.domain, portTableName(port)));
      if (node?.product === product.id) this.checkReferences(node);
    }
    (spec.features ?? []).forEach((feature, i) => {
      const node = this.nodes.get(nodeId('feature', product.id, feature.name));
      if (!node) return;
      (feature.inputs ?? []).forEach((input, j) => {
        const [domain = '', table = ''] = input.split('.');
        const port = this.ports.get(domain.toLowerCase())?.get(table.toLowerCase());
        // A port of a product that did not load is reported there, once (issue 12, item 8).
        if (!port && (this.mesh.unloadedPorts.includes(input.toLowerCase()) || this.mesh.unloadedDomains.some((d) => d.toLowerCase() === domain.toLowerCase()))) return;
        if (!port) {
          this.error(
            'feature/unknown-port',
            `Feature \`${feature.name}\` is fed by \`${input}\`, which is not a port.${didYouMean(input, this.allPortNames())}`,
            'List ports as <domain>.<port>; `tessera graph` lists them all.',
            file.locate(['features', i, 'inputs', j]),
          );
          return;
        }
        node.upstream.push(port.id);
      });
    });
  }

  /** A declared column type the engine does not know fails the publish: report it where it is written. */
  private checkColumnType(column: ColumnSpec, owner: string, file: SpecFile, path: SpecPath): void {
    if (column.type === undefined || isKnownColumnType(column.type)) return;
    this.error(
      'column/unknown-type',
      `Column \`${column.name}\` of ${owner} has type \`${column.type}\`, which is not a type the engine knows.${didYouMean(column.type.toUpperCase(), TYPE_NAMES)}`,
      `Use a DuckDB type, e.g. ${COMMON_TYPES.join(', ')}.`,
      lazyLocation(file, path),
    );
  }

  /** Declared columns of a node, when it declares any: what its checks may name. */
  private declaredColumns(node: Exclude<MeshNode, { kind: 'feature' }>): readonly ColumnSpec[] | undefined {
    const columns = node.kind === 'port' || node.kind === 'source' ? node.spec.columns : node.kind === 'model' ? node.spec?.columns : undefined;
    return columns && columns.length > 0 ? columns : undefined;
  }

  /** Checks name only declared columns (of their own table, and of the port a reference check reads). */
  private checkCheckColumns(node: Exclude<MeshNode, { kind: 'feature' }>, check: Check, target: PortNode | undefined): void {
    const what = node.id.slice(node.id.indexOf(':') + 1);
    const report = (column: string, owner: string, columns: readonly ColumnSpec[]): void => {
      const names = columns.map((c) => c.name);
      this.error(
        'check/unknown-column',
        `Check \`${check.text}\` of ${node.kind} ${what} names column \`${column}\`, which ${owner} does not declare.${didYouMean(column, names)}`,
        `Declared columns: ${names.join(', ')}. Name one of them, or declare the column under \`columns:\`.`,
        check.location,
      );
    };
    const own = this.declaredColumns(node);
    if (own) {
      for (const column of checkColumns(check)) {
        if (!own.some((c) => c.name.toLowerCase() === column.toLowerCase())) report(column, `the ${node.kind}`, own);
      }
    }
    if (check.type === 'reference' && target) {
      const theirs = this.declaredColumns(target);
      if (theirs) {
        for (const column of check.targetColumns) {
          if (!theirs.some((c) => c.name.toLowerCase() === column.toLowerCase())) report(column, `port ${target.domain}.${target.table}`, theirs);
        }
      }
    }
  }

  /** A reference check reads the port it names: a deprecated one warns, as a model reading it does. */
  private checkDeprecatedReference(node: MeshNode, check: Check & { type: 'reference' }, port: PortNode): void {
    const owner = this.mesh.products.find((p) => p.id === port.product);
    const deprecated = port.spec.deprecated;
    const productDeprecated = owner?.spec.status === 'deprecated';
    if (!deprecated && !productDeprecated) return;
    const sunset = deprecated?.sunset ?? owner?.spec.sunset;
    const replacement = deprecated?.replaced_by;
    this.diagnostics.push({
      code: 'check/deprecated-port',
      severity: 'warning',
      message: `Check \`${check.text}\` of ${node.id.slice(node.id.indexOf(':') + 1)} reads \`${port.domain}.${port.table}\`, which is deprecated${productDeprecated && !deprecated ? ` (its product ${port.product} is)` : ''}${sunset ? `, sunset ${sunset}` : ''}.`,
      hint: replacement ? `Point the check at ${replacement}.` : `Ask ${port.product}'s owners what replaces it, and point the check there.`,
      location: check.location,
    });
  }

  /** A model listed in product.yaml whose SQL file is missing or unreadable: already reported by the loader. */
  private declaredWithoutSql(product: Product, name: string): boolean {
    const key = name.toLowerCase();
    return (product.spec.models ?? []).some((m) => m.name.toLowerCase() === key) && !product.models.some((m) => m.name.toLowerCase() === key);
  }

  /** Reference checks must name a port that exists; every check names declared columns. */
  private checkReferences(node: MeshNode): void {
    if (node.kind === 'feature') return;
    for (const check of node.checks) {
      if (check.implied !== true && check.type !== 'reference') this.checkCheckColumns(node, check, undefined);
      if (check.type !== 'reference') continue;
      const { domain, table } = check.port;
      const target = this.ports.get(domain.toLowerCase())?.get(table.toLowerCase());
      if (target) {
        this.checkCheckColumns(node, check, target);
        this.checkDeprecatedReference(node, check, target);
        if (target.id !== node.id) {
          const key = `${target.id} ${node.id}`;
          const edge = this.checkEdges.get(key);
          if (edge) edge.checks.push(check.name);
          else this.checkEdges.set(key, { from: target.id, to: node.id, checks: [check.name] });
          this.referenceReads.push({ port: target, node, check });
        }
        continue;
      }
      this.checkCheckColumns(node, check, undefined);
      if (this.mesh.unloadedPorts.includes(`${domain}.${table}`.toLowerCase()) || this.mesh.unloadedDomains.some((d) => d.toLowerCase() === domain.toLowerCase())) continue;
      this.error(
        'check/unknown-port',
        `Check \`${check.name}\` of ${node.id.slice(node.id.indexOf(':') + 1)} reads \`${domain}.${table}\`, which is not a port.${didYouMean(`${domain}.${table}`, this.allPortNames())}`,
        'A reference check names a port as <domain>.<port>(column); `tessera graph` lists the ports.',
        check.location,
      );
    }
  }

  private allPortNames(): string[] {
    const names: string[] = [];
    for (const [, ports] of this.ports) for (const port of ports.values()) names.push(`${port.domain}.${port.table}`);
    return names;
  }

  private connectModel(product: Product, node: ModelNode, assets: AssetIndex): void {
    const analysis = this.sql.get(node.sqlFile);
    if (!analysis) return;
    let lines: LineIndex | undefined;
    const at = (offset: number): SourcePosition => {
      lines ??= new LineIndex(node.sql);
      return { file: node.sqlFile, ...lines.position(offset) };
    };
    if (this.reportSqlProblem(node.name, node.sqlFile, node.sql, product)) return;
    for (const call of analysis.functions ?? []) this.checkFunction(node, call, at(call.offset));
    const seen = new Set<string>();
    for (const ref of analysis.references) {
      const target = this.resolve(product, node, ref, assets, () => at(ref.offset));
      if (target && !seen.has(target)) {
        seen.add(target);
        node.upstream.push(target);
        node.reads.push({ target, location: lazyPosition(node.sqlFile, () => at(ref.offset)) });
      }
    }
  }

  /**
   * SQL that still holds dbt's Jinja (`{{ ref('orders') }}`, `{% for %}`, `{# #}`) does not
   * parse; say so, and show the plain-SQL spelling, instead of a syntax error at `{`.
   */
  private reportJinja(name: string, sqlFile: string, sql: string, product: Product | undefined): boolean {
    const at = sql.search(/\{[{%#]/);
    if (at < 0) return false;
    const spellings: string[] = [];
    const seen = new Set<string>();
    for (const m of sql.matchAll(/\{\{-?\s*(ref|source)\s*\(([^)]*)\)\s*-?\}\}/g)) {
      const call = m[0];
      const args = [...(m[2] ?? '').matchAll(/['"]([^'"]+)['"]/g)].map((a) => a[1] ?? '');
      if (seen.has(call) || args.length === 0) continue;
      seen.add(call);
      spellings.push(`\`${call}\` → \`${this.plainSpelling(m[1] === 'source' ? 'source' : 'ref', args, product)}\``);
      if (spellings.length === 3) break;
    }
    const blocks = /\{%/.test(sql) ? ' `{% … %}` blocks (loops, conditions, macros) have no equivalent: write the SQL out, or split it into models.' : '';
    const comments = /\{#/.test(sql) ? ' Write `{# … #}` comments as `-- …`.' : '';
    const hint = `Write plain SQL: read this product's sources, models and snapshots by bare name and other products' ports as <domain>.<port>${spellings.length > 0 ? `: ${spellings.join(', ')}` : ''}.${blocks}${comments}`;
    this.error(
      'sql/jinja',
      `Model \`${name}\` holds dbt's Jinja templating (\`${sql.slice(at, at + 2)}\`); Tessera models are plain SQL, read as written.`,
      hint,
      { file: sqlFile, ...new LineIndex(sql).position(at) },
    );
    return true;
  }

  /** `ref('orders')` → `orders` (an asset of this product) or `<domain>.<port>`; `source('shop', 'orders')` → the source's name. */
  private plainSpelling(kind: 'ref' | 'source', args: readonly string[], product: Product | undefined): string {
    const name = args[args.length - 1] ?? '';
    const key = name.toLowerCase();
    if (product && this.assets.get(product.id)?.has(key)) return name;
    if (kind === 'source') return name;
    for (const [, ports] of this.ports) {
      const port = ports.get(key);
      if (port) return `${port.domain}.${port.table}`;
    }
    const internal = product ? this.findInternal(key, product.id) : undefined;
    if (internal) return `<a port of ${internal.product}>`;
    return `${name} (or <domain>.<port>)`;
  }

  /** Models read only what the graph sees: no table functions but pure ones, nothing from the environment. */
  private checkFunction(model: ModelNode, call: NonNullable<ModelSqlAnalysis['functions']>[number], location: SourcePosition): void {
    const name = call.name.toLowerCase();
    const written = call.schema === undefined ? call.name : `${call.schema}.${call.name}`;
    if (call.kind === 'scalar') {
      this.error(
        'sql/environment-function',
        `Model \`${model.name}\` calls \`${written}(…)\`, which reads the process environment or the session's settings: a model's result may depend only on what it reads.`,
        'Put the value in a source or a model of this product (a one-row settings table, say) and read it from there.',
        location,
      );
      return;
    }
    if (call.schema === undefined && PURE_TABLE_FUNCTIONS.includes(name)) return;
    this.error(
      'sql/table-function',
      `Model \`${model.name}\` calls the table function \`${written}(…)\`, which ${tableFunctionReach(name)}. A model reads only its product's sources, models and snapshots and other products' ports, so that every read is an edge of the graph.`,
      `Read files through a source in product.yaml (\`sources:\`); read other products through their ports \`<domain>.<port>\`. Only ${PURE_TABLE_FUNCTIONS.join(', ')} may be called in FROM.`,
      location,
    );
  }

  /** Reports a model whose SQL cannot be used; true if there was such a problem. */
  private reportSqlProblem(name: string, sqlFile: string, sql: string, product?: Product): boolean {
    const problem = this.sql.get(sqlFile)?.problem;
    if (!problem) return false;
    if (problem.kind === 'syntax' && this.reportJinja(name, sqlFile, sql, product)) return true;
    const { code, hint } = SQL_PROBLEM_CODES[problem.kind] ?? { code: 'sql/syntax', hint: 'Fix the SQL.' };
    const position = problem.offset === undefined ? { line: 1, column: 1 } : new LineIndex(sql).position(problem.offset);
    this.error(code, `Model \`${name}\`: ${problem.message}`, hint, { file: sqlFile, ...position });
    return true;
  }

  /** Resolves one table reference of a model, or reports why it cannot be read. */
  private resolve(
    product: Product,
    model: ModelNode,
    ref: ModelSqlAnalysis['references'][number],
    assets: AssetIndex,
    where: () => SourcePosition,
  ): string | undefined {
    const location = (): SourcePosition => where();
    const written = [ref.catalog, ref.schema, ref.name].filter((p) => p !== undefined).join('.');
    const name = ref.name.toLowerCase();
    if (ref.catalog !== undefined) {
      this.error('ref/unknown', `Model \`${model.name}\` reads \`${written}\`: three-part names are not part of a mesh.`, 'Read your own models by bare name and other products\' ports as <domain>.<port>.', location());
      return undefined;
    }
    if (ref.schema === undefined && name === SELF_NAME) {
      if (model.spec?.materialization === 'incremental') {
        const columns = model.spec.columns ?? [];
        if (columns.length === 0 || columns.some((c) => c.type === undefined)) {
          this.error(
            'model/self-needs-columns',
            `Incremental model \`${model.name}\` reads \`${ref.name}\`, its previous result, which does not exist before the first run; its columns are not all declared with a type.`,
            `List the model's columns with their types under \`models:\` in product.yaml (e.g. \`- { name: order_id, type: BIGINT }\`): the first run reads an empty \`${SELF_NAME}\` with those columns.`,
            location(),
          );
        }
        return undefined;
      }
      this.error(
        'ref/self-not-incremental',
        `Model \`${model.name}\` reads \`${ref.name}\`, the name under which an incremental model reads its own previous result; \`${model.name}\` is not incremental.`,
        `Set \`materialization: incremental\` on \`${model.name}\` in product.yaml, or read a source, model or snapshot by its name.`,
        location(),
      );
      return undefined;
    }
    if (ref.schema === undefined) {
      const local = assets.get(name);
      if (local) return local.id;
      if (this.declaredWithoutSql(product, ref.name)) return undefined;
      const internal = this.findInternal(name, product.id);
      if (internal) {
        this.reportInternal(model, written, internal, location());
        return undefined;
      }
      if (/[/\\]|\.(csv|tsv|parquet|json|jsonl|ndjson|txt|gz|zst)$/i.test(ref.name)) {
        this.error(
          'ref/unknown',
          `Model \`${model.name}\` reads the file \`${ref.name}\` directly; a model reads only its product's sources, models and snapshots and other products' ports.`,
          'Declare the file as a source in product.yaml (`sources:` with `format` and `path`) and read the source by its name.',
          location(),
        );
        return undefined;
      }
      const portDomains = [...this.ports].filter(([, ports]) => ports.has(name)).map(([domain]) => domain);
      const hint =
        portDomains.length > 0
          ? `Ports are read with their domain: write \`${portDomains[0] ?? ''}.${ref.name}\`.`
          : 'Read this product\'s sources, models and snapshots by bare name, and other products\' ports as <domain>.<port>.';
      this.error(
        'ref/unknown',
        `Model \`${model.name}\` reads \`${written}\`, which is not a source, model or snapshot of ${product.id}.${portDomains.length > 0 ? '' : didYouMean(ref.name, [...[...assets.values()].map((a) => a.name), ...this.allPortNames()])}`,
        hint,
        location(),
      );
      return undefined;
    }
    const schema = ref.schema.toLowerCase();
    const system = SYSTEM_SCHEMAS[schema];
    if (system !== undefined) {
      this.error(
        'ref/system-schema',
        `Model \`${model.name}\` reads \`${written}\`, in ${system} \`${ref.schema}\`, which is not part of the mesh.`,
        schema === 'tessera_versions'
          ? 'Read a port through its domain view, <domain>.<port>: the view always serves the published version.'
          : 'Read this product\'s sources, models and snapshots by bare name, and other products\' ports as <domain>.<port>.',
        location(),
      );
      return undefined;
    }
    if (schema.includes('__')) {
      this.resolveProductSchema(product, model, ref, written, schema, assets, location());
      return undefined;
    }
    const domainPorts = this.ports.get(schema);
    const port = domainPorts?.get(name);
    if (port) return port.id;
    const own = assets.get(name);
    if (own && (schema === product.spec.domain.toLowerCase() || schema === product.spec.name.toLowerCase())) {
      this.error(
        'ref/unknown',
        `Model \`${model.name}\` reads \`${written}\`, but \`${ref.name}\` is a ${own.kind} of its own product, not a port.`,
        `Read your own product's ${own.kind}s by bare name: \`${ref.name}\`.`,
        location(),
      );
      return undefined;
    }
    const internal = this.findInternal(name, product.id, schema);
    if (internal) {
      this.reportInternal(model, written, internal, location());
      return undefined;
    }
    if (this.mesh.unloadedPorts.includes(`${schema}.${name}`) || this.mesh.unloadedDomains.some((d) => d.toLowerCase() === schema)) return undefined;
    const candidates = domainPorts ? [...domainPorts.values()].map((p) => `${p.domain}.${p.table}`) : this.allPortNames();
    this.error(
      'ref/unknown',
      `Model \`${model.name}\` reads \`${written}\`, which is not a port${domainPorts ? ` of domain ${ref.schema}` : ''}.${didYouMean(written, candidates)}`,
      domainPorts
        ? `Domain ${ref.schema} has the ports: ${candidates.join(', ') || '(none)'}.`
        : `\`${ref.schema}\` is not a domain. Other products are read through their ports as <domain>.<port>.`,
      location(),
    );
    return undefined;
  }

  /** `<domain>__<product>.<asset>`: the schema where a product keeps its internals, never read across products. */
  private resolveProductSchema(
    product: Product,
    model: ModelNode,
    ref: ModelSqlAnalysis['references'][number],
    written: string,
    schema: string,
    assets: AssetIndex,
    location: SourcePosition,
  ): void {
    const owner = this.mesh.products.find((p) => `${p.spec.domain}__${p.spec.name}`.toLowerCase() === schema);
    const name = ref.name.toLowerCase();
    if (owner?.id === product.id) {
      const own = assets.get(name);
      this.error(
        'ref/unknown',
        `Model \`${model.name}\` reads \`${written}\` through its own product's schema${own ? '' : `, and \`${ref.name}\` is not a source, model or snapshot of ${product.id}`}.`,
        `Read your own product's sources, models and snapshots by bare name${own ? `: \`${ref.name}\`` : ''}.`,
        location,
      );
      return;
    }
    if (owner) {
      const internal = this.assets.get(owner.id)?.get(name);
      if (internal) {
        this.reportInternal(model, written, internal, location);
        return;
      }
      const ports = this.portsOf(owner.id);
      this.error(
        'ref/internal',
        `Model \`${model.name}\` of ${model.product} reads \`${written}\`, in the internal schema of product ${owner.id}. Only output ports cross product boundaries.`,
        ports.length > 0 ? `Read one of ${owner.id}'s ports instead (${ports.join(', ')}).` : `${owner.id} has no ports yet: ask its owners to expose what you need as a port.`,
        location,
      );
      return;
    }
    if (this.mesh.unloadedDomains.some((d) => schema.startsWith(`${d.toLowerCase()}__`))) return;
    this.error(
      'ref/unknown',
      `Model \`${model.name}\` reads \`${written}\`: \`${ref.schema}\` looks like a product's internal schema (<domain>__<product>), but no product has it.`,
      'Read other products through their ports as <domain>.<port>; `tessera graph` lists them.',
      location,
    );
  }

  private portsOf(productId: string): string[] {
    return [...this.nodes.values()].filter((n): n is PortNode => n.kind === 'port' && n.product === productId).map((p) => `${p.domain}.${p.table}`);
  }

  /** An internal asset of another product that a reference may have meant, by `<domain>.<name>`, `<product>.<name>` or bare `<name>`. */
  private findInternal(name: string, self: string, schema?: string): MeshNode | undefined {
    for (const product of this.mesh.products) {
      if (product.id === self) continue;
      if (schema !== undefined && product.spec.domain.toLowerCase() !== schema && product.spec.name.toLowerCase() !== schema) continue;
      const asset = this.assets.get(product.id)?.get(name);
      if (asset) return asset;
    }
    return undefined;
  }

  private reportInternal(model: ModelNode, written: string, internal: MeshNode, location: SourcePosition): void {
    const ports = this.portsOf(internal.product);
    this.error(
      'ref/internal',
      `Model \`${model.name}\` of ${model.product} reads \`${written}\`, an internal ${internal.kind} of product ${internal.product}. Only output ports cross product boundaries.`,
      ports.length > 0
        ? `Read one of ${internal.product}'s ports instead (${ports.join(', ')}), or ask its owners to expose what you need as a port.`
        : `${internal.product} has no ports yet: ask its owners to expose what you need as a port.`,
      location,
    );
  }

  /** Points at a line of SQL that closes the loop: the first read, along the chain, written in a model. */
  private cycleLocation(chain: readonly string[]): SourcePosition | undefined {
    for (let i = 1; i < chain.length; i++) {
      const reader = this.nodes.get(chain[i] ?? '');
      const read = reader?.kind === 'model' ? reader.reads.find((r) => r.target === chain[i - 1]) : undefined;
      if (read) return { ...read.location };
    }
    return this.nodes.get(chain[0] ?? '')?.location;
  }

  /**
   * A reference check must not read a port built from the node it checks: the port would
   * wait for the check, and the check for the port. On a fresh warehouse neither could ever
   * publish (the check has no version to compare with). ADR 0012.
   */
  private checkReferenceCycles(): void {
    for (const { port, node, check } of this.referenceReads) {
      const path = this.dataPath(node.id, port.id);
      if (!path) continue;
      const what = node.id.slice(node.id.indexOf(':') + 1);
      this.error(
        'check/cycle',
        `Check \`${check.text}\` of ${node.kind} ${what} reads ${port.domain}.${port.table}, which is built from ${what} (${path.map((id) => id.replace(':', ' ')).join(' → ')}): the port would wait for the check and the check for the port, and neither could ever be published first.`,
        `Put the check on the port downstream instead (${port.domain}.${port.table} can check its column against ${what}), or check against a port that does not read this one.`,
        check.location,
      );
    }
  }

  /** The data path from `from` to `to` along downstream edges, if there is one. */
  private dataPath(from: string, to: string): string[] | undefined {
    const previous = new Map<string, string>([[from, from]]);
    const queue = [from];
    for (let head = 0; head < queue.length; head++) {
      const id = queue[head] ?? '';
      for (const next of this.nodes.get(id)?.downstream ?? []) {
        if (previous.has(next)) continue;
        previous.set(next, id);
        if (next === to) {
          const path = [to];
          for (let at = id; at !== from; at = previous.get(at) ?? from) path.unshift(at);
          return [from, ...path];
        }
        queue.push(next);
      }
    }
    return undefined;
  }

  private orderAndCycles(): string[] {
    const upstreamOf = (id: string): readonly string[] => this.nodes.get(id)?.upstream ?? [];
    const ids = [...this.nodes.keys()];
    const onCycle = new Set<string>();
    for (const component of findCycles(ids, upstreamOf)) {
      for (const id of component) onCycle.add(id);
      const chain = cycleChain(component, upstreamOf);
      this.error(
        'graph/cycle',
        `Dependency cycle: ${chain.map((id) => id.replace(':', ' ')).join(' → ')}.`,
        'A model cannot depend on itself, directly or through others: break the loop by moving shared logic into a model both can read.',
        this.cycleLocation(chain),
      );
    }
    return topologicalOrder(ids, upstreamOf, onCycle);
  }
}

/**
 * Compiles a loaded mesh into one DAG. Pure: the SQL analysis comes in, so this
 * layer never touches files or engines.
 */
export function compileMesh(mesh: Mesh, sql: ReadonlyMap<string, ModelSqlAnalysis>): CompileResult {
  return new Compiler(mesh, sql).compile();
}
