import type { GlossaryTermSpec } from '../../spec/index.js';
import type { Finding, Rule } from '../rule.js';
import { namesOf, type Kind } from './names.js';
import { findPhrase, replacePhrase, splitWords, type PhraseMatch } from './words.js';

/** A word (or phrase) the glossary bans, with the term to use instead. */
export interface Banned {
  /** As written under `avoid`. */
  readonly avoid: string;
  readonly words: readonly string[];
  readonly term: GlossaryTermSpec;
}

/** One banned word found in a name. */
export interface BannedUse {
  readonly banned: Banned;
  /** The name with every use of the banned word replaced by the term, in snake_case. */
  readonly suggestion: string;
}

/** The glossary as the rule uses it: banned phrases, and the accepted ones (terms and synonyms) they may sit inside. */
export interface Vocabulary {
  readonly banned: readonly Banned[];
  readonly accepted: readonly (readonly string[])[];
}

export function vocabularyOf(terms: readonly GlossaryTermSpec[]): Vocabulary {
  const banned: Banned[] = [];
  const accepted: string[][] = [];
  const seen = new Set<string>();
  for (const term of terms) {
    const canonical = splitWords(term.term);
    accepted.push(canonical);
    for (const synonym of term.synonyms ?? []) accepted.push(splitWords(synonym));
    for (const avoid of term.avoid ?? []) {
      const words = splitWords(avoid);
      const key = words.join(' ');
      // The first term that bans a word is the one suggested; a term that bans itself bans nothing.
      if (words.length === 0 || seen.has(key) || key === canonical.join(' ')) continue;
      seen.add(key);
      banned.push({ avoid, words, term });
    }
  }
  return { banned, accepted: accepted.filter((words) => words.length > 0) };
}

const inside = (inner: PhraseMatch, outer: PhraseMatch): boolean => outer.start <= inner.start && inner.end <= outer.end;

/**
 * The banned words a name uses, as whole words of it (`car_id` uses `car`,
 * `cart_id` does not; `cars` is the plural of `car`), case-insensitively. A
 * banned word inside a longer accepted term is fine (`electric_vehicle` when
 * only `vehicle` is banned), and of two banned phrases where one holds the
 * other (`basket`, `shopping basket`), the longer is reported.
 */
export function bannedUses(name: string, vocabulary: Vocabulary): BannedUse[] {
  const words = splitWords(name);
  const acceptedAt = vocabulary.accepted.flatMap((phrase) => findPhrase(words, phrase).map((m) => ({ ...m, length: phrase.length })));
  const found: { banned: Banned; matches: PhraseMatch[] }[] = [];
  for (const banned of vocabulary.banned) {
    const matches = findPhrase(words, banned.words).filter((m) => !acceptedAt.some((a) => a.length > banned.words.length && inside(m, a)));
    if (matches.length > 0) found.push({ banned, matches });
  }
  const kept = found.filter(
    ({ banned, matches }) =>
      !found.some((other) => other.banned.words.length > banned.words.length && matches.every((m) => other.matches.some((o) => inside(m, o)))),
  );
  return kept.map(({ banned, matches }) => ({ banned, suggestion: replacePhrase(words, matches, splitWords(banned.term.term)).join('_') }));
}

/** The names consumers see: the product's, its ports' and their columns'. */
const CONSUMER_FACING: ReadonlySet<Kind> = new Set<Kind>(['products', 'ports', 'columns']);

export const glossaryRule: Rule = {
  id: 'glossary',
  description: 'Product, port and column names use the shared terms of glossary.yaml, not the words it says to avoid.',
  defaultSeverity: 'warning',
  fixable: false,
  check({ mesh }) {
    const findings: Finding[] = [];
    const vocabulary = vocabularyOf(mesh.glossary);
    if (vocabulary.banned.length === 0) return findings;
    for (const product of mesh.products) {
      for (const named of namesOf(product)) {
        if (!CONSUMER_FACING.has(named.kind)) continue;
        for (const { banned, suggestion } of bannedUses(named.name, vocabulary)) {
          const owner = banned.term.domain === undefined ? '' : ` (domain ${banned.term.domain})`;
          findings.push({
            message: `${named.label} uses \`${banned.avoid}\`, which the glossary says to avoid: the term is \`${banned.term.term}\`${owner}.`,
            hint: `Rename it to \`${suggestion}\`${named.also(suggestion)}.`,
            location: named.location(),
            domain: product.spec.domain,
          });
        }
      }
    }
    return findings;
  },
};
