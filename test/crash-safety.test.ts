/**
 * Crash safety of write-audit-publish: `tessera run` is started as a child process
 * and killed with SIGKILL at random moments (from Node's startup to the last publish),
 * and after every kill a reader checks that each port is either absent or serves one
 * complete, audited version. Between kills the input changes, so a version built from
 * part of an input, or from two inputs, shows in its checksum. Then a last run must
 * succeed and leave no orphaned staging table. A second test kills the very first run
 * the moment DuckDB creates the warehouse file, and requires the next run to succeed.
 *
 * Reproduce a failure with the seed it prints: TESSERA_CRASH_SEED=<seed> npx vitest run test/crash-safety.test.ts
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inspectWarehouse, type Checksum, type CrashPort, type Inspection } from './support/crash-reader.js';
import { writeFarm, writePrices } from './support/farm-mesh.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(REPO, 'bin/tessera.js');

/** Kills to aim for, the fewest that pass, and the time after which no new iteration starts. */
const TARGET_KILLS = 24;
const MIN_KILLS = 20;
const LOOP_BUDGET_MS = 75_000;
const MAX_ITERATIONS = 60;

/**
 * The farm mesh plus a second reader of the orders file (ledger.entries, a port fed by
 * its source) and three ports built from sales.orders (analytics.*), so that a run has
 * eight publishes spread over its second half, two of them of every order row.
 */
const EXTRA_FILES: Readonly<Record<string, string>> = {
  'teams.yaml': `teams:
  - { id: sales-team, name: Sales, domains: [sales] }
  - { id: finance-team, name: Finance, domains: [finance, ledger] }
  - { id: lab-team, name: Lab, domains: [lab, analytics] }
`,
  'products/ledger/entries/product.yaml': `name: entries
domain: ledger
owner: finance-team
kind: source-aligned
sources:
  - { name: raw_entries, format: csv, path: data/orders.csv }
ports:
  - name: entries
    model: raw_entries
    unique_key: order_id
    columns:
      - { name: order_id, required: true, unique: true }
      - { name: customer_id, required: true }
      - { name: amount, required: true }
      - { name: status, required: true, allowed_values: [placed, shipped, cancelled] }
`,
  'products/analytics/orders/product.yaml': `name: orders
domain: analytics
owner: lab-team
kind: consumer-aligned
ports:
  - name: order_copy
    unique_key: order_id
    columns:
      - { name: order_id, type: BIGINT, required: true, unique: true }
      - { name: customer_id, type: BIGINT, required: true }
      - { name: amount, type: "DECIMAL(10,2)", required: true }
      - { name: status, type: VARCHAR, required: true }
  - name: by_customer
    unique_key: customer_id
    columns:
      - { name: customer_id, type: BIGINT, required: true, unique: true }
      - { name: orders, type: BIGINT, required: true }
      - { name: id_sum, required: true }
      - { name: amount, required: true }
  - name: totals
    columns:
      - { name: orders, type: BIGINT, required: true }
      - { name: id_sum, required: true }
      - { name: amount, required: true }
`,
  'products/analytics/orders/models/order_copy.sql': 'select order_id, customer_id, amount, status from sales.orders\n',
  'products/analytics/orders/models/by_customer.sql':
    'select customer_id, count(*) as orders, sum(order_id) as id_sum, sum(amount) as amount from sales.orders group by customer_id\n',
  'products/analytics/orders/models/totals.sql': 'select count(*) as orders, sum(order_id) as id_sum, sum(amount) as amount from sales.orders\n',
};

/** One generated orders.csv: its size and the checksum of its rows (count, sum of ids, sum of amounts). */
interface Input {
  readonly rows: number;
  readonly checksum: Checksum;
}

const AMOUNT = 'CAST(CAST(sum(CAST(amount AS DECIMAL(18,2))) AS DECIMAL(38,2)) AS VARCHAR)';

function ports(inputs: readonly Input[]): CrashPort[] {
  const of = (input: number): Checksum => {
    const found = inputs[input];
    if (!found) throw new Error(`no input ${input}`);
    return found.checksum;
  };
  const rowsChecksum = `CAST(count(*) AS VARCHAR), CAST(sum(order_id) AS VARCHAR), ${AMOUNT}`;
  const sumsChecksum = `CAST(sum(orders) AS VARCHAR), CAST(sum(id_sum) AS VARCHAR), ${AMOUNT}`;
  return [
    { port: 'sales.orders', checksum: rowsChecksum, expected: of },
    { port: 'ledger.entries', checksum: rowsChecksum, expected: of },
    { port: 'analytics.order_copy', checksum: rowsChecksum, expected: of },
    { port: 'analytics.by_customer', checksum: sumsChecksum, expected: of },
    { port: 'analytics.totals', checksum: sumsChecksum, expected: of },
    { port: 'finance.revenue', checksum: `CAST(sum(orders) AS VARCHAR), NULL, ${AMOUNT}`, expected: (i) => [of(i)[0], null, of(i)[2]] },
    { port: 'sales.customer_history', checksum: 'CAST(count(*) AS VARCHAR), CAST(sum(customer_id) AS VARCHAR), NULL', expected: () => ['2', '21', null] },
    { port: 'lab.trials', checksum: 'CAST(count(*) AS VARCHAR), CAST(sum(trial) AS VARCHAR), NULL', expected: () => ['5', '10', null] },
  ];
}

