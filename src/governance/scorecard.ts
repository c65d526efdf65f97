/**
 * Scorecards: how well each data product is documented, contracted, checked and
 * kept to the shared guidelines, and the same per owning team, so that a team
 * sees at a glance which of its products to improve first. Informational: a low
 * score fails nothing.
 *
 * Per product:
 *
 * - **documentation** = documented items / documentable items. Documentable: the
 *   product's `description` and `purpose`, each port's `description`, and the
 *   `description` of each column of each port's contract. Blank text counts as
 *   missing.
 * - **contract share** = ports declaring at least one column / ports.
 * - **checks share** = ports with at least one check / ports; a contract column
 *   with `required`, `unique` or `allowed_values` implies a check, so it counts.
 * - A product **without ports** publishes nothing: both shares count as 0 (and a
 *   note says so).
 * - **findings**: lint findings whose file is under the product's folder
 *   (`<product.dir>/`), by severity, except `policy/documentation`, which the
 *   documentation ratio already measures. Findings elsewhere (tessera.yaml, teams.yaml,
 *   glossary.yaml, none) belong to the mesh, not to a product.
 *
 * The score, 0–100 (see {@link SCORE_FORMULA}):
 *
 *     40 × documentation + 30 × contract share + 20 × checks share
 *       + 10 if there are no lint errors
 *       − 5 per lint error − 1 per warning (info costs nothing)
 *     rounded to the nearest integer, floored at 0
 *
 * Grades: A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, else E.
 *
 * **Health counts** where it is known (the server, from the last runs; see
 * {@link withHealth}): a product that is failing (a failed check or publish) loses
 * {@link HEALTH_PENALTY}.failing = 40 points, one with warnings (a warned check, or a
 * missed freshness SLA) loses 10; and a team with a failing product is graded C at best,
 * whatever its mean. Files alone (`tessera scorecard`) cannot know health and score
 * what is written.
 *
 * Per team (the products' `owner`): its products worst score first, the mean
 * score (one decimal) and its grade, documentation over all the team's items
 * (not a mean of ratios), and totals of ports and findings.
 *
 * Pure: no I/O, so that the CLI and the web catalog show the same numbers.
 */
import { portId, type MeshGraph } from '../compiler/index.js';
import type { Severity } from '../diagnostics/index.js';
import { portTableName, type Mesh, type PortSpec, type Product } from '../spec/index.js';
import type { LintFinding } from './lint.js';

export const SCORE_FORMULA =
  'score = round(40 × documentation + 30 × contract share + 20 × checks share + 10 × (no lint errors ? 1 : 0) − 5 × errors − 1 × warnings), floored at 0; ' +
  'errors and warnings are lint findings in the product folder other than policy/documentation (the documentation ratio measures that); ' +
  'documentation = documented / documentable items (product description and purpose, each port description, each port column description); ' +
  'contract share = ports with ≥1 declared column / ports; checks share = ports with ≥1 check (or a required, unique or allowed_values column) / ports; ' +
  'a product without ports scores 0 for both shares; grade A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, else E; ' +
  'where health is known (the catalog), a failing product loses 40 points and one with warnings 10, and a team with a failing product is graded C at best';

/** Points a product loses for its health (withHealth); a team with a failing product is graded at best {@link FAILING_TEAM_GRADE}. */
export const HEALTH_PENALTY = { failing: 40, warning: 10 } as const;
export const FAILING_TEAM_GRADE: Grade = 'C';

export type ProductHealthState = 'ok' | 'warning' | 'failing' | 'unknown';

export const SCORE_WEIGHTS = { documentation: 40, contracts: 30, checks: 20, noErrors: 10, perError: 5, perWarning: 1 } as const;

export type Grade = 'A' | 'B' | 'C' | 'D' | 'E';

export interface FindingCounts {
  readonly errors: number;
  readonly warnings: number;
  readonly info: number;
}

export interface DocumentationCoverage {
  readonly documented: number;
  readonly documentable: number;
  /** documented / documentable, 0–1 (1 when there is nothing to document). */
  readonly ratio: number;
}

export interface PortScore {
  /** As consumers read it: `<domain>.<table>`. */
  readonly id: string;
  /** Columns declared in the contract. */
  readonly columns: number;
  readonly contract: boolean;
  readonly checks: boolean;
  /** Other products and features reading the port in the mesh: a gap here reaches them. */
  readonly readers: number;
}

