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
  /** The publish of this version broke compatibility with version `previous` (the run warned). */
  breaking?: { previous: number; changes: string[]; readers: string[]; message: string };
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

/** A `tessera worker` process (GET /api/workers; src/server/api/workers.ts). */
export interface WorkerRecord {
  /** `host:pid:random`. */
  id: string;
  host: string;
  pid: number;
  /** Nodes it builds at once. */
  concurrency: number;
  leaseMs: number;
  startedAt: string;
  heartbeatAt: string;
  /** A heartbeat within its lease. */
  alive: boolean;
  /** The nodes it holds now. */
  leases: { runId: number; nodeId: string; attempt: number; leaseUntil: string }[];
}

export interface RunDetail {
  run: Run;
  /** All nodes, or with `?limit=` a page of them by start time. */
  nodes: NodeResult[];
  /** With `?limit=`: where this page is in the run's nodes. */
  page?: { offset: number; limit: number; total: number };
  /** With `?limit=`: every failed node of the run, whatever the page. */
  failedNodes?: NodeResult[];
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
    /** The check had a sample the caller may not see. */
    sampleHidden?: boolean;
  }[];
}

export interface TeamScore {
  score: number;
  grade: string;
  documentation?: { documented: number; documentable: number; ratio: number };
  ports?: { count: number; withContract: number; withChecks: number };
  findings?: { errors: number; warnings: number; info: number };
  /** How many of the team's products fail or warn, and the points that cost (a failing product: −40, one warning: −10; a failing team is graded C at best). */
  health?: { failing: number; warning: number; penalty: number };
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

/** `GET /api/me`: who the catalog acts as (src/server/api/access.ts). */
export interface Me {
  identity: { kind: 'admin' | 'member' | 'service'; label: string; email?: string; name?: string; teams: string[] };
  admin: boolean;
  /** Product ids this identity may run (all of them for the admin). */
  runs: string[];
  /** Teams whose ports' access requests this identity decides (`['*']` for the admin). */
  decides: string[];
}

export type AccessRequestStatus = 'pending' | 'approved' | 'denied' | 'revoked';

export interface AccessRequest {
  id: number;
  port: string;
  requester: string;
  team?: string;
  unmasked: boolean;
  purpose: string;
  expiresAt?: string;
  status: AccessRequestStatus;
  createdAt: string;
  decidedAt?: string;
  decidedBy?: string;
  reason?: string;
  owner?: string;
  canDecide?: boolean;
}

export type Masking = 'hash' | 'mask' | 'remove';

export interface PortUsage {
  port: string;
  queries: number;
  readers: number;
  teams: string[];
  lastReadAt?: string;
  perDay: { day: string; queries: number }[];
}

export interface PortAccess {
  port: string;
  access: 'public' | 'internal' | 'restricted';
  canRead: boolean;
  relation?: 'raw' | 'masked';
  via?: 'admin' | 'owner' | 'public' | 'internal' | 'grant';
  /** The masks this caller sees; when it may not read, the masks the port applies. */
  masked: Record<string, Masking>;
  requests: AccessRequest[];
  usage?: PortUsage;
}

export interface ProductAccess {
  product: string;
  ports: PortAccess[];
}

export interface UsageReport {
  days: number;
  ports: PortUsage[];
  /** Ports nobody read in the window. */
  unread: string[];
}

export interface SqlResult {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  rowCount: number;
  truncated: boolean;
}

export interface SqlPorts {
  ports: { schema: string; name: string; description?: string; columns: { name: string; type: string; nullable: boolean; description?: string; masked?: string }[] }[];
}

export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';

/** `GET /api/incidents` and `/api/incidents/:id`: one incident, owned by a team. */
export interface Incident {
  id: number;
  fingerprint: string;
  team: string;
  product: string;
  node: string;
  check: string;
  kind: string;
  severity: 'critical' | 'warning';
  status: IncidentStatus;
  title: string;
  message: string;
  runId?: number;
  openedAt: string;
  lastSeenAt: string;
  occurrences: number;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  resolvedAt?: string;
  resolvedBy?: string;
  resolution?: string;
  resolutionNote?: string;
  reopened: number;
  affected: string[];
  /** With `?product=`: the product's own incident, or one upstream of it (its inputs are stale because of it). */
  relation?: 'own' | 'upstream';
}

export interface TeamIncidentTimes {
  open: number;
  acknowledged: number;
  resolved: number;
  mttaMs?: number;
  mttrMs?: number;
}

export interface IncidentNotification {
  id: number;
  key: string;
  team: string;
  kind: string;
  channel: { type: string; place: string };
  status: 'pending' | 'delivered' | 'dead';
  /** Pending split for people: retrying (failed, waits its next attempt), held (grouping window, quiet hours), queued (due). */
  state: DeliveryState;
  attempts: number;
  createdAt: string;
  nextAttemptAt: string;
  deliveredAt?: string;
  lastError?: string;
  answer?: string;
  /** A grouping window's message: how many messages it gathers. */
  grouped?: number;
  incidents?: number[];
}

export type DeliveryState = 'delivered' | 'dead' | 'retrying' | 'held' | 'queued';

/** `GET /api/teams/:id/deliveries`: the delivery log of each of a team's channels. */
export interface TeamDeliveries {
  team: string;
  channels: {
    type: string;
    place: string;
    /** False: a channel since removed from teams.yaml, shown for its history. */
    declared: boolean;
    /** Why it cannot be used now (a variable not set, a secret in the repository). */
    problem?: string;
    /** `pending` counts everything not sent yet; `retrying` and `held` are parts of it. */
    counts: { delivered: number; pending: number; retrying: number; held: number; dead: number };
    notifications: IncidentNotification[];
  }[];
}

/** `GET /api/teams/:id/incident-times`: one week of a team's answers to incidents. */
export interface WeekTimes {
  /** The Monday the week starts on, YYYY-MM-DD. */
  week: string;
  acknowledged: number;
  mttaMinutes?: number;
  resolved: number;
  mttrMinutes?: number;
}

export interface IncidentDetail {
  incident: Incident;
  timeline: { at: string; kind: string; by?: string; detail: string }[];
  notifications: IncidentNotification[];
}
