/**
 * The PostgreSQL v3 message codec, server side: decoding what a client sends (the
 * untyped startup packets, then typed messages) and encoding what the server answers.
 * Reference: PostgreSQL's documentation, "Frontend/Backend Protocol — Message Formats".
 */

export const protocolVersion3 = 196608; // 3 << 16
export const sslRequestCode = 80877103;
export const gssEncRequestCode = 80877104;
export const cancelRequestCode = 80877102;

/** Largest message the server accepts from a client (a Query or Bind bigger than this is refused). */
export const maxMessageLength = 64 * 1024 * 1024;

export type StartupPacket =
  | { readonly kind: 'ssl' }
  | { readonly kind: 'gssenc' }
  | { readonly kind: 'cancel'; readonly processId: number; readonly secretKey: number }
  | { readonly kind: 'startup'; readonly protocol: number; readonly parameters: Readonly<Record<string, string>> };

export type FrontendMessage =
  | { readonly type: 'password'; readonly password: string }
  | { readonly type: 'query'; readonly sql: string }
  | { readonly type: 'parse'; readonly name: string; readonly sql: string; readonly parameterTypes: readonly number[] }
  | {
      readonly type: 'bind';
      readonly portal: string;
      readonly statement: string;
      readonly parameterFormats: readonly number[];
      readonly parameters: readonly (Buffer | null)[];
      readonly resultFormats: readonly number[];
    }
  | { readonly type: 'describe'; readonly target: 'S' | 'P'; readonly name: string }
  | { readonly type: 'execute'; readonly portal: string; readonly maxRows: number }
  | { readonly type: 'close'; readonly target: 'S' | 'P'; readonly name: string }
  | { readonly type: 'sync' }
  | { readonly type: 'flush' }
  | { readonly type: 'terminate' }
  | { readonly type: 'unknown'; readonly code: string };

/** A protocol violation by the client: the connection is answered with 08P01 and closed. */
export class ProtocolError extends Error {}

