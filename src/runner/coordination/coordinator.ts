/**
 * Who may build what, when several processes share one warehouse. Embedded DuckDB has
 * one writer at a time (the file lock), so a run there owns everything; PostgreSQL is
 * shared by runs, servers and workers at once, so a run locks the products it builds,
 * marks itself alive for as long as it runs, and recovers only what dead runs left.
 */
import { hostname } from 'node:os';
import type { Warehouse } from '../../warehouse/index.js';
import { WarehouseBusyError } from '../warehouse-lock.js';

/** Who holds a product, as another process is told. */
export interface LockHolder {
  readonly runId?: number;
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly since: string;
}

export interface RunCoordinator {
  /** True when this process is the warehouse's only writer (nothing to coordinate). */
  readonly exclusive: boolean;
  /**
   * Runs `work` while no other process is in the same phase: creating schemas and
   * tables concurrently fails on PostgreSQL ("duplicate key … pg_namespace").
   */
  serialized<T>(name: string, work: () => Promise<T>): Promise<T>;
  /** Locks the products for this coordinator's life, or throws `ProductBusyError` naming each holder and locks nothing. */
  lockProducts(products: readonly string[], holder: LockHolder): Promise<void>;
  /** Whether this coordinator holds `product` (what it may clean up after others). */
  holds(product: string): boolean;
  /** Who holds each of these products now (none for a product nobody holds). */
  holders(products: readonly string[]): Promise<Map<string, LockHolder>>;
  /** Marks run `runId` as alive for this coordinator's life, and records it as the products' holder. */
  claimRun(runId: number): Promise<void>;
  /** Which of the runs recorded as running are alive (held by a process that still runs). */
  alive(runIds: readonly number[]): Promise<Set<number>>;
  /**
   * Leads `role` (one process at a time across all that share the warehouse), or says
   * it could not. A leader keeps the role until `release()` or until its process dies.
   */
  tryLead(role: string): Promise<boolean>;
  release(): Promise<void>;
}

/** A product is being built by another run: the message names who builds it and since when. */
export class ProductBusyError extends WarehouseBusyError {
  constructor(readonly busy: readonly { product: string; holder: LockHolder | undefined }[]) {
    super(busyMessage(busy));
    this.name = 'ProductBusyError';
  }
}

function busyMessage(busy: readonly { product: string; holder: LockHolder | undefined }[]): string {
  const lines = busy.map(({ product, holder }) => {
    if (!holder) return `  ${product}: being built by another process`;
    const run = holder.runId === undefined ? '' : `run ${holder.runId}, `;
    return `  ${product}: being built by ${run}\`${holder.command}\` (pid ${holder.pid} on ${holder.host}, since ${holder.since.slice(0, 19).replace('T', ' ')} UTC)`;
  });
  const one = busy.length === 1;
  return `${one ? 'A product' : 'Products'} of this selection ${one ? 'is' : 'are'} being built by another run, and a product is built by one run at a time:\n${lines.join('\n')}\nhint: wait for that run to finish (\`tessera runs\`), or select other products.`;
}

/** The single writer: DuckDB's file lock already keeps every other process out. */
class ExclusiveCoordinator implements RunCoordinator {
  readonly exclusive = true;
  serialized<T>(_name: string, work: () => Promise<T>): Promise<T> {
    return work();
  }
  async lockProducts(): Promise<void> {}
  holds(): boolean {
    return true;
  }
  holders(): Promise<Map<string, LockHolder>> {
    return Promise.resolve(new Map<string, LockHolder>());
  }
  async claimRun(): Promise<void> {}
  /** No run recorded as running can be alive in another process: none can open the file. */
  alive(): Promise<Set<number>> {
    return Promise.resolve(new Set());
  }
  tryLead(): Promise<boolean> {
    return Promise.resolve(true);
  }
  async release(): Promise<void> {}
}

export async function openCoordinator(warehouse: Warehouse): Promise<RunCoordinator> {
  if (warehouse.dialect.name !== 'postgres') return new ExclusiveCoordinator();
  const { PostgresCoordinator } = await import('./postgres.js');
  return PostgresCoordinator.open(warehouse);
}

/** This process, as a lock holder. */
export function thisProcess(command: string): LockHolder {
  return { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
}
