import { decidePortAccess, requestGrants, specGrants, portPolicies, subjectOf, teamsOf, type Grant, type Identity, type PortPolicy } from '../access/index.js';
import type { MeshGraph } from '../compiler/index.js';
import type { Mesh } from '../spec/index.js';
import { RAW_SCHEMA, rawView } from '../runner/index.js';
import type { AuditEntry, SqlAccessStore } from '../state/index.js';
import { canStream, type ColumnInfo, type JsonValue, type Session, type StreamingSession, type Warehouse } from '../warehouse/index.js';
import { rename, shapeOf } from './analyze.js';
import { consumerError, GatewayError, REFUSED } from './errors.js';
import type { QueryParser } from './parser.js';

export interface GatewayLimits {
  /** A query running longer is interrupted. */
  readonly timeoutMs: number;
  /** Rows a query may return; past it the answer stops (HTTP says `truncated`, the wire protocol errors). */
  readonly maxRows: number;
  /** Queries one identity may have running at once. */
  readonly concurrentPerIdentity: number;
  /** Queries one identity may start per minute. */
  readonly perMinute: number;
  /** Engine sessions that serve consumers (queries beyond wait for one). */
  readonly sessions: number;
}

export const DEFAULT_LIMITS: GatewayLimits = { timeoutMs: 30_000, maxRows: 1_000_000, concurrentPerIdentity: 4, perMinute: 600, sessions: 4 };

/** A query the gateway accepted: the SQL that will run, and what it reads. */
export interface PreparedQuery {
  readonly sql: string;
  readonly ports: readonly string[];
  /** Ports read through their masked relation. */
  readonly masked: readonly string[];
}

export interface QueryContext {
  /** Which door: `http`, `pg`, `cli`. */
  readonly path: string;
  readonly client: string;
  readonly signal?: AbortSignal;
  /** Lower than the gateway's own limit, never higher. */
  readonly maxRows?: number;
}

export interface QueryResult {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  /** Chunks of rows, values in column order; ends at the last row or the row limit. */
  readonly chunks: AsyncIterable<JsonValue[][]>;
  /** Filled in when `chunks` has been read to its end. */
  readonly summary: { rows: number; truncated: boolean };
}

export interface VisibleRelation {
  readonly schema: string;
  readonly name: string;
  readonly description?: string;
  readonly columns: readonly { readonly name: string; readonly type: string; readonly nullable: boolean; readonly description?: string; readonly masked?: string }[];
}

/**
 * The one door to data for consumers. Every query is parsed by the engine's own parser,
 * must be one SELECT over ports the identity may read, and runs with its port names
 * rewritten to the relation the access decision gave (masked or raw); anything else is
 * refused with one message that says nothing of what exists. Every query, refused or
 * not, writes one audit row.
 */
export class Gateway {
  private readonly limits: GatewayLimits;
  private readonly idle: StreamingSession[] = [];
  private readonly waiting: ((session: StreamingSession) => void)[] = [];
  private opened = 0;
  private readonly running = new Map<string, number>();
  private readonly started = new Map<string, number[]>();
  private grantsCache: { at: number; grants: Grant[] } | undefined;
  private catalogName: Promise<string> | undefined;
  private readonly policyCache = new WeakMap<MeshGraph, Map<string, PortPolicy>>();
  private readonly columnCache = new Map<string, { at: number; columns: readonly ColumnInfo[] }>();

