/**
 * JSON schemas of the API's requests and responses. Fastify compiles the response
 * schemas into serializers (fast and they drop anything not declared, so internal
 * fields never leak) and @fastify/swagger turns all of them into the OpenAPI
 * document. Open-ended objects (spec fragments, audits) say `additionalProperties`.
 */

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const num = { type: 'number' } as const;
const bool = { type: 'boolean' } as const;
const strings = { type: 'array', items: str } as const;
const nullableStr = { type: ['string', 'null'] } as const;
/** Anything JSON: serialized with JSON.stringify as it is. */
export const anyValue = {} as const;

export function obj(properties: Record<string, unknown>, required: readonly string[] = [], extra = false): Record<string, unknown> {
  return { type: 'object', properties, required: [...required], additionalProperties: extra };
}

function list(items: unknown): Record<string, unknown> {
  return { type: 'array', items };
}

export const diagnosticSchema = obj(
  { code: str, severity: str, message: str, file: nullableStr, line: { type: ['integer', 'null'] }, column: { type: ['integer', 'null'] }, hint: nullableStr },
  ['code', 'severity', 'message'],
);

export const errorSchema = obj({ code: str, message: str, diagnostics: list(diagnosticSchema) }, ['code', 'message']);

/** Added to every route's responses so that the documentation lists them. */
export const errorResponses = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 408: errorSchema, 409: errorSchema, 429: errorSchema, 500: errorSchema, 503: errorSchema };

export const healthEnum = { type: 'string', enum: ['ok', 'warning', 'failing', 'unknown'] } as const;

export const healthzSchema = obj(
  { status: str, mesh: obj({ broken: bool, loadedAt: str, products: int }, ['broken', 'loadedAt', 'products']), startedAt: str, scheduler: { type: 'string', enum: ['leader', 'follower', 'off'] }, alerts: { type: 'string', enum: ['leader', 'follower'] } },
  ['status', 'mesh', 'startedAt'],
);

const healthCounts = obj({ ok: int, warning: int, failing: int, unknown: int }, ['ok', 'warning', 'failing', 'unknown']);

export const meshSummarySchema = obj(
  {
    name: str,
    description: str,
    counts: obj({ domains: int, products: int, ports: int, models: int, teams: int }, ['domains', 'products', 'ports', 'models', 'teams']),
    health: healthCounts,
    broken: bool,
    loadedAt: str,
    latestRun: { type: ['integer', 'null'] },
    diagnostics: list(diagnosticSchema),
  },
  ['name', 'counts', 'health', 'broken', 'loadedAt', 'diagnostics'],
);

const freshnessSchema = obj({ lastPublished: str, sla: str, breach: bool, reason: str }, ['breach']);

export const productCardSchema = obj(
  {
    id: str,
    name: str,
    domain: str,
    owner: obj({ id: str, name: str }, ['id', 'name']),
    kind: str,
    status: str,
    description: str,
    tags: strings,
    ports: list(obj({ id: str, name: str, table: str, version: int, deprecated: bool }, ['id', 'name', 'table', 'version', 'deprecated'])),
    health: healthEnum,
    freshness: freshnessSchema,
    score: num,
    matches: strings,
  },
  ['id', 'name', 'domain', 'owner', 'kind', 'status', 'ports', 'health', 'freshness'],
);

const counts = list(obj({ value: str, label: str, count: int }, ['value', 'label', 'count']));

export const productListSchema = obj(
  {
    total: int,
    offset: int,
    limit: int,
    products: list(productCardSchema),
    facets: obj({ domain: counts, team: counts, kind: counts, status: counts, health: counts }, ['domain', 'team', 'kind', 'status', 'health']),
  },
  ['total', 'offset', 'limit', 'products', 'facets'],
);

/** A page of products: a search that matches every product should not answer with every card. */
export const PRODUCT_PAGE = 20;

export const productListQuery = obj({
  domain: str,
  team: str,
  kind: str,
  status: str,
  health: healthEnum,
  q: { type: 'string', maxLength: 200 },
  limit: { type: 'integer', minimum: 1, maximum: 5000, default: PRODUCT_PAGE },
  offset: { type: 'integer', minimum: 0, default: 0 },
  sort: { type: 'string', enum: ['best', 'name', 'health', 'recent', 'popular'], default: 'best' },
});

const columnSchema = obj(
  {
    name: str,
    type: str,
    description: str,
    required: bool,
    unique: bool,
    allowed_values: list({ type: ['string', 'number', 'boolean'] }),
    classification: str,
    masking: str,
    tags: strings,
  },
  ['name'],
);

/** A version whose publish broke compatibility with the version before it (the run's warning, taken apart). */
const breakingSchema = obj({ previous: int, changes: strings, readers: strings, message: str }, ['previous', 'changes', 'readers', 'message']);

