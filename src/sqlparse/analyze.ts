import { ParseCache } from './parse-cache.js';
import type { ParsedSelect } from './parsed-select.js';

export interface AnalyzeStats {
  readonly parsed: number;
  readonly cached: number;
}

interface Parser {
  parse(sqls: readonly string[]): Promise<ParsedSelect[]>;
  close(): void;
}

/**
 * Parses the SQL of many models, from the cache where possible. DuckDB is
 * loaded only when something misses, which keeps a warm run cheap. `prefetch`
 * starts parsing early, in the background, so that the caller can load YAML
 * while DuckDB works.
 */
export class SqlAnalyzer {
  private parser: Promise<Parser> | undefined;
  /** Statements being parsed: their batch and their place in it. */
  private readonly pending = new Map<string, { batch: Promise<ParsedSelect[]>; index: number }>();
  private readonly batches: Promise<unknown>[] = [];

  private constructor(private readonly cache: ParseCache) {}

  /** `cachePath` undefined: no cache is read or written. */
  static async open(cachePath: string | undefined): Promise<SqlAnalyzer> {
    return new SqlAnalyzer(await ParseCache.open(cachePath));
  }

  /** Starts parsing what the cache does not know, without waiting. */
  prefetch(sqls: readonly string[]): void {
    const misses: { key: string; sql: string }[] = [];
    for (const sql of sqls) {
      const key = ParseCache.key(sql);
      if (this.cache.get(key) === undefined && !this.pending.has(key)) misses.push({ key, sql });
    }
    if (misses.length === 0) return;
    const batch = this.parserReady().then((parser) => parser.parse(misses.map((m) => m.sql)));
    // Failures surface through analyze(); a prefetch nobody awaits must not be an unhandled rejection.
    this.batches.push(batch.catch(() => undefined));
    misses.forEach(({ key }, index) => this.pending.set(key, { batch, index }));
  }

  /** One result per statement, in order; caches what it parsed. */
  async analyze(sqls: readonly string[]): Promise<{ results: ParsedSelect[]; stats: AnalyzeStats }> {
    this.prefetch(sqls);
    const keys = sqls.map((sql) => ParseCache.key(sql));
    let parsed = 0;
    const results = await Promise.all(
      keys.map(async (key) => {
        const cached = this.cache.get(key);
        if (cached) return cached;
        const pending = this.pending.get(key);
        const result = pending ? ((await pending.batch)[pending.index] ?? { references: [] }) : { references: [] };
        this.cache.set(key, result);
        parsed++;
        return result;
      }),
    );
    this.cache.retain(new Set(keys));
    await this.cache.save();
    return { results, stats: { parsed, cached: sqls.length - parsed } };
  }

  /** Waits for work in flight (a prefetch nobody needed), then releases DuckDB. */
  async close(): Promise<void> {
    await Promise.all(this.batches);
    if (this.parser) (await this.parser).close();
  }

  private parserReady(): Promise<Parser> {
    this.parser ??= import('./duckdb-parser.js').then(({ DuckDbSqlParser }) => DuckDbSqlParser.open());
    return this.parser;
  }
}
