import { createHash, randomBytes } from 'node:crypto';
import type { Row } from '../warehouse/index.js';
import { STATE_SCHEMA } from './sql-state-store.js';
import { StateTables, underLock } from './state-tables.js';
import { num, text, utc } from './values.js';

/** Who a token acts as. Members are named by e-mail; their teams come from teams.yaml when the token is used. */
export type TokenSubject = { readonly kind: 'admin'; readonly name: string } | { readonly kind: 'member'; readonly email: string } | { readonly kind: 'service'; readonly name: string };

export interface TokenRecord {
  /** Public id (shown in lists, used to revoke); the secret is never stored. */
  readonly id: string;
  readonly subject: TokenSubject;
  readonly label: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly expiresAt?: string;
  readonly revokedAt?: string;
  readonly lastUsedAt?: string;
}

export type AccessRequestStatus = 'pending' | 'approved' | 'denied' | 'revoked';

export interface AccessRequest {
  readonly id: number;
  readonly port: string;
  /** Who asked: an e-mail or `service:<name>`. */
  readonly requester: string;
  /** When asked for a whole team (its members and products), the team id. */
  readonly team?: string;
  readonly unmasked: boolean;
  readonly purpose: string;
  /** When the grant ends, if it has an end. */
  readonly expiresAt?: string;
  readonly status: AccessRequestStatus;
  readonly createdAt: string;
  readonly decidedAt?: string;
  readonly decidedBy?: string;
  readonly reason?: string;
}

/** One consumer query, as the audit log keeps it. */
export interface AuditEntry {
  readonly at: Date;
  readonly subject: string;
  readonly teams: readonly string[];
  /** The client application (`application_name`, a User-Agent, `tessera query`). */
  readonly client: string;
  /** Which door: `http` (POST /api/sql), `pg` (the wire protocol), `api` (samples in answers). */
  readonly path: string;
  readonly sql: string;
  readonly ports: readonly string[];
  /** Ports read masked. */
  readonly masked: readonly string[];
  readonly rows: number;
  readonly bytes: number;
  readonly durationMs: number;
  readonly outcome: 'ok' | 'refused' | 'error' | 'cancelled' | 'limited';
  readonly error?: string;
}

export interface PortUsage {
  readonly port: string;
  readonly queries: number;
  readonly readers: number;
  readonly teams: readonly string[];
  readonly lastReadAt?: string;
  /** Queries per day over the window, oldest first: `{ day: YYYY-MM-DD, queries }`. */
  readonly perDay: readonly { readonly day: string; readonly queries: number }[];
}

const TOKEN_PREFIX = 'tsr_';

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * Identities, grants and the audit log, in the state schema next to the runs. Tokens
 * are kept only as SHA-256 hashes. Audit rows are buffered and written in batches, so
 * a burst of small queries costs one insert, not one each.
 */
export class SqlAccessStore extends StateTables {
  private pending: AuditEntry[] = [];
  private flushTimer: NodeJS.Timeout | undefined;

  async migrate(): Promise<void> {
    await this.serial((s) =>
      underLock(s, this.dialect, 'migrate', (tx) => tx.execute(`${this.dialect.createSchema(STATE_SCHEMA)};
        CREATE TABLE IF NOT EXISTS ${this.t('tokens')} (
          id VARCHAR, hash VARCHAR, kind VARCHAR, subject VARCHAR, label VARCHAR, created_at TIMESTAMP, created_by VARCHAR,
          expires_at TIMESTAMP, revoked_at TIMESTAMP, last_used_at TIMESTAMP);
        CREATE TABLE IF NOT EXISTS ${this.t('access_requests')} (
          id INTEGER, port VARCHAR, requester VARCHAR, team VARCHAR, unmasked BOOLEAN, purpose VARCHAR, expires_at TIMESTAMP,
          status VARCHAR, created_at TIMESTAMP, decided_at TIMESTAMP, decided_by VARCHAR, reason VARCHAR);
        CREATE TABLE IF NOT EXISTS ${this.t('audit_log')} (
          queried_at TIMESTAMP, subject VARCHAR, teams VARCHAR, client VARCHAR, path VARCHAR, sql VARCHAR, ports VARCHAR, masked VARCHAR,
          row_count BIGINT, bytes BIGINT, duration_ms DOUBLE PRECISION, outcome VARCHAR, error VARCHAR);`)),
    );
  }