  constructor(
    private readonly options: {
      readonly warehouse: Warehouse;
      readonly access: SqlAccessStore;
      readonly parser: QueryParser;
      readonly mesh: () => { readonly mesh?: Mesh; readonly graph?: MeshGraph };
      readonly limits?: Partial<GatewayLimits>;
      readonly now?: () => Date;
      /**
       * Opens a session for consumer queries (default `warehouse.connect()`). On an engine
       * with roles it is one that acts as the gateway's role: the second wall behind the
       * rewrite, which reads the ports and nothing else of the warehouse.
       */
      readonly openSession?: () => Promise<Session>;
    },
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** Forget cached grants (after a request is approved, denied or revoked). */
  grantsChanged(): void {
    this.grantsCache = undefined;
  }

  /** Grants in code and from approved requests, kept for a second. */
  async grants(): Promise<Grant[]> {
    const at = Date.now();
    if (this.grantsCache && at - this.grantsCache.at < 1000) return this.grantsCache.grants;
    const { graph } = this.options.mesh();
    const fromRequests = requestGrants(await this.options.access.accessRequests({ status: 'approved' }));
    const grants = [...(graph ? specGrants(graph) : []), ...fromRequests];
    this.grantsCache = { at, grants };
    return grants;
  }

  /** The warehouse's catalog (database) name, asked once. */
  private catalog(): Promise<string> {
    this.catalogName ??= this.options.warehouse.query('SELECT current_database() AS db').then((rows) => {
      const db = rows[0]?.db;
      return typeof db === 'string' ? db : '';
    });
    return this.catalogName;
  }

  /** Every port's policy, computed once per loaded graph. */
  private policies(): Map<string, PortPolicy> {
    const { mesh, graph } = this.options.mesh();
    if (!mesh || !graph) return new Map<string, PortPolicy>();
    let policies = this.policyCache.get(graph);
    if (!policies) {
      policies = portPolicies(graph, mesh);
      this.policyCache.set(graph, policies);
    }
    return policies;
  }

  /** Parses, authorizes and rewrites; throws GatewayError (refused) for anything a consumer may not run. */
  async prepare(identity: Identity, sql: string): Promise<PreparedQuery> {
    const tree = await this.options.parser.serialize(sql);
    const parseError = syntaxError(tree);
    if (parseError !== undefined) throw new GatewayError('syntax', parseError);
    const shape = shapeOf(tree);
    if (shape.refusal !== undefined) throw new GatewayError('refused', REFUSED, shape.refusal);
    const policies = this.policies();
    const grants = await this.grants();
    const catalog = await this.catalog();
    const now = this.now();
    const ports = new Set<string>();
    const masked = new Set<string>();
    for (const relation of shape.relations) {
      const policy = relation.catalog === '' && relation.schema !== '' ? policies.get(`${relation.schema}.${relation.name}`) : undefined;
      if (!policy) throw new GatewayError('refused', REFUSED, `not a port: ${[relation.catalog, relation.schema, relation.name].filter(Boolean).join('.')}`);
      const decision = decidePortAccess(identity, policy, grants, now);
      if (!decision.allowed) throw new GatewayError('refused', REFUSED, `${policy.port} is ${decision.reason}`);
      ports.add(policy.port);
      if (decision.relation === 'raw') rename(relation, catalog, RAW_SCHEMA, rawView(policy.domain, policy.table));
      else {
        rename(relation, catalog, policy.domain, policy.table);
        masked.add(policy.port);
      }
    }
    return { sql: await this.options.parser.deserialize(tree), ports: [...ports].sort(), masked: [...masked].sort() };
  }

  /** Runs a consumer query under the limits; the audit row is written when its rows have been read (or it failed). */
  async query(identity: Identity, sql: string, params: readonly (string | null)[], context: QueryContext): Promise<QueryResult> {
    const subject = subjectOf(identity);
    const startedAt = performance.now();
    const audit = (entry: Pick<AuditEntry, 'outcome' | 'rows' | 'bytes'> & { error?: string; ports?: readonly string[]; masked?: readonly string[] }): void => {
      this.options.access.audit({
        at: this.now(),
        subject,
        teams: teamsOf(identity),
        client: context.client,
        path: context.path,
        sql,
        ports: entry.ports ?? [],
        masked: entry.masked ?? [],
        rows: entry.rows,
        bytes: entry.bytes,
        durationMs: performance.now() - startedAt,
        outcome: entry.outcome,
        ...(entry.error === undefined ? {} : { error: entry.error }),
      });
    };
    this.admit(subject, audit);
    let prepared: PreparedQuery;
    try {
      prepared = await this.prepare(identity, sql);
    } catch (error) {
      this.release(subject);
      if (error instanceof GatewayError) audit({ outcome: 'refused', rows: 0, bytes: 0, error: error.detail ?? error.message });
      throw error;
    }
    const session = await this.session();
    const maxRows = Math.min(context.maxRows ?? this.limits.maxRows, this.limits.maxRows);
    let interruptedBy: 'timeout' | 'cancel' | undefined;
    const interrupt = (why: 'timeout' | 'cancel'): void => {
      interruptedBy ??= why;
      session.interrupt();
    };
    const timer = setTimeout(() => {
      interrupt('timeout');
    }, this.limits.timeoutMs);
    const onAbort = (): void => {
      interrupt('cancel');
    };
    context.signal?.addEventListener('abort', onAbort);
    const summary = { rows: 0, truncated: false };
    let bytes = 0;
    let done = false;
    const finish = (outcome: AuditEntry['outcome'], error?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      context.signal?.removeEventListener('abort', onAbort);
      this.giveBack(session);
      this.release(subject);
      audit({ outcome, rows: summary.rows, bytes, ports: prepared.ports, masked: prepared.masked, ...(error === undefined ? {} : { error }) });
    };
    const failure = (error: unknown): GatewayError => {
      const mapped =
        interruptedBy === 'timeout'
          ? new GatewayError('timeout', `The query ran longer than the limit of ${this.limits.timeoutMs / 1000} s and was stopped.`)
          : interruptedBy === 'cancel'
            ? new GatewayError('cancelled', 'The query was cancelled.')
            : consumerError(error);
      finish(mapped.code === 'cancelled' ? 'cancelled' : mapped.code === 'timeout' ? 'limited' : 'error', mapped.message);
      return mapped;
    };
    let result;
    try {
      if (context.signal?.aborted) throw new Error('cancelled before it started');
      result = await session.stream(prepared.sql, params);
    } catch (error) {
      if (context.signal?.aborted) interruptedBy ??= 'cancel';
      throw failure(error);
    }
    const streamed = result;
    async function* chunks(): AsyncGenerator<JsonValue[][]> {
      try {
        for (;;) {
          const rows = await streamed.next();
          if (rows === undefined) break;
          const room = maxRows - summary.rows;
          const kept = rows.length > room ? rows.slice(0, room) : rows;
          summary.rows += kept.length;
          bytes += approximateBytes(kept);
          if (kept.length > 0) yield kept;
          if (rows.length > room) {
            summary.truncated = true;
            break;
          }
        }
      } catch (error) {
        throw failure(error);
      } finally {
        // Reached on the end, on the row limit and when the reader stops early.
        if (!done) {
          if (summary.truncated || interruptedBy !== undefined) session.interrupt();
          finish(summary.truncated ? 'limited' : 'ok');
        }
      }
    }
    return { columns: streamed.columns, chunks: chunks(), summary };
  }

  /** Every port the identity may read, as relations with the columns it sees (for catalogs and `\dt`). */
  async visibleRelations(identity: Identity): Promise<VisibleRelation[]> {
    const { graph } = this.options.mesh();
    if (!graph) return [];
    const grants = await this.grants();
    const now = this.now();
    const relations: VisibleRelation[] = [];
    for (const policy of this.policies().values()) {
      const decision = decidePortAccess(identity, policy, grants, now);
      if (!decision.allowed) continue;
      const node = graph.nodes.get(`port:${policy.port}`);
      if (node?.kind !== 'port') continue;
      const columns = await this.columnsOf(policy.domain, policy.table);
      if (columns.length === 0) continue; // declared but never published
      const declared = new Map((node.spec.columns ?? []).map((c) => [c.name, c]));
      relations.push({
        schema: policy.domain,
        name: policy.table,
        ...(node.spec.description === undefined ? {} : { description: node.spec.description }),
        columns: columns.map((c) => {
          const spec = declared.get(c.name);
          const mask = decision.masks.get(c.name);
          return {
            name: c.name,
            type: c.type,
            nullable: c.nullable,
            ...(spec?.description === undefined ? {} : { description: spec.description }),
            ...(mask === undefined ? {} : { masked: mask }),
          };
        }),
      });
    }
    return relations.sort((a, b) => `${a.schema}.${a.name}`.localeCompare(`${b.schema}.${b.name}`));
  }

  /** A port's columns as consumers see them, kept for a few seconds (catalog queries ask for every port). */
  private async columnsOf(domain: string, table: string): Promise<readonly ColumnInfo[]> {
    const key = `${domain}.${table}`;
    const kept = this.columnCache.get(key);
    if (kept && Date.now() - kept.at < 5000) return kept.columns;
    const columns = await this.options.warehouse.columns(domain, table);
    this.columnCache.set(key, { at: Date.now(), columns });
    return columns;
  }

  private admit(subject: string, audit: (entry: Pick<AuditEntry, 'outcome' | 'rows' | 'bytes'> & { error?: string }) => void): void {
    const at = Date.now();
    const recent = (this.started.get(subject) ?? []).filter((t) => at - t < 60_000);
    if (recent.length >= this.limits.perMinute) {
      audit({ outcome: 'limited', rows: 0, bytes: 0, error: 'rate limit' });
      throw new GatewayError('rate_limited', `Too many queries: at most ${this.limits.perMinute} a minute per identity. Try again in a minute.`);
    }
    const running = this.running.get(subject) ?? 0;
    if (running >= this.limits.concurrentPerIdentity) {
      audit({ outcome: 'limited', rows: 0, bytes: 0, error: 'concurrency limit' });
      throw new GatewayError('rate_limited', `Too many queries at once: at most ${this.limits.concurrentPerIdentity} running per identity.`);
    }
    recent.push(at);
    this.started.set(subject, recent);
    this.running.set(subject, running + 1);
  }

  private release(subject: string): void {
    const running = (this.running.get(subject) ?? 1) - 1;
    if (running <= 0) this.running.delete(subject);
    else this.running.set(subject, running);
  }

  private async session(): Promise<StreamingSession> {
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.opened < this.limits.sessions) {
      this.opened++;
      const session = await (this.options.openSession ?? (() => this.options.warehouse.connect()))();
      if (!canStream(session)) throw new Error('the warehouse adapter cannot stream consumer queries');
      return session;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private giveBack(session: StreamingSession): void {
    const next = this.waiting.shift();
    if (next) next(session);
    else this.idle.push(session);
  }

  async close(): Promise<void> {
    for (const session of this.idle.splice(0)) await session.close();
    await this.options.access.flush();
  }
}

/** The parser's own message for text that does not parse (it knows no catalog, so it can reveal nothing). */
function syntaxError(tree: unknown): string | undefined {
  if (typeof tree !== 'object' || tree === null) return undefined;
  const { error, error_type: type, error_message: message } = tree as { error?: unknown; error_type?: unknown; error_message?: unknown };
  if (error !== true || type === 'not implemented' || typeof message !== 'string') return undefined;
  return `Syntax error: ${message.split('\n')[0] ?? message}`;
}

function approximateBytes(rows: readonly JsonValue[][]): number {
  let bytes = 0;
  for (const row of rows) for (const value of row) bytes += typeof value === 'string' ? value.length : 8;
  return bytes;
}
