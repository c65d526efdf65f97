import { createHash } from 'node:crypto';
import type { PortNode } from '../compiler/index.js';
import type { CheckRecord, StateStore } from '../state/index.js';
import type { ColumnInfo, Dialect, JsonValue, Session } from '../warehouse/index.js';
import { evaluateChecks, type ChecksOutcome } from './evaluate-checks.js';

/** A difference between the contract's columns and the table's. */
export interface SchemaFinding {
  readonly column: string;
  readonly passed: boolean;
  /** The type found, or null when the column is missing. */
  readonly observed: JsonValue;
  readonly expected: string;
  readonly message: string;
}

export interface AuditResult {
  readonly passed: boolean;
  readonly rows: number;
  readonly schema: readonly SchemaFinding[];
  readonly checks: ChecksOutcome;
  readonly columns: readonly ColumnInfo[];
  /**
   * The version's content, order-independent: a hash of its columns (names and types)
   * and of the multiset of its rows. Equal digests mean equal data, so a run whose
   * data did not change publishes nothing new.
   */
  readonly digest: string;
}

/** Declared columns against the table: present, and of the declared type (as the engine spells it). */
export async function schemaFindings(session: Session, d: Dialect, port: PortNode, actual: readonly ColumnInfo[]): Promise<SchemaFinding[]> {
  const declared = port.spec.columns ?? [];
  const byName = new Map(actual.map((c) => [c.name.toLowerCase(), c]));
  const typed = declared.filter((c) => c.type !== undefined && byName.has(c.name.toLowerCase()));
  const canonical = typed.length === 0 ? {} : ((await session.query(d.canonicalTypes(typed.map((c) => c.type ?? ''))))[0] ?? {});
  const findings: SchemaFinding[] = [];
  for (const column of declared) {
    const found = byName.get(column.name.toLowerCase());
    if (!found) {
      findings.push({ column: column.name, passed: false, observed: null, expected: column.type ?? 'present', message: `column \`${column.name}\` is missing (the table has ${actual.map((c) => c.name).join(', ')})` });
      continue;
    }
    const index = typed.indexOf(column);
    if (index < 0) continue;
    const spelled = canonical[`t${index}`];
    const want = typeof spelled === 'string' ? spelled : (column.type ?? '');
    const passed = want === found.type;
    findings.push({ column: column.name, passed, observed: found.type, expected: want, message: passed ? 'ok' : `column \`${column.name}\` is ${found.type}, the contract says ${want}` });
  }
  return findings;
}

/**
 * Audits a new version of a port: its columns against the contract, then every
 * check (the contract's implied ones and those written) through the checks engine.
 * A check at level `fail` (or one that cannot run) rejects the version; `warn` does not.
 */
export async function auditVersion(
  session: Session,
  d: Dialect,
  state: StateStore,
  port: PortNode,
  table: { schema: string; name: string },
  run: { runId: number; now: Date },
): Promise<AuditResult> {
  const columns = await session.columns(table.schema, table.name);
  const schema = await schemaFindings(session, d, port, columns);
  const present = new Set(columns.map((c) => c.name.toLowerCase()));
  // Checks on missing columns would only repeat the schema finding as an SQL error.
  const runnable = port.checks.filter((c) => !(c.implied && c.type === 'metric' && 'column' in c.metric && !present.has(c.metric.column.toLowerCase())));
  const checks = await evaluateChecks(session, d, state, { nodeId: port.id, table: d.table(table.schema, table.name), checks: runnable, ...run });
  // The row count and the content digest in one scan (order-independent; see Dialect.contentDigest).
  const [row] = await session.query(d.contentDigest(table.schema, table.name));
  const rows = Number(row?.n ?? 0);
  const digest = createHash('sha256')
    .update(JSON.stringify([columns.map((c) => [c.name, c.type]), rows, row?.hash_sum ?? null, row?.hash_xor ?? null]))
    .digest('hex')
    .slice(0, 32);
  return { passed: schema.every((f) => f.passed) && checks.failed.length === 0, rows, schema, checks, columns, digest };
}

/** What the audit's failures say, one phrase each. */
export function auditProblems(audit: AuditResult): string[] {
  return [...audit.schema.filter((f) => !f.passed).map((f) => f.message), ...audit.checks.failed.map(checkProblem)];
}

export function checkProblem(result: CheckRecord): string {
  return result.outcome === 'error' ? `check \`${result.name}\` could not run: ${result.message}` : `check \`${result.name}\` failed: ${result.message}`;
}
