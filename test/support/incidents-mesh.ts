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

export type Behaviour = 'ok' | 'fail' | 'timeout' | '429' | 'refuse-blocks';

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