/** Reads fields from one message body. */
class Reader {
  private offset = 0;
  constructor(private readonly buffer: Buffer) {}
  int16(): number {
    this.need(2);
    const value = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }
  int32(): number {
    this.need(4);
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  byte(): string {
    this.need(1);
    return String.fromCharCode(this.buffer[this.offset++] ?? 0);
  }
  cstring(): string {
    const end = this.buffer.indexOf(0, this.offset);
    if (end < 0) throw new ProtocolError('invalid string in message');
    const value = this.buffer.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return value;
  }
  bytes(length: number): Buffer {
    this.need(length);
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
  get remaining(): number {
    return this.buffer.length - this.offset;
  }
  private need(length: number): void {
    if (this.offset + length > this.buffer.length) throw new ProtocolError('message is shorter than its fields');
  }
}

/** Decodes the body of an untyped startup packet (its length already removed). */
export function decodeStartupPacket(body: Buffer): StartupPacket {
  const reader = new Reader(body);
  const code = reader.int32();
  if (code === sslRequestCode) return { kind: 'ssl' };
  if (code === gssEncRequestCode) return { kind: 'gssenc' };
  if (code === cancelRequestCode) return { kind: 'cancel', processId: reader.int32(), secretKey: reader.int32() };
  const parameters: Record<string, string> = {};
  while (reader.remaining > 1) {
    const key = reader.cstring();
    if (key === '') break;
    Object.defineProperty(parameters, key, { value: reader.cstring(), enumerable: true });
  }
  return { kind: 'startup', protocol: code, parameters };
}

/** Decodes one typed message (type byte and body, length removed). */
export function decodeFrontendMessage(code: string, body: Buffer): FrontendMessage {
  const reader = new Reader(body);
  switch (code) {
    case 'p':
      return { type: 'password', password: reader.cstring() };
    case 'Q':
      return { type: 'query', sql: reader.cstring() };
    case 'P': {
      const name = reader.cstring();
      const sql = reader.cstring();
      const count = reader.int16();
      const parameterTypes: number[] = [];
      for (let i = 0; i < count; i++) parameterTypes.push(reader.int32() >>> 0);
      return { type: 'parse', name, sql, parameterTypes };
    }
    case 'B': {
      const portal = reader.cstring();
      const statement = reader.cstring();
      const formatCount = reader.int16();
      const parameterFormats: number[] = [];
      for (let i = 0; i < formatCount; i++) parameterFormats.push(reader.int16());
      const parameterCount = reader.int16();
      const parameters: (Buffer | null)[] = [];
      for (let i = 0; i < parameterCount; i++) {
        const length = reader.int32();
        parameters.push(length < 0 ? null : Buffer.from(reader.bytes(length)));
      }
      const resultCount = reader.int16();
      const resultFormats: number[] = [];
      for (let i = 0; i < resultCount; i++) resultFormats.push(reader.int16());
      return { type: 'bind', portal, statement, parameterFormats, parameters, resultFormats };
    }
    case 'D':
    case 'C': {
      const target = reader.byte();
      if (target !== 'S' && target !== 'P') throw new ProtocolError(`invalid ${code === 'D' ? 'Describe' : 'Close'} target "${target}"`);
      return { type: code === 'D' ? 'describe' : 'close', target, name: reader.cstring() };
    }
    case 'E':
      return { type: 'execute', portal: reader.cstring(), maxRows: reader.int32() };
    case 'S':
      return { type: 'sync' };
    case 'H':
      return { type: 'flush' };
    case 'X':
      return { type: 'terminate' };
    default:
      return { type: 'unknown', code };
  }
}

/**
 * Cuts a byte stream into messages. Before startup completes packets are untyped
 * (length first); afterwards each message has a type byte. Call `push` with each chunk.
 */
export class MessageReader {
  private pending: Buffer = Buffer.alloc(0);
  /** Untyped packets until the startup message has been read. */
  typed = false;

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
  }

  /** The next complete startup packet body, or undefined when more bytes are needed. */
  nextStartup(): Buffer | undefined {
    if (this.pending.length < 4) return undefined;
    const length = this.pending.readInt32BE(0);
    if (length < 8 || length > 10_000) throw new ProtocolError('invalid startup packet length');
    if (this.pending.length < length) return undefined;
    const body = this.pending.subarray(4, length);
    this.pending = this.pending.subarray(length);
    return body;
  }

  /** The next complete typed message, or undefined when more bytes are needed. */
  next(): { code: string; body: Buffer } | undefined {
    if (this.pending.length < 5) return undefined;
    const length = this.pending.readInt32BE(1);
    if (length < 4 || length > maxMessageLength) throw new ProtocolError('invalid message length');
    if (this.pending.length < length + 1) return undefined;
    const code = String.fromCharCode(this.pending[0] ?? 0);
    const body = this.pending.subarray(5, length + 1);
    this.pending = this.pending.subarray(length + 1);
    return { code, body };
  }

  /** Bytes received but not yet taken as a message (e.g. a TLS ClientHello sent too early). */
  get buffered(): number {
    return this.pending.length;
  }
}

export interface FieldDescription {
  readonly name: string;
  readonly tableOid: number;
  readonly columnNumber: number;
  readonly typeOid: number;
  readonly typeSize: number;
  readonly typeModifier: number;
  readonly format: number;
}

export interface ErrorFields {
  readonly severity: 'ERROR' | 'FATAL' | 'PANIC' | 'WARNING' | 'NOTICE' | 'DEBUG' | 'INFO' | 'LOG';
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly position?: number;
}

/**
 * Encodes backend messages into one growing buffer. `take()` hands over what was written
 * so far; callers flush at a size of their choosing, so a large result is sent in chunks.
 */
export class MessageWriter {
  private buffer: Buffer;
  private offset = 0;
  private messageStart = -1;

  constructor(private readonly initialSize = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.offset;
  }

  /** The bytes written so far; the writer starts over with a fresh buffer. */
  take(): Buffer {
    const out = this.buffer.subarray(0, this.offset);
    this.buffer = Buffer.allocUnsafe(Math.max(this.initialSize, Math.min(this.buffer.length, 1024 * 1024)));
    this.offset = 0;
    return out;
  }

  ensure(bytes: number): void {
    if (this.offset + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.offset + bytes) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buffer.copy(bigger, 0, 0, this.offset);
    this.buffer = bigger;
  }

  begin(code: string): this {
    this.ensure(5);
    this.buffer[this.offset] = code.charCodeAt(0);
    this.messageStart = this.offset + 1;
    this.offset += 5;
    return this;
  }

