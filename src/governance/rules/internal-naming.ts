import { didYouMean, type SourcePosition } from '../../diagnostics/index.js';
import { IDENTIFIER, portTableName, type Mesh } from '../../spec/index.js';
import type { Finding, Rule } from '../rule.js';

export const DEFAULT_PREFIXES: readonly string[] = ['stg_', 'int_', 'tmp_', 'raw_'];

const OPTIONS = ['prefixes'];

/** The configured prefixes, or undefined (with an error finding) when the option is not a list of strings. */
function prefixesFrom(mesh: Mesh, options: Readonly<Record<string, unknown>>, findings: Finding[]): readonly string[] | undefined {
  for (const key of Object.keys(options)) {
    if (OPTIONS.includes(key)) continue;
    findings.push({
      message: `Policy internal-naming has no option \`${key}\`.${didYouMean(key, OPTIONS)}`,
      hint: `Options of internal-naming: prefixes (the name prefixes that mark internal assets, default ${DEFAULT_PREFIXES.join(', ')}).`,
      location: mesh.file.locate(['policies', 'internal-naming', 'options', key], { key: true }),
      severity: 'error',
    });
  }
  const value = options.prefixes;
  if (value === undefined) return DEFAULT_PREFIXES;
  if (Array.isArray(value) && value.every((p): p is string => typeof p === 'string' && p.length > 0)) return value;
  findings.push({
    message: `Option \`prefixes\` of policy internal-naming must be a list of non-empty strings, not ${JSON.stringify(value)}.`,
    hint: `Write it as a list, e.g. prefixes: [${DEFAULT_PREFIXES.join(', ')}].`,
    location: mesh.file.locate(['policies', 'internal-naming', 'options', 'prefixes']),
    severity: 'error',
  });
  return undefined;
}

/** The longest of `prefixes` that `name` starts with, case-insensitively. */
export function internalPrefix(name: string, prefixes: readonly string[]): string | undefined {
  const lowered = name.toLowerCase();
  let found: string | undefined;
  for (const prefix of prefixes) {
    if (lowered.startsWith(prefix.toLowerCase()) && (found === undefined || prefix.length > found.length)) found = prefix;
  }
  return found;
}

/** The name without its prefix, when that is still a name (`stg_orders` → `orders`). */
function withoutPrefix(name: string, prefix: string): string | undefined {
  const rest = name.slice(prefix.length);
  return rest.length > 0 && IDENTIFIER.test(rest) ? rest : undefined;
}

interface Exposed {
  readonly message: string;
  readonly rename: (suggestion: string | undefined, taken: boolean) => string;
  readonly location: () => SourcePosition;
}

export const internalNamingRule: Rule = {
  id: 'internal-naming',
  description: 'Ports are the public face of a product: their names and columns do not expose internal naming such as stg_, int_, tmp_ or raw_.',
  defaultSeverity: 'warning',
  fixable: false,
  options: {
    prefixes: { description: 'Name prefixes that mark internal assets (staging, intermediate, temporary, raw).', default: DEFAULT_PREFIXES },
  },
  check({ mesh, options }) {
    const findings: Finding[] = [];
    const prefixes = prefixesFrom(mesh, options, findings);
    if (!prefixes || prefixes.length === 0) return findings;

    /** Lowercased `<domain>.<table>` of every port, to tell whether a suggestion is taken. */
    const tables = new Set(mesh.products.flatMap((p) => (p.spec.ports ?? []).map((port) => `${p.spec.domain}.${portTableName(port)}`.toLowerCase())));
    const report = (name: string, domain: string, exposed: Exposed, isTaken: (suggestion: string) => boolean): void => {
      const prefix = internalPrefix(name, prefixes);
      if (prefix === undefined) return;
      const suggestion = withoutPrefix(name, prefix);
      findings.push({
        message: `${exposed.message} starts with \`${prefix}\`, a prefix for internal assets, but a port is the product's public face.`,
        hint: exposed.rename(suggestion, suggestion !== undefined && isTaken(suggestion)),
        location: exposed.location(),
        domain,
      });
    };

    for (const product of mesh.products) {
      const { spec, file } = product;
      const domain = spec.domain;
      (spec.ports ?? []).forEach((port, i) => {
        const table = `${domain}.${portTableName(port)}`;
        report(
          port.name,
          domain,
          {
            message: `Port ${table}`,
            rename: (suggestion, taken) => {
              const keep = port.model === undefined ? `, and set \`model: ${port.name}\` so that the same model still feeds it` : '';
              if (suggestion === undefined || taken) {
                const note = suggestion === undefined ? '' : ` (${domain}.${portTableName({ name: suggestion, version: port.version })} is taken)`;
                return `Rename the port to a consumer-facing name${note}${keep}.`;
              }
              return `Rename the port to a consumer-facing name such as \`${suggestion}\`${keep}.`;
            },
            location: () => file.locate(['ports', i, 'name']),
          },
          (suggestion) => tables.has(`${domain}.${portTableName({ name: suggestion, version: port.version })}`.toLowerCase()),
        );
        const columns = new Set((port.columns ?? []).map((c) => c.name.toLowerCase()));
        (port.columns ?? []).forEach((column, j) => {
          report(
            column.name,
            domain,
            {
              message: `Column \`${column.name}\` of port ${table}`,
              rename: (suggestion, taken) =>
                suggestion === undefined || taken
                  ? `Rename it to a consumer-facing name${taken ? ` (\`${suggestion ?? ''}\` is taken in this port)` : ''}, in the contract and as an alias in the SQL.`
                  : `Rename it to a consumer-facing name such as \`${suggestion}\`: \`${column.name} AS ${suggestion}\` in the SQL, and in the contract.`,
              location: () => file.locate(['ports', i, 'columns', j, 'name']),
            },
            (suggestion) => columns.has(suggestion.toLowerCase()),
          );
        });
      });
    }
    return findings;
  },
};