const versionSchema = obj({ version: int, rows: int, createdAt: str, runId: int, current: bool, status: str, breaking: breakingSchema }, ['version', 'rows', 'createdAt']);

const portSchema = obj(
  {
    id: str,
    node: str,
    name: str,
    table: str,
    version: int,
    description: str,
    model: str,
    access: str,
    freshness: str,
    schedule: str,
    uniqueKey: strings,
    tags: strings,
    deprecation: obj({ sunset: str, replaced_by: str, reason: str }, ['sunset']),
    columns: list(columnSchema),
    current: versionSchema,
    versions: list(versionSchema),
    sla: freshnessSchema,
  },
  ['id', 'node', 'name', 'table', 'version', 'access', 'columns', 'versions'],
);

const checkResultSchema = obj(
  { runId: int, outcome: str, value: { type: ['number', 'string', 'null'] }, threshold: str, message: str, measuredAt: str },
  ['runId', 'outcome', 'value'],
);

const checkSchema = obj(
  {
    name: str,
    text: str,
    type: str,
    implied: bool,
    description: str,
    latest: checkResultSchema,
    history: list(obj({ runId: int, outcome: str, value: { type: ['number', 'string', 'null'] } }, ['runId', 'outcome', 'value'])),
  },
  ['name', 'text', 'type', 'implied', 'history'],
);

export const nodeChecksSchema = obj({ node: str, kind: str, name: str, checks: list(checkSchema) }, ['node', 'kind', 'name', 'checks']);

const linkSchema = obj({ product: str, ports: strings, depth: int }, ['product', 'ports', 'depth']);

export const graphNodeSchema = obj({ id: str, kind: str, name: str, product: str, external: bool }, ['id', 'kind', 'name', 'product']);
/** `kind: check` marks a reference check's read of a port (no data flows; ADR 0012); data edges have no kind. */
const edgeKind = { type: 'string', enum: ['check'], description: 'check: a reference check reads the port (no data flows)' } as const;
export const graphEdgeSchema = obj({ from: str, to: str, kind: edgeKind, checks: strings }, ['from', 'to']);
const checkLinkSchema = obj({ product: str, ports: strings, checks: strings }, ['product', 'ports', 'checks']);

export const nodeResultSchema = obj(
  {
    runId: int,
    nodeId: str,
    kind: str,
    product: str,
    status: str,
    startedAt: str,
    durationMs: num,
    rows: int,
    bytes: int,
    error: diagnosticSchema,
    warnings: strings,
  },
  ['nodeId', 'kind', 'product', 'status', 'durationMs'],
);

const teamSpecFields = {
  id: str,
  name: str,
  description: str,
  domains: strings,
  members: list(obj({ name: str, email: str, role: str }, ['name'])),
  channels: list(obj({ type: str, url: str, path: str }, ['type'])),
};

export const productDetailSchema = obj(
  {
    id: str,
    name: str,
    domain: str,
    dir: str,
    description: str,
    purpose: str,
    kind: str,
    status: str,
    sunset: str,
    tags: strings,
    owner: obj(teamSpecFields, ['id', 'name']),
    health: healthEnum,
    freshness: freshnessSchema,
    ports: list(portSchema),
    checks: list(nodeChecksSchema),
    lineage: obj(
      {
        upstream: list(linkSchema),
        downstream: list(linkSchema),
        features: list(obj({ feature: str, product: str, type: str, ports: strings }, ['feature', 'product', 'type', 'ports'])),
        checks: obj({ reads: list(checkLinkSchema), readBy: list(checkLinkSchema) }, ['reads', 'readBy']),
      },
      ['upstream', 'downstream', 'features'],
    ),
    features: list(obj({ name: str, type: str, description: str, url: str, inputs: strings }, ['name', 'type'])),
    graph: obj({ nodes: list(graphNodeSchema), edges: list(graphEdgeSchema) }, ['nodes', 'edges']),
    recentRuns: list(nodeResultSchema),
    lint: list(diagnosticSchema),
  },
  ['id', 'name', 'domain', 'kind', 'status', 'owner', 'health', 'ports', 'checks', 'lineage', 'graph', 'recentRuns', 'lint'],
);

export const productParams = obj({ id: { type: 'string', pattern: '^[^.]+\\.[^.]+$' } }, ['id']);

export const productLineageQuery = obj({ level: { type: 'string', enum: ['node', 'product'] } });

export const meshLineageSchema = obj(
  {
    nodes: list(obj({ id: str, name: str, domain: str, owner: str, health: healthEnum }, ['id', 'name', 'domain', 'owner', 'health'])),
    edges: list(obj({ from: str, to: str, ports: strings, kind: edgeKind, checks: strings }, ['from', 'to', 'ports'])),
  },
  ['nodes', 'edges'],
);

const box = { x: num, y: num, width: num, height: num };
const boxFields = ['x', 'y', 'width', 'height'];

