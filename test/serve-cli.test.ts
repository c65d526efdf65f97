/**
 * `tessera serve --pg-port` as a user starts it: a child process that prints the login
 * link and the connection string, keeps the admin token private, and answers psql with
 * the token as the password.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writePeople } from './support/people-mesh.js';
import { runCli } from './support/run-cli.js';

let people: ReturnType<typeof writePeople>;
let child: ChildProcess;
let printed = '';

beforeAll(async () => {
  people = writePeople();
  expect((await runCli(['run', '--dir', people.dir])).exitCode).toBe(0);
  child = spawn(process.execPath, ['bin/tessera.js', 'serve', '--dir', people.dir, '--port', '0', '--pg-port', '0', '--no-schedule', '--query-timeout', '5'], { cwd: process.cwd() });
  child.stdout?.resume();
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => {
      fail(new Error(`serve did not start:\n${printed}`));
    }, 20_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      if (printed.includes('PostgreSQL clients:')) {
        clearTimeout(timer);
        done();
      }
    });
    child.on('exit', (code) => {
      fail(new Error(`serve exited ${String(code)}:\n${printed}`));
    });
  });
}, 60_000);

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((done) => child.on('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
  people.cleanup();
});

it('prints a one-time login link and a psql connection string that works with a token', async () => {
  expect(printed).toMatch(/Log the catalog in \(once, as the admin\): http:\/\/127\.0\.0\.1:\d+\/login\?code=\S+/);
  const url = /psql "(postgresql:\/\/<e-mail>@127\.0\.0\.1:(\d+)\/[^"]+)"/.exec(printed);
  expect(url?.[1]).toBeDefined();
  const admin = readFileSync(join(people.dir, '.tessera', 'admin-token'), 'utf8').trim();
  const client = new pg.Client({ host: '127.0.0.1', port: Number(url?.[2]), user: 'admin', password: admin, database: 'people_mesh' });
  await client.connect();
  try {
    const { rows } = await client.query('select email from people.customers order by customer_id limit 1');
    expect(rows).toEqual([{ email: 'ann@example.com' }]);
  } finally {
    await client.end();
  }
  const wrong = new pg.Client({ host: '127.0.0.1', port: Number(url?.[2]), user: 'admin', password: 'tsr_wrong', database: 'people_mesh' });
  await expect(wrong.connect()).rejects.toMatchObject({ code: '28P01' });
});