  /** Makes a token; the secret is returned once and only its hash is kept. */
  async createToken(subject: TokenSubject, options: { createdBy: string; expiresAt?: Date; now?: Date }): Promise<{ secret: string; token: TokenRecord }> {
    const d = this.dialect;
    const secret = `${TOKEN_PREFIX}${randomBytes(24).toString('base64url')}`;
    const id = randomBytes(4).toString('hex');
    const now = options.now ?? new Date();
    const [kind, name] = subject.kind === 'member' ? ['member', subject.email.toLowerCase()] : [subject.kind, subject.name];
    await this.serial((s) =>
      s.execute(`INSERT INTO ${this.t('tokens')} VALUES (${d.literal(id)}, ${d.literal(hashToken(secret))}, ${d.literal(kind)}, ${d.literal(name)},
        ${d.literal(labelOf(subject))}, ${d.timestamp(now)}, ${d.literal(options.createdBy)}, ${options.expiresAt ? d.timestamp(options.expiresAt) : 'NULL'}, NULL, NULL)`),
    );
    const token = await this.token(id);
    if (!token) throw new Error('the token just written was not found');
    return { secret, token };
  }

  /** The token a secret belongs to, if it exists, is not revoked and has not expired. */
  async verifyToken(secret: string, now = new Date()): Promise<TokenRecord | undefined> {
    if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
    const d = this.dialect;
    const [row] = await this.serial((s) =>
      s.query(`SELECT * FROM ${this.t('tokens')} WHERE hash = ${d.literal(hashToken(secret))} AND revoked_at IS NULL
        AND (expires_at IS NULL OR expires_at > ${d.timestamp(now)})`),
    );
    return row ? toToken(row) : undefined;
  }

  async touchToken(id: string, now = new Date()): Promise<void> {
    await this.serial((s) => s.execute(`UPDATE ${this.t('tokens')} SET last_used_at = ${this.dialect.timestamp(now)} WHERE id = ${this.dialect.literal(id)}`));
  }

  async token(id: string): Promise<TokenRecord | undefined> {
    const [row] = await this.serial((s) => s.query(`SELECT * FROM ${this.t('tokens')} WHERE id = ${this.dialect.literal(id)}`));
    return row ? toToken(row) : undefined;
  }

  async tokens(): Promise<TokenRecord[]> {
    const rows = await this.serial((s) => s.query(`SELECT * FROM ${this.t('tokens')} ORDER BY created_at DESC`));
    return rows.map(toToken);
  }

  /** Revokes a token; false when there is no such (unrevoked) token. */
  async revokeToken(id: string, now = new Date()): Promise<boolean> {
    const d = this.dialect;
    const rows = await this.serial((s) =>
      s.query(`UPDATE ${this.t('tokens')} SET revoked_at = ${d.timestamp(now)} WHERE id = ${d.literal(id)} AND revoked_at IS NULL RETURNING id`),
    );
    return rows.length > 0;
  }

  async createAccessRequest(request: Omit<AccessRequest, 'id' | 'status' | 'createdAt' | 'decidedAt' | 'decidedBy' | 'reason'>, now = new Date()): Promise<AccessRequest> {
    const d = this.dialect;
    const [row] = await this.serial((s) =>
      underLock(s, d, 'access_requests', (tx) => tx.query(`INSERT INTO ${this.t('access_requests')} (id, port, requester, team, unmasked, purpose, expires_at, status, created_at)
        SELECT coalesce(max(id), 0) + 1, ${d.literal(request.port)}, ${d.literal(request.requester)}, ${d.literal(request.team ?? null)},
          ${d.literal(request.unmasked)}, ${d.literal(request.purpose)}, ${request.expiresAt ? d.timestamp(new Date(request.expiresAt)) : 'NULL'},
          'pending', ${d.timestamp(now)} FROM ${this.t('access_requests')} RETURNING *`)),
    );
    if (!row) throw new Error('the access request was not recorded');
    return toRequest(row);
  }

