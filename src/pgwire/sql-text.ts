/**
 * SQL text as the wire layer needs it: a lexer that knows PostgreSQL's quoting rules
 * (strings, E'' strings, quoted identifiers, dollar quotes, nested block comments), the
 * statement splitter built on it, and the recognition of the statements the protocol
 * layer answers itself. No parsing beyond tokens: security decisions belong to the backend.
 */

export type TokenKind = 'word' | 'ident' | 'string' | 'number' | 'param' | 'op' | 'punct' | 'space' | 'comment';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** For `word` the lower-cased word, for `ident` the unquoted identifier, for `string` the value. */
  readonly value: string;
}

const wordStart = /[A-Za-z_\u0080-\uffff]/;
const wordPart = /[A-Za-z0-9_$\u0080-\uffff]/;
const digit = /[0-9]/;
const operatorChar = /[+\-*/<>=~!@#%^&|`?]/;

/** Splits SQL into tokens. Never throws: an unterminated quote or comment runs to the end. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  const n = sql.length;
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number, value?: string): void => {
    const text = sql.slice(start, end);
    tokens.push({ kind, text, start, end, value: value ?? text });
  };
  while (i < n) {
    const c = sql.charAt(i);
    const next = sql.charAt(i + 1);
    const start = i;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      while (i < n && /\s/.test(sql.charAt(i))) i++;
      push('space', start, i);
    } else if (c === '-' && next === '-') {
      while (i < n && sql.charAt(i) !== '\n') i++;
      push('comment', start, i);
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (sql.startsWith('*/', i)) {
          depth--;
          i += 2;
        } else i++;
      }
      push('comment', start, i);
    } else if (c === "'" || ((c === 'E' || c === 'e') && next === "'")) {
      const escapes = c !== "'";
      i += escapes ? 2 : 1;
      const read = readQuoted(sql, i, "'", escapes);
      i = read.end;
      push('string', start, i, read.value);
    } else if (c === '"') {
      const read = readQuoted(sql, i + 1, '"', false);
      i = read.end;
      push('ident', start, i, read.value);
    } else if (c === '$' && digit.test(next)) {
      i++;
      while (i < n && digit.test(sql.charAt(i))) i++;
      push('param', start, i);
    } else if (c === '$') {
      // $tag$ … $tag$ (tag empty or an identifier)
      const match = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 256));
      if (match) {
        const delimiter = match[0];
        const close = sql.indexOf(delimiter, i + delimiter.length);
        const bodyEnd = close < 0 ? n : close;
        i = close < 0 ? n : close + delimiter.length;
        push('string', start, i, sql.slice(start + delimiter.length, bodyEnd));
      } else {
        i++;
        push('op', start, i);
      }
    } else if (wordStart.test(c)) {
      while (i < n && wordPart.test(sql.charAt(i))) i++;
      push('word', start, i, sql.slice(start, i).toLowerCase());
    } else if (digit.test(c) || (c === '.' && digit.test(next))) {
      while (i < n && /[0-9._eE]/.test(sql.charAt(i))) {
        if ((sql.charAt(i) === 'e' || sql.charAt(i) === 'E') && /[+-]/.test(sql.charAt(i + 1))) i++;
        i++;
      }
      push('number', start, i);
    } else if (c === ':' && next === ':') {
      i += 2;
      push('op', start, i);
    } else if (operatorChar.test(c)) {
      while (i < n && operatorChar.test(sql.charAt(i)) && !sql.startsWith('--', i) && !sql.startsWith('/*', i)) i++;
      push('op', start, i);
    } else {
      i++;
      push('punct', start, i);
    }
  }
  return tokens;
}

/** True for tokens that carry meaning (not whitespace or comments). */
export function isCode(token: Token): boolean {
  return token.kind !== 'space' && token.kind !== 'comment';
}

/**
 * Splits a simple-query string into statements at top-level semicolons. Statements are
 * trimmed; empty ones (only whitespace, comments or `;`) are dropped, so an empty result
 * means an empty query.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let hasCode = false;
  for (const token of tokenize(sql)) {
    if (token.kind === 'punct' && token.text === ';') {
      if (hasCode) statements.push(sql.slice(start, token.start).trim());
      start = token.end;
      hasCode = false;
    } else if (isCode(token)) {
      hasCode = true;
    }
  }
  if (hasCode) statements.push(sql.slice(start).trim());
  return statements;
}

/** The meaningful tokens of one statement, without a trailing `;`. */
export function codeTokens(sql: string): Token[] {
  const tokens = tokenize(sql).filter(isCode);
  while (tokens.length > 0 && tokens[tokens.length - 1]?.text === ';') tokens.pop();
  return tokens;
}

/** The highest `$n` placeholder in a statement (0 when none). */
export function parameterCount(sql: string): number {
  let max = 0;
  for (const token of tokenize(sql)) {
    if (token.kind === 'param') max = Math.max(max, Number(token.text.slice(1)));
  }
  return max;
}

/**
 * The body of a quoted string or identifier from `from` (just after the opening quote):
 * a doubled quote is one quote; with `escapes` (E'…'), a backslash takes the next
 * character as it is. Returns the value and where the text after the closing quote starts.
 */
function readQuoted(sql: string, from: number, quote: string, escapes: boolean): { value: string; end: number } {
  let value = '';
  let i = from;
  while (i < sql.length) {
    const ch = sql.charAt(i);
    if (escapes && ch === '\\') {
      value += sql.charAt(i + 1);
      i += 2;
    } else if (ch === quote) {
      if (sql.charAt(i + 1) !== quote) return { value, end: i + 1 };
      value += quote;
      i += 2;
    } else {
      value += ch;
      i++;
    }
  }
  return { value, end: i };
}
