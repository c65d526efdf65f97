import { constants } from 'node:fs';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isMap, isSeq, parseDocument, YAMLMap, YAMLSeq } from 'yaml';
import { ScaffoldError, type NewProductOptions, type ScaffoldResult } from './scaffold-types.js';
import { IDENTIFIER, jsonSchemaFor, productKinds, specSchemas, type ProductKind, type SpecSchemaFile } from '../spec/index.js';

/**
 * `tessera init` and `tessera new`: files that validate clean at once. Every file
 * carries the `yaml-language-server` line (init writes the JSON Schemas under
 * `schema/`) and a commented template of the fields a team usually needs next.
 * Nothing existing is overwritten: a scaffold that would touch an existing file
 * refuses with a {@link ScaffoldError} and writes nothing.
 */


const TEAM_ID = /^[a-z][a-z0-9_-]*$/;

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

async function refuseExisting(root: string, paths: readonly string[], what: string): Promise<void> {
  const present: string[] = [];
  for (const path of paths) if (await exists(join(root, path))) present.push(path);
  if (present.length > 0) {
    throw new ScaffoldError(`${what}: ${present.join(', ')} already ${present.length === 1 ? 'exists' : 'exist'}; nothing was written.`, 'Tessera never overwrites a file; move it away or pick another name.');
  }
}

async function writeAll(root: string, files: ReadonlyMap<string, string>): Promise<string[]> {
  const written: string[] = [];
  for (const [path, text] of files) {
    const full = join(root, path);
    await mkdir(dirname(full), { recursive: true });
    // `wx`: fail rather than overwrite, even if the file appeared since the check.
    await writeFile(full, text, { flag: 'wx' });
    written.push(path);
  }
  return written;
}

/** The JSON Schemas editors read through the `yaml-language-server` line. */
function schemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const file of Object.keys(specSchemas) as SpecSchemaFile[]) {
    files.set(`schema/${file}`, `${JSON.stringify(jsonSchemaFor(file), null, 2)}\n`);
  }
  return files;
}

function meshYaml(name: string): string {
  return `# yaml-language-server: $schema=schema/tessera.schema.json
# The mesh: its name, where products are built, and defaults for every port.
name: ${name}
description: The ${name} data mesh.

# warehouse:                  # default: embedded DuckDB in .tessera/warehouse.duckdb
#   type: duckdb
#   path: .tessera/warehouse.duckdb
#   threads: 4
#   memory_limit: 4GB

defaults:
  access: internal            # public | internal | restricted, for ports that do not say
  # freshness: 24h            # freshness SLA for every port that does not declare one
  # schedule: "0 6 * * *"     # when \`tessera serve\` builds ports (cron, UTC)

# policies:                   # the shared guidelines (\`tessera lint --rules\`)
#   naming: { severity: error }
#   documentation: { domains: { sandbox: off } }
#   glossary: off
`;
}

const TEAMS_YAML = `# yaml-language-server: $schema=schema/teams.schema.json
# The teams of the mesh and the domains each one owns. Add one with:
#   tessera new team <id> --name "Team name" --domain <domain>
#
# - id: sales-analytics
#   name: Sales Analytics
#   description: What the team does.
#   domains: [sales]            # each domain has one owning team
#   members:
#     - { name: Ada Lovelace, email: ada@example.com, role: data engineer }
#   channels:                   # where the team is alerted
#     - { type: file, path: .tessera/alerts/sales-analytics.log }
#     # - { type: slack, url_env: TEAM_SLACK_URL }       # the webhook URL in an environment variable, never in this file
teams: []
`;

const GLOSSARY_YAML = `# yaml-language-server: $schema=schema/glossary.schema.json
# The shared language of the mesh: names of products, ports and columns should use
# these terms; the words under \`avoid\` are flagged by the glossary guideline.
#
# - term: customer
#   definition: A person with an account who can place orders.
#   domain: sales
#   synonyms: [account holder]
#   avoid: [client, user]
terms: []
`;

