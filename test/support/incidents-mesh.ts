/**
 * A small mesh for the incident tests, and a local HTTP receiver standing in for Slack
 * and webhooks. `up.items` (team src) feeds `mid.stock` (team mid), which feeds
 * `far.report` and a dashboard (team far); `other.misc` (team other) reads nothing of
 * them. `up.items` fails its audit when an item has qty ≥ 100.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openAlerts, type Alerts, type DeliveryOptions } from '../../src/alerts/index.js';
import type { MeshGraph } from '../../src/compiler/index.js';
import { openMeshWarehouse } from '../../src/runner/index.js';
import { startServer, type RunningServer, type ServeOptions } from '../../src/server/index.js';
import type { Mesh } from '../../src/spec/index.js';
import type { Warehouse } from '../../src/warehouse/index.js';
import { openMesh } from '../../src/workspace/index.js';

type AlertingOptions = NonNullable<ServeOptions['alerts']>;

export const INCIDENTS_MESH: Readonly<Record<string, string>> = {
  'tessera.yaml': 'name: alerting\n',
  'teams.yaml': `teams:
  - id: src
    name: Source team
    domains: [up]
    members: [{ name: Sam, email: sam@src.test }]
    channels:
      - { type: webhook, url_env: HOOK_SRC, secret_env: HOOK_SECRET }
      - { type: file, path: .tessera/alerts/src.log }
  - id: mid
    name: Middle team
    domains: [mid]
    members: [{ name: Mia, email: mia@mid.test }]
    channels:
      - { type: slack, url_env: SLACK_MID }
      - { type: file, path: .tessera/alerts/mid.log }
  - id: far
    name: Far team
    domains: [far]
    channels:
      - { type: file, path: .tessera/alerts/far.log }
  - id: other
    name: Other team
    domains: [other]
    channels:
      - { type: file, path: .tessera/alerts/other.log }
`,
  'products/up/items/product.yaml': `name: items
domain: up
owner: src
kind: source-aligned
sources:
  - { name: raw_items, format: csv, path: data/items.csv }
ports:
  - name: items
    model: raw_items
    freshness: 1h
    columns:
      - { name: item_id, type: BIGINT, required: true, unique: true }
      - { name: qty, type: BIGINT, required: true }
    checks:
      - row_count > 0
      - max(qty) < 100
`,
  'products/mid/stock/product.yaml': `name: stock
domain: mid
owner: mid
kind: aggregate
ports:
  - name: stock
    columns:
      - { name: total, type: BIGINT }
`,
  'products/mid/stock/models/stock.sql': 'select cast(sum(qty) as bigint) as total from up.items\n',
  'products/far/report/product.yaml': `name: report
domain: far
owner: far
kind: consumer-aligned
ports:
  - name: report
    columns:
      - { name: total, type: BIGINT }
features:
  - { name: stock_board, type: dashboard, inputs: [mid.stock] }
`,
  'products/far/report/models/report.sql': 'select total from mid.stock\n',
  'products/other/misc/product.yaml': `name: misc
domain: other
owner: other
kind: source-aligned
sources:
  - { name: raw_misc, format: csv, path: data/misc.csv }
ports:
  - name: misc
    model: raw_misc
    columns:
      - { name: id, type: BIGINT, required: true }
`,
  'data/items.csv': 'item_id,qty\n1,5\n2,7\n',
  'data/misc.csv': 'id\n1\n',
};

export function writeIncidentsMesh(): { dir: string; write: (path: string, text: string) => void; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-incidents-'));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  for (const [path, text] of Object.entries(INCIDENTS_MESH)) write(path, text);
  return { dir, write, cleanup: () => { rmSync(dir, { recursive: true, force: true }); } };
}

/** Items that break `max(qty) < 100`, or not. */
export function itemsCsv(broken: boolean): string {
  return broken ? 'item_id,qty\n1,5\n2,700\n' : 'item_id,qty\n1,5\n2,7\n';
}

export interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly json: unknown;
  readonly at: number;
}

export type Behaviour = 'ok' | 'fail' | 'timeout' | '429' | 'refuse-blocks' | 'gone';

