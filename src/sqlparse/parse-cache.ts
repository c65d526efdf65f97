import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ParsedSelect } from './parsed-select.js';

/**
 * Remembers parse results by the SHA-1 of the SQL text, so an unchanged model is
 * never parsed twice and a warm validate need not start DuckDB at all. The
 * format version is part of the file name: a new version simply misses.
 */
export class ParseCache {
  private dirty = false;

  private constructor(
    private readonly path: string | undefined,
    private readonly entries: Map<string, ParsedSelect>,
  ) {}

  static key(sql: string): string {
    return createHash('sha1').update(sql).digest('base64url');
  }

  static async open(path: string | undefined): Promise<ParseCache> {
    if (path === undefined) return new ParseCache(undefined, new Map());
    try {
      const data = JSON.parse(await readFile(path, 'utf8')) as Record<string, ParsedSelect>;
      return new ParseCache(path, new Map(Object.entries(data)));
    } catch {
      // No cache yet, or an unreadable one: start afresh, it is only a cache.
      return new ParseCache(path, new Map());
    }
  }

  get(key: string): ParsedSelect | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: ParsedSelect): void {
    this.entries.set(key, value);
    this.dirty = true;
  }

  /** Keeps only the given keys, so the file does not grow with every edit. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.entries.keys()) {
      if (!keys.has(key)) {
        this.entries.delete(key);
        this.dirty = true;
      }
    }
  }

  /**
   * Writes through a temporary file and a rename, so a crash never leaves half a cache.
   * Best effort: a cache that cannot be written (a path too long, a read-only disk) only costs speed.
   */
  async save(): Promise<void> {
    if (this.path === undefined || !this.dirty) return;
    try {
      await mkdir(dirname(this.path), { recursive: true });
      const temporary = `${this.path}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(Object.fromEntries(this.entries)));
      await rename(temporary, this.path);
      this.dirty = false;
    } catch (error) {
      if (typeof (error as NodeJS.ErrnoException).code !== 'string') throw error;
    }
  }
}
