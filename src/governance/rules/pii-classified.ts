import type { SourcePosition } from '../../diagnostics/index.js';
import { portTableName, type ColumnSpec, type Mesh, type Product, type SpecPath } from '../../spec/index.js';
import type { Finding, Rule } from '../rule.js';
import { personalDataReason, type PersonalDataOptions } from './personal-data.js';

const ID = 'pii-classified';

/** Reads `patterns` and `ignore`; a malformed option is itself a finding, pointing into tessera.yaml. */
function readOptions(mesh: Mesh, options: Readonly<Record<string, unknown>>): { options: PersonalDataOptions; problems: Finding[] } {
  const problems: Finding[] = [];
  const at = (...path: SpecPath): SourcePosition => mesh.file.locate(['policies', ID, 'options', ...path]);
  const strings = (key: string): string[] => {
    const value = options[key];
    if (value === undefined) return [];
    if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) return value;
    problems.push({
      message: `Option \`${key}\` of policy ${ID} must be a list of strings.`,
      hint: key === 'patterns' ? 'Write it as e.g. `patterns: ["^cust_ref$", "loyalty_card"]`.' : 'Write it as e.g. `ignore: [email_domain]`.',
      location: at(key),
      severity: 'error',
    });
    return [];
  };
  const patterns: RegExp[] = [];
  strings('patterns').forEach((source, k) => {
    try {
      patterns.push(new RegExp(source, 'i'));
    } catch (error) {
      problems.push({
        message: `Pattern \`${source}\` of policy ${ID} is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}.`,
        hint: 'Fix the regular expression (JavaScript syntax, matched case-insensitively against column names).',
        location: at('patterns', k),
        severity: 'error',
      });
    }
  });
  return { options: { patterns, ignore: strings('ignore') }, problems };
}

interface ColumnList {
  /** e.g. "port commerce.customers" */
  readonly owner: string;
  /** Path of the `columns` list in product.yaml. */
  readonly path: SpecPath;
  readonly columns: readonly ColumnSpec[];
}

/** Every declared column list of a product: sources, models, ports, in the order of product.yaml's sections. */
function columnLists(product: Product): ColumnList[] {
  const { spec } = product;
  return [
    ...(spec.sources ?? []).map((s, i) => ({ owner: `source \`${s.name}\` of ${product.id}`, path: ['sources', i, 'columns'], columns: s.columns ?? [] })),
    ...(spec.models ?? []).map((m, i) => ({ owner: `model \`${m.name}\` of ${product.id}`, path: ['models', i, 'columns'], columns: m.columns ?? [] })),
    ...(spec.ports ?? []).map((p, i) => ({ owner: `port ${spec.domain}.${portTableName(p)}`, path: ['ports', i, 'columns'], columns: p.columns ?? [] })),
  ];
}

const byId = (a: Product, b: Product): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Columns that look like personal data must say how they are classified, so that masking and access rules can apply. */
export const piiClassifiedRule: Rule = {
  id: ID,
  description: 'Columns whose name or type suggests personal data (e-mail, phone, name, address, birth date, IBAN, …) must declare a `classification`.',
  defaultSeverity: 'error',
  fixable: true,
  options: {
    patterns: { description: 'Extra regular expressions (case-insensitive) for column names that hold personal data.', default: [] },
    ignore: { description: 'Column names that look like personal data but are not.', default: [] },
  },
  check({ mesh, options }) {
    const { options: heuristics, problems } = readOptions(mesh, options);
    const findings = [...problems];
    for (const product of [...mesh.products].sort(byId)) {
      for (const list of columnLists(product)) {
        list.columns.forEach((column, j) => {
          if (column.classification !== undefined) return;
          const reason = personalDataReason(column, heuristics);
          if (reason === undefined) return;
          const path = [...list.path, j];
          findings.push({
            message: `Column \`${column.name}\` of ${list.owner} has no classification, but ${reason}.`,
            hint: 'Set `classification: pii` on the column, or the classification that fits if it holds no personal data (or list it under the policy\'s `ignore` option).',
            location: product.file.locate([...path, 'name']),
            domain: product.spec.domain,
            fix: [{ file: product.file.path, path: [...path, 'classification'], value: 'pii' }],
          });
        });
      }
    }
    return findings;
  },
};
