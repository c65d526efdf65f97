import type { MeshGraph } from '../compiler/index.js';
import type { Diagnostic } from '../diagnostics/index.js';
import type { LintFinding } from '../governance/index.js';
import type { Mesh } from '../spec/index.js';
import type { Gateway } from '../gateway/index.js';
import type { ServerAlerts } from './alerting.js';
import type { Authenticator } from './auth.js';
import type { CatalogCache } from './catalog-cache.js';
import type { SqlAccessStore, StateStore } from '../state/index.js';
import type { Warehouse } from '../warehouse/index.js';

/** The mesh as the server last loaded it. While an edit breaks it, the last good graph stays and `diagnostics` say why. */
export interface LoadedMesh {
  readonly mesh?: Mesh;
  readonly graph?: MeshGraph;
  /** Errors and lint findings of the last load, sorted by file and line. */
  readonly diagnostics: readonly Diagnostic[];
  readonly lint: readonly LintFinding[];
  /** ISO time of the last load attempt. */
  readonly loadedAt: string;
  /** True when the files on disk have errors and the graph is the last good one (or none). */
  readonly broken: boolean;
}

export type JobKind = 'run' | 'test';
export type JobStatus = 'queued' | 'running' | 'success' | 'failed' | 'cancelled';

export interface JobRequest {
  readonly kind: JobKind;
  /** Who asked (the identity's label), for the job list and cancelling. */
  readonly by?: string;
  readonly select?: readonly string[];
  readonly fullRefresh?: boolean;
  /** Who asked: the API, the scheduler (with the port's cron), or `tessera run` from a terminal. */
  readonly trigger: 'api' | 'schedule' | 'cli';
}

/** One submitted run or test, queued in the server: the server runs one at a time. */
export interface Job {
  readonly id: string;
  readonly request: JobRequest;
  readonly status: JobStatus;
  readonly submittedAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** The state store's run id once it started. */
  readonly runId?: number;
  /** Progress lines as `tessera run` prints them when not on a terminal. */
  readonly log: readonly string[];
  /** The run's or test's summary (as `--json` prints it) once finished. */
  readonly result?: unknown;
  readonly error?: string;
}

export interface JobQueue {
  /** Queues a job (or returns the identical one already waiting); throws when the queue is full or closed. */
  submit(request: JobRequest): Job;
  /** Cancels a queued job; false when it already started or ended. */
  cancel(id: string, by: string): boolean;
  get(id: string): Job | undefined;
  list(): readonly Job[];
  /** Calls `listener` with each new log line and once more when the job ends; returns an unsubscribe function. */
  follow(id: string, listener: (event: { line?: string; job: Job }) => void): () => void;
  /** Calls `listener` on every change of any job (queued, started, a progress line, ended): the state store may have changed. */
  onChange(listener: (job: Job) => void): () => void;
  /** Waits for the running job (if any) and refuses new ones. */
  close(): Promise<void>;
}

/** What the API and the scheduler share: one warehouse, one state store, the current mesh, the job queue. */
export interface ServerContext {
  /** Absolute path of the mesh root. */
  readonly root: string;
  mesh(): LoadedMesh;
  readonly warehouse: Warehouse;
  readonly state: StateStore;
  readonly jobs: JobQueue;
  /** Tokens, access requests and the audit log. */
  readonly access: SqlAccessStore;
  /** The one door to port data for consumers (SQL over HTTP and the wire protocol). */
  readonly gateway: Gateway;
  /** The salt of hashed columns, for masking samples in answers as the views mask them. */
  readonly maskSalt: string;
  /** When the process started (ISO). */
  readonly startedAt: string;
  /** Verifies tokens (every /api request). */
  readonly auth: Authenticator;
  /** Shadow catalogs for catalog queries (information_schema, pg_catalog), filtered per caller. */
  readonly catalogs: CatalogCache;
  /** The host names the server answers to (the `Host` header is checked against them); none: any. */
  readonly allowedHosts?: readonly string[];
  /** Incidents, the outbox and its delivery loop (absent in contexts built without alerting). */
  readonly alerts?: ServerAlerts;
  /** Whether this server fires the schedules (one server at a time does, when several share a PostgreSQL warehouse). */
  readonly leadsSchedules?: () => boolean;
  /** Whether this server sends the notifications and ticks the SLA timer (one server at a time). */
  readonly leadsAlerts?: () => boolean;
  /**
   * Brings the engine's roles to the access rules after a grant changed (an access request
   * approved or revoked), on an engine with roles; the gateway already applies it at once.
   */
  readonly syncEngineGrants?: () => Promise<void>;
}
