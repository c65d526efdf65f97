import type { PortNode } from '../compiler/index.js';
import type { ColumnSpec } from '../spec/index.js';
import type { ColumnInfo, Dialect, JsonValue, Session } from '../warehouse/index.js';

/** One thing the audit checked about a new version of a port. */
export interface AuditFinding {
  /** e.g. `schema`, `type`, `required`, `unique`, `allowed_values`, `grain`. */
  readonly check: string;
  readonly column?: string;
  readonly passed: boolean;
  /** What was measured: a count, or the type found. */
  readonly observed: JsonValue;
  readonly expected: string;
  readonly message: string;
}

export interface AuditResult {
  readonly passed: boolean;
  readonly rows: number;
  readonly findings: readonly AuditFinding[];
}

/**
 * A check the audit runs as one aggregate over the version table. Checks of the
 * same table are fused into one scan; the checks issue adds its grammar here.
 */
export interface AggregateCheck {
  readonly check: string;
  readonly column?: string;
  /** An aggregate expression over the table, e.g. `count(*) FILTER (WHERE "id" IS NULL)`. */
  readonly expression: string;
  readonly expected: string;
  /** Whether the measured value passes, and what to say about it. */
  judge(value: JsonValue): { passed: boolean; message: string };
}

const isZero = (value: JsonValue): boolean => Number(value) === 0;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The checks a port's contract implies: required → no NULLs, unique and the grain → no duplicates, allowed values. */
export function contractChecks(port: PortNode, present: ReadonlySet<string>, d: Dialect): AggregateCheck[] {
  const checks: AggregateCheck[] = [];
  const columns = (port.spec.columns ?? []).filter((c) => present.has(c.name.toLowerCase()));
  for (const column of columns) {
    const c = d.ident(column.name);
    if (column.required) {
      checks.push(zeroCheck('required', column.name, `count(*) FILTER (WHERE ${c} IS NULL)`, (n) => `${plural(n, 'row')} with NULL in required column \`${column.name}\``));
    }
    if (column.unique) {
      checks.push(zeroCheck('unique', column.name, `count(${c}) - count(DISTINCT ${c})`, (n) => `${plural(n, 'duplicate value')} in unique column \`${column.name}\``));
    }
    if (column.allowed_values) {
      const list = column.allowed_values.map((v) => d.literal(v)).join(', ');
      checks.push(zeroCheck('allowed_values', column.name, `count(*) FILTER (WHERE ${c} IS NOT NULL AND ${c} NOT IN (${list}))`, (n) => `${plural(n, 'row')} of \`${column.name}\` outside the allowed values (${allowedText(column)})`));
    }
  }
  const grain = port.spec.unique_key === undefined ? [] : [port.spec.unique_key].flat();
  if (grain.length > 1 && grain.every((k) => present.has(k.toLowerCase()))) {
    const tuple = `(${grain.map((k) => d.ident(k)).join(', ')})`;
    checks.push(zeroCheck('grain', grain.join(', '), `count(*) - count(DISTINCT ${tuple})`, (n) => `${plural(n, 'row')} repeat the grain (${grain.join(', ')}) of another row`));
  } else if (grain.length === 1 && present.has((grain[0] ?? '').toLowerCase()) && !columns.some((c) => c.unique && c.name === grain[0])) {
    const c = d.ident(grain[0] ?? '');
    checks.push(zeroCheck('grain', grain[0] ?? '', `count(*) - count(DISTINCT ${c})`, (n) => `${plural(n, 'row')} repeat the grain (${grain[0] ?? ''}) of another row`));
  }
  return checks;
}

function allowedText(column: ColumnSpec): string {
  return (column.allowed_values ?? []).map(String).join(', ');
}

function zeroCheck(check: string, column: string, expression: string, describe: (n: number) => string): AggregateCheck {
  return {
    check,
    column,
    expression,
    expected: '0',
    judge: (value) => ({ passed: isZero(value), message: isZero(value) ? 'ok' : describe(Number(value)) }),
  };
}

/** Declared columns against the table: present, and of the declared type (as the engine spells it). */
export async function schemaFindings(session: Session, d: Dialect, port: PortNode, actual: readonly ColumnInfo[]): Promise<AuditFinding[]> {
  const declared = port.spec.columns ?? [];
  const byName = new Map(actual.map((c) => [c.name.toLowerCase(), c]));
  const typed = declared.filter((c) => c.type !== undefined && byName.has(c.name.toLowerCase()));
  const canonical = typed.length === 0 ? {} : ((await session.query(d.canonicalTypes(typed.map((c) => c.type ?? ''))))[0] ?? {});
  const findings: AuditFinding[] = [];
  for (const column of declared) {
    const found = byName.get(column.name.toLowerCase());
    if (!found) {
      findings.push({ check: 'schema', column: column.name, passed: false, observed: null, expected: column.type ?? 'present', message: `column \`${column.name}\` is missing (the table has ${actual.map((c) => c.name).join(', ')})` });
      continue;
    }
    const index = typed.indexOf(column);
    if (index < 0) continue;
    const spelled = canonical[`t${index}`];
    const want = typeof spelled === 'string' ? spelled : (column.type ?? '');
    const passed = want === found.type;
    findings.push({ check: 'type', column: column.name, passed, observed: found.type, expected: want, message: passed ? 'ok' : `column \`${column.name}\` is ${found.type}, the contract says ${want}` });
  }
  return findings;
}

/** Audits a version table against the port's contract: schema first, then every aggregate check in one scan. */
export async function auditVersion(
  session: Session,
  d: Dialect,
  port: PortNode,
  table: { schema: string; name: string },
  extraChecks: readonly AggregateCheck[] = [],
): Promise<AuditResult & { columns: readonly ColumnInfo[] }> {
  const columns = await session.columns(table.schema, table.name);
  const findings = await schemaFindings(session, d, port, columns);
  const present = new Set(columns.map((c) => c.name.toLowerCase()));
  const checks = [...contractChecks(port, present, d), ...extraChecks];
  const select = ['count(*) AS "row_count"', ...checks.map((c, i) => `${c.expression} AS "m${i}"`)].join(', ');
  const [row = {}] = await session.query(`SELECT ${select} FROM ${d.table(table.schema, table.name)}`);
  checks.forEach((check, i) => {
    const value = row[`m${i}`] ?? null;
    const verdict = check.judge(value);
    findings.push({ check: check.check, ...(check.column === undefined ? {} : { column: check.column }), passed: verdict.passed, observed: value, expected: check.expected, message: verdict.message });
  });
  return { passed: findings.every((f) => f.passed), rows: Number(row.row_count ?? 0), findings, columns };
}
