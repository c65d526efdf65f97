import type { MeshGraph } from '../compiler/index.js';
import { didYouMean, type Diagnostic, type Severity } from '../diagnostics/index.js';
import type { Mesh } from '../spec/index.js';
import type { Rule, YamlEdit } from './rule.js';
import { builtInRules } from './rules/index.js';

export interface LintOptions {
  /** Today, YYYY-MM-DD (UTC). */
  readonly today: string;
  /** The rules to run (default: the built-in ones). */
  readonly rules?: readonly Rule[];
}

/** A diagnostic from a rule, with the edits that fix it when there are any. */
export interface LintFinding {
  readonly diagnostic: Diagnostic;
  readonly fix?: readonly YamlEdit[];
}

type Setting = NonNullable<Mesh['spec']['policies']>[string];

interface Resolved {
  readonly severity: Severity | 'off';
  readonly options: Readonly<Record<string, unknown>>;
  readonly domains: Readonly<Record<string, Severity | 'off'>>;
}

function resolve(rule: Rule, setting: Setting | undefined): Resolved {
  if (setting === undefined) return { severity: rule.defaultSeverity, options: {}, domains: {} };
  if (typeof setting === 'string') return { severity: setting, options: {}, domains: {} };
  return { severity: setting.severity ?? rule.defaultSeverity, options: setting.options ?? {}, domains: setting.domains ?? {} };
}

/**
 * Runs the shared guidelines over a compiled mesh. `tessera.yaml` turns a rule
 * off (`policies: { naming: off }`), changes its severity, configures it
 * (`options`), or sets its severity per domain (`domains: { growth: off }`).
 */
export function lintMesh(mesh: Mesh, graph: MeshGraph, options: LintOptions): LintFinding[] {
  const rules = options.rules ?? builtInRules;
  const policies = mesh.spec.policies ?? {};
  const findings: LintFinding[] = [];
  const known = new Set(rules.map((r) => r.id));
  for (const id of Object.keys(policies)) {
    if (known.has(id)) continue;
    findings.push({
      diagnostic: {
        code: 'policy/unknown-rule',
        severity: 'error',
        message: `tessera.yaml configures \`${id}\`, which is not a rule.${didYouMean(id, known)}`,
        hint: `Rules: ${[...known].join(', ')}.`,
        location: mesh.file.locate(['policies', id], { key: true }),
      },
    });
  }
  for (const rule of rules) {
    const setting = resolve(rule, policies[rule.id]);
    const everywhereOff = setting.severity === 'off' && Object.values(setting.domains).every((s) => s === 'off');
    if (everywhereOff) continue;
    for (const finding of rule.check({ mesh, graph, options: setting.options, today: options.today })) {
      const configured = (finding.domain !== undefined ? setting.domains[finding.domain] : undefined) ?? setting.severity;
      if (configured === 'off') continue;
      // A finding may escalate (past a sunset date); configuration below the default lowers it.
      const severity = finding.severity !== undefined && configured === rule.defaultSeverity ? finding.severity : configured;
      const fixable = finding.fix !== undefined && finding.fix.length > 0;
      findings.push({
        diagnostic: {
          code: `policy/${rule.id}`,
          severity,
          message: finding.message,
          hint: fixable ? `${finding.hint} (fixable: tessera lint --fix)` : finding.hint,
          ...(finding.location ? { location: finding.location } : {}),
        },
        ...(fixable ? { fix: finding.fix } : {}),
      });
    }
  }
  return findings;
}
