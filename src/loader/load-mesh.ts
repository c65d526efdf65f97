import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import type { Diagnostic } from '../diagnostics/index.js';
import {
  glossaryFileSchema,
  meshSchema,
  productSchema,
  teamsFileSchema,
  type GlossaryTermSpec,
  type Mesh,
  type ModelDefinition,
  type Product,
  type ProductSpec,
  type SpecFile,
  type TeamSpec,
} from '../spec/index.js';
import { schemaDiagnostics } from './schema-issues.js';
import { parseYaml } from './yaml-file.js';

export interface LoadResult {
  /** Present unless the mesh root itself is unusable (no or broken tessera.yaml). */
  readonly mesh?: Mesh;
  readonly diagnostics: Diagnostic[];
}

const PRODUCTS_DIR = 'products';

interface Validated<T> {
  value?: T;
  file: SpecFile;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function listDir(path: string): Promise<{ name: string; isDirectory: boolean }[]> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries.map((e) => ({ name: e.name, isDirectory: e.isDirectory() })).sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
}

function missingFile(path: string, what: string, hint: string): Diagnostic {
  return { code: 'file/missing', severity: 'error', message: `${what} not found: ${path}.`, hint, location: { file: path, line: 1, column: 1 } };
}

function validate<T>(relativePath: string, text: string, schema: z.ZodType<T>, diagnostics: Diagnostic[]): Validated<T> {
  const parsed = parseYaml(relativePath, text);
  diagnostics.push(...parsed.diagnostics);
  if (parsed.diagnostics.length > 0) return { file: parsed.file };
  const result = schema.safeParse(parsed.value ?? null);
  if (!result.success) {
    diagnostics.push(...schemaDiagnostics(result.error.issues, schema, parsed.value, parsed.file));
    return { file: parsed.file };
  }
  return { value: result.data, file: parsed.file };
}

async function loadModels(
  root: string,
  dir: string,
  spec: Pick<ProductSpec, 'models'>,
  file: SpecFile | undefined,
  diagnostics: Diagnostic[],
): Promise<ModelDefinition[]> {
  const declared = new Map((spec.models ?? []).map((m, index) => [m.name, { spec: m, index }]));
  const sqlPaths = new Map<string, string>();
  for (const entry of await listDir(join(root, dir, 'models'))) {
    if (!entry.isDirectory && entry.name.endsWith('.sql')) sqlPaths.set(entry.name.slice(0, -4), `${dir}/models/${entry.name}`);
  }
  for (const [name, { spec: modelSpec }] of declared) {
    if (modelSpec.sql !== undefined) sqlPaths.set(name, `${dir}/${modelSpec.sql}`);
  }
  const names = [...new Set([...sqlPaths.keys(), ...declared.keys()])].sort();
  const models = await Promise.all(
    names.map(async (name): Promise<ModelDefinition | undefined> => {
      const declaration = declared.get(name);
      const sqlFile = sqlPaths.get(name) ?? `${dir}/models/${name}.sql`;
      const sql = await readText(join(root, sqlFile));
      if (sql === undefined) {
        diagnostics.push({
          ...missingFile(sqlFile, `SQL file of model \`${name}\``, `Create ${sqlFile} with the model's SELECT, or remove the model from product.yaml.`),
          location: file?.locate(['models', declaration?.index ?? 0, declaration?.spec.sql !== undefined ? 'sql' : 'name']),
        });
        return undefined;
      }
      return declaration ? { name, sqlFile, sql, spec: declaration.spec, specIndex: declaration.index } : { name, sqlFile, sql };
    }),
  );
  return models.filter((m): m is ModelDefinition => m !== undefined);
}

type LoadedProduct = { product: Product } | { unvalidatedModels: ModelDefinition[] };

async function loadProduct(root: string, domainFolder: string, productFolder: string, diagnostics: Diagnostic[]): Promise<LoadedProduct> {
  const dir = `${PRODUCTS_DIR}/${domainFolder}/${productFolder}`;
  const path = `${dir}/product.yaml`;
  const text = await readText(join(root, path));
  if (text === undefined) {
    diagnostics.push(
      missingFile(path, 'product.yaml', `Every folder products/<domain>/<product>/ is a data product: add ${path}, or move the folder out of products/.`),
    );
    return { unvalidatedModels: await loadModels(root, dir, { models: [] }, undefined, diagnostics) };
  }
  const { value: spec, file } = validate(path, text, productSchema, diagnostics);
  if (!spec) return { unvalidatedModels: await loadModels(root, dir, { models: [] }, undefined, diagnostics) };
  for (const [field, folder] of [
    ['domain', domainFolder],
    ['name', productFolder],
  ] as const) {
    if (spec[field] !== folder) {
      diagnostics.push({
        code: 'product/path-mismatch',
        severity: 'error',
        message: `Product declares ${field} \`${spec[field]}\` but lives in folder \`${folder}\`.`,
        hint: `Products live at products/<domain>/<name>/: rename the folder to \`${spec[field]}\` or set ${field}: ${folder}.`,
        location: file.locate([field]),
      });
    }
  }
  const models = await loadModels(root, dir, spec, file, diagnostics);
  return { product: { id: `${spec.domain}.${spec.name}`, spec, dir, file, models } };
}

