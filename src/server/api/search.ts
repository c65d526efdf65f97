/**
 * Full-text search over products, built once per mesh load: an inverted index of
 * lowercase tokens (identifiers are indexed whole and by their `_` parts), matched by
 * prefix through a sorted token list, so a query costs a few binary searches rather
 * than a scan of every description. Glossary terms widen a query word to the term
 * and its synonyms.
 */
import type { GlossaryTermSpec } from '../../spec/index.js';
import type { ProductEntry } from './catalog.js';

/** How much a match counts: the product's name over its ports and columns over prose. */
const WEIGHT = { name: 100, port: 20, column: 20, tag: 10, description: 3 } as const;
/** An exact token beats a prefix of a longer one. */
const EXACT_BONUS = 2;
/** How many queries' hits are remembered (per mesh load). */
const RECENT_QUERIES = 200;

interface Entry {
  readonly product: string;
  readonly weight: number;
  /** What matched, for people: `column order_id of sales.orders`. */
  readonly label: string;
  /** Lowercase text, for phrase matches of multi-word glossary synonyms. */
  readonly text: string;
}

export interface SearchHit {
  readonly product: string;
  readonly score: number;
  readonly matches: readonly string[];
}

export function tokenize(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
  const tokens = new Set<string>();
  for (const word of words) {
    tokens.add(word);
    if (word.includes('_')) for (const part of word.split('_')) if (part) tokens.add(part);
  }
  return [...tokens];
}

export class SearchIndex {
  private readonly entries: Entry[] = [];
  private readonly postings = new Map<string, number[]>();
  private readonly sortedTokens: string[];
  /** Lowercase glossary word (term or synonym) → every spelling of its term. */
  private readonly glossary = new Map<string, { term: string; spellings: string[] }>();

  constructor(products: Iterable<ProductEntry>, glossary: readonly GlossaryTermSpec[]) {
    for (const entry of products) this.addProduct(entry);
    this.sortedTokens = [...this.postings.keys()].sort();
    for (const term of glossary) {
      const spellings = [term.term, ...(term.synonyms ?? [])].map((s) => s.toLowerCase());
      for (const spelling of spellings) this.glossary.set(spelling, { term: term.term, spellings });
    }
  }

  private add(product: string, weight: number, label: string, text: string | undefined): void {
    if (!text) return;
    const index = this.entries.push({ product, weight, label, text: text.toLowerCase() }) - 1;
    for (const token of tokenize(text)) {
      let list = this.postings.get(token);
      if (!list) this.postings.set(token, (list = []));
      list.push(index);
    }
  }

  private addProduct(entry: ProductEntry): void {
    const { id, product } = entry;
    const spec = product.spec;
    this.add(id, WEIGHT.name, `name of ${id}`, `${spec.name} ${id}`);
    this.add(id, WEIGHT.description, `description of ${id}`, spec.description);
    this.add(id, WEIGHT.description, `purpose of ${id}`, spec.purpose);
    for (const tag of spec.tags ?? []) this.add(id, WEIGHT.tag, `tag ${tag}`, tag);
    for (const port of entry.ports) {
      const portName = `${port.domain}.${port.table}`;
      this.add(id, WEIGHT.port, `port ${portName}`, `${port.spec.name} ${portName}`);
      this.add(id, WEIGHT.description, `description of port ${portName}`, port.spec.description);
      for (const tag of port.spec.tags ?? []) this.add(id, WEIGHT.tag, `tag ${tag} of ${portName}`, tag);
      for (const column of port.spec.columns ?? []) {
        this.add(id, WEIGHT.column, `column ${column.name} of ${portName}`, column.name);
        this.add(id, WEIGHT.description, `description of column ${column.name} of ${portName}`, column.description);
      }
    }
  }

  /** Entries holding a token that starts with `prefix`, each with whether the token is exactly it. */
  private lookup(prefix: string, into: Map<number, boolean>): void {
    const tokens = this.sortedTokens;
    let lo = 0;
    let hi = tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((tokens[mid] ?? '') < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < tokens.length; i++) {
      const token = tokens[i] ?? '';
      if (!token.startsWith(prefix)) break;
      const exact = token === prefix;
      for (const entry of this.postings.get(token) ?? []) into.set(entry, (into.get(entry) ?? false) || exact);
    }
  }

  /** The last queries' hits: a user pages through one search and refines it with filters, each a request with the same query. */
  private readonly recent = new Map<string, readonly SearchHit[]>();

  /** Products matching every word of `query`, best first (then by id). */
  search(query: string): readonly SearchHit[] {
    const key = query.toLowerCase();
    const known = this.recent.get(key);
    if (known) {
      // Refreshed as the most recent: a Map iterates in insertion order, so the first key is the least recently used.
      this.recent.delete(key);
      this.recent.set(key, known);
      return known;
    }
    const hits = this.find(key);
    this.recent.set(key, hits);
    if (this.recent.size > RECENT_QUERIES) this.recent.delete(this.recent.keys().next().value ?? key);
    return hits;
  }

  private find(query: string): SearchHit[] {
    const words = query.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
    if (words.length === 0) return [];
    let scores: Map<string, { score: number; matches: Set<string> }> | undefined;
    for (const word of words) {
      const found = new Map<number, boolean>();
      this.lookup(word, found);
      const glossary = this.glossary.get(word);
      const viaGlossary = new Set<number>();
      for (const spelling of glossary?.spellings ?? []) {
        if (spelling === word) continue;
        if (/^[\p{L}\p{N}_]+$/u.test(spelling)) {
          const more = new Map<number, boolean>();
          this.lookup(spelling, more);
          for (const [entry, exact] of more) {
            if (found.has(entry)) continue;
            found.set(entry, exact);
            viaGlossary.add(entry);
          }
        } else {
          // A multi-word synonym matches as a phrase.
          this.entries.forEach((e, i) => {
            if (found.has(i) || !e.text.includes(spelling)) return;
            found.set(i, true);
            viaGlossary.add(i);
          });
        }
      }
      const perProduct = new Map<string, { score: number; matches: Set<string> }>();
      for (const [index, exact] of found) {
        const entry = this.entries[index];
        if (!entry) continue;
        const value = entry.weight * (exact ? EXACT_BONUS : 1);
        const current = perProduct.get(entry.product) ?? { score: 0, matches: new Set<string>() };
        current.score = Math.max(current.score, value);
        current.matches.add(viaGlossary.has(index) && glossary ? `${entry.label} (glossary: ${glossary.term})` : entry.label);
        perProduct.set(entry.product, current);
      }
      if (!scores) scores = perProduct;
      else {
        // Every word must match: keep products found for each word so far, adding up.
        for (const [product, total] of scores) {
          const hit = perProduct.get(product);
          if (!hit) scores.delete(product);
          else {
            total.score += hit.score;
            for (const m of hit.matches) total.matches.add(m);
          }
        }
      }
      if (scores.size === 0) return [];
    }
    return [...(scores ?? [])]
      .map(([product, { score, matches }]) => ({ product, score, matches: [...matches].slice(0, 10) }))
      .sort((a, b) => b.score - a.score || (a.product < b.product ? -1 : 1));
  }
}
