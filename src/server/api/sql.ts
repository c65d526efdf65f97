/** `POST /api/sql`: consumers' SQL over ports, through the gateway; `GET /api/sql/ports`: what the caller may read. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { GatewayError, type QueryResult } from '../../gateway/index.js';
import type { JsonValue } from '../../warehouse/index.js';
import { labelOf } from '../../access/index.js';
import { identityOf } from '../auth.js';
import type { ServerContext } from '../context.js';
import { ApiError } from './errors.js';
import { anyValue, errorResponses, obj } from './schemas.js';

/** Rows a JSON answer holds at most; streamed formats go to the gateway's own limit. */
const JSON_ROWS = 10_000;

interface SqlBody {
  sql: string;
  params?: (string | null)[];
  maxRows?: number;
  format?: 'json' | 'ndjson' | 'csv';
}

const sqlBody = obj(
  {
    sql: { type: 'string', minLength: 1, maxLength: 100_000 },
    params: { type: 'array', items: { type: ['string', 'null'] }, maxItems: 1000 },
    maxRows: { type: 'integer', minimum: 1 },
    format: { type: 'string', enum: ['json', 'ndjson', 'csv'], default: 'json' },
  },
  ['sql'],
);

const columnList = { type: 'array', items: obj({ name: { type: 'string' }, type: { type: 'string' } }, ['name', 'type']) };

const sqlAnswer = obj(
  {
    columns: columnList,
    rows: { type: 'array', items: { type: 'array', items: anyValue } },
    rowCount: { type: 'integer' },
    truncated: { type: 'boolean' },
  },
  ['columns', 'rows', 'rowCount', 'truncated'],
);

const portsAnswer = obj(
  {
    ports: {
      type: 'array',
      items: obj(
        {
          schema: { type: 'string' },
          name: { type: 'string' },
          description: { type: 'string' },
          columns: {
            type: 'array',
            items: obj({ name: { type: 'string' }, type: { type: 'string' }, nullable: { type: 'boolean' }, description: { type: 'string' }, masked: { type: 'string' } }, ['name', 'type', 'nullable']),
          },
        },
        ['schema', 'name', 'columns'],
      ),
    },
  },
  ['ports'],
);

/** A gateway refusal or failure as an API error: refusals all read the same. */
export function apiErrorOf(error: unknown): ApiError {
  if (!(error instanceof GatewayError)) return error instanceof ApiError ? error : new ApiError(500, 'internal', 'Internal server error; the server log says more.');
  const status = { refused: 403, syntax: 400, timeout: 408, cancelled: 499, rate_limited: 429, query_failed: 400, unauthorized: 401 }[error.code];
  return new ApiError(status, error.code, error.message);
}

function csvCell(value: JsonValue): string {
  if (value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

async function stream(reply: FastifyReply, result: QueryResult, format: 'ndjson' | 'csv'): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { 'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  const names = result.columns.map((c) => c.name);
  if (format === 'csv') raw.write(`${names.map((n) => csvCell(n)).join(',')}\r\n`);
  const write = (text: string): Promise<void> =>
    raw.write(text)
      ? Promise.resolve()
      : new Promise((done) => {
          raw.once('drain', () => {
            done();
          });
        });
  try {
    for await (const rows of result.chunks) {
      if (raw.destroyed) break;
      let text = '';
      for (const row of rows) {
        if (format === 'csv') text += `${row.map(csvCell).join(',')}\r\n`;
        else {
          const object: Record<string, JsonValue> = {};
          names.forEach((name, i) => Object.defineProperty(object, name, { value: row[i] ?? null, enumerable: true }));
          text += `${JSON.stringify(object)}\n`;
        }
      }
      await write(text);
    }
    if (format === 'ndjson' && result.summary.truncated) raw.write(`${JSON.stringify({ truncated: true, rowCount: result.summary.rows })}\n`);
  } catch (error) {
    const failure = apiErrorOf(error);
    if (format === 'ndjson') raw.write(`${JSON.stringify({ error: { code: failure.code, message: failure.message } })}\n`);
  }
  raw.end();
}

export function registerSql(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Body: SqlBody }>(
    '/sql',
    {
      schema: {
        summary: 'Run one SELECT over the ports you may read (masked as your access says); JSON, or NDJSON/CSV streamed',
        tags: ['sql'],
        body: sqlBody,
        response: { 200: sqlAnswer, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { sql, params = [], format = 'json' } = request.body;
      const identity = identityOf(request);
      const controller = new AbortController();
      // A client that goes away before its answer is written stops its query.
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) controller.abort();
      });
      const limit = format === 'json' ? Math.min(request.body.maxRows ?? JSON_ROWS, JSON_ROWS) : request.body.maxRows;
      const client = String(request.headers['x-tessera-client'] ?? request.headers['user-agent'] ?? 'http').slice(0, 200);
      // Catalog queries (information_schema, pg_catalog) are answered from a catalog holding only the caller's ports.
      if (/information_schema|pg_/i.test(sql)) {
        const shadow = await ctx.catalogs.acquire(await ctx.gateway.visibleRelations(identity), 'tessera', labelOf(identity));
        try {
          if (shadow.catalog.isCatalogQuery(sql)) {
            const answer = await shadow.catalog.query(sql, params);
            const rows = answer.rows.slice(0, limit ?? JSON_ROWS).map((row) => row.map((v) => (v === undefined ? null : (v as JsonValue))));
            return { columns: answer.columns, rows, rowCount: rows.length, truncated: rows.length < answer.rows.length };
          }
        } catch (error) {
          throw new ApiError(400, 'query_failed', error instanceof Error ? error.message.split('\n')[0] ?? 'The query failed.' : 'The query failed.');
        } finally {
          shadow.release();
        }
      }
      let result: QueryResult;
      try {
        result = await ctx.gateway.query(identity, sql, params, { path: 'http', client, signal: controller.signal, ...(limit === undefined ? {} : { maxRows: limit }) });
      } catch (error) {
        throw apiErrorOf(error);
      }
      if (format !== 'json') return stream(reply, result, format);
      const rows: JsonValue[][] = [];
      try {
        for await (const chunk of result.chunks) rows.push(...chunk);
      } catch (error) {
        throw apiErrorOf(error);
      }
      return { columns: result.columns, rows, rowCount: rows.length, truncated: result.summary.truncated };
    },
  );

  app.get(
    '/sql/ports',
    { schema: { summary: 'The ports you may query, with the columns you see (and which are masked)', tags: ['sql'], response: { 200: portsAnswer, ...errorResponses } } },
    async (request) => ({ ports: await ctx.gateway.visibleRelations(identityOf(request)) }),
  );
}
