import { didYouMean } from '../../diagnostics/index.js';
import type { Mesh } from '../../spec/index.js';
import type { Finding, Rule } from '../rule.js';
import { KINDS, namesOf, type Kind } from './names.js';
import { toSnakeCase } from './words.js';

/** snake_case: lowercase words of letters and digits joined by single underscores. */
export const SNAKE_CASE = '^[a-z][a-z0-9]*(_[a-z0-9]+)*$';


const LABEL: Record<Kind, string> = {
  products: 'Product',
  ports: 'Port',
  models: 'Model',
  sources: 'Source',
  snapshots: 'Snapshot',
  columns: 'Column',
};

interface Pattern {
  /** As written in tessera.yaml (or the default). */
  readonly source: string;
  /** Anchored: the whole name must match. */
  readonly regex: RegExp;
  /** The option it comes from (`pattern` or the kind), undefined for the default. */
  readonly option?: string;
}

function optionPath(key: string): string[] {
  return ['policies', 'naming', 'options', key];
}

/** Reads the options; mistakes in them become error findings, and the kinds they would configure are not checked. */
function patternsFrom(mesh: Mesh, options: Readonly<Record<string, unknown>>, findings: Finding[]): Map<Kind, Pattern | undefined> {
  const known = ['pattern', ...KINDS];
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    findings.push({
      message: `Policy naming has no option \`${key}\`.${didYouMean(key, known)}`,
      hint: `Options of naming: ${known.join(', ')} (regular expressions the whole name must match).`,
      location: mesh.file.locate(optionPath(key), { key: true }),
      severity: 'error',
    });
  }
  const compiled = new Map<string, Pattern | undefined>();
  const read = (key: string): Pattern | undefined => {
    if (compiled.has(key)) return compiled.get(key);
    const value = options[key];
    let pattern: Pattern | undefined;
    if (typeof value !== 'string') {
      findings.push({
        message: `Option \`${key}\` of policy naming must be a regular expression as a string, not ${JSON.stringify(value)}.`,
        hint: `Write it as a quoted string, e.g. ${key}: '${SNAKE_CASE}'.`,
        location: mesh.file.locate(optionPath(key)),
        severity: 'error',
      });
    } else {
      try {
        new RegExp(value);
        pattern = { source: value, regex: new RegExp(`^(?:${value})$`), option: key };
      } catch (error) {
        const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(error);
        findings.push({
          message: `Option \`${key}\` of policy naming, \`${value}\`, is not a valid regular expression: ${reason}.`,
          hint: 'Fix the pattern (JavaScript regular expression syntax); names using it are not checked until then.',
          location: mesh.file.locate(optionPath(key)),
          severity: 'error',
        });
      }
    }
    compiled.set(key, pattern);
    return pattern;
  };
  const fallback: Pattern = { source: SNAKE_CASE, regex: new RegExp(SNAKE_CASE) };
  const general = 'pattern' in options ? read('pattern') : fallback;
  const patterns = new Map<Kind, Pattern | undefined>();
  for (const kind of KINDS) patterns.set(kind, kind in options ? read(kind) : general);
  return patterns;
}

export const namingRule: Rule = {
  id: 'naming',
  description: 'Names of products, ports, models, sources, snapshots and port columns follow one convention (default snake_case), so the mesh reads as one language.',
  defaultSeverity: 'warning',
  fixable: false,
  options: {
    pattern: { description: 'Regular expression every name must match as a whole.', default: SNAKE_CASE },
    products: { description: 'Pattern for product names (default: `pattern`).', default: undefined },
    ports: { description: "Pattern for port names, e.g. '^(fct|dim)_[a-z0-9_]+$' (default: `pattern`).", default: undefined },
    models: { description: 'Pattern for model names (default: `pattern`).', default: undefined },
    sources: { description: 'Pattern for source names (default: `pattern`).', default: undefined },
    snapshots: { description: 'Pattern for snapshot names (default: `pattern`).', default: undefined },
    columns: { description: 'Pattern for port column names (default: `pattern`).', default: undefined },
  },
  check({ mesh, options }) {
    const findings: Finding[] = [];
    const patterns = patternsFrom(mesh, options, findings);
    for (const product of mesh.products) {
      for (const named of namesOf(product)) {
        const pattern = patterns.get(named.kind);
        if (!pattern || pattern.regex.test(named.name)) continue;
        const described = pattern.option === undefined ? `the naming convention, snake_case (\`${pattern.source}\`)` : `the naming pattern \`${pattern.source}\``;
        const suggestion = toSnakeCase(named.name);
        const hint =
          suggestion !== named.name && suggestion.length > 0 && pattern.regex.test(suggestion)
            ? `Rename it to \`${suggestion}\`${named.also(suggestion)}.`
            : `Rename it so that it matches \`${pattern.source}\`${pattern.option === undefined ? '' : ` (policies.naming.options.${pattern.option} in tessera.yaml)`}.`;
        findings.push({
          message: `${LABEL[named.kind]} name \`${named.name}\`${named.of} does not match ${described}.`,
          hint,
          location: named.location(),
          domain: product.spec.domain,
        });
      }
    }
    return findings;
  },
};
