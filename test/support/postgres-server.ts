/**
 * A real PostgreSQL server for a test file: a fresh cluster in a temporary folder on a
 * free loopback port, stopped (and its folder removed) by `stop()`. Debian's server
 * binaries are used; `initdb` refuses to run as root, so as root the cluster is made
 * and run by the `postgres` user (FACTS.md).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PostgresServer {
  /** A superuser URL of the `postgres` database. */
  readonly url: string;
  readonly port: number;
  /** A URL of `database` (as `user`, default the superuser). */
  urlOf(database: string, user?: string, password?: string): string;
  /** Creates an empty database and returns its superuser URL. */
  createDatabase(name: string): Promise<string>;
  /** Runs SQL as the superuser on `database` (default `postgres`). */
  sql(text: string, database?: string): Promise<pg.QueryResultRow[]>;
  stop(): Promise<void>;
}

/** The folder of Debian's PostgreSQL server binaries, newest version first; undefined when none is installed. */
export function postgresBinaries(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(base, versions[0], 'bin');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

function asServerUser(bin: string, args: readonly string[]): void {
  const root = process.getuid?.() === 0;
  const command = root ? 'runuser' : bin;
  const argv = root ? ['-u', 'postgres', '--', bin, ...args] : [...args];
  const result = spawnSync(command, argv, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinaries();
  if (bin === undefined) throw new Error('No PostgreSQL server is installed: `npm test` installs Debian\'s postgresql (scripts/ensure-databases.sh).');
  const dir = mkdtempSync(join(tmpdir(), 'tessera-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  asServerUser(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      asServerUser(join(bin, 'pg_ctl'), [
        '-D', data, '-l', join(dir, 'log'), '-w', '-t', '60',
        '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
        'start',
      ]);
      break;
    } catch (error) {
      // Another process may have taken the port between the probe and the start.
      if (attempt >= 2) throw error;
    }
  }
  const urlOf = (database: string, user = 'postgres', password?: string): string =>
    `postgres://${encodeURIComponent(user)}${password === undefined ? '' : `:${encodeURIComponent(password)}`}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  const sql = async (text: string, database = 'postgres'): Promise<pg.QueryResultRow[]> => {
    const client = new pg.Client({ connectionString: urlOf(database) });
    await client.connect();
    try {
      // Several statements answer with one result each: the last one's rows are the answer.
      const result = (await client.query(text)) as unknown as pg.QueryResult<pg.QueryResultRow> | pg.QueryResult<pg.QueryResultRow>[];
      const last = Array.isArray(result) ? result.at(-1) : result;
      return last?.rows ?? [];
    } finally {
      await client.end();
    }
  };
  let stopped = false;
  return {
    url: urlOf('postgres'),
    port,
    urlOf,
    sql,
    async createDatabase(name) {
      await sql(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      return urlOf(name);
    },
    stop() {
      if (stopped) return Promise.resolve();
      stopped = true;
      try {
        asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return Promise.resolve();
    },
  };
}