  end(): this {
    this.buffer.writeInt32BE(this.offset - this.messageStart, this.messageStart);
    this.messageStart = -1;
    return this;
  }

  int16(value: number): this {
    this.ensure(2);
    this.buffer.writeInt16BE(value, this.offset);
    this.offset += 2;
    return this;
  }

  int32(value: number): this {
    this.ensure(4);
    this.buffer.writeInt32BE(value | 0, this.offset);
    this.offset += 4;
    return this;
  }

  byte(value: string): this {
    this.ensure(1);
    this.buffer[this.offset++] = value.charCodeAt(0);
    return this;
  }

  cstring(value: string): this {
    this.ensure(value.length * 3 + 1);
    this.offset += this.buffer.write(value, this.offset, 'utf8');
    this.buffer[this.offset++] = 0;
    return this;
  }

  bytes(value: Uint8Array): this {
    this.ensure(value.length);
    this.buffer.set(value, this.offset);
    this.offset += value.length;
    return this;
  }

  /** A length-prefixed UTF-8 value, as in DataRow. */
  lengthPrefixedText(value: string): this {
    this.ensure(value.length * 3 + 4);
    const at = this.offset + 4;
    const written = this.buffer.write(value, at, 'utf8');
    this.buffer.writeInt32BE(written, this.offset);
    this.offset = at + written;
    return this;
  }

  // ---- whole messages ----

  authenticationOk(): this {
    return this.begin('R').int32(0).end();
  }

  authenticationCleartextPassword(): this {
    return this.begin('R').int32(3).end();
  }

  parameterStatus(name: string, value: string): this {
    return this.begin('S').cstring(name).cstring(value).end();
  }

  backendKeyData(processId: number, secretKey: number): this {
    return this.begin('K').int32(processId).int32(secretKey).end();
  }

  readyForQuery(status: 'I' | 'T' | 'E'): this {
    return this.begin('Z').byte(status).end();
  }

  rowDescription(fields: readonly FieldDescription[]): this {
    this.begin('T').int16(fields.length);
    for (const field of fields) {
      this.cstring(field.name)
        .int32(field.tableOid)
        .int16(field.columnNumber)
        .int32(field.typeOid)
        .int16(field.typeSize)
        .int32(field.typeModifier)
        .int16(field.format);
    }
    return this.end();
  }

  /** A DataRow of values already in their wire form (text or binary); null is SQL NULL. */
  dataRow(values: readonly (string | Uint8Array | null)[]): this {
    this.begin('D').int16(values.length);
    for (const value of values) {
      if (value === null) this.int32(-1);
      else if (typeof value === 'string') this.lengthPrefixedText(value);
      else this.int32(value.length).bytes(value);
    }
    return this.end();
  }

  commandComplete(tag: string): this {
    return this.begin('C').cstring(tag).end();
  }

  emptyQueryResponse(): this {
    return this.begin('I').end();
  }

  errorResponse(fields: ErrorFields): this {
    return this.notice('E', fields);
  }

  noticeResponse(fields: ErrorFields): this {
    return this.notice('N', fields);
  }

  parseComplete(): this {
    return this.begin('1').end();
  }

  bindComplete(): this {
    return this.begin('2').end();
  }

  closeComplete(): this {
    return this.begin('3').end();
  }

  noData(): this {
    return this.begin('n').end();
  }

  portalSuspended(): this {
    return this.begin('s').end();
  }

  parameterDescription(typeOids: readonly number[]): this {
    this.begin('t').int16(typeOids.length);
    for (const oid of typeOids) this.int32(oid);
    return this.end();
  }

  private notice(code: 'E' | 'N', fields: ErrorFields): this {
    this.begin(code);
    // S: localized severity, V: non-localized severity (both since 9.6).
    this.byte('S').cstring(fields.severity);
    this.byte('V').cstring(fields.severity);
    this.byte('C').cstring(fields.code);
    this.byte('M').cstring(fields.message);
    if (fields.detail !== undefined) this.byte('D').cstring(fields.detail);
    if (fields.hint !== undefined) this.byte('H').cstring(fields.hint);
    if (fields.position !== undefined) this.byte('P').cstring(String(fields.position));
    this.ensure(1);
    this.buffer[this.offset++] = 0;
    return this.end();
  }
}
