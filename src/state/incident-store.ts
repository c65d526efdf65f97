import type { Dialect, JsonValue, Row, Session } from '../warehouse/index.js';
import { STATE_SCHEMA } from './sql-state-store.js';
import { lockIn, StateTables, underLock } from './state-tables.js';
import { num, text, utc } from './values.js';

export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';
export type IncidentResolution = 'fixed' | 'expected' | 'false-positive' | 'other' | 'auto';

/** One incident: the unit of deduplication, one open per fingerprint. */
export interface IncidentRecord {
  readonly id: number;
  /** `<product>|<node>|<check>`: what makes two events the same problem. */
  readonly fingerprint: string;
  /** The owning team (the product's owner), or `platform` for Tessera's own alerts. */
  readonly team: string;
  readonly product: string;
  readonly node: string;
  readonly check: string;
  /** What kind of event opened it: node-failed, audit-failed, check-warn, anomaly, sla-breach, channel-failing. */
  readonly kind: string;
  readonly severity: 'critical' | 'warning';
  readonly status: IncidentStatus;
  readonly title: string;
  readonly message: string;
  /** The run that last saw it. */
  readonly runId?: number;
  readonly openedAt: string;
  readonly lastSeenAt: string;
  readonly occurrences: number;
  readonly acknowledgedAt?: string;
  readonly acknowledgedBy?: string;
  readonly resolvedAt?: string;
  readonly resolvedBy?: string;
  readonly resolution?: IncidentResolution;
  readonly resolutionNote?: string;
  readonly reopened: number;
  /** Downstream nodes attached to it (skipped, stale): they opened no incident of their own. */
  readonly affected: readonly string[];
  /** When its team was last told it is open (reopened, repeated); absent: when it opened. */
  readonly notifiedAt?: string;
}

export type NewIncident = Omit<IncidentRecord, 'id' | 'status' | 'occurrences' | 'reopened' | 'lastSeenAt'> & { readonly status?: IncidentStatus };

/** One line of an incident's timeline. */
export interface IncidentEntry {
  readonly incidentId: number;
  readonly at: string;
  /** opened, seen, acknowledged, resolved, reopened, attached, notified, skipped-channel */
  readonly kind: string;
  readonly by?: string;
  readonly detail: string;
}

export type OutboxStatus = 'pending' | 'delivered' | 'dead';

/** One message to one channel, written in the same transaction as the incident it is about. */
export interface OutboxRecord {
  readonly id: number;
  /** The idempotency key: the same notification always has the same key, also when sent again after a crash. */
  readonly key: string;
  readonly team: string;
  /** The channel as declared (type, url_env, path…): never a resolved secret. */
  readonly channel: Readonly<Record<string, string>>;
  /** incident (the owning team), impact (a downstream team), update (ack/resolve), test, platform */
  readonly kind: string;
  readonly incidentIds: readonly number[];
  readonly payload: JsonValue;
  readonly status: OutboxStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly createdAt: string;
  readonly deliveredAt?: string;
  readonly lastError?: string;
  /** What the channel answered last (status code, a few words). */
  readonly answer?: string;
  /** A grouping window's message (team and channel): later messages join it until it is due. */
  readonly windowKey?: string;
  /** The idempotency keys of the messages gathered in it (a window's message), so none joins twice. */
  readonly partKeys?: readonly string[];
}

export type NewOutbox = Pick<OutboxRecord, 'key' | 'team' | 'channel' | 'kind' | 'incidentIds' | 'payload'> & {
  /** Held until then (quiet hours, a grouping window): its first attempt is not before this time. */
  readonly notBefore?: Date;
  /** Opens a grouping window: `key` names the window (team and channel), `partKeys` the messages gathered in it. */
  readonly window?: { readonly key: string; readonly partKeys: readonly string[] };
};

