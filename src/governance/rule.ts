import type { MeshGraph } from '../compiler/index.js';
import type { Severity, SourcePosition } from '../diagnostics/index.js';
import type { Mesh, SpecPath } from '../spec/index.js';

/**
 * A change to one YAML file that fixes a finding: set the value at `path`,
 * creating mappings on the way. Plain data, so that this layer stays pure; the
 * workspace applies edits with the `yaml` package, keeping comments.
 */
export interface YamlEdit {
  /** File relative to the mesh root, e.g. products/commerce/customers/product.yaml. */
  readonly file: string;
  readonly path: SpecPath;
  readonly value: unknown;
}

/** One thing a rule found. The engine turns it into a diagnostic with code `policy/<rule id>`. */
export interface Finding {
  readonly message: string;
  /** How to fix it, in one sentence. */
  readonly hint: string;
  readonly location?: SourcePosition;
  /** The domain the finding belongs to, so that `policies.<rule>.domains` can set its severity. */
  readonly domain?: string;
  /** Overrides the rule's default severity for this finding (e.g. past a sunset date: error). */
  readonly severity?: Severity;
  /** Edits that fix it, when the rule can (`tessera lint --fix`). */
  readonly fix?: readonly YamlEdit[];
}

export interface RuleContext {
  readonly mesh: Mesh;
  readonly graph: MeshGraph;
  /** `policies.<rule>.options` from tessera.yaml ({} when none). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Today, YYYY-MM-DD (UTC), for rules about dates; passed in so that rules stay pure and testable. */
  readonly today: string;
}

/** A shared guideline as a machine check. */
export interface Rule {
  /** Stable id; the diagnostic code is `policy/<id>` and tessera.yaml configures it under `policies.<id>`. */
  readonly id: string;
  /** One line: what the guideline is and why. */
  readonly description: string;
  readonly defaultSeverity: Severity;
  /** Whether findings can carry fixes. */
  readonly fixable: boolean;
  /** Options the rule understands, with their defaults, for docs and `tessera lint --rules`. */
  readonly options?: Readonly<Record<string, { readonly description: string; readonly default: unknown }>>;
  check(context: RuleContext): Finding[];
}