async function loadProducts(
  root: string,
  diagnostics: Diagnostic[],
): Promise<{ products: Product[]; unloadedDomains: string[]; unvalidatedModels: ModelDefinition[] }> {
  const jobs: Promise<LoadedProduct>[] = [];
  const jobDomains: string[] = [];
  for (const domain of await listDir(join(root, PRODUCTS_DIR))) {
    if (!domain.isDirectory) continue;
    for (const product of await listDir(join(root, PRODUCTS_DIR, domain.name))) {
      if (product.isDirectory) {
        jobs.push(loadProduct(root, domain.name, product.name, diagnostics));
        jobDomains.push(domain.name);
      } else if (product.name === 'product.yaml') {
        diagnostics.push({
          code: 'product/misplaced',
          severity: 'error',
          message: `product.yaml directly in products/${domain.name}/ is not a product: products live two folders deep.`,
          hint: `Move it to products/${domain.name}/<product name>/product.yaml.`,
          location: { file: `${PRODUCTS_DIR}/${domain.name}/product.yaml`, line: 1, column: 1 },
        });
      }
    }
  }
  const loaded = await Promise.all(jobs);
  const unloadedDomains = new Set<string>();
  const products: Product[] = [];
  const unvalidatedModels: ModelDefinition[] = [];
  loaded.forEach((result, i) => {
    if ('product' in result) {
      products.push(result.product);
    } else {
      unloadedDomains.add(jobDomains[i] ?? '');
      unvalidatedModels.push(...result.unvalidatedModels);
    }
  });
  return { products, unloadedDomains: [...unloadedDomains], unvalidatedModels };
}

/**
 * Reads a mesh folder into the validated model. Every problem found becomes a
 * diagnostic; a product with errors is left out, the rest still load.
 */
export async function loadMesh(root: string): Promise<LoadResult> {
  const diagnostics: Diagnostic[] = [];
  const meshText = await readText(join(root, 'tessera.yaml'));
  if (meshText === undefined) {
    diagnostics.push(
      missingFile('tessera.yaml', 'Mesh file', `Run tessera in the mesh root (the folder with tessera.yaml), pass --dir PATH, or create tessera.yaml with at least \`name:\`.`),
    );
    return { diagnostics };
  }
  const [teamsText, glossaryText] = await Promise.all([readText(join(root, 'teams.yaml')), readText(join(root, 'glossary.yaml'))]);
  const meshFile = validate('tessera.yaml', meshText, meshSchema, diagnostics);

  let teams: TeamSpec[] = [];
  let teamsFile: SpecFile | undefined;
  if (teamsText === undefined) {
    diagnostics.push(missingFile('teams.yaml', 'Teams file', 'Create teams.yaml with `teams:` listing each team (id, name, domains), so products can name their owner.'));
  } else {
    const loaded = validate('teams.yaml', teamsText, teamsFileSchema, diagnostics);
    teams = loaded.value?.teams ?? [];
    teamsFile = loaded.file;
  }
  let glossary: GlossaryTermSpec[] = [];
  let glossaryFile: SpecFile | undefined;
  if (glossaryText !== undefined) {
    const loaded = validate('glossary.yaml', glossaryText, glossaryFileSchema, diagnostics);
    glossary = loaded.value?.terms ?? [];
    glossaryFile = loaded.file;
  }
  const { products, unloadedDomains, unvalidatedModels } = await loadProducts(root, diagnostics);
  if (!meshFile.value) return { diagnostics };
  const mesh: Mesh = {
    spec: meshFile.value,
    file: meshFile.file,
    teams,
    glossary,
    products,
    unloadedDomains,
    unvalidatedModels,
    ...(teamsFile ? { teamsFile } : {}),
    ...(glossaryFile ? { glossaryFile } : {}),
  };
  return { mesh, diagnostics };
}
