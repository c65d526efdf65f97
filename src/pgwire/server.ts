/**
 * The PostgreSQL wire-protocol server: TCP (optionally TLS), startup and cleartext
 * password authentication, the simple and extended query protocols, cancellation,
 * and the few statements that clients send on connect and that the protocol layer
 * answers itself. Everything else goes to the `PgBackend`'s session, which decides.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import {
  MessageReader,
  MessageWriter,
  ProtocolError,
  decodeFrontendMessage,
  decodeStartupPacket,
  protocolVersion3,
  type ErrorFields,
  type FieldDescription,
  type FrontendMessage,
} from './messages.js';
import { codeTokens, parameterCount, splitStatements, type Token } from './sql-text.js';
import { codecFor, decodeBinaryParameter, pgTypes, type ColumnCodec } from './types.js';

export interface PgColumn {
  readonly name: string;
  /** Engine type spelling, e.g. BIGINT, VARCHAR, DECIMAL(12,2), DATE, TIMESTAMP, BOOLEAN, DOUBLE, VARCHAR[]. */
  readonly type: string;
}

export interface PgResult {
  readonly columns: readonly PgColumn[];
  /** JSON-safe values: null, boolean, number, string (bigints/decimals/dates as strings), arrays, objects. */
  readonly rows: readonly (readonly unknown[])[];
  /** The command tag; default `SELECT <n>`. */
  readonly command?: string;
  /**
   * Optional further rows, in batches, after `rows`: the server sends each batch as it
   * comes (respecting socket backpressure), so the engine and the wire overlap on large
   * results. The iterator is closed early when the client cancels or goes away.
   */
  readonly more?: AsyncIterable<readonly (readonly unknown[])[]>;
}

/** An error the client should see, with its SQLSTATE (e.g. 42501, 42601, 57014, 53400, 28P01). */
export class PgQueryError extends Error {
  constructor(
    readonly sqlState: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'PgQueryError';
  }
}

export interface PgSession {
  /** Runs one statement; `params` are the Bind values as text (or null). Throws PgQueryError for an answer the client should see. */
  query(sql: string, params: readonly (string | null)[], signal: AbortSignal): Promise<PgResult>;
  /** Columns a statement would return, without running it (for Describe); may run it with LIMIT 0. */
  describe(sql: string, params: readonly (string | null)[]): Promise<readonly PgColumn[]>;
  close(): void;
}

export interface PgBackend {
  /** `user` is an e-mail or a service-account name, `password` a token. undefined → auth fails with 28P01 and one generic message. */
  authenticate(user: string, password: string, meta: { database: string; applicationName?: string; remoteAddress?: string }): Promise<PgSession | undefined>;
}

export interface PgServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port: number;
  backend: PgBackend;
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Sessions at once (default 100); one more is refused with 53300. */
  maxConnections?: number;
  logger?: (event: object) => void;
}

