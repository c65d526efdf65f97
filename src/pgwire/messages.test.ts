import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';
import { describe, expect, it } from 'vitest';
import { MessageReader, MessageWriter, ProtocolError, decodeFrontendMessage, decodeStartupPacket, type FrontendMessage } from './messages.js';
import { codecFor, decodeBinaryParameter } from './types.js';

/** Decodes what node-postgres's serializer (the reference client) wrote. */
function frontend(bytes: Buffer): FrontendMessage[] {
  const reader = new MessageReader();
  reader.push(bytes);
  const out: FrontendMessage[] = [];
  for (let raw = reader.next(); raw; raw = reader.next()) out.push(decodeFrontendMessage(raw.code, raw.body));
  return out;
}

/** Parses what our writer produced with node-postgres's parser. */
function backend(bytes: Buffer): BackendMessage[] {
  const out: BackendMessage[] = [];
  new Parser().parse(bytes, (message) => out.push(message));
  return out;
}

describe('frontend messages (written by pg-protocol, read by us)', () => {
  it('reads startup, SSL and cancel packets', () => {
    const reader = new MessageReader();
    reader.push(Buffer.concat([serialize.requestSsl(), serialize.startup({ user: 'ana@example.com', database: 'mesh', application_name: 'psql' })]));
    expect(decodeStartupPacket(reader.nextStartup() ?? Buffer.alloc(0))).toEqual({ kind: 'ssl' });
    const startup = decodeStartupPacket(reader.nextStartup() ?? Buffer.alloc(0));
    expect(startup).toEqual({ kind: 'startup', protocol: 196608, parameters: { user: 'ana@example.com', database: 'mesh', application_name: 'psql', client_encoding: 'UTF8' } });
    expect(reader.nextStartup()).toBeUndefined();
    const cancel = serialize.cancel(4242, -123456);
    expect(decodeStartupPacket(cancel.subarray(4))).toEqual({ kind: 'cancel', processId: 4242, secretKey: -123456 });
  });

  it('reads the extended-protocol sequence of a prepared statement', () => {
    const bytes = Buffer.concat([
      serialize.password('tok-ñ'),
      serialize.parse({ name: 'by_id', text: 'select * from t where id = $1 and s = $2', types: [20, 0] }),
      serialize.bind({ portal: 'p1', statement: 'by_id', values: ['42', null] }),
      serialize.describe({ type: 'P', name: 'p1' }),
      serialize.execute({ portal: 'p1', rows: 100 }),
      serialize.close({ type: 'S', name: 'by_id' }),
      serialize.flush(),
      serialize.sync(),
      serialize.query('select 1; select 2'),
      serialize.end(),
    ]);
    const messages = frontend(bytes);
    expect(messages.map((message) => message.type)).toEqual(['password', 'parse', 'bind', 'describe', 'execute', 'close', 'flush', 'sync', 'query', 'terminate']);
    expect(messages[0]).toEqual({ type: 'password', password: 'tok-ñ' });
    expect(messages[1]).toEqual({ type: 'parse', name: 'by_id', sql: 'select * from t where id = $1 and s = $2', parameterTypes: [20, 0] });
    const bind = messages[2];
    expect(bind?.type).toBe('bind');
    if (bind?.type === 'bind') {
      expect(bind.portal).toBe('p1');
      expect(bind.statement).toBe('by_id');
      expect(bind.parameters.map((value) => value?.toString('utf8') ?? null)).toEqual(['42', null]);
      expect(bind.resultFormats).toEqual([0]);
    }
    expect(messages[3]).toEqual({ type: 'describe', target: 'P', name: 'p1' });
    expect(messages[4]).toEqual({ type: 'execute', portal: 'p1', maxRows: 100 });
    expect(messages[5]).toEqual({ type: 'close', target: 'S', name: 'by_id' });
    expect(messages[8]).toEqual({ type: 'query', sql: 'select 1; select 2' });
  });

  it('reassembles messages split at every byte boundary', () => {
    const bytes = Buffer.concat([serialize.query('select 1'), serialize.parse({ text: 'select $1', types: [] }), serialize.sync()]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const reader = new MessageReader();
      const codes: string[] = [];
      for (const part of [bytes.subarray(0, cut), bytes.subarray(cut)]) {
        reader.push(part);
        for (let raw = reader.next(); raw; raw = reader.next()) codes.push(raw.code);
      }
      expect(codes).toEqual(['Q', 'P', 'S']);
    }
  });

  it('refuses an absurd length and a string without its terminator', () => {
    const reader = new MessageReader();
    reader.push(Buffer.from([0x51, 0x7f, 0xff, 0xff, 0xff]));
    expect(() => reader.next()).toThrow(ProtocolError);
    expect(() => decodeFrontendMessage('Q', Buffer.from('select 1'))).toThrow(ProtocolError);
  });
});