/** A local HTTP receiver: records what arrives, and answers as told (per path, or for all). */
export class Receiver {
  readonly received: Received[] = [];
  private behaviour: (path: string, body: string) => Behaviour = () => 'ok';
  private server: Server | undefined;
  /** Milliseconds to wait before answering (to catch a sender mid-request). */
  delayMs = 0;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const path = request.url ?? '/';
        const how = this.behaviour(path, body);
        if (how === 'timeout') return; // never answers
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        const answer = (): void => {
          if (how === 'fail') {
            response.writeHead(500).end('server_error');
            return;
          }
          if (how === 'gone') {
            // What Slack answers for a webhook that was removed: refused for good.
            response.writeHead(404).end('no_service');
            return;
          }
          if (how === '429') {
            response.writeHead(429, { 'retry-after': '0' }).end('rate_limited');
            return;
          }
          if (how === 'refuse-blocks' && typeof json === 'object' && json !== null && 'blocks' in json) {
            response.writeHead(400).end('invalid_blocks');
            return;
          }
          this.received.push({ path, headers: request.headers, body, json, at: Date.now() });
          response.writeHead(200).end('ok');
        };
        if (this.delayMs > 0) setTimeout(answer, this.delayMs);
        else answer();
      });
    });
    await new Promise<void>((done) => this.server?.listen(0, '127.0.0.1', done));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  answer(behaviour: Behaviour | ((path: string, body: string) => Behaviour)): void {
    this.behaviour = typeof behaviour === 'string' ? () => behaviour : behaviour;
  }

  on(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((done) => this.server?.close(done));
  }
}

/** Polls `condition` until it holds (a delivery, a job), failing after `ms`. */
export async function until(condition: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the answer's shape
export type ApiCall = <T>(method: string, path: string, body?: unknown, token?: string) => Promise<{ status: number; json: T }>;

/** Calls a running server's API as the admin, or with `token`. */
export function apiCaller(server: { readonly url: string; readonly adminToken: string }): ApiCall {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the answer's shape
  return async <T>(method: string, path: string, body?: unknown, token = server.adminToken): Promise<{ status: number; json: T }> => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as T };
  };
}

/** Where the mesh's channels point when the receiver at `url` stands in for them. */
export function receiverEnv(url: string): Record<string, string> {
  return { HOOK_SRC: `${url}/src`, HOOK_SECRET: 'k', SLACK_MID: `${url}/slack-mid` };
}

/** `tessera serve` on the mesh in `dir`, its channels at the receiver, delivery fast and the SLA timer off (unless `delivery` or `alerts` say otherwise). */
export function startAlertServer(dir: string, url: string, options: { delivery?: AlertingOptions['delivery']; alerts?: Omit<AlertingOptions, 'delivery'> } = {}): Promise<RunningServer> {
  return startServer({
    root: dir,
    port: 0,
    logger: false,
    schedule: false,
    alerts: { slaIntervalMs: 0, pollMs: 50, env: receiverEnv(url), ...options.alerts, delivery: { backoffMs: 10, maxBackoffMs: 50, slackIntervalMs: 5, ...options.delivery } },
  });
}

/** Tokens of the mesh's members: Sam (team src, owns up.items) and Mia (team mid, downstream). */
export async function memberTokens(server: RunningServer): Promise<{ sam: string; mia: string }> {
  const token = async (email: string): Promise<string> => (await server.context.access.createToken({ kind: 'member', email }, { createdBy: 'test' })).secret;
  return { sam: await token('sam@src.test'), mia: await token('mia@mid.test') };
}

/** The mesh in `dir` loaded, its DuckDB warehouse, and the alert recorder and delivery loop on it (no server), its channels at the receiver. */
export async function openRecorder(
  dir: string,
  url: string,
  delivery: Partial<Omit<DeliveryOptions, 'root' | 'env'>> = {},
): Promise<{ mesh: Mesh; graph: MeshGraph; warehouse: Warehouse; alerts: Alerts; close: () => Promise<void> }> {
  const opened = await openMesh(dir);
  if (!opened.mesh || !opened.graph) throw new Error(JSON.stringify(opened.diagnostics));
  const { mesh, graph } = opened;
  const { warehouse, release } = await openMeshWarehouse(dir, mesh.spec, { command: 'test' });
  const alerts = await openAlerts(warehouse, { root: dir, env: receiverEnv(url), backoffMs: 10, maxBackoffMs: 40, timeoutMs: 2000, slackIntervalMs: 5, maxAttempts: 3, mesh: () => mesh, ...delivery });
  return {
    mesh,
    graph,
    warehouse,
    alerts,
    close: async () => {
      await alerts.close();
      await release();
    },
  };
}
