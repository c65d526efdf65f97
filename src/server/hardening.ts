/**
 * What every answer of the server carries, and what every request must pass before
 * a route sees it: security headers, and a `Host` the server was told it answers to
 * (so a DNS-rebinding page cannot reach a server on loopback through the browser).
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from './api/errors.js';

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // React and xyflow set inline styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export function hostAllowed(host: string | undefined, allowed: readonly string[] | undefined): boolean {
  if (allowed === undefined || allowed.length === 0) return true;
  if (host === undefined) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? '');
  return allowed.includes(name.toLowerCase());
}

export function harden(app: FastifyInstance, allowedHosts: readonly string[] | undefined): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (!hostAllowed(request.headers.host, allowedHosts)) {
      done(new ApiError(421, 'misdirected', `This server answers to ${(allowedHosts ?? []).join(', ')}; start it with --host (or --allowed-host) naming the address you use.`));
      return;
    }
    done();
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    // Swagger UI ships inline scripts of its own; it keeps its page, the catalog gets the strict policy.
    if (!request.url.startsWith('/api/docs')) reply.header('content-security-policy', CSP);
    if (request.url.startsWith('/api/')) reply.header('cache-control', reply.getHeader('cache-control') ?? 'no-store');
  });
}
