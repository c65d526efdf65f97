/**
 * A real MariaDB server for a test file: a fresh data directory in a temporary folder, on
 * a free loopback port with its socket in that folder, stopped (and the folder removed)
 * by `stop()`. Grants are on: `root` answers only on the socket, and `createUser` makes
 * a password user that tests reach over TCP, so a wrong password fails as it would in
 * production. As root the server runs as the `mysql` user, which refuses to run as root.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { freePort } from './postgres-server.js';

export interface MariaDbServer {
  readonly port: number;
  /** A `mysql://` URL of `database` as `user` with `password` over TCP. */
  urlOf(database: string, user: string, password: string): string;
  /** Creates a database and a user with `password` who may do anything in it; returns the user's URL. */
  createDatabase(name: string, user: string, password: string): Promise<string>;
  /** Runs statements as root (on the socket); returns the rows of the last. */
  sql(text: string, database?: string): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

const root = process.getuid?.() === 0;

export async function startMariaDb(): Promise<MariaDbServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-mariadb-'));
  chmodSync(dir, 0o700);
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'mysql'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'mysql'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const socket = join(dir, 'mysqld.sock');
  const install = spawnSync(
    'mariadb-install-db',
    ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...(root ? ['--user=mysql'] : [])],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (install.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed (is mariadb-server installed? npm test installs it): ${install.stderr || install.stdout}`);
  }
  let server: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 0; server === undefined; attempt++) {
    port = await freePort();
    const child = spawn(
      // Debian puts the server in /usr/sbin, which is not on every user's PATH.
      existsSync('/usr/sbin/mariadbd') ? '/usr/sbin/mariadbd' : 'mariadbd',
      [
        '--no-defaults', `--datadir=${data}`, `--socket=${socket}`, `--port=${port}`, '--bind-address=127.0.0.1',
        `--pid-file=${join(dir, 'mariadbd.pid')}`, `--log-error=${join(dir, 'error.log')}`, '--skip-name-resolve',
        '--innodb-buffer-pool-size=32M', '--innodb-log-file-size=16M', '--innodb-flush-log-at-trx-commit=0', '--skip-log-bin',
        ...(root ? ['--user=mysql'] : []),
      ],
      { stdio: 'ignore' },
    );
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        resolve();
      });
    });
    if (await ready(socket, exited)) server = child;
    else if (attempt >= 2) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`mariadbd did not start: ${tail(join(dir, 'error.log'))}`);
    }
    // Otherwise another process took the port between the probe and the start: try another.
  }
  const running = server;
  const sql = async (text: string, database?: string): Promise<Record<string, unknown>[]> => {
    const connection = await mysql.createConnection({ socketPath: socket, user: 'root', multipleStatements: true, ...(database === undefined ? {} : { database }) });
    try {
      const [result] = await connection.query(text);
      const last: unknown = Array.isArray(result) && result.length > 0 && Array.isArray(result[result.length - 1]) ? result[result.length - 1] : result;
      return Array.isArray(last) ? (last as Record<string, unknown>[]) : [];
    } finally {
      await connection.end();
    }
  };
  const urlOf = (database: string, user: string, password: string): string =>
    `mysql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  let stopped = false;
  return {
    port,
    urlOf,
    sql,
    async createDatabase(name, user, password) {
      const quoted = (s: string): string => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
      await sql(`CREATE DATABASE \`${name}\`; CREATE USER ${quoted(user)}@'127.0.0.1' IDENTIFIED BY ${quoted(password)}; GRANT ALL ON \`${name}\`.* TO ${quoted(user)}@'127.0.0.1'`);
      return urlOf(name, user, password);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const exited = new Promise<void>((resolve) => {
        if (running.exitCode !== null || running.signalCode !== null) resolve();
        else {
          running.once('exit', () => {
            resolve();
          });
        }
      });
      running.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until the server answers on its socket, or has exited (false). */
async function ready(socket: string, exited: Promise<void>): Promise<boolean> {
  const server = { gone: false };
  void exited.then(() => {
    server.gone = true;
  });
  // A server that neither answers nor exits within a minute is broken: say so rather than hang.
  for (let tries = 0; tries < 600; tries++) {
    if (server.gone) return false;
    try {
      const connection = await mysql.createConnection({ socketPath: socket, user: 'root' });
      await connection.end();
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return false;
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no error log)';
  }
}