/** mulberry32: a small seeded PRNG, so that a failing sequence of kills can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes data/orders.csv of the mesh with DuckDB: `rows` orders, amounts scrambled by `salt`; returns its checksum. */
async function inputWriter(dir: string): Promise<{ write: (rows: number, salt: number) => Promise<Checksum>; close: () => void }> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  return {
    async write(rows, salt) {
      const select = `SELECT range + 1 AS order_id, (range + 1) % 997 AS customer_id,
          CAST(((range + 1) * ${salt} % 10000) / 100 AS DECIMAL(10,2)) AS amount,
          ['placed', 'shipped', 'cancelled'][1 + (range + 1) % 3] AS status
        FROM range(${rows})`;
      await connection.run(`COPY (${select}) TO '${join(dir, 'data', 'orders.csv')}' (FORMAT csv, HEADER)`);
      const reader = await connection.runAndReadAll(
        `SELECT CAST(count(*) AS VARCHAR), CAST(sum(order_id) AS VARCHAR), ${AMOUNT} FROM (${select})`,
      );
      const [row] = reader.getRows();
      return [String(row?.[0]), String(row?.[1]), String(row?.[2])];
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

interface ChildRun {
  readonly pid: number | undefined;
  /** Exit code when the run ended by itself, null when the kill landed. */
  readonly code: number | null;
  readonly killed: boolean;
  readonly stderr: string;
  readonly milliseconds: number;
}

/** Starts `tessera run` and kills it with SIGKILL after `killAfter` ms (never, when undefined). */
async function runChild(dir: string, killAfter: number | undefined): Promise<ChildRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'run', '--dir', dir], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdout.on('data', () => undefined);
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = killAfter === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfter);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
    child.on('error', fail);
    child.on('close', (c, s) => { done([c, s]); });
  });
  clearTimeout(timer);
  return { pid: child.pid, code, killed: signal === 'SIGKILL', stderr, milliseconds: performance.now() - started };
}

/**
 * Where a kill landed, read from what it left behind: before the warehouse was open
 * (Node, loading and compiling the mesh, DuckDB opening the file and replaying its
 * log), with it open but before the run was recorded
 * (migrating the state, abandoning runs, dropping strays), before any port of the run
 * was published, between its first and last publish, after the last publish but before
 * the run was marked finished, or after that.
 */
type Phase = 'booting' | 'opening' | 'building' | 'publishing' | 'finishing' | 'closing';

