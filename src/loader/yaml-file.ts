import jsYaml from 'js-yaml';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
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
    return { value: jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA, filename: path }), file, diagnostics: [] };
  } catch (error) {
    if (!(error instanceof jsYaml.YAMLException)) throw error;
    const { doc, lines } = parsed();
    const diagnostics = doc.errors.map((e) => syntaxDiagnostic(e.code === 'DUPLICATE_KEY', firstLine(e.message), position(lines, e.pos[0])));
    if (diagnostics.length === 0) {
      // The two parsers disagree (rare); trust the one that failed, with its own position.
      diagnostics.push(syntaxDiagnostic(error.reason.includes('duplicated'), error.reason, { file: path, line: error.mark.line + 1, column: error.mark.column + 1 }));
    }
    return { value: undefined, file, diagnostics };
  }
}

function syntaxDiagnostic(duplicate: boolean, message: string, location: SourcePosition): Diagnostic {
  return {
    code: duplicate ? 'yaml/duplicate-key' : 'yaml/syntax',
    severity: 'error',
    message: duplicate ? 'The same key appears twice in one mapping.' : `YAML syntax error: ${message}`,
    hint: duplicate
      ? 'Remove or rename one of the two keys; YAML keeps only one of them.'
      : 'Check indentation (spaces, not tabs), colons after keys, and quotes around values with special characters.',
    location,
  };
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}
