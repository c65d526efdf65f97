/**
 * Where each kind of object lives in the warehouse. Consumers read only the domain
 * schemas (`commerce.orders`); everything else is Tessera's or a product's own.
 */

/** Version tables of every port: written, audited, then served through the domain view. */
export const VERSIONS_SCHEMA = 'tessera_versions';

/**
 * The raw relation of each port, `<domain>__<table>`: what owners, grants that say
 * `unmasked` and Tessera's own checks read. No consumer path may name this schema;
 * the gateway rewrites port names to it only when the access decision says raw.
 */
export const RAW_SCHEMA = 'tessera_raw';

export function rawView(domain: string, table: string): string {
  return `${domain}__${table}`;
}

/** How many published versions of a port are kept for rollback, the serving one included. */
export const KEEP_VERSIONS = 3;

/** The schema of a product's sources, models and snapshots: `<domain>__<product>`. */
export function productSchema(productId: string): string {
  const [domain = '', name = ''] = productId.split('.');
  return `${domain}__${name}`;
}

/** The table holding one version of a port: `<domain>__<table>__v<N>`. */
export function versionTable(domain: string, table: string, version: number): string {
  return `${domain}__${table}__v${version}`;
}

/** The port (`<domain>.<table>`) a version table belongs to, or undefined for a stray table. */
export function portOfVersionTable(name: string): { port: string; version: number } | undefined {
  const match = /^(.+?)__(.+)__v(\d+)$/.exec(name);
  if (!match) return undefined;
  return { port: `${match[1] ?? ''}.${match[2] ?? ''}`, version: Number(match[3]) };
}