  /** Moves a request to a new status; undefined when it does not exist or is not in `from`. */
  async decideAccessRequest(
    id: number,
    decision: { status: AccessRequestStatus; by: string; reason?: string; from: readonly AccessRequestStatus[] },
    now = new Date(),
  ): Promise<AccessRequest | undefined> {
    const d = this.dialect;
    const from = decision.from.map((s) => d.literal(s)).join(', ');
    const [row] = await this.serial((s) =>
      s.query(`UPDATE ${this.t('access_requests')} SET status = ${d.literal(decision.status)}, decided_at = ${d.timestamp(now)},
        decided_by = ${d.literal(decision.by)}, reason = ${d.literal(decision.reason ?? null)}
        WHERE id = ${id} AND status IN (${from}) RETURNING *`),
    );
    return row ? toRequest(row) : undefined;
  }

  async accessRequest(id: number): Promise<AccessRequest | undefined> {
    const [row] = await this.serial((s) => s.query(`SELECT * FROM ${this.t('access_requests')} WHERE id = ${id}`));
    return row ? toRequest(row) : undefined;
  }

  async accessRequests(filter: { port?: string; ports?: readonly string[]; status?: AccessRequestStatus } = {}): Promise<AccessRequest[]> {
    const d = this.dialect;
    const where = ['TRUE'];
    if (filter.port !== undefined) where.push(`port = ${d.literal(filter.port)}`);
    if (filter.ports !== undefined) where.push(filter.ports.length === 0 ? 'FALSE' : `port IN (${filter.ports.map((p) => d.literal(p)).join(', ')})`);
    if (filter.status !== undefined) where.push(`status = ${d.literal(filter.status)}`);
    const rows = await this.serial((s) => s.query(`SELECT * FROM ${this.t('access_requests')} WHERE ${where.join(' AND ')} ORDER BY id DESC`));
    return rows.map(toRequest);
  }