export interface ProductScore {
  /** `<domain>.<product>`. */
  readonly id: string;
  readonly owner: string;
  readonly kind: string;
  readonly dir: string;
  readonly documentation: DocumentationCoverage & {
    /** What is not documented: `description`, `purpose`, `ports.<table>.description`, `ports.<table>.columns.<column>.description`. */
    readonly missing: readonly string[];
  };
  readonly ports: {
    readonly count: number;
    readonly withContract: number;
    readonly withChecks: number;
    /** 0–1; 0 when the product has no ports. */
    readonly contractShare: number;
    readonly checksShare: number;
    readonly list: readonly PortScore[];
  };
  readonly findings: FindingCounts;
  /** 0–100, an integer. */
  readonly score: number;
  readonly grade: Grade;
  /** Things to know when reading the numbers, e.g. that a product has no ports. */
  readonly notes: readonly string[];
  /** Where known (withHealth): the product's health, and the points it cost. */
  readonly health?: { readonly state: ProductHealthState; readonly penalty: number };
}

export interface TeamScore {
  readonly id: string;
  /** From teams.yaml; the id when the team is not declared there. */
  readonly name: string;
  /** Product ids, lowest score first (then by id): what to fix first. */
  readonly products: readonly string[];
  /** Mean of the products' scores, one decimal. */
  readonly score: number;
  readonly grade: Grade;
  /** Over all the team's documentable items. */
  readonly documentation: DocumentationCoverage;
  readonly ports: { readonly count: number; readonly withContract: number; readonly withChecks: number };
  readonly findings: FindingCounts;
  /** Where health is known (withHealth): how many of the team's products fail or warn, and the points that cost in all. */
  readonly health?: { readonly failing: number; readonly warning: number; readonly penalty: number };
}

export interface ScorecardSummary {
  readonly products: number;
  readonly teams: number;
  /** Mean of the product scores, one decimal; null with no products. */
  readonly score: number | null;
  readonly grade: Grade | null;
  readonly documentation: DocumentationCoverage;
  readonly ports: { readonly count: number; readonly withContract: number; readonly withChecks: number };
  /** Findings attributed to the products. */
  readonly findings: FindingCounts;
  /** Findings in no product's folder (tessera.yaml, teams.yaml, glossary.yaml, or without a file). */
  readonly meshFindings: FindingCounts;
}

export interface Scorecards {
  readonly formula: string;
  /** Sorted by id. */
  readonly products: readonly ProductScore[];
  /** Teams owning at least one of the products, sorted by id. */
  readonly teams: readonly TeamScore[];
  readonly summary: ScorecardSummary;
}

/** A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, else E. */
export function gradeFor(score: number): Grade {
  if (score >= 90) return 'A';
  if (score >= 75) return 'B';
  if (score >= 60) return 'C';
  if (score >= 40) return 'D';
  return 'E';
}

/** The score from its parts; see the module comment. */
export function productScore(parts: { documentation: number; contractShare: number; checksShare: number; errors: number; warnings: number }): number {
  const w = SCORE_WEIGHTS;
  const raw =
    w.documentation * parts.documentation +
    w.contracts * parts.contractShare +
    w.checks * parts.checksShare +
    (parts.errors === 0 ? w.noErrors : 0) -
    w.perError * parts.errors -
    w.perWarning * parts.warnings;
  // Round away float noise first (0.1 + 0.2), so that e.g. 74.5 rounds up as it reads.
  return Math.max(0, Math.round(Math.round(raw * 1e6) / 1e6));
}

/** Scores every product of the mesh and aggregates them per team and mesh-wide. */
export function scorecards(mesh: Mesh, graph: MeshGraph, findings: readonly LintFinding[]): Scorecards {
  const counts = attributeFindings(mesh.products, findings);
  const products = [...mesh.products]
    .sort((a, b) => compare(a.id, b.id))
    .map((product) => scoreProduct(product, graph, counts.byProduct.get(product.id) ?? NO_FINDINGS));
  return aggregateScorecards(products, mesh, counts.mesh);
}

