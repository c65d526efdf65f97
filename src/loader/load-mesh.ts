import type { z } from 'zod';
import type { Diagnostic } from '../diagnostics/index.js';
import {
  IDENTIFIER,
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
import { diskFiles, FileReadError, PRODUCTS_DIR, type DirEntry, type MeshFiles } from './mesh-files.js';
import { DEFAULT_MESH_FILE, MESH_FILE_ENV, meshFileName } from './mesh-file.js';
import { parseYaml } from './yaml-file.js';

export interface LoadResult {
  /** Present unless the mesh root itself is unusable (no or broken tessera.yaml). */
  readonly mesh?: Mesh;
  readonly diagnostics: Diagnostic[];
}


interface Validated<T> {
  value?: T;
  /** The parsed YAML, valid or not; undefined when the YAML itself did not parse. */
  raw?: unknown;
  file: SpecFile;
}

function missingFile(path: string, what: string, hint: string): Diagnostic {
  return { code: 'file/missing', severity: 'error', message: `${what} not found: ${path}.`, hint, location: { file: path, line: 1, column: 1 } };
}

const UNREADABLE_REASONS: Record<string, { message: string; hint: string }> = {
  EISDIR: { message: 'is a folder, not a file', hint: 'Replace the folder with the file, or move the folder away.' },
  ELOOP: { message: 'is a symbolic link that loops (it points, through other links, back at itself)', hint: 'Point the link at a real file, or replace it with the file.' },
  ENAMETOOLONG: { message: 'has a name too long for the file system', hint: 'Shorten the name (most file systems allow 255 bytes per name).' },
  EACCES: { message: 'cannot be read: permission denied', hint: 'Give the user running tessera read permission on it.' },
  EPERM: { message: 'cannot be read: operation not permitted', hint: 'Give the user running tessera read permission on it.' },
};

/** A file or folder that exists but cannot be read. */
export function unreadableDiagnostic(error: FileReadError): Diagnostic {
  const reason = UNREADABLE_REASONS[error.code] ?? { message: `cannot be read (${error.code})`, hint: 'Check the file on disk: tessera reads it as a plain text file.' };
  return {
    code: 'file/unreadable',
    severity: 'error',
    message: `\`${error.path}\` ${reason.message}.`,
    hint: reason.hint,
    location: { file: error.path, line: 1, column: 1 },
  };
}

const UNREADABLE = Symbol('unreadable');

/**
 * Bytes that are not UTF-8 come out of decoding as U+FFFD; reading on would carry the
 * corruption into the warehouse (a Latin-1 `é` in a literal), so it is reported where it is.
 */
function encodingDiagnostic(path: string, text: string): Diagnostic | undefined {
  const first = text.indexOf('\uFFFD');
  if (first < 0) return nulDiagnostic(path, text);
  const before = text.slice(0, first);
  const line = before.split('\n').length;
  const column = first - before.lastIndexOf('\n');
  const more = text.split('\uFFFD').length - 2;
  return {
    code: 'file/encoding',
    severity: 'error',
    message: `\`${path}\` is not valid UTF-8: the bytes at line ${line}, column ${column}${more > 0 ? ` (and ${more} more place${more === 1 ? '' : 's'})` : ''} are not text Tessera can read faithfully.`,
    hint: 'Save the file as UTF-8 (editors offer it under "encoding"; `iconv -f latin1 -t utf-8 FILE` converts Latin-1).',
    location: { file: path, line, column },
  };
}

/**
 * A NUL byte is valid UTF-8 but no text: the engine's parser stops at it, so a model would
 * silently lose the SQL after it (and YAML refuses it with a puzzling message).
 */
function nulDiagnostic(path: string, text: string): Diagnostic | undefined {
  const first = text.indexOf('\u0000');
  if (first < 0) return undefined;
  const before = text.slice(0, first);
  const line = before.split('\n').length;
  const column = first - before.lastIndexOf('\n');
  return {
    code: 'file/encoding',
    severity: 'error',
    message: `\`${path}\` holds a NUL byte (\\0) at line ${line}, column ${column}: it is not a text file, and the SQL or YAML after it would be lost.`,
    hint: 'Remove the NUL byte (`tr -d \'\\000\'` does it for the whole file); save the file as plain UTF-8 text.',
    location: { file: path, line, column },
  };
}

/** The file's text, undefined when it does not exist, UNREADABLE (reported) when it cannot be read. */
function readText(files: MeshFiles, path: string, diagnostics: Diagnostic[]): string | undefined | typeof UNREADABLE {
  try {
    const text = files.readText(path);
    const encoding = text === undefined ? undefined : encodingDiagnostic(path, text);
    if (encoding) diagnostics.push(encoding);
    // Reported once above: read on as if the NUL were a space, so that the parsers do not report it again elsewhere.
    return text?.includes('\u0000') ? text.replaceAll('\u0000', ' ') : text;
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error;
    diagnostics.push(unreadableDiagnostic(error));
    return UNREADABLE;
  }
}

/** A folder's entries; empty (and reported) when it cannot be read. */
function listDir(files: MeshFiles, path: string, diagnostics: Diagnostic[]): DirEntry[] {
  try {
    return files.listDir(path);
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error;
    diagnostics.push(unreadableDiagnostic(error));
    return [];
  }
}

function validate<T>(relativePath: string, text: string, schema: z.ZodType<T>, diagnostics: Diagnostic[]): Validated<T> {
  const parsed = parseYaml(relativePath, text);
  diagnostics.push(...parsed.diagnostics);
  if (parsed.diagnostics.length > 0) return { file: parsed.file };
  const result = schema.safeParse(parsed.value ?? null);
  if (!result.success) {
    diagnostics.push(...schemaDiagnostics(result.error.issues, schema, parsed.value, parsed.file));
    return { raw: parsed.value, file: parsed.file };
  }
  return { value: result.data, raw: parsed.value, file: parsed.file };
}

function loadModels(
  files: MeshFiles,
  dir: string,
  spec: Pick<ProductSpec, 'models'>,
  file: SpecFile | undefined,
  diagnostics: Diagnostic[],
): ModelDefinition[] {
  const declared = new Map((spec.models ?? []).map((m, index) => [m.name, { spec: m, index }]));
  const sqlPaths = new Map<string, string>();
  for (const entry of listDir(files, `${dir}/models`, diagnostics)) {
    if (entry.isDirectory || !entry.name.endsWith('.sql')) continue;
    const name = entry.name.slice(0, -4);
    const path = `${dir}/models/${entry.name}`;
    if (!IDENTIFIER.test(name)) {
      const suggestion = name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1');
      diagnostics.push({
        code: 'model/invalid-name',
        severity: 'error',
        message: `Model file \`${entry.name}\` does not make a model name that SQL can read unquoted.`,
        hint: `A model is named after its file: use letters, digits and _, not starting with a digit, e.g. ${suggestion}.sql.`,
        location: { file: path, line: 1, column: 1 },
      });
      continue;
    }
    sqlPaths.set(name, path);
  }
  for (const [name, { spec: modelSpec }] of declared) {
    if (modelSpec.sql !== undefined) sqlPaths.set(name, `${dir}/${modelSpec.sql}`);
  }
  const names = [...new Set([...sqlPaths.keys(), ...declared.keys()])].sort();
  const models = names.map((name): ModelDefinition | undefined => {
      const declaration = declared.get(name);
      const sqlFile = sqlPaths.get(name) ?? `${dir}/models/${name}.sql`;
      const sql = readText(files, sqlFile, diagnostics);
      if (sql === UNREADABLE) return undefined;
      if (sql === undefined && declaration === undefined) {
        // Listed in models/ but not there when read: a symbolic link to nothing.
        diagnostics.push({
          code: 'file/unreadable',
          severity: 'error',
          message: `\`${sqlFile}\` is a symbolic link to a file that does not exist.`,
          hint: 'Point the link at the model\'s SQL file, or replace it with the file.',
          location: { file: sqlFile, line: 1, column: 1 },
        });
        return undefined;
      }
      if (sql === undefined) {
        const missing = missingFile(sqlFile, `SQL file of model \`${name}\``, `Create ${sqlFile} with the model's SELECT, or remove the model from product.yaml.`);
        const declaredAt = file?.locate(['models', declaration?.index ?? 0, declaration?.spec.sql !== undefined ? 'sql' : 'name']);
        diagnostics.push({ ...missing, location: declaredAt ?? missing.location });
        return undefined;
      }
      return declaration ? { name, sqlFile, sql, spec: declaration.spec, specIndex: declaration.index } : { name, sqlFile, sql };
  });
  return models.filter((m): m is ModelDefinition => m !== undefined);
}

/** A product that failed validation still tells what ports it meant to declare, when it can. */
interface FailedProduct {
  unvalidatedModels: ModelDefinition[];
  /** `<domain>.<table>` of the ports it declares; undefined when even that cannot be read. */
  portNames?: string[];
}

type LoadedProduct = { product: Product } | FailedProduct;

/** Salvages port names from a product.yaml that failed validation, so references to them are not reported as unknown. */
function declaredPortNames(raw: unknown, domainFolder: string): string[] | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const { domain, ports } = raw as { domain?: unknown; ports?: unknown };
  if (ports === undefined) return [];
  if (!Array.isArray(ports)) return undefined;
  const names: string[] = [];
  for (const port of ports as unknown[]) {
    const { name, version } = (port ?? {}) as { name?: unknown; version?: unknown };
    if (typeof name !== 'string') return undefined;
    const table = typeof version === 'number' && version > 1 ? `${name}_v${version}` : name;
    names.push(`${typeof domain === 'string' ? domain : domainFolder}.${table}`.toLowerCase());
  }
  return names;
}

