import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isPair, isScalar, isSeq, parseDocument, stringify, type Node } from 'yaml';
import type { YamlEdit } from '../governance/index.js';

export interface AppliedFixes {
  /** Files rewritten, relative to the mesh root. */
  readonly files: string[];
  readonly edits: number;
  /** Edits that could not be made as text (an unusual YAML shape); the finding stays. */
  readonly skipped: number;
}

/** A value as it stands after `key: `: scalars as YAML writes them, lists and mappings in flow style. */
function render(value: unknown): string {
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function endOfLine(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline < 0 ? text.length : newline + 1;
}

/**
 * One edit as a change of text: a scalar that exists is replaced where it
 * stands; a key that does not is inserted as new lines after the last entry of
 * its block mapping, at that mapping's indentation (with any missing parents).
 * Returns undefined when the edit needs a shape this does not handle (a flow
 * mapping, a path through a list that is too short).
 */
function editText(text: string, edit: YamlEdit): string | undefined {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return undefined;
  let node: Node | null = doc.contents;
  let depth = 0;
  for (; depth < edit.path.length; depth++) {
    const segment = edit.path[depth];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) return undefined;
      node = item;
    } else {
      return undefined;
    }
  }
  if (depth === edit.path.length) {
    // The key exists: replace its scalar value in place.
    if (!isScalar(node) || !node.range) return undefined;
    return `${text.slice(0, node.range[0])}${render(edit.value)}${text.slice(node.range[1])}`;
  }
  const rest = edit.path.slice(depth);
  if (!isMap(node) || rest.some((segment) => typeof segment !== 'string')) return undefined;
  if (node.flow) return insertInFlowMap(text, node, rest as string[], edit.value);
  if (node.items.length === 0) return undefined;
  const first = node.items[0];
  const last = node.items[node.items.length - 1];
  if (!isPair(first) || !isPair(last) || !isScalar(first.key) || !first.key.range) return undefined;
  const indent = first.key.range[0] - lineStart(text, first.key.range[0]);
  const lastEnd = (last.value as Node | null)?.range?.[1] ?? (last.key as Node | null)?.range?.[1];
  if (lastEnd === undefined) return undefined;
  const at = endOfLine(text, Math.max(lastEnd - 1, 0));
  const lines = rest.map((segment, i) => {
    const pad = ' '.repeat(indent + 2 * i);
    return i === rest.length - 1 ? `${pad}${String(segment)}: ${render(edit.value)}` : `${pad}${String(segment)}:`;
  });
  const separator = at > 0 && text[at - 1] !== '\n' ? '\n' : '';
  return `${text.slice(0, at)}${separator}${lines.join('\n')}\n${text.slice(at)}`;
}

/** `{ name: email, type: VARCHAR }` + classification → `{ name: email, type: VARCHAR, classification: pii }`. */
function insertInFlowMap(text: string, map: Node, keys: readonly string[], value: unknown): string | undefined {
  const end = map.range?.[1];
  if (end === undefined || text[end - 1] !== '}') return undefined;
  const close = end - 1;
  const inner = keys.slice(1).reduceRight((acc, key) => `{ ${key}: ${acc} }`, render(value));
  const entry = `${keys[0] ?? ''}: ${inner}`;
  const before = text.slice(0, close).replace(/\s*$/, '');
  const empty = before.endsWith('{');
  return `${before}${empty ? ' ' : ', '}${entry} ${text.slice(close)}`;
}

/**
 * Applies lint fixes to the YAML files they name by editing their text, so that
 * comments, spacing, quoting and key order stay exactly as the team wrote them.
 * Each file is written through a temporary file and a rename: a crash leaves
 * either the old file or the new one, never half of one.
 */
export async function applyYamlEdits(root: string, edits: readonly YamlEdit[]): Promise<AppliedFixes> {
  const byFile = new Map<string, YamlEdit[]>();
  for (const edit of edits) {
    const list = byFile.get(edit.file);
    if (list) list.push(edit);
    else byFile.set(edit.file, [edit]);
  }
  const files: string[] = [];
  let skipped = 0;
  for (const [file, fileEdits] of [...byFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const path = join(root, file);
    const original = await readFile(path, 'utf8');
    let text = original;
    for (const edit of fileEdits) {
      const next = editText(text, edit);
      if (next === undefined) skipped++;
      else text = next;
    }
    if (text === original) continue;
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, text);
    await rename(temporary, path);
    files.push(file);
  }
  return { files, edits: edits.length - skipped, skipped };
}
