/**
 * Whether a declared column type is one DuckDB knows, without an engine: a fixed list
 * of type names and their aliases, and the parameterised forms (DECIMAL(12,2),
 * VARCHAR(20), STRUCT(a INT, b VARCHAR), MAP(VARCHAR, INT), UNION(…), ENUM('a', 'b'),
 * and lists and arrays, `INT[]`, `INT[3]`).
 */

/** Names without parameters (upper case, single spaces). */
const SIMPLE = new Set([
  'BIGINT', 'INT8', 'LONG', 'INTEGER', 'INT', 'INT4', 'INT32', 'SIGNED', 'SMALLINT', 'INT2', 'SHORT', 'INT16', 'TINYINT', 'INT1',
  'HUGEINT', 'INT128', 'UHUGEINT', 'UINT128', 'UBIGINT', 'UINT64', 'UINTEGER', 'UINT32', 'USMALLINT', 'UINT16', 'UTINYINT', 'UINT8',
  'BOOLEAN', 'BOOL', 'LOGICAL', 'DOUBLE', 'FLOAT8', 'DOUBLE PRECISION', 'FLOAT', 'FLOAT4', 'REAL',
  'DECIMAL', 'NUMERIC', 'VARCHAR', 'CHAR', 'BPCHAR', 'TEXT', 'STRING', 'NVARCHAR', 'CHARACTER VARYING', 'CHARACTER',
  'BLOB', 'BYTEA', 'BINARY', 'VARBINARY', 'BIT', 'BITSTRING', 'VARINT', 'BIGNUM',
  'DATE', 'TIME', 'TIMETZ', 'TIME WITH TIME ZONE', 'TIME WITHOUT TIME ZONE', 'TIMESTAMP', 'DATETIME', 'TIMESTAMP WITHOUT TIME ZONE',
  'TIMESTAMPTZ', 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS', 'TIMESTAMP_US', 'INTERVAL',
  'UUID', 'JSON', 'GEOMETRY', 'INET', 'VARIANT',
]);

/** Names that take a length or a precision: how many numbers. */
const SIZED: Record<string, readonly [number, number]> = {
  DECIMAL: [1, 2], NUMERIC: [1, 2], VARCHAR: [1, 1], CHAR: [1, 1], BPCHAR: [1, 1], NVARCHAR: [1, 1], 'CHARACTER VARYING': [1, 1], CHARACTER: [1, 1],
  TEXT: [1, 1], STRING: [1, 1], FLOAT: [1, 1], BIT: [1, 1], BITSTRING: [1, 1], TIMESTAMP: [1, 1],
};

/** Names shown in the hint, the ones people mean most. */
export const COMMON_TYPES = ['BIGINT', 'INTEGER', 'DOUBLE', 'DECIMAL(12,2)', 'VARCHAR', 'BOOLEAN', 'DATE', 'TIMESTAMP', 'TIMESTAMPTZ', 'INTERVAL', 'UUID', 'JSON', 'VARCHAR[]', 'STRUCT(a INT, b VARCHAR)'];

/** Every simple name, for did-you-mean. */
export const TYPE_NAMES: readonly string[] = [...SIMPLE];

/** Splits on commas at depth 0 (outside parentheses and quotes). */
function splitTop(text: string): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') {
      if (--depth < 0) return undefined;
    } else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (depth !== 0 || quote !== undefined) return undefined;
  parts.push(text.slice(start).trim());
  return parts;
}

/** `name type` of a STRUCT or UNION member; the name may be quoted. */
function member(text: string): boolean {
  const m = /^("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_]*)\s+([\s\S]+)$/.exec(text);
  return m !== null && isKnownColumnType(m[2] ?? '');
}

export function isKnownColumnType(type: string): boolean {
  let text = type.trim();
  // Lists and fixed-size arrays: INT[], INT[3][].
  while (/\[\d*\]$/.test(text)) text = text.replace(/\s*\[\d*\]$/, '');
  const open = text.indexOf('(');
  if (open < 0) return SIMPLE.has(text.toUpperCase().replace(/\s+/g, ' '));
  if (!text.endsWith(')')) return false;
  const name = text.slice(0, open).trim().toUpperCase().replace(/\s+/g, ' ');
  const args = splitTop(text.slice(open + 1, -1));
  if (args === undefined || args.some((a) => a === '')) return false;
  switch (name) {
    case 'STRUCT':
    case 'ROW':
    case 'UNION':
      return args.every(member);
    case 'MAP':
      return args.length === 2 && args.every(isKnownColumnType);
    case 'LIST':
      return args.length === 1 && isKnownColumnType(args[0] ?? '');
    case 'ENUM':
      return args.every((a) => /^'(?:[^']|'')*'$/.test(a));
    default: {
      const sized = SIZED[name];
      return sized !== undefined && args.length >= sized[0] && args.length <= sized[1] && args.every((a) => /^\d+$/.test(a));
    }
  }
}