function loadProduct(files: MeshFiles, domainFolder: string, productFolder: string, diagnostics: Diagnostic[]): LoadedProduct {
  const dir = `${PRODUCTS_DIR}/${domainFolder}/${productFolder}`;
  const path = `${dir}/product.yaml`;
  const text = readText(files, path, diagnostics);
  if (text === UNREADABLE) return { unvalidatedModels: loadModels(files, dir, { models: [] }, undefined, diagnostics) };
  if (text === undefined) {
    diagnostics.push(
      missingFile(path, 'product.yaml', `Every folder products/<domain>/<product>/ is a data product: add ${path}, or move the folder out of products/.`),
    );
    return { unvalidatedModels: loadModels(files, dir, { models: [] }, undefined, diagnostics) };
  }
  const { value: spec, raw, file } = validate(path, text, productSchema, diagnostics);
  if (!spec) {
    const portNames = declaredPortNames(raw, domainFolder);
    return { unvalidatedModels: loadModels(files, dir, { models: [] }, undefined, diagnostics), ...(portNames ? { portNames } : {}) };
  }
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
  const models = loadModels(files, dir, spec, file, diagnostics);
  return { product: { id: `${spec.domain}.${spec.name}`, spec, dir, file, models } };
}

/** Products loaded between two yields to the event loop. */
const PRODUCTS_PER_SLICE = 16;

