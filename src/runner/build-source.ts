import { isAbsolute, resolve } from 'node:path';
import type { SourceNode } from '../compiler/index.js';
import { BuildFailure, measure, type BuildContext, type BuildOutcome } from './context.js';
import { productSchema } from './layout.js';

/** Ingests a source's files into the product's schema, replacing the previous copy atomically. */
export async function buildSource(ctx: BuildContext, node: SourceNode): Promise<BuildOutcome> {
  const { dialect, session } = ctx;
  if (!dialect.readFiles) {
    throw new BuildFailure('run/unsupported', `Source \`${node.name}\` is a ${node.spec.format} file, and the ${dialect.name} warehouse cannot read files.`, 'Load files into the warehouse first, or use the embedded DuckDB warehouse.', node.location);
  }
  const path = isAbsolute(node.spec.path) ? node.spec.path : resolve(ctx.root, node.spec.path);
  const reader = dialect.readFiles(node.spec.format, path, node.spec.options ?? {});
  const schema = productSchema(node.product);
  await session.execute(dialect.createTableAs(schema, node.name, `SELECT * FROM ${reader}`, { replace: true }));
  return measure(session, dialect, schema, node.name);
}
