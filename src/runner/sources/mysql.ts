/**
 * Reading a MySQL or MariaDB source with mysql2: column types from the result's field
 * metadata, rows through the driver's streaming query (the socket is paused while a
 * batch waits for the warehouse), so only a batch is ever held.
 */
import mysql, { type FieldPacket, type TypeCastField, type TypeCastNext } from 'mysql2';
import { batched, BATCH_ROWS, selectStatement, sourceRelation, SourceError, type SourceColumn, type SourceConnection, type SourceSelect } from './reader.js';
import { mysqlLogicalType } from './type-map.js';

const UNSIGNED = 32;
const ENUM = 256;
const SET = 2048;
/** The character set number of binary strings (BINARY, VARBINARY, BLOB). */
const BINARY_CHARSET = 63;

function ident(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** BIT(1) as a boolean, JSON as its text; the rest as the options below say (dates and numbers as exact text). */
function typeCast(field: TypeCastField, next: TypeCastNext): unknown {
  if (field.type === 'BIT' && field.length === 1) {
    const bytes = field.buffer();
    return bytes === null ? null : bytes[0] === 1;
  }
  if (field.type === 'JSON') return field.string();
  return next();
}

export async function openMySqlSource(url: string, relation: { readonly table?: string; readonly query?: string }): Promise<SourceConnection> {
  const connection = mysql.createConnection({ uri: url, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true, typeCast });
  // A connection that drops mid-read must fail the read, not crash the process.
  connection.on('error', () => undefined);
  const promised = connection.promise();
  try {
    // UTC, so that TIMESTAMP columns read as the instant in UTC whatever the server's zone.
    await promised.query("SET time_zone = '+00:00'");
  } catch (error) {
    connection.destroy();
    throw new SourceError('connect', message(error));
  }
  const inner = sourceRelation(relation);

  return {
    async describe(): Promise<SourceColumn[]> {
      try {
        const [, fields] = await promised.query(`SELECT * FROM ${inner} LIMIT 0`);
        return fields.map((field) => {
          const sourceType = spell(field);
          return { name: field.name, sourceType, logical: mysqlLogicalType(sourceType) };
        });
      } catch (error) {
        throw new SourceError('query', message(error));
      }
    },

    read(columns, select: SourceSelect) {
      // The mark goes in as an escaped literal, not a `?`: mysql2 would also fill a `?` written inside the user's query.
      const { sql, chosen, cursorIndex } = selectStatement(columns, select, inner, { ident, placeholder: mysql.escape(select.cursor?.from ?? null) });
      async function* chunks(): AsyncGenerator<unknown[][]> {
        const stream = connection.query({ sql, rowsAsArray: true }).stream({ highWaterMark: BATCH_ROWS });
        let chunk: unknown[][] = [];
        try {
          for await (const row of stream as AsyncIterable<unknown[]>) {
            chunk.push(zeroDatesAsNull(row));
            if (chunk.length >= BATCH_ROWS) {
              yield chunk;
              chunk = [];
            }
          }
        } catch (error) {
          throw new SourceError('query', message(error));
        } finally {
          stream.destroy();
        }
        if (chunk.length > 0) yield chunk;
      }
      return batched(chunks(), chosen, cursorIndex);
    },

    async close() {
      await promised.end().catch(() => {
        connection.destroy();
      });
    },
  };
}

/** MySQL's "zero" dates (0000-00-00) are no date at all; every warehouse rejects them, so they load as NULL. */
function zeroDatesAsNull(row: unknown[]): unknown[] {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (typeof v === 'string' && v.startsWith('0000-00-00')) row[i] = null;
  }
  return row;
}

/** The column's type as MySQL would write it in a table definition, from the protocol's metadata. */
function spell(field: FieldPacket): string {
  const flags = typeof field.flags === 'number' ? field.flags : 0;
  const unsigned = (flags & UNSIGNED) !== 0 ? ' unsigned' : '';
  const binary = field.characterSet === BINARY_CHARSET;
  const length = field.columnLength ?? 0;
  if (field.extendedTypeName === 'uuid') return 'uuid';
  if (field.extendedFormat === 'json') return 'json';
  switch (field.columnType) {
    case 0x00:
    case 0xf6: {
      const scale = field.decimals;
      // The display length counts the sign and the decimal point.
      const precision = length - (scale > 0 ? 1 : 0) - (unsigned === '' ? 1 : 0);
      return `decimal(${precision},${scale})${unsigned}`;
    }
    case 0x01:
      return length === 1 ? 'tinyint(1)' : `tinyint${unsigned}`;
    case 0x02:
      return `smallint${unsigned}`;
    case 0x09:
      return `mediumint${unsigned}`;
    case 0x03:
      return `int${unsigned}`;
    case 0x08:
      return `bigint${unsigned}`;
    case 0x04:
      return 'float';
    case 0x05:
      return 'double';
    case 0x0a:
    case 0x0e:
      return 'date';
    case 0x0b:
      return 'time';
    case 0x0c:
      return 'datetime';
    case 0x07:
      return 'timestamp';
    case 0x0d:
      return 'year';
    case 0x10:
      return `bit(${length})`;
    case 0xf5:
      return 'json';
    case 0xf7:
      return 'enum';
    case 0xf8:
      return 'set';
    case 0x0f:
    case 0xfd:
    case 0xfe:
      if ((flags & ENUM) !== 0) return 'enum';
      if ((flags & SET) !== 0) return 'set';
      return binary ? 'varbinary' : field.columnType === 0xfe ? 'char' : 'varchar';
    case 0xf9:
    case 0xfa:
    case 0xfb:
    case 0xfc:
      return binary ? 'blob' : 'text';
    case 0xff:
      return 'geometry';
    default:
      return `type ${String(field.columnType)}`;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