async function loadProducts(
  files: MeshFiles,
  diagnostics: Diagnostic[],
): Promise<{ products: Product[]; unloadedDomains: string[]; unloadedPorts: string[]; unvalidatedModels: ModelDefinition[] }> {
  const loaded: LoadedProduct[] = [];
  const jobDomains: string[] = [];
  for (const domain of listDir(files, PRODUCTS_DIR, diagnostics)) {
    if (!domain.isDirectory) continue;
    for (const product of listDir(files, `${PRODUCTS_DIR}/${domain.name}`, diagnostics)) {
      if (product.isDirectory) {
        loaded.push(loadProduct(files, domain.name, product.name, diagnostics));
        jobDomains.push(domain.name);
        // Loading is synchronous work; yielding now and then lets work started
        // elsewhere (DuckDB parsing the models) make progress meanwhile.
        if (loaded.length % PRODUCTS_PER_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
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
  const unloadedDomains = new Set<string>();
  const unloadedPorts: string[] = [];
  const products: Product[] = [];
  const unvalidatedModels: ModelDefinition[] = [];
  loaded.forEach((result, i) => {
    if ('product' in result) {
      products.push(result.product);
    } else {
      if (result.portNames) unloadedPorts.push(...result.portNames);
      else unloadedDomains.add(jobDomains[i] ?? '');
      unvalidatedModels.push(...result.unvalidatedModels);
    }
  });
  return { products, unloadedDomains: [...unloadedDomains], unloadedPorts, unvalidatedModels };
}

/**
 * Reads a mesh folder into the validated model. Every problem found becomes a
 * diagnostic; a product with errors is left out, the rest still load.
 */
export async function loadMesh(root: string, files: MeshFiles = diskFiles(root)): Promise<LoadResult> {
  const diagnostics: Diagnostic[] = [];
  const meshFile = meshFileName();
  if (meshFile.problem !== undefined) {
    diagnostics.push({ code: 'file/unreadable', severity: 'error', message: meshFile.problem, hint: `Set ${MESH_FILE_ENV}=tessera.postgres.yaml (a file next to tessera.yaml), or unset it to use tessera.yaml.`, location: { file: DEFAULT_MESH_FILE, line: 1, column: 1 } });
    return { diagnostics };
  }
  const meshText = readText(files, meshFile.name, diagnostics);
  if (meshText === UNREADABLE) return { diagnostics };
  if (meshText === undefined) {
    diagnostics.push(
      meshFile.name === DEFAULT_MESH_FILE
        ? missingFile('tessera.yaml', 'Mesh file', `Run tessera in the mesh root (the folder with tessera.yaml), pass --dir PATH, or create tessera.yaml with at least \`name:\`.`)
        : missingFile(meshFile.name, 'Mesh file', `${MESH_FILE_ENV} names ${meshFile.name}, which is not in the mesh folder: create it, or unset ${MESH_FILE_ENV} to use tessera.yaml.`),
    );
    return { diagnostics };
  }
  const teamsText = readText(files, 'teams.yaml', diagnostics);
  const glossaryText = readText(files, 'glossary.yaml', diagnostics);
  const meshSpecFile = validate(meshFile.name, meshText, meshSchema, diagnostics);

  let teams: TeamSpec[] = [];
  let teamsFile: SpecFile | undefined;
  if (teamsText === UNREADABLE) {
    // Reported; owners are not checked against teams nobody could read.
  } else if (teamsText === undefined) {
    diagnostics.push(missingFile('teams.yaml', 'Teams file', 'Create teams.yaml with `teams:` listing each team (id, name, domains), so products can name their owner.'));
  } else {
    const loaded = validate('teams.yaml', teamsText, teamsFileSchema, diagnostics);
    // A teams.yaml that does not validate leaves teams unknown (no teamsFile, no teams): owners
    // are then not checked against it, so its one mistake is not repeated in every product.
    if (loaded.value) {
      teams = loaded.value.teams;
      teamsFile = loaded.file;
    }
  }
  let glossary: GlossaryTermSpec[] = [];
  let glossaryFile: SpecFile | undefined;
  if (glossaryText !== undefined && glossaryText !== UNREADABLE) {
    const loaded = validate('glossary.yaml', glossaryText, glossaryFileSchema, diagnostics);
    glossary = loaded.value?.terms ?? [];
    glossaryFile = loaded.file;
  }
  const { products, unloadedDomains, unloadedPorts, unvalidatedModels } = await loadProducts(files, diagnostics);
  if (!meshSpecFile.value) return { diagnostics };
  const mesh: Mesh = {
    spec: meshSpecFile.value,
    file: meshSpecFile.file,
    teams,
    glossary,
    products,
    unloadedDomains,
    unloadedPorts,
    unvalidatedModels,
    ...(teamsFile ? { teamsFile } : {}),
    ...(glossaryFile ? { glossaryFile } : {}),
  };
  return { mesh, diagnostics };
}
