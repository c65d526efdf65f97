/** SQL text helpers every dialect shares. Pure. */
import type { Dialect } from './warehouse.js';

const sqlType = /^[A-Za-z][A-Za-z0-9_ ,()[\]]*$/;

/** A quoted identifier (both engines follow the SQL standard here). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A schema-qualified, quoted name. */
export function table(schema: string, name: string): string {
  return `${ident(schema)}.${ident(name)}`;
}

/** A string literal, quotes doubled (both engines read backslashes as plain characters). */
export function stringLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Model SQL may end with a semicolon, which must not end the CREATE early. */
export function bareSelect(select: string): string {
  return select.replace(/[\s;]+$/, '');
}

/**
 * Types come from YAML, so they are checked before they are pasted into SQL: only
 * letters, digits, spaces, commas and brackets, and brackets that balance so a type
 * cannot close the CAST around it.
 */
export function checkedType(type: string): string {
  const open: string[] = [];
  let balanced = true;
  for (const char of type) {
    if (char === '(' || char === '[') open.push(char === '(' ? ')' : ']');
    else if ((char === ')' || char === ']') && open.pop() !== char) balanced = false;
  }
  if (!sqlType.test(type) || !balanced || open.length > 0) throw new Error(`Not a SQL type: ${JSON.stringify(type)}`);
  return type.trim();
}

/** The parts of a dialect that both engines write alike (standard SQL), with names quoted by `quote`. */
export function standardSql(quote: (name: string) => string = ident): Pick<Dialect, 'ident' | 'table' | 'timestamp' | 'createSchema' | 'dropTable' | 'dropView'> {
  const qualified = (schema: string, name: string): string => `${quote(schema)}.${quote(name)}`;
  return {
    ident: quote,
    table: qualified,
    timestamp(at) {
      return `TIMESTAMP '${at.toISOString().replace('T', ' ').replace(/Z$/, '')}'`;
    },
    createSchema(schema) {
      return `CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`;
    },
    dropTable(schema, name) {
      return `DROP TABLE IF EXISTS ${qualified(schema, name)}`;
    },
    dropView(schema, name) {
      return `DROP VIEW IF EXISTS ${qualified(schema, name)}`;
    },
  };
}
