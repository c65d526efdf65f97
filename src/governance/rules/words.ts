/**
 * Words of names, for the naming rules: splitting `OrderLines` or `order_lines`
 * into ['order', 'lines'], finding a phrase among a name's words, plurals.
 */

/**
 * The words of a name, lowercased: split at `_`, `-`, spaces and other
 * punctuation, and where camelCase changes case. Digits stay with the word
 * they follow. `OrderLines` and `order_lines` → ['order', 'lines'];
 * `orderID` → ['order', 'id']; `HTTPServer` → ['http', 'server']; `OrderIDs` → ['order', 'ids'].
 */
export function splitWords(name: string): string[] {
  return name
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2')
    // `HTTPServer` → `HTTP Server`, but a plural acronym stays whole: `IDs`.
    .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, (all: string, run: string, next: string, offset: number, text: string) =>
      next.endsWith('s') && !/\p{Ll}/u.test(text.charAt(offset + all.length)) ? all : `${run} ${next}`,
    )
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0)
    .map((word) => word.toLowerCase());
}

/** The name in snake_case: `OrderLines` → `order_lines`, `_order__id` → `order_id`. */
export function toSnakeCase(name: string): string {
  return splitWords(name).join('_');
}

/** English plural, good enough for a suggestion: `car` → `cars`, `delivery` → `deliveries`, `box` → `boxes`. */
export function pluralize(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

/** Whether `word` is `singular` or one of its plurals (a trailing `s`, or `pluralize`'s form). */
function wordMatches(word: string, singular: string): 'singular' | 'plural' | undefined {
  if (word === singular) return 'singular';
  if (word === `${singular}s` || word === pluralize(singular)) return 'plural';
  return undefined;
}

/** Where a phrase occurs among a name's words: words[start] up to, not including, words[end]. */
export interface PhraseMatch {
  readonly start: number;
  readonly end: number;
  /** The phrase's last word is in the plural (`cars` for `car`). */
  readonly plural: boolean;
}

/**
 * Every place where `phrase` (lowercase words) occurs as consecutive whole
 * words of `words`, its last word also matching in the plural. `car` occurs in
 * ['car', 'id'] and ['cars'], not in ['cart', 'id'].
 */
export function findPhrase(words: readonly string[], phrase: readonly string[]): PhraseMatch[] {
  const matches: PhraseMatch[] = [];
  const n = phrase.length;
  if (n === 0) return matches;
  for (let start = 0; start + n <= words.length; start++) {
    let plural = false;
    let ok = true;
    for (let k = 0; k < n && ok; k++) {
      const word = words[start + k] ?? '';
      const expected = phrase[k] ?? '';
      if (k < n - 1) {
        ok = word === expected;
      } else {
        const form = wordMatches(word, expected);
        ok = form !== undefined;
        plural = form === 'plural';
      }
    }
    if (ok) matches.push({ start, end: start + n, plural });
  }
  return matches;
}

/**
 * The words with each match replaced by `replacement` (in the plural where the
 * match was plural). Matches must not overlap.
 */
export function replacePhrase(words: readonly string[], matches: readonly PhraseMatch[], replacement: readonly string[]): string[] {
  const result = [...words];
  const plural = replacement.length > 0 ? [...replacement.slice(0, -1), pluralize(replacement[replacement.length - 1] ?? '')] : [];
  for (const match of [...matches].sort((a, b) => b.start - a.start)) {
    result.splice(match.start, match.end - match.start, ...(match.plural ? plural : replacement));
  }
  return result;
}