/**
 * Team and mesh-wide figures over a selection of product scores (all of them, one
 * team's, one product): every aggregate then describes exactly what is shown.
 */
export function aggregateScorecards(products: readonly ProductScore[], mesh: Pick<Mesh, 'teams'>, meshFindings: FindingCounts = NO_FINDINGS): Scorecards {
  const byTeam = new Map<string, ProductScore[]>();
  for (const product of products) {
    const list = byTeam.get(product.owner) ?? [];
    list.push(product);
    byTeam.set(product.owner, list);
  }
  const names = new Map(mesh.teams.map((t) => [t.id, t.name]));
  const teams = [...byTeam]
    .sort(([a], [b]) => compare(a, b))
    .map(([id, owned]): TeamScore => {
      const score = mean(owned.map((p) => p.score)) ?? 0;
      const known = owned.some((p) => p.health !== undefined);
      const failing = owned.filter((p) => p.health?.state === 'failing').length;
      const warning = owned.filter((p) => p.health?.state === 'warning').length;
      const grade = gradeFor(score);
      return {
        id,
        name: names.get(id) ?? id,
        products: [...owned].sort((a, b) => a.score - b.score || compare(a.id, b.id)).map((p) => p.id),
        score,
        // A failing product caps the team's grade: a mean of otherwise good products must not hide it.
        grade: failing > 0 ? worseGrade(grade, FAILING_TEAM_GRADE) : grade,
        documentation: sumDocumentation(owned),
        ports: sumPorts(owned),
        findings: sumFindings(owned.map((p) => p.findings)),
        ...(known ? { health: { failing, warning, penalty: owned.reduce((n, p) => n + (p.health?.penalty ?? 0), 0) } } : {}),
      };
    });
  const score = mean(products.map((p) => p.score));
  return {
    formula: SCORE_FORMULA,
    products: [...products],
    teams,
    summary: {
      products: products.length,
      teams: teams.length,
      score,
      grade: score === null ? null : gradeFor(score),
      documentation: sumDocumentation(products),
      ports: sumPorts(products),
      findings: sumFindings(products.map((p) => p.findings)),
      meshFindings,
    },
  };
}

/**
 * The scorecards with each product's health counted (see the module comment): failing
 * and warning products lose points, and teams are aggregated again from the new scores.
 * A product missing from `health` (never run) costs nothing.
 */
export function withHealth(cards: Scorecards, health: ReadonlyMap<string, ProductHealthState>, mesh: Pick<Mesh, 'teams'>): Scorecards {
  const products = cards.products.map((product): ProductScore => {
    const state = health.get(product.id) ?? 'unknown';
    const penalty = state === 'failing' ? HEALTH_PENALTY.failing : state === 'warning' ? HEALTH_PENALTY.warning : 0;
    if (penalty === 0) return { ...product, health: { state, penalty } };
    const score = Math.max(0, product.score - penalty);
    return {
      ...product,
      score,
      grade: gradeFor(score),
      health: { state, penalty },
      notes: [...product.notes, `${state === 'failing' ? 'Failing' : 'Warning'}: −${penalty} points until it is healthy again.`],
    };
  });
  return aggregateScorecards(products, mesh, cards.summary.meshFindings);
}

const GRADES: readonly Grade[] = ['A', 'B', 'C', 'D', 'E'];

function worseGrade(a: Grade, b: Grade): Grade {
  return GRADES[Math.max(GRADES.indexOf(a), GRADES.indexOf(b))] ?? 'E';
}

const NO_FINDINGS: FindingCounts = { errors: 0, warnings: 0, info: 0 };

