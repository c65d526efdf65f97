import { z } from 'zod';
import { glossaryFileSchema, meshSchema, teamsFileSchema } from './mesh.js';
import { productSchema } from './product.js';

/** The editor-facing schema files, each generated from the same Zod schema the loader validates with. */
export const specSchemas = {
  'tessera.schema.json': { schema: meshSchema, title: 'Tessera mesh (tessera.yaml)' },
  'teams.schema.json': { schema: teamsFileSchema, title: 'Tessera teams (teams.yaml)' },
  'glossary.schema.json': { schema: glossaryFileSchema, title: 'Tessera glossary (glossary.yaml)' },
  'product.schema.json': { schema: productSchema, title: 'Tessera data product (product.yaml)' },
} as const;

export type SpecSchemaFile = keyof typeof specSchemas;

export function jsonSchemaFor(file: SpecSchemaFile): Record<string, unknown> {
  const { schema, title } = specSchemas[file];
  const generated = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return { ...generated, $id: `https://tessera.dev/schema/${file}`, title };
}
