/**
 * A database source's schema against the one of its last successful load, worded as a
 * contract change is (governance/contract-diff.ts): `column x removed`, `column x: type
 * a → b`, `column x t added`. Pure.
 */
import type { MeshGraph, SourceNode } from '../../compiler/index.js';
import type { SourceColumnRecord } from '../../state/index.js';

export interface SourceSchemaChange {
  readonly column: string;
  readonly change: 'added' | 'removed' | 'retyped';
  readonly detail: string;
  /** The warehouse type changes too (not only the source's spelling, such as varchar(40) → varchar(80)). */
  readonly loadedTypeChanged: boolean;
}

export function diffSourceColumns(before: readonly SourceColumnRecord[], after: readonly SourceColumnRecord[]): SourceSchemaChange[] {
  const key = (name: string): string => name.toLowerCase();
  const now = new Map(after.map((c) => [key(c.name), c]));
  const then = new Map(before.map((c) => [key(c.name), c]));
  const changes: SourceSchemaChange[] = [];
  for (const old of before) {
    const current = now.get(key(old.name));
    if (!current) changes.push({ column: old.name, change: 'removed', detail: `column ${old.name} removed`, loadedTypeChanged: true });
    else if (current.type !== old.type) {
      const loaded = current.loadedAs !== old.loadedAs;
      changes.push({ column: old.name, change: 'retyped', detail: `column ${old.name}: type ${old.type} → ${current.type}${loaded ? ` (loaded as ${current.loadedAs}, was ${old.loadedAs})` : ''}`, loadedTypeChanged: loaded });
    }
  }
  for (const added of after) {
    if (!then.has(key(added.name))) changes.push({ column: added.name, change: 'added', detail: `column ${added.name} ${added.type} added`, loadedTypeChanged: true });
  }
  return changes;
}

/** SQL text without its comments, so that a column named only in a comment is not taken for a use. */
function withoutComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
}

function mentions(text: string, column: string): boolean {
  const escaped = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_$])"?${escaped}"?([^A-Za-z0-9_$]|$)`, 'i').test(text);
}

/**
 * What uses `column` of the source, by name: the source's own declared columns, checks,
 * cursor and key; models that read it and name the column in their SQL; snapshots of it
 * (their keys and compared columns); ports it feeds directly (their contract). A model
 * that only says `select *` is not counted here: the contract of the port it feeds is
 * what then notices the change.
 */
export function readersOfColumn(graph: MeshGraph, node: SourceNode, column: string): string[] {
  const same = (name: string | undefined): boolean => name !== undefined && name.toLowerCase() === column.toLowerCase();
  const readers: string[] = [];
  const spec = node.spec;
  if ((spec.columns ?? []).some((c) => same(c.name)) || mentions(JSON.stringify(spec.checks ?? []), column)) readers.push(`the columns and checks of source \`${node.name}\``);
  if ('incremental' in spec && (same(spec.incremental?.cursor) || [spec.unique_key ?? []].flat().some(same))) readers.push(`the cursor or unique_key of source \`${node.name}\``);
  for (const id of node.downstream) {
    const reader = graph.nodes.get(id);
    if (!reader) continue;
    if (reader.kind === 'model' && mentions(withoutComments(reader.sql), column)) readers.push(`model \`${reader.name}\``);
    if (reader.kind === 'snapshot') {
      const s = reader.spec;
      const used = [s.unique_key].flat().some(same) || same(s.updated_at) || (s.strategy === 'check' && (s.check_columns === undefined || s.check_columns.some(same)));
      if (used) readers.push(`snapshot \`${reader.name}\``);
    }
    if (reader.kind === 'port' && ((reader.spec.columns ?? []).some((c) => same(c.name)) || [reader.spec.unique_key ?? []].flat().some(same))) readers.push(`port ${reader.domain}.${reader.table}`);
  }
  return readers;
}
