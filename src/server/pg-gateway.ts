/**
 * The PostgreSQL wire protocol as a door of the gateway: the user is an e-mail (or a
 * service account's name, or `admin`), the password a token; every statement goes
 * through the same gateway as `POST /api/sql`. Catalog queries (`\dt`, `\d port`, a
 * BI tool's schema browser) are answered by a shadow catalog that holds only the ports
 * the identity may read, with no data in it.
 */
import { labelOf, type Identity } from '../access/index.js';
import { GatewayError, type Gateway } from '../gateway/index.js';
import { PgQueryError, startPgServer, type PgColumn, type PgResult, type PgServer, type PgSession, type ShadowCatalog } from '../pgwire/index.js';
import type { CatalogCache } from './catalog-cache.js';
import type { Authenticator } from './auth.js';

const SQLSTATE: Record<GatewayError['code'], string> = {
  refused: '42501',
  syntax: '42601',
  timeout: '57014',
  cancelled: '57014',
  rate_limited: '53400',
  query_failed: '22000',
  unauthorized: '28000',
};

function pgError(error: unknown): PgQueryError {
  if (error instanceof PgQueryError) return error;
  if (error instanceof GatewayError) return new PgQueryError(SQLSTATE[error.code], error.code === 'cancelled' ? 'canceling statement due to user request' : error.message);
  return new PgQueryError('XX000', 'internal error; the server log says more');
}

/** Whether the user name a client sent is the identity its token names (psql's default user is the OS login). */
function userMatches(user: string, identity: Identity): boolean {
  const name = user.toLowerCase();
  switch (identity.kind) {
    case 'member':
      return name === identity.email.toLowerCase();
    case 'service':
      return name === identity.name.toLowerCase() || name === `service:${identity.name.toLowerCase()}`;
    case 'admin':
      return name === 'admin' || name === identity.name.toLowerCase();
    case 'product':
      return false;
  }
}

export async function startPgGateway(options: {
  readonly host: string;
  readonly port: number;
  readonly gateway: Gateway;
  readonly auth: Authenticator;
  readonly catalogs: CatalogCache;
  readonly tls?: { readonly cert: string; readonly key: string };
}): Promise<PgServer & { close(): Promise<void> }> {
  const { gateway, auth, catalogs } = options;
  const server = await startPgServer({
    host: options.host,
    port: options.port,
    ...(options.tls ? { tls: { cert: options.tls.cert, key: options.tls.key } } : {}),
    backend: {
      authenticate: async (user, password, meta): Promise<PgSession | undefined> => {
        const found = await auth.identify(password);
        if (!found || !userMatches(user, found.identity)) return undefined;
        const identity = found.identity;
        const client = meta.applicationName ?? 'pg';
        let shadow: { catalog: ShadowCatalog; release: () => void } | undefined;
        const catalog = async (): Promise<ShadowCatalog> => {
          shadow ??= await catalogs.acquire(await gateway.visibleRelations(identity), meta.database, labelOf(identity));
          return shadow.catalog;
        };
        const run = async (sql: string, params: readonly (string | null)[], signal: AbortSignal | undefined, maxRows?: number): Promise<PgResult> => {
          const shadowCatalog = await catalog();
          if (shadowCatalog.isCatalogQuery(sql)) return shadowCatalog.query(sql, params, signal);
          try {
            const result = await gateway.query(identity, sql, params, { path: 'pg', client, ...(signal ? { signal } : {}), ...(maxRows === undefined ? {} : { maxRows }) });
            // Rows go to the client chunk by chunk as the engine yields them (the protocol layer waits for the socket).
            const iterator = result.chunks[Symbol.asyncIterator]();
            const first = await iterator.next().catch((error: unknown) => {
              throw pgError(error);
            });
            async function* more(): AsyncGenerator<unknown[][]> {
              try {
                for (;;) {
                  const next = await iterator.next();
                  if (next.done === true) break;
                  yield next.value;
                }
              } catch (error) {
                throw pgError(error);
              } finally {
                await iterator.return?.();
              }
              if (result.summary.truncated && maxRows === undefined) {
                throw new PgQueryError('53400', `The result has more rows than the limit of ${result.summary.rows.toLocaleString('en-US')}; add a LIMIT or aggregate.`);
              }
            }
            return { columns: result.columns, rows: first.done === true ? [] : first.value, more: more() };
          } catch (error) {
            throw pgError(error);
          }
        };
        return {
          query: (sql, params, signal) => run(sql, params, signal),
          describe: async (sql, params): Promise<readonly PgColumn[]> => {
            const shadowCatalog = await catalog();
            if (shadowCatalog.isCatalogQuery(sql)) return shadowCatalog.describe(sql, params);
            return (await run(sql, params.map(() => null), undefined, 1)).columns;
          },
          close: () => {
            shadow?.release();
          },
        };
      },
    },
    logger: () => undefined,
  });
  return {
    port: server.port,
    host: server.host,
    close: () => server.close(),
  };
}
