import { Gateway, QueryParser, type GatewayLimits } from '../gateway/index.js';
import { GATEWAY_ROLE } from '../access/index.js';
import { enginesHaveRoles, MASK_SALT } from '../runner/index.js';
import { SqlAccessStore, type StateStore } from '../state/index.js';
import type { Session, Warehouse } from '../warehouse/index.js';
import { Authenticator, ensureAdminToken } from './auth.js';
import { CatalogCache } from './catalog-cache.js';
import type { LoadedMesh } from './context.js';

/** What the server needs for governed access, opened over its warehouse. */
export interface ServerAccess {
  readonly access: SqlAccessStore;
  readonly gateway: Gateway;
  readonly auth: Authenticator;
  readonly maskSalt: string;
  /** The admin token, also written to .tessera/admin-token (0600) for the CLI of the same user. */
  readonly adminToken: string;
  /** Shadow catalogs that answer catalog queries (information_schema, pg_catalog) with only what a caller may see. */
  readonly catalogs: CatalogCache;
  close(): Promise<void>;
}

export async function openServerAccess(root: string, warehouse: Warehouse, state: StateStore, mesh: () => LoadedMesh, limits?: Partial<GatewayLimits>): Promise<ServerAccess> {
  // The second wall on an engine with roles: consumer queries act as the gateway's role,
  // which reads the ports and nothing else, whatever a query manages to name.
  const openSession = enginesHaveRoles(warehouse)
    ? async (): Promise<Session> => {
        const consumer = await warehouse.connect();
        await consumer.execute(`SET ROLE ${warehouse.dialect.ident(GATEWAY_ROLE)}`);
        return consumer;
      }
    : undefined;
  const session = await warehouse.connect();
  const access = new SqlAccessStore(session, warehouse.dialect);
  await access.migrate();
  const maskSalt = await state.secret(MASK_SALT);
  const parser = await QueryParser.open();
  const gateway = new Gateway({ warehouse, access, parser, mesh, ...(limits ? { limits } : {}), ...(openSession ? { openSession } : {}) });
  const auth = new Authenticator(access, () => mesh().mesh);
  const adminToken = await ensureAdminToken(root, access);
  const catalogs = new CatalogCache();
  return {
    catalogs,
    access,
    gateway,
    auth,
    maskSalt,
    adminToken,
    close: async () => {
      await catalogs.close();
      await gateway.close();
      await access.close();
      parser.close();
      await session.close();
    },
  };
}
