import { describe, expect, it } from 'vitest';
import { parameterCount, splitStatements, tokenize } from './sql-text.js';

describe('splitStatements', () => {
  it('splits at top-level semicolons and drops empty statements', () => {
    expect(splitStatements('BEGIN; select 1 ;; select 2;')).toEqual(['BEGIN', 'select 1', 'select 2']);
    expect(splitStatements('  ;  ; -- nothing\n /* at all */ ')).toEqual([]);
    expect(splitStatements('')).toEqual([]);
  });

  it('keeps semicolons inside strings, identifiers, dollar quotes and comments', () => {
    const sql = [
      "select 'a;b', 'it''s;' as \"x;y\"",
      "select E'\\';still' as e",
      'select $$ ; $$ as d, $tag$ ;$$; $tag$ as t',
      'select 1 -- a comment; not a split\n + 1',
      'select /* outer /* nested; */ still; */ 2',
    ].join(';\n');
    expect(splitStatements(sql)).toEqual([
      "select 'a;b', 'it''s;' as \"x;y\"",
      "select E'\\';still' as e",
      'select $$ ; $$ as d, $tag$ ;$$; $tag$ as t',
      'select 1 -- a comment; not a split\n + 1',
      'select /* outer /* nested; */ still; */ 2',
    ]);
  });

  it('tells $1 parameters from dollar quotes', () => {
    expect(parameterCount('select $1, $12 from t where a = $2')).toBe(12);
    expect(parameterCount("select '$3', $$ $4 $$")).toBe(0);
    expect(tokenize('a::int').map((token) => token.text)).toEqual(['a', '::', 'int']);
  });

  it('does not loop or throw on unterminated quotes', () => {
    expect(splitStatements("select 'open; select 2")).toEqual(["select 'open; select 2"]);
    expect(splitStatements('select $x$ open; select 2')).toEqual(['select $x$ open; select 2']);
    expect(splitStatements('select 1 /* open; select 2')).toEqual(['select 1 /* open; select 2']);
  });
});
