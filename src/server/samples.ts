/**
 * Sample rows of failing checks carry real data, so every answer that holds them
 * enforces the access decision: the owners (and the admin) see them raw; a reader of
 * the port sees them masked as the port's masked relation would show them; anyone
 * else, and anyone but the owners for a product's internal tables, sees none.
 */
import { createHash } from 'node:crypto';
import { decidePortAccess, teamsOf, type Grant, type Identity, type Masking, type PortPolicy } from '../access/index.js';
import type { MeshGraph } from '../compiler/index.js';
import type { CheckRecord } from '../state/index.js';

/** A value as the masked relation shows it (the dialect's `maskColumn`, in JavaScript). */
export function maskValue(value: unknown, masking: Masking, salt: string): unknown {
  if (value === null || value === undefined) return null;
  if (masking === 'remove') return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (masking === 'hash') return createHash('sha256').update(salt + text).digest('hex').slice(0, 32);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return `${text.slice(0, 4)}-01-01`;
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) return `${text.slice(0, 4)}-01-01T00:00:00`;
  const at = text.indexOf('@');
  return at >= 0 ? `${text.slice(0, 1)}***@${text.slice(at + 1)}` : `${text.slice(0, 1)}***`;
}

export interface SampleAccess {
  readonly identity: Identity;
  readonly graph: MeshGraph;
  readonly policies: ReadonlyMap<string, PortPolicy>;
  readonly grants: readonly Grant[];
  readonly salt: string;
  readonly now: Date;
}

/** The check records with their samples as `access.identity` may see them. */
export function samplesFor(checks: readonly CheckRecord[], access: SampleAccess): CheckRecord[] {
  return checks.map((check) => {
    if (check.sample === undefined) return check;
    const { sample, ...rest } = check;
    const shown = visibleSample(check.nodeId, sample, access);
    return shown === undefined ? { ...rest, sampleHidden: true } : { ...rest, sample: shown };
  });
}

function visibleSample(nodeId: string, sample: readonly Record<string, unknown>[], access: SampleAccess): Record<string, unknown>[] | undefined {
  const { identity, graph } = access;
  const node = graph.nodes.get(nodeId);
  if (!node) return identity.kind === 'admin' ? [...sample] : undefined;
  if (node.kind !== 'port') {
    const owner = graph.products.get(node.product)?.owner;
    return identity.kind === 'admin' || (owner !== undefined && teamsOf(identity).includes(owner)) ? [...sample] : undefined;
  }
  const policy = access.policies.get(`${node.domain}.${node.table}`);
  if (!policy) return undefined;
  const decision = decidePortAccess(identity, policy, access.grants, access.now);
  if (!decision.allowed) return undefined;
  if (decision.relation === 'raw') return [...sample];
  return sample.map((row) => {
    const masked: Record<string, unknown> = {};
    for (const [column, value] of Object.entries(row)) {
      const masking = decision.masks.get(column);
      Object.defineProperty(masked, column, { value: masking === undefined ? value : maskValue(value, masking, access.salt), enumerable: true, writable: true, configurable: true });
    }
    return masked;
  });
}