export const meshMapSchema = obj(
  {
    broken: { ...bool, description: 'The files on disk have errors: this is the last mesh that loaded.' },
    layout: obj({ computedAt: str, ms: num }, ['computedAt', 'ms']),
    domains: list(obj({ id: str, ...box, products: int }, ['id', ...boxFields, 'products'])),
    products: list(
      obj({ id: str, name: str, domain: str, owner: obj({ id: str, name: str }, ['id', 'name']), kind: str, health: healthEnum, ...box }, [
        'id',
        'name',
        'domain',
        'owner',
        'kind',
        'health',
        ...boxFields,
      ]),
    ),
    edges: list(obj({ from: str, to: str, ports: strings }, ['from', 'to', 'ports'])),
  },
  ['broken', 'layout', 'domains', 'products', 'edges'],
);

export const nodeLineageSchema = obj({ product: str, nodes: list(graphNodeSchema), edges: list(graphEdgeSchema) }, ['product', 'nodes', 'edges']);

export const runSchema = obj(
  {
    id: int,
    kind: str,
    status: str,
    startedAt: str,
    finishedAt: str,
    selector: str,
    pid: int,
    nodes: int,
    built: int,
    published: int,
    failed: int,
    skipped: int,
    rows: int,
  },
  ['id', 'kind', 'status', 'startedAt', 'selector', 'nodes', 'built', 'published', 'failed', 'skipped', 'rows'],
);

export const runListQuery = obj({ limit: { type: 'integer', minimum: 1, maximum: 1000, default: 20 } });
export const runListSchema = obj({ runs: list(runSchema) }, ['runs']);
export const runParams = obj({ id: { type: 'integer', minimum: 1 } }, ['id']);

/** Without `limit`, every node (the CLI's `runs show`); the catalog pages a big run's nodes. */
export const runDetailQuery = obj({ offset: { type: 'integer', minimum: 0, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: 5000 } });

export const runDetailSchema = obj(
  {
    run: runSchema,
    nodes: list(nodeResultSchema),
    page: obj({ offset: int, limit: int, total: int }, ['offset', 'limit', 'total']),
    failedNodes: list(nodeResultSchema),
    checks: list(
      obj(
        { nodeId: str, name: str, text: str, type: str, outcome: str, value: { type: ['number', 'string', 'null'] }, threshold: str, message: str, durationMs: num, implied: bool, sample: list({ type: 'object', additionalProperties: true }), sampleHidden: bool },
        ['nodeId', 'name', 'outcome', 'value'],
      ),
    ),
  },
  ['run', 'nodes', 'checks'],
);

const teamScoreSchema = obj(
  {
    score: num,
    grade: str,
    documentation: obj({ documented: int, documentable: int, ratio: num }, ['documented', 'documentable', 'ratio']),
    ports: obj({ count: int, withContract: int, withChecks: int }, ['count', 'withContract', 'withChecks']),
    findings: obj({ errors: int, warnings: int, info: int }, ['errors', 'warnings', 'info']),
    health: obj({ failing: int, warning: int, penalty: num }, ['failing', 'warning', 'penalty']),
  },
  ['score', 'grade'],
);

export const teamSchema = obj(
  {
    ...teamSpecFields,
    declared: bool,
    products: list(obj({ id: str, name: str, score: num, grade: str, health: healthEnum }, ['id', 'name', 'health'])),
    scorecard: teamScoreSchema,
    failing: list(obj({ product: str, health: healthEnum, reasons: strings }, ['product', 'health', 'reasons'])),
  },
  ['id', 'name', 'declared', 'products', 'failing'],
);

export const teamListSchema = obj({ teams: list(teamSchema) }, ['teams']);
export const teamParams = obj({ id: str }, ['id']);

export const lintSchema = obj(
  { counts: obj({ errors: int, warnings: int, info: int }, ['errors', 'warnings', 'info']), findings: list(diagnosticSchema) },
  ['counts', 'findings'],
);

export const jobSchema = obj(
  {
    id: str,
    request: obj({ kind: str, select: strings, fullRefresh: bool, trigger: str, by: str }, ['kind', 'trigger']),
    status: str,
    submittedAt: str,
    startedAt: str,
    finishedAt: str,
    runId: int,
    log: strings,
    result: anyValue,
    error: str,
  },
  ['id', 'request', 'status', 'submittedAt', 'log'],
);

export const jobBody = obj(
  {
    kind: { type: 'string', enum: ['run', 'test'] },
    select: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 100 },
    fullRefresh: bool,
    // `schedule` is the server's own: a client says whether it is a terminal or not.
    trigger: { type: 'string', enum: ['api', 'cli'], default: 'api' },
  },
  ['kind'],
);
export const jobListSchema = obj({ jobs: list(jobSchema) }, ['jobs']);
export const jobParams = obj({ id: str }, ['id']);
