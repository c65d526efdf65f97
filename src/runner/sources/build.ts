/**
 * Ingesting a source of an application database (PostgreSQL, MySQL/MariaDB): its rows
 * stream into a work table through the warehouse's bulk path, then, in one transaction,
 * become the source's table (full load) or merge into it (incremental), the source's
 * checks run, and the high-water mark and schema are recorded. A failure anywhere —
 * reading, loading, a check — leaves the table and the mark as they were.
 */
import type { SourceNode } from '../../compiler/index.js';
import type { DatabaseSourceSpec } from '../../spec/index.js';
import { SqlCursorStore, type SourceColumnRecord, type SourceLoadRecord } from '../../state/index.js';
import type { LoadColumn } from '../../warehouse/index.js';
import { checkProblem } from '../audit.js';
import { BuildFailure, measure, type BuildContext, type BuildOutcome } from '../context.js';
import { evaluateChecks } from '../evaluate-checks.js';
import { productSchema } from '../layout.js';
import { mergeInto, removeDeleted, replaceWith, workTables } from './incremental.js';
import { openMySqlSource } from './mysql.js';
import { openPostgresSource } from './postgres.js';
import { SourceError, type SourceColumn, type SourceConnection } from './reader.js';
import { diffSourceColumns, readersOfColumn, type SourceSchemaChange } from './schema-change.js';
import { warehouseType } from './type-map.js';
import { redacted, sourceUrl } from './url.js';

export async function buildDatabaseSource(ctx: BuildContext, node: SourceNode, spec: DatabaseSourceSpec): Promise<BuildOutcome> {
  const { dialect: d } = ctx;
  const url = sourceUrl(node, spec);
  const load = ctx.warehouse?.load?.bind(ctx.warehouse);
  if (!load) {
    throw new BuildFailure('run/unsupported', `Source \`${node.name}\` reads a ${spec.type} database, and the ${d.name} warehouse has no bulk load to ingest it with.`, 'Use the embedded DuckDB warehouse or the PostgreSQL one.', node.location);
  }
  const source = await connect(node, spec, url);
  try {
    const described = await source.describe().catch((error: unknown) => {
      throw readFailure(node, spec, error);
    });
    const columns = loadColumns(node, spec, described, d.name);
    const cursors = new SqlCursorStore(ctx.session, d);
    const last = await cursors.lastLoad(node.id);
    const schema = productSchema(node.product);
    const origin = originOf(spec);
    const changes = last === undefined ? [] : diffSourceColumns(last.columns, columns);
    refuseBreakingChanges(ctx, node, changes);
    const warnings = changes.length === 0 ? [] : [schemaWarning(last, changes)];

    const cursor = spec.incremental === undefined ? undefined : columnNamed(node, described, spec.incremental.cursor, 'incremental.cursor');
    const keys = [spec.unique_key ?? []].flat().map((k) => columnNamed(node, described, k, 'unique_key'));
    const tableExists = (await ctx.session.columns(schema, node.name)).length > 0;
    // Only rows at or past the mark, unless there is no mark yet, or the mark or the table no longer fit what is loaded.
    const incremental =
      cursor !== undefined && last?.highWater !== undefined && last.origin === origin && !ctx.fullRefresh && tableExists && !changes.some((c) => c.loadedTypeChanged);
    if (cursor !== undefined && last?.highWater !== undefined && !incremental && changes.some((c) => c.loadedTypeChanged)) {
      warnings.push(`the columns changed, so \`${node.name}\` was loaded in full this time; later loads are incremental again`);
    }

    const work = workTables(node.name);
    try {
      const rows = source.read(described, { ...(cursor === undefined ? {} : { cursor: { column: cursor, ...(incremental ? { from: last.highWater } : {}) } }) });
      const fetched = await load(schema, work.rows, asLoaded(columns), rows.batches).catch((error: unknown) => {
        throw readFailure(node, spec, error);
      });
      const scanKeys = incremental && spec.incremental?.deletes === 'full_key_scan';
      if (scanKeys) {
        const keyRows = source.read(described, { only: keys });
        await load(schema, work.keys, asLoaded(keys.map((k) => columns.find((c) => c.name === k) ?? { name: k, type: 'text', loadedAs: 'VARCHAR' })), keyRows.batches).catch((error: unknown) => {
          throw readFailure(node, spec, error);
        });
      }
      // No new rows keeps the old mark: the next load starts from where this one did.
      const highWater = cursor === undefined ? undefined : (rows.highWater() ?? (incremental ? last.highWater : undefined));

      return await ctx.session.transaction(async (tx) => {
        let deleted = 0;
        if (incremental) {
          await mergeInto(tx, d, schema, node.name, work.rows, columns.map((c) => c.name), keys);
          if (scanKeys) deleted = await removeDeleted(tx, d, schema, node.name, work.keys, keys);
        } else {
          await replaceWith(tx, d, schema, node.name, work.rows);
        }
        const checkWarnings = await runChecks(ctx, tx, node);
        const measured = await measure(tx, d, schema, node.name);
        const record: SourceLoadRecord = { source: node.id, origin, ...(highWater === undefined ? {} : { highWater }), columns, runId: ctx.runId, loadedAt: ctx.now, rows: measured.rows };
        await cursors.recordLoad(record, tx);
        const all = [...warnings, ...checkWarnings];
        return { ...measured, ingested: { rows: fetched, incremental, ...(scanKeys ? { deleted } : {}), ...(highWater === undefined ? {} : { highWater }) }, ...(all.length > 0 ? { warnings: all } : {}) };
      });
    } catch (error) {
      // Work tables are never kept: a failed load may have filled them part-way, and a failed transaction rolled back their rename.
      for (const table of [work.rows, work.keys]) await ctx.session.execute(d.dropTable(schema, table)).catch(() => undefined);
      throw error;
    }
  } finally {
    await source.close();
  }
}

