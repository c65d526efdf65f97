import { isAbsolute, resolve } from 'node:path';
import type { SourceNode } from '../compiler/index.js';
import { isDatabaseSource, type FileSourceSpec } from '../spec/index.js';
import { BuildFailure, measure, type BuildContext, type BuildOutcome } from './context.js';
import { loadFilesThroughDuckDB } from './file-load.js';
import { productSchema } from './layout.js';
import { buildDatabaseSource } from './sources/index.js';

/** Ingests a source into the product's schema, replacing (or, for incremental database sources, merging into) the previous copy atomically. */
export async function buildSource(ctx: BuildContext, node: SourceNode): Promise<BuildOutcome> {
  const spec = node.spec;
  if (isDatabaseSource(spec)) return buildDatabaseSource(ctx, node, spec);
  return buildFileSource(ctx, node, spec);
}

async function buildFileSource(ctx: BuildContext, node: SourceNode, spec: FileSourceSpec): Promise<BuildOutcome> {
  const { dialect, session } = ctx;
  const path = isAbsolute(spec.path) ? spec.path : resolve(ctx.root, spec.path);
  const schema = productSchema(node.product);
  if (!dialect.readFiles) return buildFileSourceByLoad(ctx, node, spec, path, schema);
  const reader = dialect.readFiles(spec.format, path, spec.options ?? {});
  await session.execute(dialect.createTableAs(schema, node.name, `SELECT * FROM ${reader}`, { replace: true }));
  return measure(session, dialect, schema, node.name);
}

/** A warehouse that cannot read files (PostgreSQL) gets them read by DuckDB and bulk-loaded. */
async function buildFileSourceByLoad(ctx: BuildContext, node: SourceNode, spec: FileSourceSpec, path: string, schema: string): Promise<BuildOutcome> {
  const { dialect, session, warehouse } = ctx;
  if (!warehouse?.load) {
    throw new BuildFailure('run/unsupported', `Source \`${node.name}\` is a ${spec.format} file, and the ${dialect.name} warehouse can neither read files nor load them.`, 'Use the embedded DuckDB warehouse, or load the file into the warehouse first.', node.location);
  }
  await loadFilesThroughDuckDB(warehouse, schema, node.name, { format: spec.format, path, options: spec.options ?? {} });
  return measure(session, dialect, schema, node.name);
}
