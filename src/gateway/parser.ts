import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/**
 * DuckDB's own parser, in an in-memory instance that holds no data and can reach
 * nothing: the gateway reads each consumer query as a tree (json_serialize_sql) and
 * writes the rewritten tree back as SQL (json_deserialize_sql), so what runs is exactly
 * what was authorized, whatever quoting, comments or spacing the text used.
 */
export class QueryParser {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<QueryParser> {
    const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false', threads: '1' });
    const connection = await instance.connect();
    await connection.run("SET enable_external_access = false; SET lock_configuration = true");
    return new QueryParser(instance, connection);
  }

  /** The parse tree of `sql` (`{ error: true, … }` when it does not parse or is not a SELECT). */
  serialize(sql: string): Promise<unknown> {
    return this.serial(async () => {
      const reader = await this.connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR) AS tree', [sql]);
      // "No location" is 2^64 - 1, which a JavaScript number cannot hold: it would come back as a float the
      // deserializer refuses. Locations only place error carets, so unknown ones become 0.
      return JSON.parse(String(reader.getRows()[0]?.[0] ?? '{"error":true}').replace(/"query_location":\d{16,}/g, '"query_location":0')) as unknown;
    });
  }

  /** SQL text for a tree that `serialize` returned (possibly renamed). */
  deserialize(tree: unknown): Promise<string> {
    return this.serial(async () => {
      const reader = await this.connection.runAndReadAll('SELECT json_deserialize_sql(CAST($1::VARCHAR AS JSON)) AS sql', [JSON.stringify(tree)]);
      return String(reader.getRows()[0]?.[0] ?? '');
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
