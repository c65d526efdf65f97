import { DuckDBInstance, LIST, listValue, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import type { ParsedSelect } from './parsed-select.js';
import { readSerializedSelect } from './serialized-tree.js';

/** Statements parsed per query: large enough to amortise the call, small enough to bound memory. */
const BATCH_SIZE = 2_000;

/**
 * Parses model SQL with DuckDB's own parser (json_serialize_sql), so that what
 * Tessera accepts is exactly what the engine will run. Many statements go in one
 * query: about 0.05 ms each in a batch against about 0.6 ms one call at a time.
 */
export class DuckDbSqlParser {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<DuckDbSqlParser> {
    const instance = await DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      threads: '1',
    });
    return new DuckDbSqlParser(instance, await instance.connect());
  }

  async parse(sqls: readonly string[]): Promise<ParsedSelect[]> {
    const results: ParsedSelect[] = [];
    for (let start = 0; start < sqls.length; start += BATCH_SIZE) {
      const batch = sqls.slice(start, start + BATCH_SIZE);
      const reader = await this.connection.runAndReadAll(
        'SELECT j, json_array_length(j, \'$.statements\') AS n FROM (SELECT json_serialize_sql(unnest($1)) AS j)',
        [listValue([...batch])],
        [LIST(VARCHAR)],
      );
      const [jsonColumn, countColumn] = reader.getColumns() as [(string | null)[], (bigint | null)[]];
      if (jsonColumn.length !== batch.length) throw new Error(`parser returned ${jsonColumn.length} results for ${batch.length} statements`);
      batch.forEach((sql, i) => {
        const count = countColumn[i];
        results.push(readSerializedSelect(sql, jsonColumn[i] ?? '{"error":true}', count === null || count === undefined ? null : Number(count)));
      });
    }
    return results;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