/** What a transaction of the incident store may do: incidents, their timeline and their outbox rows commit together. */
export interface IncidentTx {
  insertIncident(incident: NewIncident): Promise<number>;
  updateIncident(id: number, change: Partial<Omit<IncidentRecord, 'id' | 'fingerprint'>>): Promise<void>;
  addEntry(entry: IncidentEntry): Promise<void>;
  /** Inserts rows whose key is not there yet; returns how many were new. */
  insertOutbox(rows: readonly NewOutbox[], at: Date): Promise<number>;
  /** Which of `keys` are already in the outbox, as a row's own key or gathered in a grouping window. */
  knownKeys(keys: readonly string[]): Promise<Set<string>>;
  /** Grouping windows still open: pending, never attempted, due after `after`. */
  openWindows(windowKeys: readonly string[], after: Date): Promise<OutboxRecord[]>;
  /** Gathers more messages into a window's row: its payload, kind and incidents now, and the keys of every message in it. */
  extendWindow(id: number, change: { readonly payload: JsonValue; readonly kind: string; readonly incidentIds: readonly number[]; readonly partKeys: readonly string[] }): Promise<void>;
  /** Incidents with one of `fingerprints` or on one of `nodes` (either, when both are given), in one of `status`. */
  incidents(filter?: { readonly fingerprints?: readonly string[]; readonly nodes?: readonly string[]; readonly status?: readonly IncidentStatus[] }): Promise<IncidentRecord[]>;
}

/**
 * Incidents, their timelines and the notification outbox, in the state schema (ADR 0008).
 * One session of its own, used one statement at a time; `transaction` gives the
 * recorder one commit for an incident and the messages about it, so a crash never
 * leaves an incident nobody was told about, nor a message about nothing.
 */
export class SqlIncidentStore extends StateTables {
  async migrate(): Promise<void> {
    await this.serial((s) =>
      underLock(s, this.dialect, 'migrate', (tx) => tx.execute(`${this.dialect.createSchema(STATE_SCHEMA)};
        CREATE TABLE IF NOT EXISTS ${this.t('incidents')} (
          id INTEGER, fingerprint VARCHAR, team VARCHAR, product VARCHAR, node VARCHAR, check_name VARCHAR, kind VARCHAR, severity VARCHAR,
          status VARCHAR, title VARCHAR, message VARCHAR, run_id INTEGER, opened_at TIMESTAMP, last_seen_at TIMESTAMP, occurrences INTEGER,
          acknowledged_at TIMESTAMP, acknowledged_by VARCHAR, resolved_at TIMESTAMP, resolved_by VARCHAR, resolution VARCHAR, resolution_note VARCHAR,
          reopened INTEGER, affected VARCHAR);
        CREATE TABLE IF NOT EXISTS ${this.t('incident_events')} (incident_id INTEGER, happened_at TIMESTAMP, kind VARCHAR, by_whom VARCHAR, detail VARCHAR);
        CREATE TABLE IF NOT EXISTS ${this.t('outbox')} (
          id INTEGER, idempotency_key VARCHAR, team VARCHAR, channel VARCHAR, kind VARCHAR, incident_ids VARCHAR, payload VARCHAR,
          status VARCHAR, attempts INTEGER, next_attempt_at TIMESTAMP, created_at TIMESTAMP, delivered_at TIMESTAMP, last_error VARCHAR, answer VARCHAR);
        ALTER TABLE ${this.t('incidents')} ADD COLUMN IF NOT EXISTS notified_at TIMESTAMP;
        ALTER TABLE ${this.t('outbox')} ADD COLUMN IF NOT EXISTS window_key VARCHAR;
        ALTER TABLE ${this.t('outbox')} ADD COLUMN IF NOT EXISTS part_keys VARCHAR;`)),
    );
  }

  /** Runs `work` in one transaction: everything it wrote commits together or not at all. */
  transaction<T>(work: (tx: IncidentTx) => Promise<T>): Promise<T> {
    return this.serial((s) => s.transaction((session) => work(this.tx(session))));
  }

