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
  let node = doc.contents as Node | null;
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
 * Parses one YAML file, keeping a line index so that every later diagnostic
 * (schema, compiler, lint) can point at the line and column of a value.
 */
export function parseYaml(path: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: path, line, column: col };
  };
  const file: SpecFile = {
    path,
    locate(specPath, options) {
      const { node, key } = nodeAt(doc, specPath);
      const target = options?.key && key ? key : node;
      return position(target?.range?.[0] ?? 0);
    },
  };
  const diagnostics: Diagnostic[] = [];
  for (const error of doc.errors) {
    const duplicate = error.code === 'DUPLICATE_KEY';
    diagnostics.push({
      code: duplicate ? 'yaml/duplicate-key' : 'yaml/syntax',
      severity: 'error',
      message: duplicate ? 'The same key appears twice in one mapping.' : `YAML syntax error: ${firstLine(error.message)}`,
      hint: duplicate
        ? 'Remove or rename one of the two keys; YAML keeps only one of them.'
        : 'Check indentation (spaces, not tabs), colons after keys, and quotes around values with special characters.',
      location: position(error.pos[0]),
    });
  }
  if (diagnostics.length > 0) return { value: undefined, file, diagnostics };
  return { value: doc.toJS({ maxAliasCount: 1000 }) as unknown, file, diagnostics };
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}
