/**
 * The shapes the server's API answers with (src/server/api/schemas.ts is the source of
 * truth: the server serializes through those schemas, so a field missing there never
 * arrives here).
 */

export type Health = 'ok' | 'warning' | 'failing' | 'unknown';

export interface Diagnostic {
  code: string;
  severity: string;
  message: string;
  file?: string | null;
  line?: number | null;
  column?: number | null;
  hint?: string | null;
}

export interface ApiErrorBody {
  code: string;
  message: string;
  diagnostics?: Diagnostic[];
}

export interface HealthCounts {
  ok: number;
  warning: number;
  failing: number;
  unknown: number;
}

export interface MeshSummary {
  name: string;
  description?: string;
  counts: { domains: number; products: number; ports: number; models: number; teams: number };
  health: HealthCounts;
  broken: boolean;
  loadedAt: string;
  latestRun?: number | null;
  diagnostics: Diagnostic[];
}

export interface Freshness {
  lastPublished?: string;
  sla?: string;
  breach: boolean;
  reason?: string;
}

export interface ProductCard {
  id: string;
  name: string;
  domain: string;
  owner: { id: string; name: string };
  kind: string;
  status: string;
  description?: string;
  tags?: string[];
  ports: { id: string; name: string; table: string; version: number; deprecated: boolean }[];
  health: Health;
  freshness: Freshness;
  score?: number;
  /** What the search query matched (e.g. `column orders.customer_id`). */
  matches?: string[];
}

export interface FacetOption {
  value: string;
  label: string;
  /** Products this value would give, under the other filters. */
  count: number;
}

export interface ProductList {
  total: number;
  offset: number;
  limit: number;
  products: ProductCard[];
  facets: Record<'domain' | 'team' | 'kind' | 'status' | 'health', FacetOption[]>;
}

export interface Column {
  name: string;
  type?: string;
  description?: string;
  required?: boolean;
  unique?: boolean;
  allowed_values?: (string | number | boolean)[];
  classification?: string;
  masking?: string;
  tags?: string[];
}

export interface PortVersion {
  version: number;
  rows: number;
  createdAt: string;
  runId?: number;
  current?: boolean;
  status?: string;
}

export interface Port {
  id: string;
  node: string;
  name: string;
  table: string;
  version: number;
  description?: string;
  model?: string;
  access: string;
  freshness?: string;
  schedule?: string;
  uniqueKey?: string[];
  tags?: string[];
  deprecation?: { sunset: string; replaced_by?: string; reason?: string };
  columns: Column[];
  current?: PortVersion;
  versions: PortVersion[];
  sla?: Freshness;
}

export type CheckValue = number | string | null;

export interface CheckResult {
  runId: number;
  outcome: string;
  value: CheckValue;
  threshold?: string;
  message?: string;
  measuredAt?: string;
}

export interface Check {
  name: string;
  text: string;
  type: string;
  implied: boolean;
  description?: string;
  latest?: CheckResult;
  /** Newest first. */
  history: { runId: number; outcome: string; value: CheckValue }[];
}

export interface NodeChecks {
  node: string;
  kind: string;
  name: string;
  checks: Check[];
}

export interface LineageLink {
  product: string;
  ports: string[];
  depth: number;
}

export interface GraphNode {
  id: string;
  kind: string;
  name: string;
  product: string;
  external?: boolean;
}

export interface GraphEdge {
  from: string;
  to: string;
}

export interface NodeResult {
  runId?: number;
  nodeId: string;
  kind: string;
  product: string;
  status: string;
  startedAt?: string;
  durationMs: number;
  rows?: number;
  bytes?: number;
  error?: Diagnostic;
  warnings?: string[];
}

export interface TeamMember {
  name: string;
  email?: string;
  role?: string;
}

export interface TeamChannel {
  type: string;
  url?: string;
  path?: string;
}

export interface ProductDetail {
  id: string;
  name: string;
  domain: string;
  dir?: string;
  description?: string;
  purpose?: string;
  kind: string;
  status: string;
  sunset?: string;
  tags?: string[];
  owner: { id: string; name: string; description?: string; domains?: string[]; members?: TeamMember[]; channels?: TeamChannel[] };
  health: Health;
  freshness?: Freshness;
  ports: Port[];
  checks: NodeChecks[];
  lineage: {
    upstream: LineageLink[];
    downstream: LineageLink[];
    features: { feature: string; product: string; type: string; ports: string[] }[];
  };
  features?: { name: string; type: string; description?: string; url?: string; inputs?: string[] }[];
  graph: { nodes: GraphNode[]; edges: GraphEdge[] };
  recentRuns: NodeResult[];
  lint: Diagnostic[];
}

export interface MeshLineage {
  nodes: { id: string; name: string; domain: string; owner: string; health: Health }[];
  edges: { from: string; to: string; ports: string[] }[];
}

export interface Run {
  id: number;
  kind: string;
  status: string;
  startedAt: string;
  finishedAt?: string;
  selector: string;
  pid?: number;
  nodes: number;
  built: number;
  published: number;
  failed: number;
  skipped: number;
  rows: number;
}

export interface RunDetail {
  run: Run;
  nodes: NodeResult[];
  checks: {
    nodeId: string;
    name: string;
    text?: string;
    type?: string;
    outcome: string;
    value: CheckValue;
    threshold?: string;
    message?: string;
    durationMs?: number;
    implied?: boolean;
    sample?: Record<string, unknown>[];
  }[];
}

export interface TeamScore {
  score: number;
  grade: string;
  documentation?: { documented: number; documentable: number; ratio: number };
  ports?: { count: number; withContract: number; withChecks: number };
  findings?: { errors: number; warnings: number; info: number };
}

export interface Team {
  id: string;
  name: string;
  description?: string;
  domains?: string[];
  members?: TeamMember[];
  channels?: TeamChannel[];
  declared: boolean;
  products: { id: string; name: string; score?: number; grade?: string; health: Health }[];
  scorecard?: TeamScore;
  failing: { product: string; health: Health; reasons?: string[] }[];
}

export interface LintReport {
  counts: { errors: number; warnings: number; info: number };
  findings: Diagnostic[];
}

export interface Job {
  id: string;
  request: { kind: string; select?: string[]; fullRefresh?: boolean; trigger: string };
  status: string;
  submittedAt: string;
  startedAt?: string;
  finishedAt?: string;
  runId?: number;
  log: string[];
  error?: string;
}
