import jsYaml from 'js-yaml';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { Diagnostic, SourcePosition } from '../diagnostics/index.js';
import type { SpecFile, SpecPath } from '../spec/index.js';

export interface ParsedYaml {
  /** The plain JS value; undefined when the file could not be parsed. */
  readonly value: unknown;
  readonly file: SpecFile;
  readonly diagnostics: Diagnostic[];
}

/** Finds the node (and the key node, for map entries) at `path`, stopping at the deepest one that exists. */
function nodeAt(doc: Document, path: SpecPath): { node: Node | null; key: Node | null } {
  let node: Node | null = doc.contents;
  let key: Node | null = null;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      key = pair.key as Node;
      node = (pair.value as Node | null) ?? key;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      key = null;
      node = item;
    } else {
      break;
    }
  }
  return { node, key };
}

/**
 * Parses one YAML file. Values come from js-yaml (core schema, as YAML 1.2),
 * about ten times faster than building the `yaml` package's document. That
 * document, which keeps source ranges, is built only when something asks
 * where a value is (a diagnostic), or to explain a syntax error: a mesh
 * without problems never pays for it.
 */
export function parseYaml(path: string, text: string): ParsedYaml {
  let lineCounter: LineCounter | undefined;
  let document: Document | undefined;
  const parsed = (): { doc: Document; lines: LineCounter } => {
    if (!document || !lineCounter) {
      lineCounter = new LineCounter();
      document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    }
    return { doc: document, lines: lineCounter };
  };
  const position = (lines: LineCounter, offset: number): SourcePosition => {
    const { line, col } = lines.linePos(offset);
    return { file: path, line, column: col };
  };
  const file: SpecFile = {
    path,
    locate(specPath, options) {
      const { doc, lines } = parsed();
      const { node, key } = nodeAt(doc, specPath);
      const target = options?.key && key ? key : node;
      return position(lines, target?.range?.[0] ?? 0);
    },
  };
  try {
    const value = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA, filename: path });
    if (hasObjectKey(value)) {
      // js-yaml turns a key that is a mapping (`{{ x }}` is one) into the text "[object Object]".
      const { doc, lines } = parsed();
      let offset = 0;
      visit(doc, {
        Pair(_key, pair) {
          if (pair.key !== null && !isScalar(pair.key)) {
            offset = (pair.key as Node).range?.[0] ?? 0;
            return visit.BREAK;
          }
          return undefined;
        },
      });
      const diagnostic: Diagnostic = {
        code: 'yaml/syntax',
        severity: 'error',
        message: 'A key here is a mapping or a list, not text: YAML reads `{ … }` as a mapping (Jinja\'s `{{ … }}` is two of them).',
        hint: 'Tessera\'s YAML has no templates: write the value itself, or quote the whole text, e.g. - "row_count > 0".',
        location: position(lines, offset),
      };
      return { value: undefined, file, diagnostics: [diagnostic] };
    }
    return { value, file, diagnostics: [] };
  } catch (error) {
    if (!(error instanceof jsYaml.YAMLException)) throw error;
    const { doc, lines } = parsed();
    // After the first syntax error the parser's view of the rest is guesswork (a tab-indented
    // line makes it misread the lines after): report the first one only.
    const diagnostics = doc.errors.slice(0, 1).map((e) => {
      const unclosed = e.code === 'MISSING_CHAR' && /quote/i.test(e.message) ? unclosedQuote(text) : undefined;
      const location = unclosed === undefined ? position(lines, e.pos[0]) : { file: path, ...unclosed };
      return syntaxDiagnostic(e.code, firstLine(e.message), location);
    });
    if (diagnostics.length === 0) {
      // The two parsers disagree (rare); trust the one that failed, with its own position.
      const control = NON_PRINTABLE.exec(text);
      if (error.reason.includes('non-printable') && control !== null) {
        // js-yaml says where it noticed (the end of the file), not where the character is.
        const code = (control[0].codePointAt(control[0].length - 1) ?? 0).toString(16).toUpperCase().padStart(4, '0');
        diagnostics.push({
          code: 'yaml/syntax',
          severity: 'error',
          message: `A control character (U+${code}) is not allowed in YAML.`,
          hint: 'Remove it: YAML files hold printable text only (tabs and line breaks are fine). An editor that shows invisible characters finds it.',
          location: position(lines, control.index + control[0].length - 1),
        });
      } else {
        const code = error.reason.includes('duplicated') ? 'DUPLICATE_KEY' : 'UNKNOWN';
        const line = Math.min(error.mark.line + 1, text.split('\n').length);
        diagnostics.push(syntaxDiagnostic(code, error.reason, { file: path, line, column: line === error.mark.line + 1 ? error.mark.column + 1 : 1 }));
      }
    }
    return { value: undefined, file, diagnostics };
  }
}

