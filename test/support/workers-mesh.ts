/**
 * A tiny mesh on a PostgreSQL warehouse for the worker tests: `products` products in the
 * `yard` domain, each a slow base model (pg_sleep, so that a worker can be caught
 * building it), a model over it and a port over that. A port's rows say how they were
 * made: ids 1..rows and amount = id * factor, so a reader can tell a whole version from
 * a part of one, and each generation (the `generation` option) makes different rows.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface WorkersMesh {
  readonly dir: string;
  /** Rewrites the models for another generation (other rows, other sleeps); workers pick the change up. */
  write(options: WorkersMeshOptions): void;
  cleanup(): void;
}

export interface WorkersMeshOptions {
  readonly products?: number;
  /** Seconds the base model of each product sleeps (its items model sleeps half of it). */
  readonly sleep?: number;
  /** A product whose base model sleeps this long instead (for a node that outlives a lease). */
  readonly slow?: { readonly product: string; readonly sleep: number };
  readonly generation?: number;
}

export const PRODUCT_NAMES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];

/** What a port of the mesh holds in a generation: its row count and its sum of amounts. */
export function expectedPort(product: string, generation: number): { rows: number; amount: number } {
  const rows = 20 + generation * 7 + PRODUCT_NAMES.indexOf(product);
  const factor = PRODUCT_NAMES.indexOf(product) + 2;
  return { rows, amount: (factor * rows * (rows + 1)) / 2 };
}

export function writeWorkersMesh(urlEnv: string, options: WorkersMeshOptions = {}): WorkersMesh {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-workers-'));
  const put = (path: string, text: string): void => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  put('tessera.yaml', `name: yardwork\nwarehouse: { type: postgres, url_env: ${urlEnv} }\n`);
  put('teams.yaml', 'teams:\n  - { id: yard-team, name: Yard, domains: [yard] }\n');
  const write = (o: WorkersMeshOptions): void => {
    const generation = o.generation ?? 0;
    for (const product of PRODUCT_NAMES.slice(0, o.products ?? 3)) {
      const { rows } = expectedPort(product, generation);
      const factor = PRODUCT_NAMES.indexOf(product) + 2;
      const sleep = o.slow?.product === product ? o.slow.sleep : (o.sleep ?? 0.1);
      put(
        `products/yard/${product}/product.yaml`,
        `name: ${product}
domain: yard
owner: yard-team
kind: source-aligned
ports:
  - name: ${product}_items
    model: ${product}_items
    unique_key: id
    columns:
      - { name: id, required: true, unique: true }
      - { name: label, required: true }
      - { name: amount, required: true }
`,
      );
      put(`products/yard/${product}/models/${product}_base.sql`, `select g as id, '${product}-' || g as label, g * ${factor} as amount\nfrom generate_series(1, ${rows}) as g\ncross join (select pg_sleep(${sleep})) as pause\n`);
      put(`products/yard/${product}/models/${product}_items.sql`, `select b.id, b.label, b.amount\nfrom ${product}_base as b\ncross join (select pg_sleep(${sleep / 2})) as pause\n`);
    }
  };
  write(options);
  return {
    dir,
    write,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
