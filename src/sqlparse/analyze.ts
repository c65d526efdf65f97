import { ParseCache } from './parse-cache.js';
import type { ParsedSelect } from './parsed-select.js';

export interface AnalyzeOptions {
  /** Cache file; undefined disables caching. */
  readonly cachePath?: string;
}

export interface AnalyzeStats {
  readonly parsed: number;
  readonly cached: number;
}

/**
 * Parses many SELECT statements, from the cache where possible. DuckDB is
 * loaded only when something misses, which keeps a warm run cheap.
 */
export async function analyzeSql(sqls: readonly string[], options: AnalyzeOptions = {}): Promise<{ results: ParsedSelect[]; stats: AnalyzeStats }> {
  const cache = await ParseCache.open(options.cachePath);
  const keys = sqls.map((sql) => ParseCache.key(sql));
  const results: (ParsedSelect | undefined)[] = keys.map((key) => cache.get(key));
  const missing: number[] = [];
  results.forEach((result, i) => {
    if (result === undefined) missing.push(i);
  });
  if (missing.length > 0) {
    const { DuckDbSqlParser } = await import('./duckdb-parser.js');
    const parser = await DuckDbSqlParser.open();
    try {
      const parsed = await parser.parse(missing.map((i) => sqls[i] ?? ''));
      parsed.forEach((result, j) => {
        const index = missing[j] ?? 0;
        results[index] = result;
        cache.set(keys[index] ?? '', result);
      });
    } finally {
      parser.close();
    }
  }
  cache.retain(new Set(keys));
  await cache.save();
  return { results: results as ParsedSelect[], stats: { parsed: missing.length, cached: sqls.length - missing.length } };
}