  async incidents(filter: { team?: string; status?: readonly IncidentStatus[]; limit?: number } = {}): Promise<IncidentRecord[]> {
    const d = this.dialect;
    const where = [
      ...(filter.team ? [`team = ${d.literal(filter.team)}`] : []),
      ...(filter.status && filter.status.length > 0 ? [`status IN (${filter.status.map((s) => d.literal(s)).join(', ')})`] : []),
    ];
    const rows = await this.serial((s) =>
      s.query(`SELECT * FROM ${this.t('incidents')} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${Math.max(1, Math.min(filter.limit ?? 500, 5000))}`),
    );
    return rows.map(toIncident);
  }

  async incident(id: number): Promise<IncidentRecord | undefined> {
    const [row] = await this.serial((s) => s.query(`SELECT * FROM ${this.t('incidents')} WHERE id = ${this.dialect.literal(id)}`));
    return row ? toIncident(row) : undefined;
  }

  async entries(incidentId: number): Promise<IncidentEntry[]> {
    const rows = await this.serial((s) => s.query(`SELECT * FROM ${this.t('incident_events')} WHERE incident_id = ${this.dialect.literal(incidentId)} ORDER BY happened_at, kind`));
    return rows.map((r) => ({ incidentId: num(r['incident_id']), at: utc(r['happened_at']) ?? '', kind: text(r['kind']), ...(r['by_whom'] ? { by: text(r['by_whom']) } : {}), detail: text(r['detail']) }));
  }

  /** Outbox rows about one incident, or all of them (newest first). */
  async outbox(filter: { incidentId?: number; status?: OutboxStatus; limit?: number } = {}): Promise<OutboxRecord[]> {
    const d = this.dialect;
    const where = [
      ...(filter.incidentId === undefined ? [] : [`incident_ids LIKE ${d.literal(`%,${filter.incidentId},%`)}`]),
      ...(filter.status ? [`status = ${d.literal(filter.status)}`] : []),
    ];
    const rows = await this.serial((s) =>
      s.query(`SELECT * FROM ${this.t('outbox')} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${Math.max(1, Math.min(filter.limit ?? 1000, 100_000))}`),
    );
    return rows.map(toOutbox);
  }

  /**
   * A team's notifications per channel: each channel's newest `perChannel` rows, and how
   * many it has by status (of the pending ones: retrying, having failed before; held, not
   * tried and due after `now`).
   */
  async deliveryLog(team: string, now: Date, perChannel = 20): Promise<{ rows: OutboxRecord[]; counts: { channel: string; status: OutboxStatus; count: number; retrying: number; held: number }[] }> {
    const d = this.dialect;
    const mine = `team = ${d.literal(team)}`;
    const [rows, counts] = await this.serial(async (s) => [
      await s.query(`SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY channel ORDER BY id DESC) AS recent FROM ${this.t('outbox')} WHERE ${mine}) AS newest
        WHERE recent <= ${Math.max(1, Math.min(perChannel, 500))} ORDER BY id DESC`),
      await s.query(`SELECT channel, status, count(*) AS n, sum(CASE WHEN attempts > 0 THEN 1 ELSE 0 END) AS tried,
        sum(CASE WHEN attempts = 0 AND next_attempt_at > ${d.timestamp(now)} THEN 1 ELSE 0 END) AS later FROM ${this.t('outbox')} WHERE ${mine} GROUP BY channel, status`),
    ]);
    return {
      rows: rows.map(toOutbox),
      counts: counts.map((r) => {
        const pending = text(r['status']) === 'pending';
        return { channel: text(r['channel']), status: text(r['status']) as OutboxStatus, count: num(r['n']), retrying: pending ? num(r['tried']) : 0, held: pending ? num(r['later']) : 0 };
      }),
    };
  }

  /** Pending rows whose time has come, oldest first. */
  async due(now: Date, limit = 100): Promise<OutboxRecord[]> {
    const rows = await this.serial((s) =>
      s.query(`SELECT * FROM ${this.t('outbox')} WHERE status = 'pending' AND next_attempt_at <= ${this.dialect.timestamp(now)} ORDER BY id LIMIT ${limit}`),
    );
    return rows.map(toOutbox);
  }

