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
