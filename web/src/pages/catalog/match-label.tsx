/**
 * What a search hit matched, read out for people. The server labels each match as text
 * (`column customer_id of commerce.orders`, `tag pii`, `… (glossary: revenue)`, see
 * src/server/api/search.ts); identifiers become code, and the query's words are marked.
 */
import type { ReactNode } from 'react';
import { Highlight } from './highlight.js';

interface Parsed {
  /** e.g. "column", "description of port". */
  readonly what: string;
  readonly name?: string;
  readonly within?: string;
}

const shapes: { pattern: RegExp; parse: (m: RegExpMatchArray) => Parsed }[] = [
  { pattern: /^column (\S+) of (\S+)$/, parse: (m) => ({ what: 'column', name: m[1] ?? '', within: m[2] ?? '' }) },
  { pattern: /^description of column (\S+) of (\S+)$/, parse: (m) => ({ what: 'description of column', name: m[1] ?? '', within: m[2] ?? '' }) },
  { pattern: /^port (\S+)$/, parse: (m) => ({ what: 'port', name: m[1] ?? '' }) },
  { pattern: /^description of port (\S+)$/, parse: (m) => ({ what: 'description of port', name: m[1] ?? '' }) },
  { pattern: /^tag (.+) of (\S+)$/, parse: (m) => ({ what: 'tag', name: m[1] ?? '', within: m[2] ?? '' }) },
  { pattern: /^tag (.+)$/, parse: (m) => ({ what: 'tag', name: m[1] ?? '' }) },
  // The product's own name, description or purpose: the card shows which product already.
  { pattern: /^(name|description|purpose) of \S+$/, parse: (m) => ({ what: m[1] ?? '' }) },
];

/** Matches named on a card; the server sends at most ten. */
const SHOWN = 3;

interface Match {
  readonly label: string;
  readonly base: string;
  readonly via: string | undefined;
  readonly parsed: Parsed | undefined;
}

function parse(label: string): Match {
  const glossary = /^(.*) \(glossary: (.+)\)$/.exec(label);
  const base = glossary?.[1] ?? label;
  for (const shape of shapes) {
    const m = base.match(shape.pattern);
    if (m) return { label, base, via: glossary?.[2], parsed: shape.parse(m) };
  }
  return { label, base, via: glossary?.[2], parsed: undefined };
}

/** The product's own name, description or purpose: the card shows them (marked) already. */
function isOwnField(match: Match): boolean {
  return match.parsed !== undefined && match.parsed.name === undefined;
}

/**
 * What matched, the telling matches first (a column, a port, a tag), then the product's
 * own fields in one line: "name, description" says little that the marked card does not.
 */
export function MatchList({ matches, pattern }: { matches: readonly string[]; pattern: RegExp | undefined }): ReactNode {
  const parsed = matches.map(parse);
  const specific = parsed.filter((m) => !isOwnField(m));
  const own = parsed.filter(isOwnField);
  const shown = specific.slice(0, SHOWN);
  const more = specific.length - shown.length;
  return (
    <div className="result-matches">
      <span className="result-matches-title">Matched</span>
      <ul>
        {shown.map((match) => (
          <li key={match.label}>
            <MatchLabel match={match} pattern={pattern} />
          </li>
        ))}
        {more > 0 && (
          <li className="muted">
            and {more} more {more === 1 ? 'match' : 'matches'}
          </li>
        )}
        {own.length > 0 && (
          <li>
            <span className="match-what">{shown.length > 0 ? 'also its ' : 'its '}</span>
            {own.map((m) => `${m.parsed?.what ?? ''}${m.via === undefined ? '' : ` (glossary term “${m.via}”)`}`).join(', ')}
          </li>
        )}
      </ul>
    </div>
  );
}

function MatchLabel({ match, pattern }: { match: Match; pattern: RegExp | undefined }): ReactNode {
  const { base, via, parsed } = match;
  return (
    <span className="match">
      {parsed ? (
        <>
          <span className="match-what">{parsed.what}</span>
          {parsed.name !== undefined && (
            <>
              {' '}
              <code>
                <Highlight text={parsed.name} pattern={pattern} />
              </code>
            </>
          )}
          {parsed.within !== undefined && (
            <>
              {' in '}
              <code>{parsed.within}</code>
            </>
          )}
        </>
      ) : (
        <Highlight text={base} pattern={pattern} />
      )}
      {via !== undefined && <span className="muted"> (glossary term “{via}”)</span>}
    </span>
  );
}