function attributeFindings(products: readonly Product[], findings: readonly LintFinding[]): { byProduct: Map<string, FindingCounts>; mesh: FindingCounts } {
  const prefixes = products.map((p) => ({ id: p.id, prefix: `${slashes(p.dir).replace(/\/+$/, '')}/` }));
  const byProduct = new Map<string, FindingCounts>();
  let mesh = NO_FINDINGS;
  for (const { diagnostic } of findings) {
    // Missing documentation is measured by the documentation ratio; counting its findings too would charge it twice.
    if (diagnostic.code === 'policy/documentation') continue;
    const file = diagnostic.location ? slashes(diagnostic.location.file) : undefined;
    // The longest matching folder wins, should product folders ever nest.
    const owner = file === undefined ? undefined : prefixes.filter((p) => file.startsWith(p.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
    if (owner === undefined) mesh = add(mesh, diagnostic.severity);
    else byProduct.set(owner.id, add(byProduct.get(owner.id) ?? NO_FINDINGS, diagnostic.severity));
  }
  return { byProduct, mesh };
}

function scoreProduct(product: Product, graph: MeshGraph, findings: FindingCounts): ProductScore {
  const { spec } = product;
  const missing: string[] = [];
  let documentable = 0;
  const item = (text: string | undefined, path: string): void => {
    documentable++;
    if (!documented(text)) missing.push(path);
  };
  item(spec.description, 'description');
  item(spec.purpose, 'purpose');
  const ports = (spec.ports ?? []).map((port) => {
    const table = portTableName(port);
    item(port.description, `ports.${table}.description`);
    for (const column of port.columns ?? []) item(column.description, `ports.${table}.columns.${column.name}.description`);
    return scorePort(port, spec.domain, table, product.id, graph);
  });
  const documentation = { documented: documentable - missing.length, documentable, ratio: ratio(documentable - missing.length, documentable) };
  const withContract = ports.filter((p) => p.contract).length;
  const withChecks = ports.filter((p) => p.checks).length;
  // No ports: nothing is published, so there is no contract or check to credit.
  const contractShare = ports.length === 0 ? 0 : withContract / ports.length;
  const checksShare = ports.length === 0 ? 0 : withChecks / ports.length;
  const score = productScore({ documentation: documentation.ratio, contractShare, checksShare, errors: findings.errors, warnings: findings.warnings });
  const notes: string[] = [];
  if (ports.length === 0) notes.push('No ports: the product publishes nothing, so its contract and check shares count as 0.');
  return {
    id: product.id,
    owner: spec.owner,
    kind: spec.kind,
    dir: product.dir,
    documentation: { ...documentation, missing },
    ports: { count: ports.length, withContract, withChecks, contractShare, checksShare, list: ports },
    findings,
    score,
    grade: gradeFor(score),
    notes,
  };
}

function scorePort(port: PortSpec, domain: string, table: string, product: string, graph: MeshGraph): PortScore {
  const columns = port.columns ?? [];
  const implied = columns.some((c) => c.required === true || c.unique === true || (c.allowed_values?.length ?? 0) > 0);
  const readers = new Set<string>();
  for (const reader of graph.nodes.get(portId(domain, table))?.downstream ?? []) {
    const node = graph.nodes.get(reader);
    if (!node) continue;
    if (node.kind === 'feature') readers.add(node.id);
    else if (node.product !== product) readers.add(node.product);
  }
  return { id: `${domain}.${table}`, columns: columns.length, contract: columns.length > 0, checks: (port.checks?.length ?? 0) > 0 || implied, readers: readers.size };
}

function documented(text: string | undefined): boolean {
  return text !== undefined && text.trim().length > 0;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 1 : part / whole;
}

function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10;
}

function sumDocumentation(products: readonly ProductScore[]): DocumentationCoverage {
  const documented = products.reduce((n, p) => n + p.documentation.documented, 0);
  const documentable = products.reduce((n, p) => n + p.documentation.documentable, 0);
  return { documented, documentable, ratio: ratio(documented, documentable) };
}

function sumPorts(products: readonly ProductScore[]): ScorecardSummary['ports'] {
  return {
    count: products.reduce((n, p) => n + p.ports.count, 0),
    withContract: products.reduce((n, p) => n + p.ports.withContract, 0),
    withChecks: products.reduce((n, p) => n + p.ports.withChecks, 0),
  };
}

function sumFindings(list: readonly FindingCounts[]): FindingCounts {
  return list.reduce((a, b) => ({ errors: a.errors + b.errors, warnings: a.warnings + b.warnings, info: a.info + b.info }), NO_FINDINGS);
}

function add(counts: FindingCounts, severity: Severity): FindingCounts {
  if (severity === 'error') return { ...counts, errors: counts.errors + 1 };
  if (severity === 'warning') return { ...counts, warnings: counts.warnings + 1 };
  return { ...counts, info: counts.info + 1 };
}

function slashes(path: string): string {
  return path.replace(/\\/g, '/');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
