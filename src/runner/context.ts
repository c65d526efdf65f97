import type { SourcePosition } from '../diagnostics/index.js';
import type { MeshGraph } from '../compiler/index.js';
import type { StateStore } from '../state/index.js';
import type { Dialect, Session, Warehouse } from '../warehouse/index.js';
import type { ModelAccess } from './port-reads.js';

/** What building one node may use. */
export interface BuildContext {
  readonly session: Session;
  readonly dialect: Dialect;
  readonly state: StateStore;
  readonly graph: MeshGraph;
  /** Absolute path of the mesh root; source paths are relative to it. */
  readonly root: string;
  readonly runId: number;
  /** The run's clock: snapshots stamp versions with it. */
  readonly now: Date;
  /** Rebuild incremental models from scratch. */
  readonly fullRefresh: boolean;
  /** The warehouse's bulk path, which database sources stream their rows through. */
  readonly warehouse?: Pick<Warehouse, 'load' | 'loadCsv'>;
  /** What models may read of other products' ports; without it, models read ports as written (tests of the runner alone). */
  readonly access?: ModelAccess;
  /**
   * Called inside the transaction that publishes a port's version, before the switch:
   * throws when this build may no longer publish (a worker that stalled past its lease,
   * whose node another worker took over). The publish then rolls back.
   */
  readonly fence?: (tx: Session) => Promise<void>;
}

/** What a built node reports. */
export interface BuildOutcome {
  readonly rows: number;
  /** Estimated size of what was built, when the engine can say. */
  readonly bytes?: number;
  /** For ports: the version published. */
  readonly published?: { readonly port: string; readonly version: number };
  /** For ports: the new version's content equalled the published one's, so nothing was published (the version consumers keep reading). */
  readonly unchanged?: { readonly version: number };
  /** For database sources: rows read from the source this time, whether only those past the mark, rows removed by a key scan, and the new mark. */
  readonly ingested?: { readonly rows: number; readonly incremental: boolean; readonly deleted?: number; readonly highWater?: string };
  /** Checks at level warn: the node was built, with these to look at. */
  readonly warnings?: readonly string[];
}

/** A node that cannot be built, for a reason the user can fix. */
export class BuildFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
    readonly location?: SourcePosition,
  ) {
    super(message);
    this.name = 'BuildFailure';
  }
}

/** Rows and estimated bytes of a table, in one query. */
export async function measure(session: Session, dialect: Dialect, schema: string, table: string): Promise<{ rows: number; bytes?: number }> {
  const [row] = await session.query(dialect.tableStats(schema, table));
  const rows = Number(row?.row_count ?? 0);
  const width = row?.row_width;
  return width === null || width === undefined ? { rows } : { rows, bytes: rows * Number(width) };
}