  /** When the next pending row is due, if any is. */
  async nextDue(): Promise<Date | undefined> {
    const [row] = await this.serial((s) => s.query(`SELECT min(next_attempt_at) AS next_at FROM ${this.t('outbox')} WHERE status = 'pending'`));
    const at = utc(row?.['next_at']);
    return at ? new Date(at) : undefined;
  }

  async markDelivered(id: number, answer: string, at: Date): Promise<void> {
    const d = this.dialect;
    await this.serial((s) =>
      s.execute(`UPDATE ${this.t('outbox')} SET status = 'delivered', attempts = attempts + 1, delivered_at = ${d.timestamp(at)}, answer = ${d.literal(answer.slice(0, 500))} WHERE id = ${d.literal(id)}`),
    );
  }

  /** A failed attempt: tried again at `next`, or dead when `next` is undefined. */
  async markFailed(id: number, error: string, next: Date | undefined): Promise<void> {
    const d = this.dialect;
    await this.serial((s) =>
      s.execute(`UPDATE ${this.t('outbox')} SET attempts = attempts + 1, last_error = ${d.literal(error.slice(0, 500))},
        ${next ? `next_attempt_at = ${d.timestamp(next)}` : `status = 'dead'`} WHERE id = ${d.literal(id)}`),
    );
  }

  /** Puts dead letters back in line (after the channel is fixed). */
  async retryDead(at: Date): Promise<number> {
    const d = this.dialect;
    const [row] = await this.serial((s) => s.query(`SELECT count(*) AS n FROM ${this.t('outbox')} WHERE status = 'dead'`));
    await this.serial((s) => s.execute(`UPDATE ${this.t('outbox')} SET status = 'pending', attempts = 0, next_attempt_at = ${d.timestamp(at)} WHERE status = 'dead'`));
    return num(row?.['n']);
  }