async function connect(node: SourceNode, spec: DatabaseSourceSpec, url: string): Promise<SourceConnection> {
  const relation = spec.table !== undefined ? { table: spec.table } : { query: spec.query ?? '' };
  try {
    return await (spec.type === 'postgres' ? openPostgresSource(url, relation) : openMySqlSource(url, relation));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const where = spec.url_env === undefined ? redacted(url) : `${redacted(url)}, from ${spec.url_env}`;
    throw new BuildFailure(
      'source/connect',
      `Source \`${node.name}\` of ${node.product} could not connect to its ${spec.type} database (${where}): ${reason}.`,
      /password|access denied|authentication/i.test(reason)
        ? `Check the user and password in ${spec.url_env ?? 'the URL'}; Tessera only reads, so a read-only user is enough.`
        : `Check that the database is running and reachable, and the host, port and database name in ${spec.url_env ?? 'the URL'}.`,
      node.location,
    );
  }
}

function readFailure(node: SourceNode, spec: DatabaseSourceSpec, error: unknown): Error {
  if (error instanceof BuildFailure) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const what = spec.table !== undefined ? `table \`${spec.table}\`` : 'query';
  if (error instanceof SourceError) {
    return new BuildFailure('source/read', `Source \`${node.name}\` of ${node.product}: the ${spec.type} database refused to read its ${what}: ${reason}.`, spec.table !== undefined ? 'Check that the table exists and that the user may SELECT from it.' : 'Run the query in the database\'s own client to see the problem, then fix `query:`.', node.location);
  }
  return new BuildFailure('source/load', `Source \`${node.name}\` of ${node.product} was read, but its rows could not be loaded into the warehouse: ${reason}.`, 'The table keeps its last load. A value the column\'s type cannot hold usually means the column\'s type at the source allows more than its mapping: cast it in a `query:`.', node.location);
}

/** The warehouse's types for the source's columns; a type with no mapping is an error naming the column. */
function loadColumns(node: SourceNode, spec: DatabaseSourceSpec, described: readonly SourceColumn[], dialect: string): SourceColumnRecord[] {
  if (described.length === 0) throw new BuildFailure('source/no-columns', `Source \`${node.name}\`: its ${spec.table !== undefined ? 'table' : 'query'} returns no columns.`, 'Load a table or a query that returns columns.', node.location);
  const problems: string[] = [];
  const columns = described.map((c) => {
    const mapped = c.logical === undefined ? { problem: 'no warehouse type holds it faithfully' } : warehouseType(c.logical, dialect);
    if ('problem' in mapped) problems.push(`column \`${c.name}\` has type ${c.sourceType}: ${mapped.problem}`);
    return { name: c.name, type: c.sourceType, loadedAs: 'type' in mapped ? mapped.type : '' };
  });
  if (problems.length > 0) {
    throw new BuildFailure('source/unsupported-type', `Source \`${node.name}\` of ${node.product} cannot be loaded: ${problems.join('; ')}.`, `Use a \`query:\` that casts ${problems.length === 1 ? 'that column' : 'those columns'} to a supported type (text, a number, a timestamp), e.g. \`query: select id, tags::text as tags from ${spec.table ?? 'the_table'}\`.`, node.location);
  }
  return columns;
}