const GITIGNORE = `# Tessera's own files: the warehouse, run state, caches, the admin token.
.tessera/
# Source files under data/ are committed: hand-made reference data belongs in git.
# Put large or generated extracts in a folder of their own and ignore it here, e.g.
# data/extracts/
`;

/** `tessera init`: an empty mesh that validates clean. */
export async function initMesh(root: string, options: { name?: string } = {}): Promise<ScaffoldResult> {
  const name = options.name ?? 'mesh';
  if (!IDENTIFIER.test(name)) {
    throw new ScaffoldError(`Mesh name \`${name}\` is not a plain identifier.`, 'Use letters, digits and _, not starting with a digit: --name my_company.');
  }
  const files = new Map<string, string>([
    ['tessera.yaml', meshYaml(name)],
    ['teams.yaml', TEAMS_YAML],
    ['glossary.yaml', GLOSSARY_YAML],
    ['products/.gitkeep', ''],
    ['.gitignore', GITIGNORE],
    ...schemaFiles(),
  ]);
  await refuseExisting(root, ['tessera.yaml', 'teams.yaml', 'glossary.yaml'], 'This folder already holds a mesh');
  // .gitignore, products/ and schema/ may exist already (a git repository, a copied schema): keep them.
  for (const path of [...files.keys()]) if (path !== 'tessera.yaml' && path !== 'teams.yaml' && path !== 'glossary.yaml' && (await exists(join(root, path)))) files.delete(path);
  await mkdir(root, { recursive: true });
  return { written: await writeAll(root, files), changed: [], notes: [] };
}

async function readTeams(root: string): Promise<{ text: string; path: string }> {
  if (!(await exists(join(root, 'tessera.yaml')))) {
    throw new ScaffoldError(`No mesh here: ${join(root, 'tessera.yaml')} does not exist.`, 'Run `tessera init` first, or pass --dir with the folder holding tessera.yaml.');
  }
  const path = join(root, 'teams.yaml');
  if (!(await exists(path))) throw new ScaffoldError('teams.yaml does not exist.', 'Run `tessera init` in an empty folder, or create teams.yaml with `teams: []`.');
  return { text: await readFile(path, 'utf8'), path };
}

function teamsDocument(text: string): { doc: ReturnType<typeof parseDocument>; teams: YAMLSeq } {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new ScaffoldError(`teams.yaml does not parse: ${doc.errors[0]?.message ?? ''}`, 'Fix it first (`tessera validate` says where).');
  let teams = doc.get('teams');
  if (teams === undefined || teams === null) {
    teams = new YAMLSeq();
    doc.set('teams', teams);
  }
  if (!isSeq(teams)) throw new ScaffoldError('teams.yaml: `teams` is not a list.', 'Fix it first (`tessera validate` says where).');
  teams.flow = false;
  return { doc, teams };
}

function teamIdsOf(teams: YAMLSeq): Map<string, YAMLMap> {
  const ids = new Map<string, YAMLMap>();
  for (const item of teams.items) {
    if (!isMap(item)) continue;
    const id = item.get('id');
    if (typeof id === 'string') ids.set(id, item);
  }
  return ids;
}

function domainOwner(teams: YAMLSeq, domain: string): string | undefined {
  for (const item of teams.items) {
    if (!isMap(item)) continue;
    const domains = item.get('domains');
    if (isSeq(domains) && domains.toJSON().some((d) => d === domain)) {
      return String(item.get('id'));
    }
  }
  return undefined;
}