/** What js-yaml refuses as non-printable (its own pattern): C0/C1 controls but tab and line breaks, lone surrogates. */
const NON_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;

/** What to do about the YAML mistakes people make most, by the `yaml` package's error code. */
const SYNTAX_HINTS: Record<string, { message?: string; hint: string }> = {
  DUPLICATE_KEY: { message: 'The same key appears twice in one mapping.', hint: 'Remove or rename one of the two keys; YAML keeps only one of them.' },
  MULTILINE_IMPLICIT_KEY: {
    message: 'This line is not `key: value`.',
    hint: 'A key needs a colon and a space after it, e.g. `kind: source-aligned`; a line that continues a value must be indented more than its key.',
  },
  BLOCK_AS_IMPLICIT_KEY: {
    message: 'A value contains `: `, which YAML reads as a new key.',
    hint: 'Quote the value, e.g. description: "Orders: every one of them".',
  },
  TAB_AS_INDENT: { message: 'Tabs are not allowed as indentation.', hint: 'Indent YAML with spaces only.' },
  MISSING_CHAR: { hint: 'Close the quote (or the bracket) that opens on this line.' },
  BAD_INDENT: { hint: 'Align keys of the same mapping at the same column, with spaces.' },
};

function syntaxDiagnostic(code: string, message: string, location: SourcePosition): Diagnostic {
  const known = SYNTAX_HINTS[code];
  return {
    code: code === 'DUPLICATE_KEY' ? 'yaml/duplicate-key' : 'yaml/syntax',
    severity: 'error',
    message: known?.message ?? `YAML syntax error: ${printable(message)}`,
    hint: known?.hint ?? 'Check indentation (spaces, not tabs), the colon and space after each key, and quotes around values with special characters.',
    location,
  };
}

/** The parser quotes the text it stumbled on: show control characters as escapes, never raw (an ESC would drive the terminal). */
function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

/**
 * Parsers notice an unclosed quote only at the end of the file. The line
 * where it opens is the first one whose quotes do not pair up.
 */
function unclosedQuote(text: string): { line: number; column: number } | undefined {
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    const content = line.replace(/\s+#.*$/, '').replace(/\\"/g, '');
    const doubles = (content.match(/"/g) ?? []).length;
    const singles = (content.match(/'/g) ?? []).length - 2 * (content.match(/''/g) ?? []).length;
    if (doubles % 2 === 1) return { line: i + 1, column: content.lastIndexOf('"') + 1 };
    if (singles % 2 === 1 && /:\s*'/.test(content)) return { line: i + 1, column: content.lastIndexOf("'") + 1 };
  }
  return undefined;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

/** Whether js-yaml stringified a mapping used as a key somewhere in `value`. */
function hasObjectKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasObjectKey);
  if (typeof value !== 'object' || value === null) return false;
  for (const [key, inner] of Object.entries(value)) {
    if (key.includes('[object Object]') || hasObjectKey(inner)) return true;
  }
  return false;
}
