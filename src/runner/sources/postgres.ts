/**
 * Reading a PostgreSQL source: column types from `format_type()` of the result's fields,
 * rows through a server-side cursor (pg-cursor), a batch at a time, so the client never
 * holds more than one batch however large the table.
 */
import pg from 'pg';
import Cursor from 'pg-cursor';
import { batched, BATCH_ROWS, selectStatement, sourceRelation, SourceError, type SourceColumn, type SourceConnection, type SourceSelect } from './reader.js';
import { postgresLogicalType } from './type-map.js';

/** Every value as PostgreSQL writes it: timestamps keep their microseconds and numerics their digits. */
const AS_TEXT = { getTypeParser: () => (value: string) => value };

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export async function openPostgresSource(url: string, relation: { readonly table?: string; readonly query?: string }): Promise<SourceConnection> {
  const client = new pg.Client({ connectionString: url, types: AS_TEXT, application_name: 'tessera ingestion', connectionTimeoutMillis: 30_000 });
  // A connection that drops mid-read must fail the read, not crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    // UTC and ISO dates, so that timestamps read the same whatever the server's settings;
    // intervals as ISO 8601 durations, the one spelling every warehouse's bulk path reads.
    await client.query("SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'");
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new SourceError('connect', message(error));
  }
  const inner = sourceRelation(relation);

  return {
    async describe(): Promise<SourceColumn[]> {
      try {
        const result = await client.query(`SELECT * FROM ${inner} LIMIT 0`);
        const fields = result.fields;
        if (fields.length === 0) return [];
        const types = await client.query<{ i: string; t: string; k: string | null }>(
          'SELECT u.i, format_type(u.o, u.m) AS t, (SELECT typtype FROM pg_type WHERE oid = u.o) AS k FROM unnest($1::oid[], $2::int[]) WITH ORDINALITY AS u(o, m, i)',
          [fields.map((f) => f.dataTypeID), fields.map((f) => f.dataTypeModifier)],
        );
        return fields.map((field, index) => {
          const row = types.rows.find((r) => Number(r.i) === index + 1);
          const sourceType = row?.t ?? `oid ${field.dataTypeID}`;
          return { name: field.name, sourceType, logical: postgresLogicalType(sourceType, row?.k ?? 'b') };
        });
      } catch (error) {
        throw new SourceError('query', message(error));
      }
    },

    read(columns, select: SourceSelect) {
      const { sql, params, chosen, cursorIndex } = selectStatement(columns, select, inner, { ident, placeholder: '$1' });
      async function* chunks(): AsyncGenerator<unknown[][]> {
        const reader = client.query(new Cursor<unknown[]>(sql, params, { rowMode: 'array', types: AS_TEXT }));
        const fetch = (): Promise<unknown[][]> =>
          reader.read(BATCH_ROWS).catch((error: unknown) => {
            throw new SourceError('query', message(error));
          });
        // The next batch is asked for before this one is handed on, so the server reads
        // while the warehouse appends (one read in flight at a time, as the cursor requires).
        let next = fetch();
        try {
          for (;;) {
            const rows = await next;
            if (rows.length === 0) return;
            next = fetch();
            yield rows;
          }
        } finally {
          await next.catch(() => undefined);
          await reader.close().catch(() => undefined);
        }
      }
      return batched(chunks(), chosen, cursorIndex);
    },

    async close() {
      await client.end().catch(() => undefined);
    },
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