function titleCase(id: string): string {
  return id
    .split(/[-_]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

/** `tessera new team`: appends a team to teams.yaml, keeping its comments. */
export async function addTeam(root: string, options: { id: string; name?: string; domain?: string }): Promise<ScaffoldResult> {
  const { id } = options;
  if (!TEAM_ID.test(id)) throw new ScaffoldError(`Team id \`${id}\` is not valid.`, 'Use lowercase letters, digits, - or _, starting with a letter: sales-analytics.');
  if (options.domain !== undefined && !IDENTIFIER.test(options.domain)) {
    throw new ScaffoldError(`Domain \`${options.domain}\` is not a plain identifier.`, 'Use letters, digits and _, not starting with a digit: --domain sales.');
  }
  const { text, path } = await readTeams(root);
  const { doc, teams } = teamsDocument(text);
  if (teamIdsOf(teams).has(id)) throw new ScaffoldError(`Team \`${id}\` already exists in teams.yaml; nothing was changed.`, 'Pick another id, or edit the team in teams.yaml.');
  const notes: string[] = [];
  const team: Record<string, unknown> = { id, name: options.name ?? titleCase(id), description: `What ${options.name ?? titleCase(id)} does.` };
  if (options.domain !== undefined) {
    const owner = domainOwner(teams, options.domain);
    if (owner !== undefined) {
      throw new ScaffoldError(`Domain \`${options.domain}\` is already owned by team \`${owner}\`; a domain has one owning team.`, 'Leave out --domain, or pick a domain no team owns.');
    }
    team.domains = [options.domain];
  }
  team.channels = [{ type: 'file', path: `.tessera/alerts/${id}.log` }];
  const node = doc.createNode(team) as YAMLMap;
  const channels = node.get('channels');
  if (isSeq(channels)) for (const channel of channels.items) if (isMap(channel)) channel.flow = true;
  const domains = node.get('domains');
  if (isSeq(domains)) domains.flow = true;
  teams.items.push(node);
  await writeFile(path, doc.toString({ lineWidth: 0 }));
  return { written: [], changed: ['teams.yaml'], notes };
}


function productYaml(domain: string, name: string, owner: string, kind: ProductKind): string {
  const pad = (text: string, width: number): string => text.padEnd(width);
  return `# yaml-language-server: $schema=../../../schema/product.schema.json
${pad(`name: ${name}`, 36)}# matches the folder products/${domain}/${name}/
${pad(`domain: ${domain}`, 36)}# its ports are read as ${domain}.<port>
${pad(`owner: ${owner}`, 36)}# a team id from teams.yaml
${pad(`kind: ${kind}`, 36)}# source-aligned | aggregate | consumer-aligned
status: active                      # draft | active | deprecated (with sunset: YYYY-MM-DD)
description: TODO say what ${domain}.${name} holds, in a sentence or two.
purpose: TODO say why it exists and who it is for.
# tags: [${domain}]
# publish: together                 # all ports switch to the new data in one run, or none does

sources:                            # files loaded into the product's own schema
  - name: raw_${name}
    format: csv                     # csv | parquet | json
    path: data/${domain}/${name}.csv    # relative to the mesh root; globs allowed
    # options: { delim: ";" }       # passed to DuckDB's reader
    checks:
      - row_count > 0

# Every models/*.sql file is a model; list one here only to give it settings.
# models:
#   - name: stg_${name}
#     materialization: incremental  # table (default) | incremental
#     unique_key: id

ports:                              # the public interface: read by others as ${domain}.<port>
  - name: ${name}
    model: stg_${name}              # the model, snapshot or source behind the port
    description: One row per ${name} record. TODO say what a row is.
    access: internal                # public | internal | restricted
    # freshness: 24h                # SLA: published within this time (\`tessera sla\`)
    # schedule: "0 6 * * *"         # when \`tessera serve\` builds it (cron, UTC)
    unique_key: id                  # the grain: the columns that identify a row
    columns:                        # the contract consumers rely on
      - name: id
        type: BIGINT
        required: true
        unique: true
        description: Identifier of the record.
      - name: label
        type: VARCHAR
        required: true
        description: A short label.
      - name: amount
        type: DECIMAL(12,2)
        description: An amount in euros.
      - name: updated_at
        type: TIMESTAMP
        description: When the record last changed in the source system.
      # Personal data: classify it, and mask it for consumers (\`tessera lint --fix\` helps):
      # - name: email
      #   type: VARCHAR
      #   classification: pii        # public | internal | confidential | pii | sensitive
      #   masking: hash              # none | hash | mask | remove
      #   description: The customer's e-mail address.
    checks:                         # the audit: a failing check keeps the last good version published
      - row_count > 0
      - avg(amount) between 0 and 1000
      # - freshness(updated_at) < 2d
      # - invalid_count(label) = 0: { valid_values: [a, b] }
      # - reference(id) in other_domain.other_port(id)
    # deprecated: { sunset: 2027-06-30, replaced_by: ${domain}.${name}_v2, reason: why }
`;
}

function modelSql(name: string): string {
  return `-- One plain SELECT per file. Read this product's sources, models and snapshots by
-- bare name (raw_${name}), other products only through their ports (<domain>.<port>).
select
    cast(id as bigint)             as id,
    trim(label)                    as label,
    cast(amount as decimal(12, 2)) as amount,
    cast(updated_at as timestamp)  as updated_at
from raw_${name}
where id is not null
`;
}

const SAMPLE_CSV = `id,label,amount,updated_at
1,first,12.50,2026-01-05 08:00:00
2,second,7.25,2026-01-05 09:30:00
3,third,40.00,2026-01-06 14:15:00
`;

/** `tessera new product <domain>.<name>`: product.yaml, a model, and a small CSV so that it runs. */
export async function addProduct(root: string, options: NewProductOptions): Promise<ScaffoldResult> {
  const parts = options.id.split('.');
  const [domain, name] = parts;
  if (parts.length !== 2 || domain === undefined || name === undefined || !IDENTIFIER.test(domain) || !IDENTIFIER.test(name)) {
    throw new ScaffoldError(`\`${options.id}\` is not <domain>.<name>.`, 'Name the product as domain and name, plain identifiers: tessera new product sales.orders --kind source-aligned --owner sales-analytics');
  }
  const kind = options.kind as ProductKind;
  if (!productKinds.includes(kind)) {
    throw new ScaffoldError(`Kind \`${options.kind}\` is not one of ${productKinds.join(', ')}.`);
  }
  const { text, path: teamsPath } = await readTeams(root);
  const { doc, teams } = teamsDocument(text);
  const known = teamIdsOf(teams);
  const ownerTeam = known.get(options.owner);
  if (ownerTeam === undefined) {
    const ids = [...known.keys()];
    throw new ScaffoldError(
      `Owner \`${options.owner}\` is not a team in teams.yaml; nothing was written.`,
      `Add it first: tessera new team ${options.owner} --domain ${domain}${ids.length > 0 ? ` (or use one of: ${ids.join(', ')})` : ''}`,
    );
  }
  const folder = `products/${domain}/${name}`;
  const files = new Map<string, string>([
    [`${folder}/product.yaml`, productYaml(domain, name, options.owner, kind)],
    [`${folder}/models/stg_${name}.sql`, modelSql(name)],
    [`data/${domain}/${name}.csv`, SAMPLE_CSV],
  ]);
  await refuseExisting(root, [...files.keys()], `Product ${domain}.${name}`);
  const notes: string[] = [];
  const changed: string[] = [];
  const owner = domainOwner(teams, domain);
  if (owner === undefined) {
    // Nobody is accountable for the domain yet: the product's owner is (the ownership guideline asks for one).
    let domains = ownerTeam.get('domains');
    if (!isSeq(domains)) {
      domains = new YAMLSeq();
      (domains as YAMLSeq).flow = true;
      ownerTeam.set('domains', domains);
    }
    (domains as YAMLSeq).items.push(doc.createNode(domain));
    changed.push('teams.yaml');
    notes.push(`Domain \`${domain}\` had no owning team: added to the domains of \`${options.owner}\` in teams.yaml.`);
  } else if (owner !== options.owner) {
    notes.push(`Domain \`${domain}\` belongs to team \`${owner}\`: the ownership guideline will warn until the owner or the domain agree.`);
  }
  const written = await writeAll(root, files);
  if (changed.length > 0) await writeFile(teamsPath, doc.toString({ lineWidth: 0 }));
  return { written, changed, notes };
}