export interface PgServer {
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

/** The version clients see; psql and drivers pick their catalog queries from it. */
export const serverVersion = '15.0 (Tessera)';

/** Bytes of DataRows gathered before they are written to the socket. */
const chunkBytes = 256 * 1024;
const startupTimeoutMs = 30_000;

class ConnectionClosed extends Error {}

interface Prepared {
  readonly sql: string;
  readonly parameterTypes: readonly number[];
}

interface Portal {
  readonly statement: Prepared;
  readonly params: readonly (string | null)[];
  readonly resultFormats: readonly number[];
  result?: PgResult;
  sent: number;
}

/** What the protocol layer answers itself. */
interface LocalStatement {
  readonly tag: string;
  readonly result?: PgResult;
  readonly apply?: () => void;
}

interface ServerState {
  readonly options: PgServerOptions;
  readonly secureContext: tls.SecureContext | undefined;
  readonly sessions: Map<number, Connection>;
  readonly sockets: Set<net.Socket>;
  readonly log: (event: object) => void;
  closing: boolean;
}

export async function startPgServer(options: PgServerOptions): Promise<PgServer> {
  const state: ServerState = {
    options,
    secureContext: options.tls ? tls.createSecureContext({ key: options.tls.key, cert: options.tls.cert }) : undefined,
    sessions: new Map(),
    sockets: new Set(),
    log: (event) => {
      try {
        options.logger?.(event);
      } catch {
        // a failing logger must not take a connection down
      }
    },
    closing: false,
  };
  const server = net.createServer({ noDelay: true }, (socket) => {
    if (state.closing) {
      socket.destroy();
      return;
    }
    state.sockets.add(socket);
    socket.on('close', () => state.sockets.delete(socket));
    new Connection(state, socket).start();
  });
  server.on('error', (error) => {
    state.log({ event: 'pgwire.server_error', message: error.message });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  state.log({ event: 'pgwire.listening', host, port });
  return {
    port,
    host,
    close: async () => {
      state.closing = true;
      const closed = new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      for (const connection of [...state.sessions.values()]) connection.terminate('57P01', 'terminating connection due to administrator command');
      for (const socket of state.sockets) socket.destroy();
      await closed;
    },
  };
}

function randomInt32(): number {
  return randomBytes(4).readInt32BE(0);
}

let nextProcessId = (randomBytes(2).readUInt16BE(0) + 1) * 1000;

class Connection {
  private socket: net.Socket;
  private readonly reader = new MessageReader();
  private readonly out = new MessageWriter();
  private phase: 'startup' | 'password' | 'ready' | 'closed' = 'startup';
  private busy = false;
  private readonly processId = nextProcessId++ & 0x7fffffff;
  private readonly secretKey = randomInt32();
  private session: PgSession | undefined;
  private user = '';
  private database = '';
  private readonly settings = new Map<string, string>();
  private readonly startupSettings = new Map<string, string>();
  private readonly statements = new Map<string, Prepared>();
  private readonly portals = new Map<string, Portal>();
  private skipUntilSync = false;
  private transaction: 'I' | 'T' | 'E' = 'I';
  private running: AbortController | undefined;
  private registered = false;
  private readonly remoteAddress: string | undefined;
  private startupTimer: NodeJS.Timeout | undefined;
  private readonly onData = (chunk: Buffer): void => {
    this.reader.push(chunk);
    this.pump();
  };

  constructor(
    private readonly server: ServerState,
    socket: net.Socket,
  ) {
    this.socket = socket;
    this.remoteAddress = socket.remoteAddress;
  }

  start(): void {
    this.attach(this.socket);
    this.startupTimer = setTimeout(() => {
      if (this.phase !== 'ready') this.socket.destroy();
    }, startupTimeoutMs);
    this.startupTimer.unref();
  }

  private attach(socket: net.Socket): void {
    socket.on('data', this.onData);
    socket.on('error', (error) => {
      this.server.log({ event: 'pgwire.socket_error', processId: this.processId, message: error.message });
    });
    socket.on('close', () => {
      this.cleanup();
    });
  }

  /** Ends the session from the server side with a FATAL error. */
  terminate(code: string, message: string): void {
    if (this.phase === 'closed') return;
    this.running?.abort();
    this.out.errorResponse({ severity: 'FATAL', code, message });
    this.send();
    this.socket.end();
    this.cleanup();
  }

  private cleanup(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    if (this.startupTimer) clearTimeout(this.startupTimer);
    this.running?.abort();
    this.clearPortals();
    if (this.registered) {
      this.server.sessions.delete(this.processId);
      this.registered = false;
    }
    const session = this.session;
    this.session = undefined;
    if (session) {
      try {
        session.close();
      } catch (error) {
        this.server.log({ event: 'pgwire.session_close_error', message: error instanceof Error ? error.message : String(error) });
      }
    }
    this.server.log({ event: 'pgwire.disconnect', processId: this.processId, user: this.user });
  }

  /** Handles the buffered messages one at a time, in order. */
  private pump(): void {
    if (this.busy || this.phase === 'closed') return;
    this.busy = true;
    void this.drainMessages().finally(() => {
      this.busy = false;
    });
  }

  private async drainMessages(): Promise<void> {
    try {
      while (this.phase !== 'closed') {
        if (this.phase === 'startup') {
          const body = this.reader.nextStartup();
          if (!body) return;
          this.handleStartup(body);
          continue;
        }
        const raw = this.reader.next();
        if (!raw) return;
        const message = decodeFrontendMessage(raw.code, raw.body);
        if (this.phase === 'password') await this.handlePassword(message);
        else await this.handle(message);
      }
    } catch (error) {
      if (error instanceof ConnectionClosed) return;
      if (error instanceof ProtocolError) {
        this.terminate('08P01', error.message);
        return;
      }
      this.server.log({ event: 'pgwire.internal_error', processId: this.processId, message: error instanceof Error ? error.message : String(error) });
      this.terminate('XX000', 'internal error in the protocol server');
    }
  }

  // ---- startup ----

  private handleStartup(body: Buffer): void {
    const packet = decodeStartupPacket(body);
    switch (packet.kind) {
      case 'ssl': {
        if (this.reader.buffered > 0) throw new ProtocolError('unexpected data after SSL request');
        const context = this.server.secureContext;
        if (!context || this.socket instanceof tls.TLSSocket) {
          this.socket.write('N');
          return;
        }
        this.socket.off('data', this.onData);
        this.socket.write('S');
        const secure = new tls.TLSSocket(this.socket, { isServer: true, secureContext: context });
        this.socket = secure;
        this.attach(secure);
        return;
      }
      case 'gssenc':
        if (this.reader.buffered > 0) throw new ProtocolError('unexpected data after GSSENC request');
        this.socket.write('N');
        return;
      case 'cancel':
        this.cancelOther(packet.processId, packet.secretKey);
        this.phase = 'closed';
        this.socket.end();
        return;
      case 'startup':
        break;
    }
    if (packet.protocol >>> 16 !== protocolVersion3 >>> 16) throw new ProtocolError(`unsupported frontend protocol ${packet.protocol >>> 16}.${packet.protocol & 0xffff}: server supports 3.0`);
    const user = packet.parameters['user'];
    if (!user) {
      this.fatal('28000', 'no PostgreSQL user name specified in startup packet');
      return;
    }
    this.user = user;
    this.database = packet.parameters['database'] ?? user;
    const applicationName = packet.parameters['application_name'];
    if (applicationName !== undefined) {
      this.settings.set('application_name', applicationName);
      this.startupSettings.set('application_name', applicationName);
    }
    if (this.server.closing) {
      this.fatal('57P03', 'the database system is shutting down');
      return;
    }
    const limit = this.server.options.maxConnections ?? 100;
    if (this.server.sessions.size >= limit) {
      this.server.log({ event: 'pgwire.too_many_connections', limit });
      this.fatal('53300', 'sorry, too many clients already');
      return;
    }
    this.server.sessions.set(this.processId, this);
    this.registered = true;
    this.phase = 'password';
    this.out.authenticationCleartextPassword();
    this.send();
  }

  private cancelOther(processId: number, secretKey: number): void {
    const target = this.server.sessions.get(processId);
    const expected = Buffer.alloc(4);
    const given = Buffer.alloc(4);
    expected.writeInt32BE(target?.secretKey ?? randomInt32());
    given.writeInt32BE(secretKey);
    const matches = timingSafeEqual(expected, given);
    this.server.log({ event: 'pgwire.cancel_request', processId, accepted: Boolean(target) && matches });
    if (target && matches) target.running?.abort();
  }

  private async handlePassword(message: FrontendMessage): Promise<void> {
    if (message.type !== 'password') throw new ProtocolError(`expected password response, got message type "${message.type}"`);
    const applicationName = this.settings.get('application_name');
    const meta: { database: string; applicationName?: string; remoteAddress?: string } = { database: this.database };
    if (applicationName !== undefined) meta.applicationName = applicationName;
    if (this.remoteAddress !== undefined) meta.remoteAddress = this.remoteAddress;
    let session: PgSession | undefined;
    try {
      session = await this.server.options.backend.authenticate(this.user, message.password, meta);
    } catch (error) {
      this.server.log({ event: 'pgwire.auth_error', message: error instanceof Error ? error.message : String(error) });
      session = undefined;
    }
    if (this.phase === 'closed') {
      session?.close();
      return;
    }
    if (!session) {
      this.server.log({ event: 'pgwire.auth_failed', user: this.user, remoteAddress: this.remoteAddress });
      this.fatal('28P01', `password authentication failed for user "${this.user}"`);
      return;
    }
    this.session = session;
    this.phase = 'ready';
    if (this.startupTimer) clearTimeout(this.startupTimer);
    this.out.authenticationOk();
    for (const [name, value] of Object.entries(this.reportedParameters())) this.out.parameterStatus(name, value);
    this.out.backendKeyData(this.processId, this.secretKey);
    this.out.readyForQuery('I');
    this.send();
    this.server.log({ event: 'pgwire.connect', processId: this.processId, user: this.user, database: this.database, remoteAddress: this.remoteAddress });
  }

  private reportedParameters(): Record<string, string> {
    return {
      server_version: serverVersion,
      server_encoding: 'UTF8',
      client_encoding: 'UTF8',
      DateStyle: 'ISO, MDY',
      IntervalStyle: 'postgres',
      integer_datetimes: 'on',
      standard_conforming_strings: 'on',
      TimeZone: 'UTC',
      is_superuser: 'off',
      session_authorization: this.user,
      application_name: this.settings.get('application_name') ?? '',
    };
  }

  private fatal(code: string, message: string): void {
    this.out.errorResponse({ severity: 'FATAL', code, message });
    this.send();
    this.socket.end();
    this.cleanup();
  }

  // ---- messages after startup ----

  private async handle(message: FrontendMessage): Promise<void> {
    if (message.type === 'terminate') {
      this.socket.end();
      this.cleanup();
      return;
    }
    if (message.type === 'sync') {
      this.skipUntilSync = false;
      if (this.transaction === 'I') this.clearPortals();
      this.out.readyForQuery(this.transaction);
      this.send();
      return;
    }
    if (message.type === 'flush') {
      this.send();
      return;
    }
    if (message.type === 'query') {
      this.skipUntilSync = false;
      await this.simpleQuery(message.sql);
      this.out.readyForQuery(this.transaction);
      this.send();
      return;
    }
    if (this.skipUntilSync) return;
    try {
      await this.extended(message);
    } catch (error) {
      if (error instanceof ConnectionClosed || error instanceof ProtocolError) throw error;
      this.reportError(error);
      this.skipUntilSync = true;
    }
  }

  private async simpleQuery(sql: string): Promise<void> {
    const statements = splitStatements(sql);
    if (statements.length === 0) {
      this.out.emptyQueryResponse();
      return;
    }
    for (const statement of statements) {
      try {
        const local = this.localStatement(statement);
        const result = local ? this.applyLocal(local) : await this.runBackend(statement, []);
        const codecs = this.codecs(result.columns);
        if (result.columns.length > 0) this.out.rowDescription(this.fields(result.columns, codecs, []));
        const sent = await this.sendAll(result, codecs, [], 0);
        this.out.commandComplete(result.command ?? `SELECT ${sent}`);
      } catch (error) {
        if (error instanceof ConnectionClosed) throw error;
        this.reportError(error);
        return;
      } finally {
        this.running = undefined;
      }
    }
  }

  private async extended(message: FrontendMessage): Promise<void> {
    switch (message.type) {
      case 'parse': {
        if (message.name !== '' && this.statements.has(message.name)) throw new PgQueryError('42P05', `prepared statement "${message.name}" already exists`);
        const statements = splitStatements(message.sql);
        if (statements.length > 1) throw new PgQueryError('42601', 'cannot insert multiple commands into a prepared statement');
        const count = Math.max(parameterCount(message.sql), message.parameterTypes.length);
        const parameterTypes = Array.from({ length: count }, (_, i) => message.parameterTypes[i] ?? 0);
        this.statements.set(message.name, { sql: statements[0] ?? '', parameterTypes });
        this.out.parseComplete();
        return;
      }
      case 'bind': {
        const statement = this.statements.get(message.statement);
        if (!statement) throw new PgQueryError('26000', `prepared statement "${message.statement}" does not exist`);
        if (message.parameters.length !== statement.parameterTypes.length) {
          throw new PgQueryError('08P01', `bind message supplies ${message.parameters.length} parameters, but prepared statement "${message.statement}" requires ${statement.parameterTypes.length}`);
        }
        const params = message.parameters.map((bytes, i) => {
          if (bytes === null) return null;
          const format = message.parameterFormats.length === 1 ? message.parameterFormats[0] : message.parameterFormats[i];
          if (!format) return bytes.toString('utf8');
          const typeOid = statement.parameterTypes[i] ?? 0;
          const text = decodeBinaryParameter(typeOid, bytes);
          if (text === undefined) throw new PgQueryError('0A000', `binary format is not supported for parameter $${i + 1} of type oid ${typeOid}; send it as text`);
          return text;
        });
        if (message.portal !== '' && this.portals.has(message.portal)) throw new PgQueryError('42P03', `portal "${message.portal}" already exists`);
        this.discardPortal(message.portal);
        this.portals.set(message.portal, { statement, params, resultFormats: message.resultFormats, sent: 0 });
        this.out.bindComplete();
        return;
      }
      case 'describe': {
        if (message.target === 'S') {
          const statement = this.statements.get(message.name);
          if (!statement) throw new PgQueryError('26000', `prepared statement "${message.name}" does not exist`);
          const columns = await this.describeStatement(statement);
          this.out.parameterDescription(statement.parameterTypes.map((oid) => (oid === 0 ? pgTypes.text.oid : oid)));
          if (columns.length === 0) this.out.noData();
          else this.out.rowDescription(this.fields(columns, this.codecs(columns), []));
          return;
        }
        const portal = this.portal(message.name);
        const result = await this.portalResult(portal);
        if (result.columns.length === 0) this.out.noData();
        else {
          const codecs = this.codecs(result.columns);
          this.out.rowDescription(this.fields(result.columns, codecs, portal.resultFormats));
        }
        return;
      }
      case 'execute': {
        const portal = this.portal(message.portal);
        if (portal.statement.sql === '') {
          this.out.emptyQueryResponse();
          return;
        }
        try {
          let result = await this.portalResult(portal);
          const codecs = this.codecs(result.columns);
          this.fields(result.columns, codecs, portal.resultFormats); // validates the formats
          if (message.maxRows <= 0) {
            const sent = await this.sendAll(result, codecs, portal.resultFormats, portal.sent);
            portal.result = { columns: result.columns, rows: [], ...(result.command === undefined ? {} : { command: result.command }) };
            portal.sent = 0;
            this.out.commandComplete(result.command ?? `SELECT ${sent}`);
            return;
          }
          if (result.more) {
            // a row limit on a streamed result: keep the rows, to resume
            result = await this.materialize(result);
            portal.result = result;
          }
          const from = portal.sent;
          const end = Math.min(result.rows.length, from + message.maxRows);
          await this.sendRows(result.rows, codecs, portal.resultFormats, from, end);
          portal.sent = end;
          if (end < result.rows.length) this.out.portalSuspended();
          else this.out.commandComplete(result.command ?? `SELECT ${end - from}`);
        } finally {
          this.running = undefined;
        }
        return;
      }
      case 'close':
        if (message.target === 'S') this.statements.delete(message.name);
        else this.discardPortal(message.name);
        this.out.closeComplete();
        return;
      case 'password':
        throw new ProtocolError('unexpected password message');
      case 'unknown':
        throw new ProtocolError(`invalid frontend message type "${message.code}"`);
      default:
        return;
    }
  }

  /** Drops a portal; a streamed result that was never read to its end is closed. */
  private discardPortal(name: string): void {
    const portal = this.portals.get(name);
    if (!portal) return;
    this.portals.delete(name);
    const more = portal.result?.more;
    if (more) {
      const iterator = more[Symbol.asyncIterator]();
      void iterator.return?.().catch(() => undefined);
    }
  }

  private clearPortals(): void {
    for (const name of [...this.portals.keys()]) this.discardPortal(name);
  }

  private portal(name: string): Portal {
    const portal = this.portals.get(name);
    if (!portal) throw new PgQueryError('34000', `portal "${name}" does not exist`);
    return portal;
  }

  private async describeStatement(statement: Prepared): Promise<readonly PgColumn[]> {
    if (statement.sql === '') return [];
    const local = this.localStatement(statement.sql, true);
    if (local) return local.result?.columns ?? [];
    this.checkTransaction(statement.sql);
    const session = this.requireSession();
    return session.describe(statement.sql, statement.parameterTypes.map(() => null));
  }

  /** Runs the portal's statement once (Describe or the first Execute) and keeps its result. */
  private async portalResult(portal: Portal): Promise<PgResult> {
    if (portal.result) return portal.result;
    const sql = portal.statement.sql;
    if (sql === '') return { columns: [], rows: [] };
    const local = this.localStatement(sql);
    portal.result = local ? this.applyLocal(local) : await this.runBackend(sql, portal.params);
    return portal.result;
  }

  private requireSession(): PgSession {
    if (!this.session) throw new ConnectionClosed();
    return this.session;
  }

  private checkTransaction(sql: string): void {
    if (this.transaction === 'E') {
      const first = codeTokens(sql)[0]?.value;
      if (first !== 'rollback' && first !== 'abort' && first !== 'commit' && first !== 'end') {
        throw new PgQueryError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
      }
    }
  }

  private async runBackend(sql: string, params: readonly (string | null)[]): Promise<PgResult> {
    this.checkTransaction(sql);
    const session = this.requireSession();
    const controller = new AbortController();
    this.running = controller;
    const cancelled = new Promise<never>((_, reject) => {
      controller.signal.addEventListener(
        'abort',
        () => {
          reject(new PgQueryError('57014', 'canceling statement due to user request'));
        },
        { once: true },
      );
    });
    cancelled.catch(() => undefined);
    try {
      return await Promise.race([session.query(sql, params, controller.signal), cancelled]);
    } catch (error) {
      this.running = undefined;
      if (controller.signal.aborted) {
        if (this.phase === 'closed') throw new ConnectionClosed();
        throw new PgQueryError('57014', 'canceling statement due to user request');
      }
      throw error;
    }
    // `running` stays set while the result is sent (a cancel stops a streamed result); the caller clears it.
  }

  /** Sends `rows` from `from`, then every batch of `more`; returns the number of rows sent. */
  private async sendAll(result: PgResult, codecs: readonly ColumnCodec[], formats: readonly number[], from: number): Promise<number> {
    await this.sendRows(result.rows, codecs, formats, from, result.rows.length);
    let sent = Math.max(0, result.rows.length - from);
    if (!result.more) return sent;
    const signal = this.running?.signal;
    for await (const batch of result.more) {
      if (signal?.aborted) throw new PgQueryError('57014', 'canceling statement due to user request');
      await this.sendRows(batch, codecs, formats, 0, batch.length);
      sent += batch.length;
    }
    if (signal?.aborted) throw new PgQueryError('57014', 'canceling statement due to user request');
    return sent;
  }

  private async materialize(result: PgResult): Promise<PgResult> {
    const rows = [...result.rows];
    if (result.more) for await (const batch of result.more) rows.push(...batch);
    return result.command === undefined ? { columns: result.columns, rows } : { columns: result.columns, rows, command: result.command };
  }

  // ---- results ----

  private codecs(columns: readonly PgColumn[]): ColumnCodec[] {
    return columns.map((column) => codecFor(column.type));
  }

  private fields(columns: readonly PgColumn[], codecs: readonly ColumnCodec[], formats: readonly number[]): FieldDescription[] {
    if (formats.length > 1 && formats.length !== columns.length) {
      throw new PgQueryError('08P01', `bind message has ${formats.length} result formats but query has ${columns.length} columns`);
    }
    return columns.map((column, i) => {
      const codec = codecs[i] ?? codecFor('VARCHAR');
      const format = formatAt(formats, i);
      if (format === 1 && !codec.binary) {
        throw new PgQueryError('0A000', `binary format is not supported for column "${column.name}" of type ${column.type}`, 'Request text format for this column (most drivers do by default).');
      }
      return {
        name: column.name,
        tableOid: 0,
        columnNumber: 0,
        typeOid: codec.type.oid,
        typeSize: codec.type.size,
        typeModifier: typeModifier(column.type),
        format,
      };
    });
  }

  /** Writes rows [from, to) as DataRows, flushing every chunk and waiting for the socket to drain. */
  private async sendRows(rows: readonly (readonly unknown[])[], codecs: readonly ColumnCodec[], formats: readonly number[], from: number, to: number): Promise<void> {
    const out = this.out;
    const width = codecs.length;
    const binary = codecs.map((codec, i) => (formatAt(formats, i) === 1 ? codec.binary : undefined));
    const anyBinary = binary.some(Boolean);
    const text = codecs.map((codec) => codec.text);
    for (let r = from; r < to; r++) {
      const row = rows[r] ?? [];
      out.begin('D').int16(width);
      for (let c = 0; c < width; c++) {
        const value = row[c];
        if (value === null || value === undefined) out.int32(-1);
        else if (anyBinary && binary[c]) {
          const bytes = (binary[c] as (value: unknown) => Uint8Array)(value);
          out.int32(bytes.length).bytes(bytes);
        } else out.lengthPrefixedText((text[c] as (value: unknown) => string)(value));
      }
      out.end();
      if (out.length >= chunkBytes) await this.sendAndDrain();
    }
  }

  /** Writes what is buffered; resolves when the socket can take more. */
  private async sendAndDrain(): Promise<void> {
    if (this.phase === 'closed' || this.socket.destroyed) throw new ConnectionClosed();
    const socket = this.socket;
    if (socket.write(this.out.take())) return;
    await new Promise<void>((resolve, reject) => {
      const done = (): void => {
        socket.off('drain', onDrain);
        socket.off('close', onClose);
      };
      const onDrain = (): void => {
        done();
        resolve();
      };
      const onClose = (): void => {
        done();
        reject(new ConnectionClosed());
      };
      socket.on('drain', onDrain);
      socket.on('close', onClose);
    });
  }

  private send(): void {
    if (this.out.length === 0) return;
    const bytes = this.out.take();
    if (this.socket.destroyed || !this.socket.writable) return;
    this.socket.write(bytes);
  }

  private reportError(error: unknown): void {
    let fields: ErrorFields;
    if (error instanceof PgQueryError) {
      fields = error.hint === undefined ? { severity: 'ERROR', code: error.sqlState, message: error.message } : { severity: 'ERROR', code: error.sqlState, message: error.message, hint: error.hint };
    } else {
      this.server.log({ event: 'pgwire.backend_error', processId: this.processId, message: error instanceof Error ? error.message : String(error) });
      fields = { severity: 'ERROR', code: 'XX000', message: 'internal error while running the statement' };
    }
    if (this.transaction === 'T') this.transaction = 'E';
    this.out.errorResponse(fields);
  }

  // ---- statements answered here ----

  private applyLocal(local: LocalStatement): PgResult {
    local.apply?.();
    return local.result ? { ...local.result, command: local.tag } : { columns: [], rows: [], command: local.tag };
  }

  /** The statements that clients send on connect and that need no engine; `describeOnly` skips the checks. */
  private localStatement(sql: string, describeOnly = false): LocalStatement | undefined {
    const tokens = codeTokens(sql);
    const words = tokens.map((token) => (token.kind === 'word' ? token.value : token.kind === 'ident' ? token.value.toLowerCase() : token.text));
    const first = words[0];
    const inFailed = this.transaction === 'E' && !describeOnly;
    switch (first) {
      case 'begin':
      case 'start':
        if (first === 'start' && words[1] !== 'transaction') return undefined;
        if (inFailed) return undefined; // checkTransaction answers 25P02
        return { tag: 'BEGIN', apply: () => (this.transaction = 'T') };
      case 'commit':
      case 'end':
        if (words[1] === 'prepared') return undefined;
        return { tag: this.transaction === 'E' ? 'ROLLBACK' : 'COMMIT', apply: () => (this.transaction = 'I') };
      case 'rollback':
      case 'abort':
        if (words[1] === 'prepared') return undefined;
        if (words.includes('to')) return { tag: 'ROLLBACK', apply: () => (this.transaction = this.transaction === 'I' ? 'I' : 'T') };
        return { tag: 'ROLLBACK', apply: () => (this.transaction = 'I') };
      case 'savepoint':
        return inFailed ? undefined : { tag: 'SAVEPOINT' };
      case 'release':
        return inFailed ? undefined : { tag: 'RELEASE' };
      case 'set':
        return inFailed ? undefined : this.setStatement(tokens, words);
      case 'reset':
        return inFailed ? undefined : { tag: 'RESET', apply: () => {
              this.resetSetting(words[1] ?? 'all');
            },
          };
      case 'show':
        return inFailed ? undefined : this.showStatement(words.slice(1));
      case 'discard':
        if (inFailed) return undefined;
        return {
          tag: `DISCARD ${(words[1] ?? 'all').toUpperCase()}`,
          apply: () => {
            if (words[1] === 'all') {
              this.statements.clear();
              this.resetSetting('all');
            }
          },
        };
      case 'deallocate': {
        if (inFailed) return undefined;
        const target = words[1] === 'prepare' ? words[2] : words[1];
        if (target === 'all') return { tag: 'DEALLOCATE ALL', apply: () => {
              this.statements.clear();
            },
          };
        return { tag: 'DEALLOCATE', apply: () => target !== undefined && this.statements.delete(target) };
      }
      case 'unlisten':
        return inFailed ? undefined : { tag: 'UNLISTEN' };
      default:
        return undefined;
    }
  }

  private setStatement(tokens: readonly Token[], words: readonly string[]): LocalStatement | undefined {
    let i = 1;
    if (words[i] === 'session' && words[i + 1] !== 'characteristics' && words[i + 1] !== 'authorization') i++;
    else if (words[i] === 'local') i++;
    const name = words[i];
    if (name === undefined) return undefined;
    if (name === 'transaction' || (name === 'session' && words[i + 1] === 'characteristics')) return { tag: 'SET' };
    let setting: string;
    let valueTokens: readonly Token[];
    if (name === 'time' && words[i + 1] === 'zone') {
      setting = 'timezone';
      valueTokens = tokens.slice(i + 2);
    } else if (name === 'names') {
      setting = 'client_encoding';
      valueTokens = tokens.slice(i + 1);
    } else {
      setting = name;
      const separator = words[i + 1];
      if (separator !== 'to' && separator !== '=') return undefined;
      valueTokens = tokens.slice(i + 2);
    }
    if (!harmlessSettings.has(setting)) return undefined;
    const value = valueTokens.map((token) => (token.kind === 'string' || token.kind === 'ident' ? token.value : token.text)).join(valueTokens.length > 1 && valueTokens.some((token) => token.text === ',') ? '' : ' ');
    if (setting === 'client_encoding' && !/^(utf-?8|unicode|default)$/i.test(value.trim())) {
      throw new PgQueryError('0A000', `client_encoding "${value}" is not supported: this server speaks UTF8 only`);
    }
    return {
      tag: 'SET',
      apply: () => {
        if (value.toLowerCase() === 'default') this.settings.delete(setting);
        else if (echoedSettings.has(setting)) this.settings.set(setting, value);
        if (setting === 'application_name') {
          this.out.parameterStatus('application_name', this.settings.get('application_name') ?? '');
        }
      },
    };
  }

  /** RESET and DISCARD ALL: back to the values of the startup packet. */
  private resetSetting(name: string): void {
    const names = name === 'all' ? [...this.settings.keys()] : [name];
    for (const key of names) {
      const initial = this.startupSettings.get(key);
      if (initial === undefined) this.settings.delete(key);
      else this.settings.set(key, initial);
    }
  }

  private showStatement(words: readonly string[]): LocalStatement {
    const reported = this.reportedParameters();
    const values: Record<string, string> = {
      ...reported,
      server_version_num: '150000',
      search_path: this.settings.get('search_path') ?? '"$user", public',
      extra_float_digits: this.settings.get('extra_float_digits') ?? '1',
      transaction_isolation: 'read committed',
      transaction_read_only: 'on',
      default_transaction_read_only: 'on',
      default_transaction_isolation: 'read committed',
      max_identifier_length: '63',
      statement_timeout: '0',
      lock_timeout: '0',
      bytea_output: 'hex',
      client_min_messages: 'notice',
      lc_collate: 'C',
      lc_ctype: 'C',
      max_connections: String(this.server.options.maxConnections ?? 100),
    };
    const text = (name: string, value: string): PgResult => ({ columns: [{ name, type: 'VARCHAR' }], rows: [[value]] });
    const joined = words.join(' ');
    if (joined === 'all') {
      return {
        tag: 'SHOW',
        result: {
          columns: [
            { name: 'name', type: 'VARCHAR' },
            { name: 'setting', type: 'VARCHAR' },
            { name: 'description', type: 'VARCHAR' },
          ],
          rows: Object.entries(values)
            .sort(([a], [b]) => a.toLowerCase().localeCompare(b.toLowerCase()))
            .map(([name, value]) => [name, value, '']),
        },
      };
    }
    const aliases: Record<string, string> = {
      'transaction isolation level': 'transaction_isolation',
      'time zone': 'TimeZone',
      'session authorization': 'session_authorization',
    };
    const wanted = aliases[joined] ?? joined;
    const key = Object.keys(values).find((name) => name.toLowerCase() === wanted.toLowerCase());
    if (key === undefined) throw new PgQueryError('42704', `unrecognized configuration parameter "${joined}"`);
    return { tag: 'SHOW', result: text(key, values[key] ?? '') };
  }
}

/** Client settings acknowledged without effect on the engine (output stays ISO dates, UTC, UTF8). */
const harmlessSettings = new Set([
  'application_name',
  'extra_float_digits',
  'datestyle',
  'client_encoding',
  'search_path',
  'timezone',
  'statement_timeout',
  'lock_timeout',
  'idle_in_transaction_session_timeout',
  'intervalstyle',
  'client_min_messages',
  'bytea_output',
  'standard_conforming_strings',
  'default_transaction_isolation',
  'default_transaction_read_only',
  'transaction_isolation',
  'jit',
  'escape_string_warning',
  'synchronize_seqscans',
  'geqo',
  'lc_messages',
  'lc_monetary',
  'lc_numeric',
  'lc_time',
]);

/** Settings whose value SHOW echoes back; the others keep the value the server actually uses. */
const echoedSettings = new Set(['application_name', 'extra_float_digits', 'search_path', 'statement_timeout', 'lock_timeout', 'client_min_messages']);

function formatAt(formats: readonly number[], index: number): number {
  if (formats.length === 0) return 0;
  return (formats.length === 1 ? formats[0] : formats[index]) ?? 0;
}

function typeModifier(engineType: string): number {
  const decimal = /^\s*(?:DECIMAL|NUMERIC)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)\s*$/i.exec(engineType);
  if (!decimal) return -1;
  return ((Number(decimal[1]) << 16) | Number(decimal[2] ?? 0)) + 4;
}