describe('backend messages (written by us, read by pg-protocol)', () => {
  it('writes the startup answer', () => {
    const out = new MessageWriter(16);
    out.authenticationCleartextPassword().authenticationOk().parameterStatus('server_version', '15.0 (Tessera)').backendKeyData(77, -5).readyForQuery('I');
    const messages = backend(out.take());
    expect(messages.map((message) => message.name)).toEqual(['authenticationCleartextPassword', 'authenticationOk', 'parameterStatus', 'backendKeyData', 'readyForQuery']);
    expect(messages[2]).toMatchObject({ parameterName: 'server_version', parameterValue: '15.0 (Tessera)' });
    expect(messages[3]).toMatchObject({ processID: 77, secretKey: -5 });
    expect(messages[4]).toMatchObject({ status: 'I' });
  });

  it('writes a result: RowDescription, DataRows with NULL and UTF-8, CommandComplete', () => {
    const out = new MessageWriter(8); // tiny, to exercise growth
    out.rowDescription([
      { name: 'id', tableOid: 0, columnNumber: 0, typeOid: 20, typeSize: 8, typeModifier: -1, format: 0 },
      { name: 'naïve', tableOid: 0, columnNumber: 0, typeOid: 1043, typeSize: -1, typeModifier: -1, format: 0 },
    ]);
    out.dataRow(['1', 'crème brûlée 🍮']).dataRow(['2', null]).commandComplete('SELECT 2');
    const messages = backend(out.take());
    expect(messages.map((message) => message.name)).toEqual(['rowDescription', 'dataRow', 'dataRow', 'commandComplete']);
    expect(messages[0]).toMatchObject({ fieldCount: 2, fields: [{ name: 'id', dataTypeID: 20, format: 'text' }, { name: 'naïve', dataTypeID: 1043 }] });
    expect(messages[1]).toMatchObject({ fields: ['1', 'crème brûlée 🍮'] });
    expect(messages[2]).toMatchObject({ fields: ['2', null] });
    expect(messages[3]).toMatchObject({ text: 'SELECT 2' });
  });

  it('writes errors with severity, code, message and hint', () => {
    const out = new MessageWriter();
    out.errorResponse({ severity: 'ERROR', code: '42501', message: 'permission denied for port commerce.orders', hint: 'Ask the owning team for access.' });
    const [error] = backend(out.take());
    expect(error).toMatchObject({ name: 'error', severity: 'ERROR', code: '42501', message: 'permission denied for port commerce.orders', hint: 'Ask the owning team for access.' });
  });

  it('writes the extended-protocol acknowledgements', () => {
    const out = new MessageWriter();
    out.parseComplete().bindComplete().parameterDescription([20, 25]).noData().portalSuspended().closeComplete().emptyQueryResponse();
    const messages = backend(out.take());
    expect(messages.map((message) => message.name)).toEqual(['parseComplete', 'bindComplete', 'parameterDescription', 'noData', 'portalSuspended', 'closeComplete', 'emptyQuery']);
    expect(messages[2]).toMatchObject({ dataTypeIDs: [20, 25] });
  });
});

describe('type mapping and text encoding', () => {
  it('maps engine types to PostgreSQL OIDs', () => {
    const oids = ['BIGINT', 'INTEGER', 'SMALLINT', 'DECIMAL(12,2)', 'DOUBLE', 'REAL', 'BOOLEAN', 'VARCHAR', 'DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIME', 'INTERVAL', 'UUID', 'JSON', 'BLOB', 'HUGEINT', 'VARCHAR[]', 'BIGINT[]', 'STRUCT("x" INTEGER)', 'MAP(VARCHAR, INTEGER)', 'ENUM(\'a\')'].map((type) => codecFor(type).type.oid);
    expect(oids).toEqual([20, 23, 21, 1700, 701, 700, 16, 1043, 1082, 1114, 1184, 1083, 1186, 2950, 114, 17, 1700, 1015, 1016, 114, 114, 25]);
  });

  it('writes PostgreSQL text forms', () => {
    expect(codecFor('BOOLEAN').text(true)).toBe('t');
    expect(codecFor('BOOLEAN').text(false)).toBe('f');
    expect(codecFor('TIMESTAMP').text('2024-01-02T03:04:05.123')).toBe('2024-01-02 03:04:05.123');
    expect(codecFor('TIMESTAMP WITH TIME ZONE').text('2024-01-02T03:04:05Z')).toBe('2024-01-02 03:04:05+00');
    expect(codecFor('TIMESTAMPTZ').text('2024-01-02 03:04:05+00')).toBe('2024-01-02 03:04:05+00');
    expect(codecFor('DECIMAL(12,2)').text(12.5)).toBe('12.5');
    expect(codecFor('HUGEINT').text('170141183460469231731687303715884105727')).toBe('170141183460469231731687303715884105727');
    expect(codecFor('VARCHAR[]').text(['a', 'b c', null, '', 'x"y', 'NULL'])).toBe('{a,"b c",NULL,"","x\\"y","NULL"}');
    expect(codecFor('INTEGER[][]').text([[1, 2], [3, null]])).toBe('{{1,2},{3,NULL}}');
    expect(codecFor('STRUCT("x" INTEGER)').text({ x: 1 })).toBe('{"x":1}');
    expect(codecFor('BLOB').text(Buffer.from('ab').toString('base64'))).toBe('\\x6162');
    expect(codecFor('INTERVAL').text({ months: 14, days: 3, micros: '7200500000' })).toBe('1 year 2 mons 3 days 02:00:00.5');
    expect(codecFor('INTERVAL').text('3 days 02:00:00')).toBe('3 days 02:00:00');
  });

  it('writes and reads binary forms of the common types', () => {
    expect(Buffer.from(codecFor('BIGINT').binary?.('9007199254740993') ?? [])).toEqual(Buffer.from('0020000000000001', 'hex'));
    expect(Buffer.from(codecFor('INTEGER').binary?.(-2) ?? [])).toEqual(Buffer.from('fffffffe', 'hex'));
    expect(Buffer.from(codecFor('BOOLEAN').binary?.(true) ?? [])).toEqual(Buffer.from([1]));
    expect(codecFor('DATE').binary).toBeUndefined();
    expect(decodeBinaryParameter(20, Buffer.from('0020000000000001', 'hex'))).toBe('9007199254740993');
    expect(decodeBinaryParameter(701, Buffer.from('3ff8000000000000', 'hex'))).toBe('1.5');
    expect(decodeBinaryParameter(2950, Buffer.from('a0eebc999c0b4ef8bb6d6bb9bd380a11', 'hex'))).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    expect(decodeBinaryParameter(1082, Buffer.alloc(4))).toBeUndefined();
  });
});
