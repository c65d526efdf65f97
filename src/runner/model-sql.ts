

/**
 * Drops what may trail the SELECT (semicolons, line comments, blank lines), so the
 * statement can be wrapped; the text before it is untouched, so lines keep their numbers.
 */
export function trimModelSql(sql: string): string {
  let text = sql;
  for (;;) {
    const next = text.replace(/\s+$/, '').replace(/;$/, '').replace(/\n[ \t]*--[^\n]*$/, '').replace(/;[ \t]*--[^\n]*$/, '');
    if (next === text) return text;
    text = next;
  }
}

/** Where the model's SQL starts in a statement built as `prefix + sql + suffix` (prefix has no newline). */
export interface WrappedSql {
  readonly statement: string;
  /** Length of the text before the model's first character, all on line 1. */
  readonly prefixLength: number;
}

export function wrap(prefix: string, sql: string, suffix = ''): WrappedSql {
  if (prefix.includes('\n')) throw new Error('a model prefix must stay on line 1, so that lines keep their numbers');
  return { statement: `${prefix}${sql}${suffix}`, prefixLength: prefix.length };
}