  private tx(session: Session): IncidentTx {
    const d = this.dialect;
    const t = (name: string): string => this.t(name);
    const known = async (keys: readonly string[]): Promise<Set<string>> => {
      if (keys.length === 0) return new Set();
      const parts = keys.map((k) => `part_keys LIKE ${d.literal(`%,${k},%`)}`).join(' OR ');
      // Only windows' rows have part keys: the pattern match never runs over the rest of the outbox.
      const rows = await session.query(`SELECT idempotency_key AS k, part_keys AS p FROM ${t('outbox')} WHERE idempotency_key IN (${keys.map((k) => d.literal(k)).join(', ')}) OR (part_keys IS NOT NULL AND (${parts}))`);
      const present = new Set(rows.flatMap((r) => [text(r['k']), ...text(r['p'] ?? '').split(',')]));
      return new Set(keys.filter((k) => present.has(k)));
    };
    return {
      insertIncident: async (incident) => {
        await lockIn(session, d, 'incidents');
        const [row] = await session.query(`SELECT coalesce(max(id), 0) + 1 AS id FROM ${t('incidents')}`);
        const id = num(row?.['id']);
        await session.execute(`INSERT INTO ${t('incidents')} VALUES (${d.literal(id)}, ${d.literal(incident.fingerprint)}, ${d.literal(incident.team)}, ${d.literal(incident.product)},
          ${d.literal(incident.node)}, ${d.literal(incident.check)}, ${d.literal(incident.kind)}, ${d.literal(incident.severity)}, ${d.literal(incident.status ?? 'open')},
          ${d.literal(incident.title)}, ${d.literal(incident.message)}, ${incident.runId === undefined ? 'NULL' : d.literal(incident.runId)}, ${ts(d, incident.openedAt)}, ${ts(d, incident.openedAt)}, 1,
          NULL, NULL, NULL, NULL, NULL, NULL, 0, ${d.literal(JSON.stringify(incident.affected))}, NULL)`);
        return id;
      },
      updateIncident: async (id, change) => {
        const sets: string[] = [];
        const put = (column: string, value: string | number | undefined | null, isTime = false): void => {
          if (value === undefined) return;
          sets.push(`${column} = ${value === null ? 'NULL' : isTime ? ts(d, String(value)) : d.literal(value)}`);
        };
        put('team', change.team);
        put('product', change.product);
        put('node', change.node);
        put('check_name', change.check);
        put('kind', change.kind);
        put('severity', change.severity);
        put('status', change.status);
        put('title', change.title);
        put('message', change.message);
        put('run_id', change.runId);
        put('last_seen_at', change.lastSeenAt, true);
        put('occurrences', change.occurrences);
        put('acknowledged_at', change.acknowledgedAt, true);
        put('acknowledged_by', change.acknowledgedBy);
        put('resolved_at', change.resolvedAt, true);
        put('resolved_by', change.resolvedBy);
        put('resolution', change.resolution);
        put('resolution_note', change.resolutionNote);
        put('reopened', change.reopened);
        put('notified_at', change.notifiedAt, true);
        if (change.affected) put('affected', JSON.stringify(change.affected));
        if ('resolvedAt' in change && change.resolvedAt === undefined && change.status !== 'resolved') sets.push('resolved_at = NULL, resolved_by = NULL, resolution = NULL, resolution_note = NULL');
        if (sets.length === 0) return;
        await session.execute(`UPDATE ${t('incidents')} SET ${sets.join(', ')} WHERE id = ${d.literal(id)}`);
      },
      addEntry: async (entry) => {
        await session.execute(`INSERT INTO ${t('incident_events')} VALUES (${d.literal(entry.incidentId)}, ${ts(d, entry.at)}, ${d.literal(entry.kind)},
          ${entry.by === undefined ? 'NULL' : d.literal(entry.by)}, ${d.literal(entry.detail)})`);
      },
      insertOutbox: async (rows, at) => {
        if (rows.length === 0) return 0;
        const existing = await known(rows.flatMap((r) => [r.key, ...(r.window?.partKeys ?? [])]));
        const fresh = rows.filter((r, i) => !existing.has(r.key) && !(r.window?.partKeys ?? []).some((k) => existing.has(k)) && rows.findIndex((o) => o.key === r.key) === i);
        if (fresh.length === 0) return 0;
        await lockIn(session, d, 'outbox');
        const [row] = await session.query(`SELECT coalesce(max(id), 0) AS id FROM ${t('outbox')}`);
        let id = num(row?.['id']);
        const values = fresh.map(
          (r) => `(${d.literal(++id)}, ${d.literal(r.key)}, ${d.literal(r.team)}, ${d.literal(JSON.stringify(r.channel))}, ${d.literal(r.kind)},
            ${d.literal(`,${r.incidentIds.join(',')},`)}, ${d.literal(JSON.stringify(r.payload))}, 'pending', 0, ${d.timestamp(r.notBefore && r.notBefore > at ? r.notBefore : at)}, ${d.timestamp(at)}, NULL, NULL, NULL,
            ${r.window ? d.literal(r.window.key) : 'NULL'}, ${r.window ? d.literal(`,${r.window.partKeys.join(',')},`) : 'NULL'})`,
        );
        await session.execute(`INSERT INTO ${t('outbox')} (${OUTBOX_INSERT}) VALUES ${values.join(',\n')}`);
        return fresh.length;
      },
      knownKeys: known,
      openWindows: async (windowKeys, after) => {
        if (windowKeys.length === 0) return [];
        const rows = await session.query(`SELECT * FROM ${t('outbox')} WHERE window_key IN (${windowKeys.map((k) => d.literal(k)).join(', ')})
          AND status = 'pending' AND attempts = 0 AND next_attempt_at > ${d.timestamp(after)} ORDER BY id`);
        return rows.map(toOutbox);
      },
      extendWindow: async (id, change) => {
        await session.execute(`UPDATE ${t('outbox')} SET payload = ${d.literal(JSON.stringify(change.payload))}, kind = ${d.literal(change.kind)},
          incident_ids = ${d.literal(`,${change.incidentIds.join(',')},`)}, part_keys = ${d.literal(`,${change.partKeys.join(',')},`)} WHERE id = ${d.literal(id)}`);
      },
      incidents: async (filter = {}) => {
        const within = (column: string, values: readonly string[]): string => (values.length === 0 ? 'false' : `${column} IN (${values.map((v) => d.literal(v)).join(', ')})`);
        const which = [...(filter.fingerprints ? [within('fingerprint', filter.fingerprints)] : []), ...(filter.nodes ? [within('node', filter.nodes)] : [])];
        const where = [...(which.length > 0 ? [`(${which.join(' OR ')})`] : []), ...(filter.status ? [`status IN (${filter.status.map((s) => d.literal(s)).join(', ')})`] : [])];
        const rows = await session.query(`SELECT * FROM ${t('incidents')} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`);
        return rows.map(toIncident);
      },
    };
  }
}

