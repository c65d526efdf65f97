/**
 * Who a request acts as. Every `/api` request carries a token (`Authorization: Bearer
 * tsr_…`, or the catalog's session cookie); the token names an identity, and the
 * identity's teams come from teams.yaml as it is now, so leaving a team takes effect
 * at once.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { teamsOfEmail, type Identity } from '../access/index.js';
import type { Mesh } from '../spec/index.js';
import type { SqlAccessStore, TokenRecord } from '../state/index.js';
import { tesseraDir } from '../workspace/index.js';
import { ApiError } from './api/errors.js';

export const SESSION_COOKIE = 'tessera_session';

/** Where `tessera serve` leaves the admin token for the CLI of the same user (mode 0600). */
export function adminTokenPath(root: string): string {
  return join(tesseraDir(root), 'admin-token');
}

/** The identity a token acts as; members are refused once they are in no team's member list (and were never the admin). */
export function identityOfToken(token: TokenRecord, mesh: Mesh | undefined): Identity {
  switch (token.subject.kind) {
    case 'admin':
      return { kind: 'admin', name: token.subject.name };
    case 'service':
      return { kind: 'service', name: token.subject.name };
    case 'member':
      return { kind: 'member', email: token.subject.email, teams: mesh ? teamsOfEmail(mesh, token.subject.email) : [] };
  }
}

/** The token a request carries: the Authorization header, else the catalog's session cookie. */
export function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1];
  }
  const cookie = request.headers.cookie;
  if (typeof cookie !== 'string') return undefined;
  for (const part of cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

export class Authenticator {
  /** One-time codes of login links, valid until used or until they expire. */
  private readonly loginCodes = new Map<string, number>();
  private readonly cache = new Map<string, { token: TokenRecord; at: number }>();

  constructor(
    private readonly access: SqlAccessStore,
    private readonly mesh: () => Mesh | undefined,
  ) {}

  /** The identity of a token, or undefined; verified tokens are remembered for 5 s. */
  async identify(secret: string | undefined): Promise<{ identity: Identity; token: TokenRecord } | undefined> {
    if (secret === undefined) return undefined;
    const now = Date.now();
    let known = this.cache.get(secret);
    if (!known || now - known.at > 5000) {
      const token = await this.access.verifyToken(secret);
      if (!token) {
        this.cache.delete(secret);
        return undefined;
      }
      if (!known) void this.access.touchToken(token.id).catch(() => undefined);
      known = { token, at: now };
      this.cache.set(secret, known);
    }
    if (known.token.expiresAt !== undefined && Date.parse(known.token.expiresAt) <= now) return undefined;
    return { identity: identityOfToken(known.token, this.mesh()), token: known.token };
  }

  /** Forget remembered tokens (after a revocation). */
  forget(): void {
    this.cache.clear();
  }

  /** A one-time code for a login link (valid for a day, or until used). */
  loginCode(): string {
    const code = randomBytes(18).toString('base64url');
    this.loginCodes.set(code, Date.now() + 86_400_000);
    return code;
  }

  /** Spends a login code: true once, for an unexpired code. */
  spendLoginCode(code: string): boolean {
    const until = this.loginCodes.get(code);
    this.loginCodes.delete(code);
    return until !== undefined && until > Date.now();
  }

  /** Fastify hook: every `/api` route but the login needs an identity. */
  async require(request: FastifyRequest): Promise<void> {
    const found = await this.identify(tokenOf(request));
    if (!found) throw new ApiError(401, 'unauthorized', 'A token is needed: send `Authorization: Bearer <token>` (`tessera token create`), or open the login link `tessera serve` printed.');
    request.identity = found.identity;
    request.tokenId = found.token.id;
  }
}

/** The admin token of this mesh's server, made on first start and kept readable by its user only. */
export async function ensureAdminToken(root: string, access: SqlAccessStore): Promise<string> {
  const path = adminTokenPath(root);
  if (existsSync(path)) {
    const secret = readFileSync(path, 'utf8').trim();
    const token = await access.verifyToken(secret);
    if (token?.subject.kind === 'admin') {
      chmodSync(path, 0o600);
      return secret;
    }
  }
  const { secret } = await access.createToken({ kind: 'admin', name: 'local' }, { createdBy: 'tessera serve' });
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return secret;
}

/** The identity a request was authenticated as (set by the hook; every /api handler may rely on it). */
export function identityOf(request: FastifyRequest): Identity {
  if (!request.identity) throw new ApiError(401, 'unauthorized', 'A token is needed.');
  return request.identity;
}

declare module 'fastify' {
  interface FastifyRequest {
    identity?: Identity;
    tokenId?: string;
  }
}
