/**
 * Coordination over PostgreSQL's advisory locks, held by one session per coordinator:
 * the server releases them when that session ends, also when its process is killed,
 * so a dead run's products and roles free themselves without a timeout to tune.
 * A table beside the locks says who holds each product, for the busy message.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { Session, Warehouse } from '../../warehouse/index.js';
import { STATE_SCHEMA, textValue as text } from '../../state/index.js';
import { ProductBusyError, type LockHolder, type RunCoordinator } from './coordinator.js';

/** The first half of every advisory key Tessera takes, so its locks never meet another application's. */
const NAMESPACE = 0x7e55e7a;

/** The second half: a stable 31-bit number for a name (pg_locks shows it unsigned, so keep the sign bit clear). */
export function lockKey(name: string): number {
  return createHash('sha256').update(name).digest().readUInt32BE(0) & 0x7fffffff;
}

/** SQL: whether the run whose id is the expression `runId` is held by a live process (its `claimRun` lock), for queries that must skip dead runs. */
export function runAliveSql(runId: string): string {
  return `EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = ${NAMESPACE + 1} AND objsubid = 2 AND objid::bigint = ${runId})`;
}

export class PostgresCoordinator implements RunCoordinator {
  readonly exclusive = false;
  private readonly products = new Set<string>();
  private holder: LockHolder | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly warehouse: Warehouse,
    private readonly session: Session,
  ) {}

  static async open(warehouse: Warehouse): Promise<PostgresCoordinator> {
    const session = await warehouse.connect();
    return new PostgresCoordinator(warehouse, session);
  }

  private get d() {
    return this.warehouse.dialect;
  }

  private locksTable(): string {
    return this.d.table(STATE_SCHEMA, 'product_locks');
  }

  /** The coordinator's session is one connection: its statements run one after another. */
  private serial<T>(work: (session: Session) => Promise<T>): Promise<T> {
    const next = this.queue.then(() => work(this.session));
    this.queue = next.catch(() => undefined);
    return next;
  }

  async serialized<T>(name: string, work: () => Promise<T>): Promise<T> {
    const key = lockKey(`phase:${name}`);
    await this.serial((s) => s.query(`SELECT pg_advisory_lock(${NAMESPACE}, ${key})`));
    try {
      return await work();
    } finally {
      await this.serial((s) => s.query(`SELECT pg_advisory_unlock(${NAMESPACE}, ${key})`));
    }
  }

  async lockProducts(products: readonly string[], holder: LockHolder): Promise<void> {
    await this.ensureTable();
    const wanted = [...new Set(products)].filter((p) => !this.products.has(p)).sort();
    const taken: string[] = [];
    const busy: string[] = [];
    for (const product of wanted) {
      const [row] = await this.serial((s) => s.query(`SELECT pg_try_advisory_lock(${NAMESPACE}, ${lockKey(`product:${product}`)}) AS ok`));
      (row?.ok === true ? taken : busy).push(product);
    }
    if (busy.length > 0) {
      // All or nothing: a run that cannot have every product it selected builds none of them.
      for (const product of taken) await this.unlockProduct(product);
      const holders = await this.holders(busy);
      throw new ProductBusyError(busy.map((product) => ({ product, holder: holders.get(product) })));
    }
    for (const product of taken) this.products.add(product);
    this.holder = holder;
    await this.recordHolders(taken, holder);
  }

  holds(product: string): boolean {
    return this.products.has(product);
  }

  async claimRun(runId: number): Promise<void> {
    await this.serial((s) => s.query(`SELECT pg_advisory_lock(${NAMESPACE + 1}, ${runId})`));
    if (this.holder) {
      this.holder = { ...this.holder, runId };
      await this.recordHolders([...this.products], this.holder);
    }
  }

  async alive(runIds: readonly number[]): Promise<Set<number>> {
    if (runIds.length === 0) return new Set();
    const rows = await this.serial((s) =>
      s.query(`SELECT objid::bigint AS run_id FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = ${NAMESPACE + 1} AND objsubid = 2 AND objid::bigint IN (${runIds.map(Number).join(', ')})`),
    );
    return new Set(rows.map((r) => Number(r.run_id)));
  }

  async tryLead(role: string): Promise<boolean> {
    const [row] = await this.serial((s) => s.query(`SELECT pg_try_advisory_lock(${NAMESPACE + 2}, ${lockKey(`role:${role}`)}) AS ok`));
    return row?.ok === true;
  }

  async release(): Promise<void> {
    // Ending the session releases every advisory lock it holds; the holder rows go with it.
    const products = [...this.products];
    this.products.clear();
    if (products.length > 0) {
      await this.serial((s) => s.execute(`DELETE FROM ${this.locksTable()} WHERE product IN (${products.map((p) => this.d.literal(p)).join(', ')}) AND pid = ${process.pid} AND host = ${this.d.literal(hostname())}`)).catch(() => undefined);
    }
    await this.session.close();
  }

  private async unlockProduct(product: string): Promise<void> {
    await this.serial((s) => s.query(`SELECT pg_advisory_unlock(${NAMESPACE}, ${lockKey(`product:${product}`)})`));
  }

  private async ensureTable(): Promise<void> {
    await this.serialized('migrate', () =>
      this.serial((s) =>
        s.execute(`${this.d.createSchema(STATE_SCHEMA)};
          CREATE TABLE IF NOT EXISTS ${this.locksTable()} (product VARCHAR PRIMARY KEY, run_id INTEGER, pid INTEGER, host VARCHAR, command VARCHAR, since VARCHAR)`),
      ),
    );
  }

  private async recordHolders(products: readonly string[], holder: LockHolder): Promise<void> {
    if (products.length === 0) return;
    const d = this.d;
    const values = products.map((p) => `(${[d.literal(p), holder.runId ?? 'NULL', holder.pid, d.literal(holder.host), d.literal(holder.command), d.literal(holder.since)].join(', ')})`);
    await this.serial((s) =>
      s.execute(`INSERT INTO ${this.locksTable()} (product, run_id, pid, host, command, since) VALUES ${values.join(', ')}
        ON CONFLICT (product) DO UPDATE SET run_id = EXCLUDED.run_id, pid = EXCLUDED.pid, host = EXCLUDED.host, command = EXCLUDED.command, since = EXCLUDED.since`),
    );
  }

  async holders(products: readonly string[]): Promise<Map<string, LockHolder>> {
    const rows = await this.serial((s) => s.query(`SELECT * FROM ${this.locksTable()} WHERE product IN (${products.map((p) => this.d.literal(p)).join(', ')})`));
    return new Map(
      rows.map((r) => [
        text(r.product),
        { ...(r.run_id === null ? {} : { runId: Number(r.run_id) }), pid: Number(r.pid), host: text(r.host), command: text(r.command), since: text(r.since) },
      ]),
    );
  }
}