/** Named, so the columns added since (a grouping window's) need no place in older rows. */
const OUTBOX_INSERT = 'id, idempotency_key, team, channel, kind, incident_ids, payload, status, attempts, next_attempt_at, created_at, delivered_at, last_error, answer, window_key, part_keys';

function ts(d: Dialect, iso: string): string {
  return d.timestamp(new Date(iso));
}

function optional<K extends string>(key: K, value: JsonValue | undefined): Partial<Record<K, string>> {
  return value === null || value === undefined ? {} : ({ [key]: text(value) } as Record<K, string>);
}

function toIncident(r: Row): IncidentRecord {
  const acknowledgedAt = utc(r['acknowledged_at']);
  const resolvedAt = utc(r['resolved_at']);
  return {
    id: num(r['id']),
    fingerprint: text(r['fingerprint']),
    team: text(r['team']),
    product: text(r['product']),
    node: text(r['node']),
    check: text(r['check_name']),
    kind: text(r['kind']),
    severity: text(r['severity']) === 'critical' ? 'critical' : 'warning',
    status: text(r['status']) as IncidentStatus,
    title: text(r['title']),
    message: text(r['message']),
    ...(r['run_id'] === null || r['run_id'] === undefined ? {} : { runId: num(r['run_id']) }),
    openedAt: utc(r['opened_at']) ?? '',
    lastSeenAt: utc(r['last_seen_at']) ?? '',
    occurrences: num(r['occurrences']),
    ...(acknowledgedAt ? { acknowledgedAt } : {}),
    ...optional('acknowledgedBy', r['acknowledged_by']),
    ...(resolvedAt ? { resolvedAt } : {}),
    ...optional('resolvedBy', r['resolved_by']),
    ...(r['resolution'] ? { resolution: text(r['resolution']) as IncidentResolution } : {}),
    ...optional('resolutionNote', r['resolution_note']),
    reopened: num(r['reopened']),
    affected: parseList(r['affected']),
    ...optionalTime('notifiedAt', utc(r['notified_at'])),
  };
}

function optionalTime(key: 'notifiedAt', value: string | undefined): { notifiedAt?: string } {
  return value ? { [key]: value } : {};
}

function parseList(value: JsonValue | undefined): string[] {
  try {
    const parsed: unknown = JSON.parse(text(value) || '[]');
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

function toOutbox(r: Row): OutboxRecord {
  const deliveredAt = utc(r['delivered_at']);
  return {
    id: num(r['id']),
    key: text(r['idempotency_key']),
    team: text(r['team']),
    channel: JSON.parse(text(r['channel']) || '{}') as Record<string, string>,
    kind: text(r['kind']),
    incidentIds: text(r['incident_ids']).split(',').filter((s) => s !== '').map(Number),
    payload: JSON.parse(text(r['payload']) || 'null') as JsonValue,
    status: text(r['status']) as OutboxStatus,
    attempts: num(r['attempts']),
    nextAttemptAt: utc(r['next_attempt_at']) ?? '',
    createdAt: utc(r['created_at']) ?? '',
    ...(deliveredAt ? { deliveredAt } : {}),
    ...optional('lastError', r['last_error']),
    ...optional('answer', r['answer']),
    ...optional('windowKey', r['window_key']),
    ...(r['part_keys'] ? { partKeys: text(r['part_keys']).split(',').filter((k) => k !== '') } : {}),
  };
}
