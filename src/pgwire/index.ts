/**
 * The PostgreSQL wire-protocol front end: any PostgreSQL client (psql, node-postgres,
 * psycopg, JDBC, BI tools) connects over TCP/TLS; statements go to a `PgBackend`
 * session. `ShadowCatalog` answers the catalog queries that clients send
 * (`\dt`, `\d`, schema browsers) from the relations the caller may see. See README.md.
 */
export { startPgServer, PgQueryError, serverVersion } from './server.js';
export type { PgBackend, PgColumn, PgResult, PgServer, PgServerOptions, PgSession } from './server.js';
export { ShadowCatalog } from './shadow-catalog.js';
export type { ShadowColumn, ShadowRelation } from './shadow-catalog.js';
export { splitStatements } from './sql-text.js';
export { pgTypeOf } from './types.js';
export type { PgType } from './types.js';