/** The pid in the note a writer leaves next to the warehouse (see src/runner/warehouse-lock.ts). */
function holderPid(path: string): number | undefined {
  try {
    const note = JSON.parse(readFileSync(`${path}.holder.json`, 'utf8')) as { pid?: unknown };
    return typeof note.pid === 'number' ? note.pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts `tessera run` on a mesh without a warehouse and kills it the moment the
 * warehouse file appears: at once, on the next turn of the event loop, or a few
 * milliseconds later. Returns the size of the file it left.
 */
async function killAtCreation(dir: string, path: string, wait: number): Promise<{ landed: boolean; size: number | undefined }> {
  rmSync(join(dir, '.tessera'), { recursive: true, force: true });
  mkdirSync(join(dir, '.tessera'));
  const child = spawn(process.execPath, [BIN, 'run', '--dir', dir], { cwd: REPO, stdio: 'ignore' });
  const kill = (): void => {
    if (wait < 0) child.kill('SIGKILL');
    else if (wait === 0) setImmediate(() => child.kill('SIGKILL'));
    else setTimeout(() => child.kill('SIGKILL'), wait);
  };
  const seen = { file: false };
  const watcher = watch(join(dir, '.tessera'), (_event, name) => {
    if (seen.file || name !== 'warehouse.duckdb') return;
    seen.file = true;
    kill();
  });
  const signal = await new Promise<NodeJS.Signals | null>((done, fail) => {
    child.on('error', fail);
    child.on('close', (_code, s) => { done(s); });
  });
  watcher.close();
  return { landed: seen.file && signal === 'SIGKILL', size: existsSync(path) ? statSync(path).size : undefined };
}

describe('crash safety of tessera run', () => {
  it('keeps every port absent or complete and audited while runs are killed at random', { timeout: 180_000 }, async () => {
    if (!existsSync(join(REPO, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first (the test starts bin/tessera.js).');
    const seed = Number(process.env.TESSERA_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const random = prng(seed);
    const farm = writeFarm(EXTRA_FILES);
    const writer = await inputWriter(farm.dir);
    const inputs: Input[] = [];
    const path = join(farm.dir, '.tessera', 'warehouse.duckdb');
    const testStarted = performance.now();
    let where = 'setup';
    try {
      await writePrices(farm.dir, [
        { product: 'apples', price: 2.5, updatedAt: '2026-11-01 08:00:00' },
        { product: 'pears', price: 3.0, updatedAt: '2026-11-01 08:00:00' },
      ]);
      const sizes = new Set<number>();
      const nextInput = async (): Promise<number> => {
        let rows = 0;
        while (rows === 0 || sizes.has(rows)) rows = 200_000 + Math.floor(random() * 150_000);
        sizes.add(rows);
        const checksum = await writer.write(rows, 7 + 2 * inputs.length);
        inputs.push({ rows, checksum });
        return inputs.length - 1;
      };
      const crashPorts = ports(inputs);

      // Calibrate: two full runs (the first also creates the warehouse), then start again from an
      // empty warehouse so that the first kills find every port absent.
      where = 'calibration';
      let fullRun = Infinity;
      for (let i = 0; i < 2; i++) {
        await nextInput();
        const calibration = await runChild(farm.dir, undefined);
        expect(calibration.code, `calibration run failed:\n${calibration.stderr}`).toBe(0);
        fullRun = Math.min(fullRun, calibration.milliseconds);
      }
      rmSync(join(farm.dir, '.tessera'), { recursive: true, force: true });
      inputs.length = 0;

      // Kill moments: stratified over 0 … 1.1 × a full run (a few outlive it and finish), in shuffled
      // order; a run that finishes before its kill shortens what a full run is taken to be.
      const strata = Array.from({ length: TARGET_KILLS }, (_, i) => i);
      for (let i = strata.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [strata[i], strata[j]] = [strata[j] ?? 0, strata[i] ?? 0];
      }
      const delayFor = (iteration: number): number => {
        const stratum = strata[iteration];
        return stratum === undefined ? random() * fullRun : ((stratum + random()) / TARGET_KILLS) * fullRun * 1.1;
      };

      const inputOfRun = new Map<number, number>();
      const runOfKilled = new Map<number, Phase>();
      const phases: Record<Phase | 'completed', number> = { booting: 0, opening: 0, building: 0, publishing: 0, finishing: 0, closing: 0, completed: 0 };
      let kills = 0;
      let killsWithStaging = 0;
      let knownRuns = 0;
      let iteration = 0;
      let last: Inspection | undefined;
      const loopStarted = performance.now();
      while (kills < TARGET_KILLS && iteration < MAX_ITERATIONS && performance.now() - loopStarted < LOOP_BUDGET_MS) {
        const input = await nextInput();
        const delay = delayFor(iteration);
        where = `iteration ${iteration} (kill after ${Math.round(delay)} ms, input ${input})`;
        const child = await runChild(farm.dir, delay);
        const context = `seed ${seed}, ${where}`;
        // Whatever the child printed before dying must not be a failure: a run never fails because an earlier one was killed.
        expect(child.stderr, `${context}: the run reported a failure before it was killed`).not.toMatch(/✗|error/i);
        if (!child.killed) expect(child.code, `${context}: the run ended by itself but failed:\n${child.stderr}`).toBe(0);

        const inspection = await inspectWarehouse(path, crashPorts, (runId) => inputOfRun.get(runId) ?? (runId > knownRuns ? input : undefined));
        expect(inspection.problems, `${context}: what a consumer would see is inconsistent`).toEqual([]);
        const started = inspection.runs.filter((r) => r.id > knownRuns);
        expect(started.length, `${context}: one child started ${started.length} runs`).toBeLessThanOrEqual(1);
        const run = started[0];
        if (run) {
          inputOfRun.set(run.id, input);
          knownRuns = run.id;
        }
        if (!child.killed) {
          expect(run?.status, `${context}: the run that ended by itself is not recorded as a success`).toBe('success');
          phases.completed++;
          fullRun = Math.min(fullRun, child.milliseconds);
        } else {
          kills++;
          if (inspection.strayTables.length > 0) killsWithStaging++;
          const published = inspection.versions.filter((v) => v.runId === run?.id && v.status === 'published').length;
          const phase: Phase =
            run === undefined ? (child.pid !== undefined && holderPid(path) === child.pid ? 'opening' : 'booting') : run.status === 'success' ? 'closing' : published === 0 ? 'building' : published < crashPorts.length ? 'publishing' : 'finishing';
          if (run) {
            expect(run.status, `${context}: the killed run is marked ${run.status}`).toMatch(/^(running|success)$/);
            runOfKilled.set(run.id, phase);
          }
          phases[phase]++;
        }
        last = inspection;
        iteration++;
      }
      const loopMs = performance.now() - loopStarted;
      where = `the run after the last kill (after ${iteration} iterations)`;
      expect(kills, `seed ${seed}: only ${kills} kills landed in ${Math.round(loopMs)} ms (${iteration} iterations)`).toBeGreaterThanOrEqual(MIN_KILLS);
      expect(last?.exists, `seed ${seed}: no kill left a warehouse behind`).toBe(true);

      // The next run succeeds, abandons what the kills left running and drops every unpublished version table.
      const input = await nextInput();
      const final = await runChild(farm.dir, undefined);
      expect(final.code, `seed ${seed}: the run after the kills failed:\n${final.stderr}`).toBe(0);
      const after = await inspectWarehouse(path, crashPorts, (runId) => inputOfRun.get(runId) ?? (runId > knownRuns ? input : undefined));
      const context = `seed ${seed}, ${where}`;
      expect(after.problems, context).toEqual([]);
      expect(after.strayTables, `${context}: orphaned staging tables`).toEqual([]);
      expect(after.runs.filter((r) => r.status === 'running'), `${context}: runs left running`).toEqual([]);
      const finalRun = after.runs.at(-1);
      expect(finalRun?.status, context).toBe('success');
      for (const r of after.runs) {
        const phase = runOfKilled.get(r.id);
        const expected = r.id === finalRun?.id || phase === undefined || phase === 'closing' ? 'success' : 'abandoned';
        expect(r.status, `${context}: run ${r.id} (${phase === undefined ? 'not killed' : `killed while ${phase}`})`).toBe(expected);
      }
      const abandoned = after.runs.filter((r) => r.status === 'abandoned').length;
      expect(abandoned, `${context}: no kill landed in a started run`).toBeGreaterThan(0);
      // Ports whose content the new input changes are published by the final run; the others keep the
      // version a successful run published before (unchanged content is not published again).
      const unchanging = new Set(['sales.customer_history', 'lab.trials']);
      for (const spec of crashPorts) {
        const current = after.versions.filter((v) => v.port === spec.port && v.current);
        if (unchanging.has(spec.port)) expect(current.map((v) => v.status), `${context}: ${spec.port}`).toEqual(['published']);
        else expect(current.map((v) => [v.status, v.runId]), `${context}: ${spec.port}`).toEqual([['published', finalRun?.id]]);
      }

      const seconds = ((performance.now() - testStarted) / 1000).toFixed(1);
      console.log(
        `crash safety (seed ${seed}): ${kills} kills in ${iteration} iterations (full run ≈ ${Math.round(fullRun)} ms); ` +
          `${abandoned} interrupted a started run (abandoned), ${killsWithStaging} left an unpublished staging table; ` +
          `phases: ${Object.entries(phases).map(([k, n]) => `${k} ${n}`).join(', ')}; ${seconds} s`,
      );
    } catch (error) {
      console.error(`crash-safety failed at ${where}; replay with TESSERA_CRASH_SEED=${seed}`);
      throw error;
    } finally {
      writer.close();
      farm.cleanup();
    }
  });

  it('runs again after the first run was killed while DuckDB created the warehouse file', { timeout: 90_000 }, async () => {
    if (!existsSync(join(REPO, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first (the test starts bin/tessera.js).');
    const farm = writeFarm();
    const path = join(farm.dir, '.tessera', 'warehouse.duckdb');
    try {
      await writePrices(farm.dir, [{ product: 'apples', price: 2.5, updatedAt: '2026-11-01 08:00:00' }]);
      const waits = [-1, 0, 1, 2, -1, 0, 1, 2];
      let landed = 0;
      const sizes: string[] = [];
      for (const [attempt, wait] of waits.entries()) {
        const kill = await killAtCreation(farm.dir, path, wait);
        if (kill.landed) landed++;
        sizes.push(kill.size === undefined ? '-' : String(kill.size));
        const next = await runChild(farm.dir, undefined);
        expect(
          next.code,
          `attempt ${attempt}: killed ${wait < 0 ? 'at once' : wait === 0 ? 'on the next tick' : `${wait} ms`} after ${path} appeared, ` +
            `which left it ${kill.size === undefined ? 'absent' : `${kill.size} bytes long`}; the next run failed:\n${next.stderr.slice(0, 800)}`,
        ).toBe(0);
      }
      expect(landed, 'the kills never landed while the warehouse file was being created (fs.watch saw no file?)').toBeGreaterThanOrEqual(waits.length / 2);
      console.log(`crash safety at warehouse creation: ${landed} kills landed; file sizes left: ${sizes.join(', ')}`);
    } finally {
      farm.cleanup();
    }
  });
});
