/**
 * The web catalog: the static single-page app that `npm run build` writes to dist/web,
 * served next to the API. Any other GET that accepts HTML gets index.html, so that a
 * page's address (/products/commerce.orders) can be opened, reloaded and shared.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Two levels up from src/server/ and from dist/server/ is the package root either way. */
export const webCatalogDir = fileURLToPath(new URL('../../dist/web/', import.meta.url));

export function webCatalogBuilt(dir = webCatalogDir): boolean {
  return existsSync(join(dir, 'index.html'));
}

/** Registers the catalog's files and returns the handler for page addresses, or undefined when the catalog is not built. */
export async function registerWebCatalog(app: FastifyInstance, dir = webCatalogDir): Promise<((request: FastifyRequest, reply: FastifyReply) => FastifyReply) | undefined> {
  if (!webCatalogBuilt(dir)) return undefined;
  const index = readFileSync(join(dir, 'index.html'));
  await app.register(fastifyStatic, {
    root: dir,
    index: false,
    wildcard: false,
    // File names under assets/ carry a content hash, so they never change.
    setHeaders: (res, path) => {
      res.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  return (_request, reply) => reply.code(200).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index);
}

export function wantsPage(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] ?? '';
  // Page addresses may contain dots (/products/sales.orders), so files are told apart by folder, not by extension.
  return request.method === 'GET' && !/^\/(api|assets)(\/|$)/.test(path) && (request.headers.accept ?? '').includes('text/html');
}
