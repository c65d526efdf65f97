/**
 * Marks where the query's words occur in a text. The server matches words as prefixes
 * of tokens, and splits identifiers at `_`, so a word is marked where a token starts:
 * `id` marks the end of `customer_id`, not the middle of `paid`.
 */
import type { ReactNode } from 'react';

function escape(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One pattern per set of words; longer words first so that the longest prefix wins. */
export function wordPattern(words: readonly string[]): RegExp | undefined {
  if (words.length === 0) return undefined;
  const alternatives = [...new Set(words)].sort((a, b) => b.length - a.length).map(escape);
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})`, 'giu');
}

export function Highlight({ text, pattern }: { text: string; pattern: RegExp | undefined }): ReactNode {
  if (!pattern) return text;
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const start = match.index;
    if (start > last) parts.push(text.slice(last, start));
    parts.push(<mark key={start}>{match[0]}</mark>);
    last = start + match[0].length;
  }
  if (parts.length === 0) return text;
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}