/** The columns of a work table: the warehouse's types. */
function asLoaded(columns: readonly SourceColumnRecord[]): LoadColumn[] {
  return columns.map((c) => ({ name: c.name, type: c.loadedAs }));
}

function columnNamed(node: SourceNode, described: readonly SourceColumn[], name: string, field: string): string {
  const found = described.find((c) => c.name === name) ?? described.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!found) {
    throw new BuildFailure('source/unknown-column', `Source \`${node.name}\`: \`${field}\` names the column \`${name}\`, which the source does not return (it returns ${described.map((c) => c.name).join(', ')}).`, `Set \`${field}\` to one of the source's columns.`, node.location);
  }
  return found.name;
}

/** Engine, table or query, cursor: when any of them changes, the old mark says nothing about the new rows. */
function originOf(spec: DatabaseSourceSpec): string {
  return JSON.stringify([spec.type, spec.table ?? null, spec.query ?? null, spec.incremental?.cursor ?? null]);
}

/**
 * A column removed, or loaded as another type, that something downstream uses fails the
 * node before anything is loaded (the table and the mark stay as they were), unless the
 * run is a full refresh, which is how the owner accepts the new schema.
 */
function refuseBreakingChanges(ctx: BuildContext, node: SourceNode, changes: readonly SourceSchemaChange[]): void {
  if (ctx.fullRefresh) return;
  const breaking = changes.flatMap((c) => {
    if (c.change === 'added' || !c.loadedTypeChanged) return [];
    const readers = readersOfColumn(ctx.graph, node, c.column);
    return readers.length === 0 ? [] : [`${c.detail}, used by ${readers.join(', ')}`];
  });
  if (breaking.length === 0) return;
  throw new BuildFailure(
    'source/schema-changed',
    `Source \`${node.name}\` of ${node.product} changed at the source in a way its readers would break on: ${breaking.join('; ')}.`,
    'Nothing was loaded: the table and its high-water mark are as they were. Update the readers to the new schema and run again, or, when they are ready for it, accept the new schema with `tessera run --full-refresh`.',
    node.location,
  );
}

function schemaWarning(last: SourceLoadRecord | undefined, changes: readonly SourceSchemaChange[]): string {
  return `source schema changed since the last load${last === undefined ? '' : ` (run ${last.runId})`}: ${changes.map((c) => c.detail).join('; ')}`;
}

/** The source's checks, inside the load's transaction: a failing one rolls the load and its mark back. */
async function runChecks(ctx: BuildContext, tx: Parameters<Parameters<BuildContext['session']['transaction']>[0]>[0], node: SourceNode): Promise<string[]> {
  if (node.checks.length === 0) return [];
  const d = ctx.dialect;
  await tx.execute(d.setSearchPath(productSchema(node.product)));
  const checks = await evaluateChecks(tx, d, ctx.state, { nodeId: node.id, table: d.table(productSchema(node.product), node.name), checks: node.checks, runId: ctx.runId, now: ctx.now });
  await ctx.state.recordChecks(ctx.runId, ctx.now, checks.results, checks.metrics);
  if (checks.failed.length > 0) {
    throw new BuildFailure('check/failed', `source \`${node.name}\` of ${node.product} was loaded but fails its checks: ${checks.failed.map(checkProblem).join('; ')}.`, 'Nothing of this load was kept, and the high-water mark did not move: the next run reads the same rows again. Look at the sample rows (`tessera runs show <id>`), then fix the data at the source or the check.', node.location);
  }
  return checks.warned.map((w) => `check \`${w.name}\` warns: ${w.message}`);
}