  /** Queues an audit row; rows are written within a quarter second, or at `flush()`. */
  audit(entry: AuditEntry): void {
    this.pending.push(entry);
    if (this.pending.length >= 200) void this.flush();
    else this.flushTimer ??= setTimeout(() => void this.flush(), 250);
  }

  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const d = this.dialect;
    const values = batch
      .map((e) =>
        `(${d.timestamp(e.at)}, ${d.literal(e.subject)}, ${d.literal(JSON.stringify(e.teams))}, ${d.literal(e.client)}, ${d.literal(e.path)},
          ${d.literal(e.sql)}, ${d.literal(JSON.stringify(e.ports))}, ${d.literal(JSON.stringify(e.masked))}, ${Math.round(e.rows)}, ${Math.round(e.bytes)},
          ${e.durationMs}, ${d.literal(e.outcome)}, ${d.literal(e.error ?? null)})`,
      )
      .join(',\n');
    await this.serial((s) => s.execute(`INSERT INTO ${this.t('audit_log')} VALUES ${values}`));
  }

  async auditLog(options: { limit?: number; subject?: string } = {}): Promise<(AuditEntry & { at: Date })[]> {
    await this.flush();
    const d = this.dialect;
    const where = options.subject === undefined ? '' : `WHERE subject = ${d.literal(options.subject)}`;
    const rows = await this.serial((s) => s.query(`SELECT * FROM ${this.t('audit_log')} ${where} ORDER BY queried_at DESC LIMIT ${Math.max(1, Math.floor(options.limit ?? 100))}`));
    return rows.map((r) => ({
      at: new Date(utc(r.queried_at) ?? 0),
      subject: text(r.subject),
      teams: JSON.parse(text(r.teams) || '[]') as string[],
      client: text(r.client),
      path: text(r.path),
      sql: text(r.sql),
      ports: JSON.parse(text(r.ports) || '[]') as string[],
      masked: JSON.parse(text(r.masked) || '[]') as string[],
      rows: num(r.row_count),
      bytes: num(r.bytes),
      durationMs: num(r.duration_ms),
      outcome: text(r.outcome) as AuditEntry['outcome'],
      ...(r.error === null || r.error === undefined ? {} : { error: text(r.error) }),
    }));
  }

  /** Reads per port over the last `days` days (successful queries only). */
  async usage(options: { days: number; now?: Date }): Promise<PortUsage[]> {
    await this.flush();
    const d = this.dialect;
    const since = new Date((options.now ?? new Date()).getTime() - options.days * 86_400_000);
    // Plain SQL both engines run: grouped by reader and day here, and the JSON lists of
    // ports and teams in each group read in JavaScript.
    const rows = await this.serial((s) =>
      s.query(`SELECT ports, subject, teams, CAST(CAST(queried_at AS DATE) AS VARCHAR) AS day, count(*) AS n, max(queried_at) AS queried_at
        FROM ${this.t('audit_log')} WHERE outcome = 'ok' AND queried_at >= ${d.timestamp(since)} GROUP BY ports, subject, teams, CAST(queried_at AS DATE)`),
    );
    const byPort = new Map<string, { queries: number; readers: Set<string>; teams: Set<string>; last?: string; perDay: Map<string, number> }>();
    for (const r of rows) {
      const teams = JSON.parse(text(r.teams) || '[]') as string[];
      const day = text(r.day);
      const at = utc(r.queried_at);
      for (const port of new Set(JSON.parse(text(r.ports) || '[]') as string[])) {
        const usage = byPort.get(port) ?? { queries: 0, readers: new Set<string>(), teams: new Set<string>(), perDay: new Map<string, number>() };
        usage.queries += num(r.n);
        usage.readers.add(text(r.subject));
        for (const team of teams) usage.teams.add(team);
        if (at !== undefined && (usage.last === undefined || at > usage.last)) usage.last = at;
        usage.perDay.set(day, (usage.perDay.get(day) ?? 0) + num(r.n));
        byPort.set(port, usage);
      }
    }
    return [...byPort]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([port, usage]) => ({
        port,
        queries: usage.queries,
        readers: usage.readers.size,
        teams: [...usage.teams].sort(),
        ...(usage.last === undefined ? {} : { lastReadAt: usage.last }),
        perDay: [...usage.perDay].sort(([a], [b]) => a.localeCompare(b)).map(([day, queries]) => ({ day, queries })),
      }));
  }

  async close(): Promise<void> {
    await this.flush();
  }
}

function labelOf(subject: TokenSubject): string {
  return subject.kind === 'member' ? subject.email.toLowerCase() : subject.kind === 'admin' ? 'admin' : `service:${subject.name}`;
}

function toToken(row: Row): TokenRecord {
  const kind = text(row.kind);
  const name = text(row.subject);
  const subject: TokenSubject = kind === 'member' ? { kind: 'member', email: name } : kind === 'service' ? { kind: 'service', name } : { kind: 'admin', name };
  const optional = (key: string, value: string | undefined): Record<string, string> => (value === undefined ? {} : { [key]: value });
  return {
    id: text(row.id),
    subject,
    label: text(row.label),
    createdAt: utc(row.created_at) ?? '',
    createdBy: text(row.created_by),
    ...optional('expiresAt', utc(row.expires_at)),
    ...optional('revokedAt', utc(row.revoked_at)),
    ...optional('lastUsedAt', utc(row.last_used_at)),
  };
}

function toRequest(row: Row): AccessRequest {
  const optional = (key: string, value: string | undefined): Record<string, string> => (value === undefined || value === '' ? {} : { [key]: value });
  return {
    id: num(row.id),
    port: text(row.port),
    requester: text(row.requester),
    ...optional('team', row.team === null ? undefined : text(row.team)),
    unmasked: row.unmasked === true,
    purpose: text(row.purpose),
    ...optional('expiresAt', utc(row.expires_at)),
    status: text(row.status) as AccessRequestStatus,
    createdAt: utc(row.created_at) ?? '',
    ...optional('decidedAt', utc(row.decided_at)),
    ...optional('decidedBy', row.decided_by === null ? undefined : text(row.decided_by)),
    ...optional('reason', row.reason === null ? undefined : text(row.reason)),
  };
}
