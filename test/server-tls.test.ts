/**
 * With a certificate, the server speaks HTTPS and the wire protocol offers TLS
 * (`sslmode=require`), with the same gateway behind both.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server/index.js';
import { PEOPLE, writePeople } from './support/people-mesh.js';
import { runCli } from './support/run-cli.js';

let people: ReturnType<typeof writePeople>;
let server: RunningServer;
let certDir: string;
let cert: string;

beforeAll(async () => {
  people = writePeople();
  expect((await runCli(['run', '--dir', people.dir])).exitCode).toBe(0);
  certDir = mkdtempSync(join(tmpdir(), 'tessera-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  cert = readFileSync(join(certDir, 'cert.pem'), 'utf8');
  server = await startServer({ root: people.dir, port: 0, pgPort: 0, logger: false, schedule: false, tls: { cert, key: readFileSync(join(certDir, 'key.pem'), 'utf8') } });
}, 60_000);

afterAll(async () => {
  await server.close();
  people.cleanup();
  rmSync(certDir, { recursive: true, force: true });
});

it('serves the API over HTTPS', async () => {
  expect(server.url.startsWith('https://')).toBe(true);
  const body = await new Promise<string>((done, fail) => {
    const url = new URL('/api/me', server.url);
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, ca: cert, headers: { authorization: `Bearer ${server.adminToken}` } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        done(text);
      });
    });
    req.on('error', fail);
    req.end();
  });
  expect(JSON.parse(body)).toMatchObject({ identity: { kind: 'admin' } });
});

it('answers the wire protocol over TLS with the same access rules', async () => {
  const token = (await server.context.access.createToken({ kind: 'member', email: PEOPLE.bob }, { createdBy: 'test' })).secret;
  const client = new pg.Client({ host: '127.0.0.1', port: server.pg?.port, user: PEOPLE.bob, password: token, database: 'people_mesh', ssl: { ca: cert } });
  await client.connect();
  try {
    const { rows } = await client.query('select email from people.customers order by customer_id limit 1');
    expect((rows[0] as { email: string }).email).toMatch(/^[0-9a-f]{32}$/);
  } finally {
    await client.end();
  }
});
