import type { Dialect, Session } from '../warehouse/index.js';
import { STATE_SCHEMA } from './sql-state-store.js';

/**
 * What the state stores that keep a session of their own share: table names in the
 * state schema, and statements run one at a time on that session (a session is one
 * connection).
 */
export abstract class StateTables {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    protected readonly session: Session,
    protected readonly dialect: Dialect,
  ) {}

  protected t(name: string): string {
    return this.dialect.table(STATE_SCHEMA, name);
  }

  protected serial<T>(work: (session: Session) => Promise<T>): Promise<T> {
    const next = this.queue.then(() => work(this.session));
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/**
 * Runs `work` in one transaction that other processes doing the same `name` wait for:
 * creating the state's tables, or taking the next id of a table as `max(id) + 1`, which
 * two processes sharing a PostgreSQL warehouse would otherwise do at the same moment.
 */
export function underLock<T>(session: Session, dialect: Dialect, name: string, work: (tx: Session) => Promise<T>): Promise<T> {
  return session.transaction(async (tx) => {
    await lockIn(tx, dialect, name);
    return work(tx);
  });
}

/** Takes the lock of `name` in the transaction already open on `session` (released when it ends). */
export async function lockIn(session: Session, dialect: Dialect, name: string): Promise<void> {
  const lock = dialect.exclusiveLock(name);
  if (lock !== undefined) await session.query(lock);
}
