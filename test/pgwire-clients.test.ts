/**
 * The PostgreSQL wire-protocol server with real clients: psql 15, node-postgres, a raw
 * protocol socket, and psycopg when it is installed. The backend is a real in-memory
 * DuckDB plus a ShadowCatalog, accepting one user and token.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgQueryError, ShadowCatalog, startPgServer, type PgBackend, type PgColumn, type PgResult, type PgServer, type PgSession } from '../src/pgwire/index.js';

const run = promisify(execFile);
const user = 'ana@example.com';
const token = 'tok-3f9a1c';
const psql = '/usr/bin/psql';

class DuckSession implements PgSession {
  constructor(
    private readonly db: DuckDBInstance,
    private readonly catalog: ShadowCatalog,
  ) {}

  async query(sql: string, params: readonly (string | null)[], signal: AbortSignal): Promise<PgResult> {
    if (this.catalog.isCatalogQuery(sql)) return this.catalog.query(sql, params, signal);
    if (/\bsecret\./i.test(sql)) throw new PgQueryError('42501', 'permission denied for port secret.salaries', 'Ask the owning team for access.');
    const connection = await this.db.connect();
    const onAbort = (): void => {
      connection.interrupt();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const release = (): void => {
      signal.removeEventListener('abort', onAbort);
      connection.closeSync();
    };
    const failure = (error: unknown): PgQueryError =>
      signal.aborted ? new PgQueryError('57014', 'canceling statement due to user request') : new PgQueryError('42601', error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error));
    if (params.length > 0) {
      // prepared: the whole result at once
      try {
        const prepared = await connection.prepare(sql);
        params.forEach((value, i) => {
          if (value === null) prepared.bindNull(i + 1);
          else prepared.bindVarchar(i + 1, value);
        });
        const reader = await prepared.runAndReadAll();
        const types = reader.columnTypes();
        return { columns: reader.columnNames().map((name, i) => ({ name, type: types[i]?.toString() ?? 'VARCHAR' })), rows: reader.getRowsJson() };
      } catch (error) {
        throw failure(error);
      } finally {
        release();
      }
    }
    // simple: streamed, chunk by chunk, while the server sends
    let result;
    try {
      result = await connection.stream(sql);
    } catch (error) {
      release();
      throw failure(error);
    }
    const types = result.columnTypes();
    const columns: PgColumn[] = result.columnNames().map((name, i) => ({ name, type: types[i]?.toString() ?? 'VARCHAR' }));
    const chunks = result.yieldRowsJson();
    async function* batches(): AsyncGenerator<unknown[][]> {
      try {
        for await (const chunk of chunks) yield chunk;
      } catch (error) {
        throw failure(error);
      } finally {
        release();
      }
    }
    return { columns, rows: [], more: batches() };
  }

  async describe(sql: string): Promise<readonly PgColumn[]> {
    if (this.catalog.isCatalogQuery(sql)) return this.catalog.describe(sql);
    const connection = await this.db.connect();
    try {
      const prepared = await connection.prepare(sql);
      return Array.from({ length: prepared.columnCount }, (_, i) => ({ name: prepared.columnName(i), type: prepared.columnType(i).toString() }));
    } finally {
      connection.closeSync();
    }
  }

  close(): void {
    // connections are per query
  }
}

let db: DuckDBInstance;
let catalog: ShadowCatalog;
let server: PgServer;
let tlsServer: PgServer;
let tlsDir: string;
const events: object[] = [];

const backend: PgBackend = {
  authenticate(name, password) {
    if (name !== user || password !== token) return Promise.resolve(undefined);
    return Promise.resolve(new DuckSession(db, catalog));
  },
};

const url = (port: number, password = token, sslmode = 'disable'): string => `postgresql://${encodeURIComponent(user)}:${password}@127.0.0.1:${port}/mesh?sslmode=${sslmode}`;

async function psqlRun(args: string[], port = server.port, password = token, sslmode = 'disable'): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(psql, ['-X', '-v', 'ON_ERROR_STOP=1', url(port, password, sslmode), ...args], { timeout: 10_000, env: { ...process.env, PGCONNECT_TIMEOUT: '5' } });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', code: failed.code ?? -1 };
  }
}

async function pgClient(options: Partial<pg.ClientConfig> = {}, port = server.port): Promise<pg.Client> {
  const client = new pg.Client({ host: '127.0.0.1', port, user, password: token, database: 'mesh', ...options });
  await client.connect();
  return client;
}

beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false', threads: '2' });
  const setup = await db.connect();
  await setup.run(`
    create schema commerce;
    create table commerce.orders (order_id bigint not null, total_amount decimal(12,2), placed_at timestamp, paid boolean, note varchar, tags varchar[]);
    insert into commerce.orders values
      (1, 12.50, '2024-03-01 10:15:00', true, 'crème brûlée', ['fresh', 'promo']),
      (2, 99.99, '2024-03-02 08:00:00.25', false, null, []),
      (3, null, null, null, 'semi;colon', null);
    create schema delivery;
    create table delivery.hubs (hub_id integer not null, city varchar);
    insert into delivery.hubs values (1, 'Lyon'), (2, 'Gent');
  `);
  setup.closeSync();
  catalog = await ShadowCatalog.create(
    [
      {
        schema: 'commerce',
        name: 'orders',
        kind: 'table',
        description: 'One row per order.',
        columns: [
          { name: 'order_id', type: 'BIGINT', nullable: false, description: 'The order.' },
          { name: 'total_amount', type: 'DECIMAL(12,2)', nullable: true },
          { name: 'placed_at', type: 'TIMESTAMP', nullable: true },
          { name: 'paid', type: 'BOOLEAN', nullable: true },
          { name: 'note', type: 'VARCHAR', nullable: true },
          { name: 'tags', type: 'VARCHAR[]', nullable: true },
        ],
      },
      {
        schema: 'delivery',
        name: 'hubs',
        kind: 'table',
        columns: [
          { name: 'hub_id', type: 'INTEGER', nullable: false },
          { name: 'city', type: 'VARCHAR', nullable: true },
        ],
      },
      { schema: 'delivery', name: 'hub_load', kind: 'view', columns: [{ name: 'hub_id', type: 'INTEGER', nullable: true }] },
    ],
    { database: 'mesh', user },
  );
  server = await startPgServer({ port: 0, backend, maxConnections: 8, logger: (event) => events.push(event) });
  tlsDir = mkdtempSync(join(tmpdir(), 'pgwire-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(tlsDir, 'key.pem'), '-out', join(tlsDir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  tlsServer = await startPgServer({ port: 0, backend, tls: { key: readFileSync(join(tlsDir, 'key.pem')), cert: readFileSync(join(tlsDir, 'cert.pem')) }, maxConnections: 1 });
});

afterAll(async () => {
  await server.close();
  await tlsServer.close();
  catalog.close();
  db.closeSync();
  rmSync(tlsDir, { recursive: true, force: true });
});

describe('psql', () => {
  it('runs a select and several statements in one query string', async () => {
    const result = await psqlRun(['-At', '-c', "select order_id, total_amount, placed_at, paid, tags from commerce.orders order by 1; select 'a;b' as s"]);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n')).toEqual(['1|12.50|2024-03-01 10:15:00|t|{fresh,promo}', '2|99.99|2024-03-02 08:00:00.25|f|{}', '3||||', 'a;b']);
  });

  it('lists exactly the given relations with \\dt and \\d, and schemas with \\dn', async () => {
    const tables = await psqlRun(['-At', '-c', '\\dt']);
    expect(tables.stdout.trim().split('\n')).toEqual(['commerce|orders|table|tessera', 'delivery|hubs|table|tessera']);
    const all = await psqlRun(['-At', '-c', '\\d']);
    expect(all.stdout.trim().split('\n')).toEqual(['commerce|orders|table|tessera', 'delivery|hub_load|view|tessera', 'delivery|hubs|table|tessera']);
    const schemas = await psqlRun(['-At', '-c', '\\dn']);
    expect(schemas.stdout.trim().split('\n')).toEqual(['commerce|tessera', 'delivery|tessera']);
  });

  it('describes a table with \\d schema.table', async () => {
    const result = await psqlRun(['-c', '\\d commerce.orders']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Table "commerce.orders"');
    const rows = result.stdout
      .split('\n')
      .filter((line) => line.includes('|') && !line.includes('Column'))
      .map((line) => line.split('|').map((cell) => cell.trim()).slice(0, 4));
    expect(rows).toEqual([
      ['order_id', 'bigint', '', 'not null'],
      ['total_amount', 'numeric(12,2)', '', ''],
      ['placed_at', 'timestamp without time zone', '', ''],
      ['paid', 'boolean', '', ''],
      ['note', 'character varying', '', ''],
      ['tags', 'character varying[]', '', ''],
    ]);
  });

  it('fails a wrong password with the one generic message, and shows backend errors with their hint', async () => {
    const wrong = await psqlRun(['-c', 'select 1'], server.port, 'nope');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`FATAL:  password authentication failed for user "${user}"`);
    const denied = await psqlRun(['-c', 'select * from secret.salaries']);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('ERROR:  permission denied for port secret.salaries');
    expect(denied.stderr).toContain('HINT:  Ask the owning team for access.');
  });

  it('connects over TLS with sslmode=require', async () => {
    const result = await psqlRun(['-At', '-c', 'select count(*) from delivery.hubs'], tlsServer.port, token, 'require');
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('2');
  });
});

describe('node-postgres', () => {
  it('runs a simple query with PostgreSQL types', async () => {
    const client = await pgClient({ application_name: 'vitest' });
    try {
      const result = await client.query('select order_id, total_amount, placed_at, paid, note, tags from commerce.orders order by order_id');
      expect(result.fields.map((field) => field.dataTypeID)).toEqual([20, 1700, 1114, 16, 1043, 1015]);
      expect(result.rows[0]).toMatchObject({ order_id: '1', total_amount: '12.50', paid: true, note: 'crème brûlée', tags: ['fresh', 'promo'] });
      expect((result.rows[0] as { placed_at: unknown }).placed_at).toBeInstanceOf(Date);
      expect(result.rows[2]).toMatchObject({ total_amount: null, placed_at: null, note: 'semi;colon' });
      expect(result.command).toBe('SELECT');
      expect(result.rowCount).toBe(3);
      const settings = await client.query('show application_name');
      expect(settings.rows).toEqual([{ application_name: 'vitest' }]);
    } finally {
      await client.end();
    }
  });

  it('runs unnamed and named prepared statements with $1 parameters', async () => {
    const client = await pgClient();
    try {
      const unnamed = await client.query('select note from commerce.orders where order_id = $1', ['1']);
      expect(unnamed.rows).toEqual([{ note: 'crème brûlée' }]);
      const named = { name: 'hub_by_id', text: 'select city from delivery.hubs where hub_id = $1 and city <> $2' };
      expect((await client.query({ ...named, values: [2, 'x'] })).rows).toEqual([{ city: 'Gent' }]);
      expect((await client.query({ ...named, values: [1, 'x'] })).rows).toEqual([{ city: 'Lyon' }]);
      expect((await client.query({ ...named, values: [1, 'Lyon'] })).rows).toEqual([]);
      // an error in an extended sequence, then the connection still works
      await expect(client.query('select * from secret.salaries where id = $1', [1])).rejects.toMatchObject({ code: '42501', hint: 'Ask the owning team for access.' });
      await expect(client.query('selec oops')).rejects.toMatchObject({ code: '42601' });
      expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
      // catalog queries with parameters go to the shadow catalog
      const tables = await client.query('select table_name from information_schema.tables where table_schema = $1 order by 1', ['delivery']);
      expect(tables.rows.map((row: { table_name: string }) => row.table_name)).toEqual(['hub_load', 'hubs']);
    } finally {
      await client.end();
    }
  });

  it('streams a 100k-row result', async () => {
    const client = await pgClient();
    try {
      const result = await client.query("select range as n, 'row-' || range as label from range(100000)");
      expect(result.rows).toHaveLength(100_000);
      expect(result.rows[99_999]).toEqual({ n: '99999', label: 'row-99999' });
      expect(result.rows[12_345]).toEqual({ n: '12345', label: 'row-12345' });
    } finally {
      await client.end();
    }
  });

  it('cancels a running query with a CancelRequest', async () => {
    const client = await pgClient();
    try {
      const keys = client as unknown as { processID: number; secretKey: number };
      const started = Date.now();
      const long = client.query('select sum(a.range * b.range) from range(1000000) a, range(1000000) b').then(
        () => undefined,
        (error: unknown) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      // a wrong secret is ignored
      await sendCancel(server.port, keys.processID, keys.secretKey ^ 1);
      await sendCancel(server.port, keys.processID, keys.secretKey);
      expect(await long).toMatchObject({ code: '57014', message: 'canceling statement due to user request' });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(events).toContainEqual(expect.objectContaining({ event: 'pgwire.cancel_request', accepted: false }));
      expect((await client.query('select 2 as two')).rows).toEqual([{ two: 2 }]);
    } finally {
      await client.end();
    }
  });

  it('speaks TLS with sslmode=require and refuses a connection over the limit with 53300', async () => {
    const client = await pgClient({ ssl: { rejectUnauthorized: false } }, tlsServer.port);
    try {
      expect((client as unknown as { connection: { stream: unknown } }).connection.stream).toBeInstanceOf(TLSSocket);
      expect((await client.query('select city from delivery.hubs order by hub_id')).rows).toEqual([{ city: 'Lyon' }, { city: 'Gent' }]);
      await expect(pgClient({ ssl: { rejectUnauthorized: false } }, tlsServer.port)).rejects.toMatchObject({ code: '53300' });
    } finally {
      await client.end();
    }
  });

  it('answers the statements clients send on connect without the backend', async () => {
    const client = await pgClient();
    try {
      const results = (await client.query("DISCARD ALL; SET extra_float_digits = 3; SET application_name = 'bi tool'; BEGIN; SHOW server_version; COMMIT")) as unknown as pg.QueryResult[];
      expect(results.map((result) => result.command)).toEqual(['DISCARD', 'SET', 'SET', 'BEGIN', 'SHOW', 'COMMIT']);
      expect(results[4]?.rows).toEqual([{ server_version: '15.0 (Tessera)' }]);
      expect((await client.query('show application_name')).rows).toEqual([{ application_name: 'bi tool' }]);
      await expect(client.query('SET role admin')).rejects.toMatchObject({ code: '42601' }); // not harmless: went to the backend
    } finally {
      await client.end();
    }
  });
});

describe('raw protocol', () => {
  it('suspends a portal at the row limit and resumes it', async () => {
    const socket = await rawSession(server.port);
    try {
      const messages = await exchange(
        socket,
        Buffer.concat([
          serialize.parse({ name: 's1', text: 'select range as n from range(5)', types: [] }),
          serialize.bind({ portal: 'p1', statement: 's1', values: [] }),
          serialize.describe({ type: 'P', name: 'p1' }),
          serialize.execute({ portal: 'p1', rows: 2 }),
          serialize.execute({ portal: 'p1', rows: 2 }),
          serialize.execute({ portal: 'p1', rows: 2 }),
          serialize.sync(),
        ]),
      );
      const summary = messages.map((message) => (message.name === 'dataRow' ? `row ${String((message as unknown as { fields: string[] }).fields[0])}` : message.name));
      expect(summary).toEqual(['parseComplete', 'bindComplete', 'rowDescription', 'row 0', 'row 1', 'portalSuspended', 'row 2', 'row 3', 'portalSuspended', 'row 4', 'commandComplete', 'readyForQuery']);
      // an error skips to Sync
      const failing = await exchange(
        socket,
        Buffer.concat([serialize.bind({ portal: '', statement: 'missing', values: [] }), serialize.execute({ portal: '', rows: 0 }), serialize.sync(), serialize.query('')]),
        2,
      );
      expect(failing.map((message) => message.name)).toEqual(['error', 'readyForQuery', 'emptyQuery', 'readyForQuery']);
    } finally {
      socket.destroy();
    }
  });

  it('sends binary result columns for the common types, and refuses the others clearly', async () => {
    const socket = await rawSession(server.port);
    try {
      const sql = "select 9007199254740993::bigint as big, $1::integer as i, true as b, 1.5::double as f, 'é' as s";
      const raw: Buffer[] = [];
      const messages = await exchange(
        socket,
        Buffer.concat([serialize.parse({ text: sql, types: [] }), serialize.bind({ values: ['7'], binary: true }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]),
        1,
        'readyForQuery',
        raw,
      );
      const description = messages.find((message) => message.name === 'rowDescription') as unknown as { fields: { dataTypeID: number; format: string }[] };
      expect(description.fields.map((field) => [field.dataTypeID, field.format])).toEqual([
        [20, 'binary'],
        [23, 'binary'],
        [16, 'binary'],
        [701, 'binary'],
        [1043, 'binary'],
      ]);
      // pg-protocol reads DataRow fields as UTF-8 text only: cut the binary fields out of the raw bytes
      const [big, i, b, f, text] = dataRowFields(Buffer.concat(raw));
      expect(big?.readBigInt64BE(0)).toBe(9007199254740993n);
      expect(i?.readInt32BE(0)).toBe(7);
      expect(b?.[0]).toBe(1);
      expect(f?.readDoubleBE(0)).toBe(1.5);
      expect(text?.toString('utf8')).toBe('é');
      const refused = await exchange(
        socket,
        Buffer.concat([serialize.parse({ text: "select date '2024-01-01' as d", types: [] }), serialize.bind({ binary: true }), serialize.execute({}), serialize.sync()]),
      );
      expect(refused.find((message) => message.name === 'error')).toMatchObject({ code: '0A000' });
    } finally {
      socket.destroy();
    }
  });

  it('survives a client that vanishes mid-result', async () => {
    const { socket, processId } = await rawSessionWithKey(server.port);
    socket.write(serialize.query('select range, repeat(\'x\', 100) from range(300000)'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events).toContainEqual(expect.objectContaining({ event: 'pgwire.disconnect', processId }));
    const client = await pgClient();
    expect((await client.query('select 3 as three')).rows).toEqual([{ three: 3 }]);
    await client.end();
  });
});

describe('psycopg', () => {
  it('runs a query and a parameterized query when psycopg is installed', async (context) => {
    let available = true;
    try {
      execFileSync('python3', ['-c', 'import psycopg'], { stdio: 'ignore' });
    } catch {
      available = false;
    }
    if (!available) {
      const reason = 'python3 cannot import psycopg (install it with pip to run this test)';
      console.log(`psycopg test skipped: ${reason}`);
      context.skip(reason);
      return;
    }
    const script = `
import psycopg, sys
with psycopg.connect(sys.argv[1]) as conn:
    print(conn.execute("select count(*) from commerce.orders").fetchone()[0])
    print(conn.execute("select city from delivery.hubs where hub_id = %s", (2,)).fetchone()[0])
`;
    const { stdout } = await run('python3', ['-c', script, url(server.port)], { timeout: 10_000 });
    expect(stdout.trim().split('\n')).toEqual(['3', 'Gent']);
  });
});

// ---- raw protocol helpers ----

async function sendCancel(port: number, processId: number, secretKey: number): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve).once('error', reject);
  });
  socket.write(serialize.cancel(processId, secretKey));
  await new Promise<void>((resolve) => {
    socket.once('close', () => {
      resolve();
    });
  });
}

async function rawSession(port: number): Promise<Socket> {
  return (await rawSessionWithKey(port)).socket;
}

async function rawSessionWithKey(port: number): Promise<{ socket: Socket; processId: number }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve).once('error', reject);
  });
  socket.write(serialize.startup({ user, database: 'mesh' }));
  await exchange(socket, Buffer.alloc(0), 0, 'authenticationCleartextPassword');
  const messages = await exchange(socket, serialize.password(token));
  const key = messages.find((message) => message.name === 'backendKeyData') as unknown as { processID: number };
  return { socket, processId: key.processID };
}

/** Sends bytes and collects backend messages until the `count`-th ReadyForQuery (or a named message). */
/** The fields of the first DataRow in a stream of backend messages. */
function dataRowFields(bytes: Buffer): Buffer[] {
  for (let at = 0; at + 5 <= bytes.length; at += 1 + bytes.readInt32BE(at + 1)) {
    if (bytes[at] !== 0x44) continue;
    const fields: Buffer[] = [];
    let offset = at + 7;
    for (let n = bytes.readInt16BE(at + 5); n > 0; n--) {
      const length = bytes.readInt32BE(offset);
      fields.push(bytes.subarray(offset + 4, offset + 4 + Math.max(0, length)));
      offset += 4 + Math.max(0, length);
    }
    return fields;
  }
  return [];
}

function exchange(socket: Socket, bytes: Buffer, count = 1, until = 'readyForQuery', raw?: Buffer[]): Promise<BackendMessage[]> {
  return new Promise((resolve, reject) => {
    const messages: BackendMessage[] = [];
    const parser = new Parser();
    let seen = 0;
    const onData = (chunk: Buffer): void => {
      raw?.push(chunk);
      parser.parse(chunk, (message) => {
        messages.push(message);
        if (message.name === until && ++seen >= count) {
          socket.off('data', onData);
          resolve(messages);
        }
      });
    };
    socket.on('data', onData);
    socket.once('error', reject);
    if (bytes.length > 0) socket.write(bytes);
  });
}
