import { z } from 'zod';
import { productAlertsSchema } from './alerts.js';
import { checkSpec, cron, duration, identifier, isoDate, tags, teamId } from './primitives.js';

export const productKinds = ['source-aligned', 'aggregate', 'consumer-aligned'] as const;
export const productStatuses = ['draft', 'active', 'deprecated'] as const;
export const accessLevels = ['public', 'internal', 'restricted'] as const;
export const classifications = ['public', 'internal', 'confidential', 'pii', 'sensitive'] as const;
export const maskings = ['none', 'hash', 'mask', 'remove'] as const;
export const sourceFormats = ['csv', 'parquet', 'json'] as const;
export const databaseSourceTypes = ['postgres', 'mysql'] as const;
export const materializations = ['table', 'incremental'] as const;
export const featureTypes = ['dashboard', 'ml_model', 'report', 'notebook', 'application', 'api'] as const;

const columnName = identifier.describe('Column name as it appears in the table.');
const keyColumns = z.union([columnName, z.array(columnName).min(1)]);

export const columnSchema = z.strictObject({
  name: columnName,
  type: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_ ]*(\(.+\))?(\[\d*\])*$/, {
      message: 'must be a SQL type such as BIGINT, VARCHAR, DECIMAL(12,2), TIMESTAMP, VARCHAR[] or STRUCT(a INT, b VARCHAR)',
    })
    .optional()
    .describe('SQL type, e.g. BIGINT, VARCHAR, DECIMAL(12,2), DATE, TIMESTAMP, VARCHAR[], STRUCT(a INT, b VARCHAR), JSON.'),
  description: z.string().optional(),
  required: z.boolean().optional().describe('No value may be NULL (implies a missing-values check).'),
  unique: z.boolean().optional().describe('No two rows share a value (implies a duplicates check).'),
  allowed_values: z
    .array(z.union([z.string(), z.number(), z.boolean()]))
    .min(1)
    .optional()
    .describe('The only values the column may hold (implies an invalid-values check).'),
  classification: z.enum(classifications).optional().describe('Data classification; personal data is `pii`.'),
  masking: z
    .enum(maskings)
    .optional()
    .describe('How consumers without clearance see the column: hashed, masked, or removed.'),
  tags: tags.optional(),
});

const checks = z.array(checkSpec).describe('Quality checks, e.g. "row_count > 0" or "missing_count(id) = 0".');

const fileSourceSchema = z.strictObject({
  name: identifier.describe('Name the product\'s models use to read this source.'),
  description: z.string().optional(),
  type: z.literal('file').optional().describe('file (default): files the warehouse reads.'),
  format: z.enum(sourceFormats),
  path: z.string().min(1).describe('File or glob, relative to the mesh root, e.g. data/commerce/orders.csv.'),
  options: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .optional()
    .describe('Reader options passed to the engine, e.g. { delim: ";", header: true }.'),
  columns: z.array(columnSchema).optional(),
  checks: checks.optional(),
});

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be an environment variable name, e.g. SHOP_DATABASE_URL' });

/** `orders` or `sales.orders`: what follows FROM, checked so that it cannot carry SQL. */
const tableName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/, { message: 'must be a table name, optionally schema-qualified, e.g. orders or sales.orders' });

const databaseSourceSchema = z
  .strictObject({
    name: identifier.describe('Name the product\'s models use to read this source.'),
    description: z.string().optional(),
    type: z.enum(databaseSourceTypes).describe('The application database: postgres, or mysql (MariaDB too).'),
    url_env: envName.optional().describe('The environment variable holding the connection URL (credentials stay out of the repository).'),
    url: z.string().min(1).optional().describe('A connection URL without a password (e.g. a local database); one with a password is refused: use url_env.'),
    table: tableName.optional().describe('The table (or view) to load, optionally schema-qualified. Exactly one of table and query.'),
    query: z.string().min(1).optional().describe('A SELECT whose rows are loaded. Exactly one of table and query.'),
    incremental: z
      .strictObject({
        cursor: columnName.describe('A column that grows whenever a row is inserted or updated, e.g. updated_at.'),
        deletes: z
          .enum(['ignore', 'full_key_scan'])
          .optional()
          .describe('ignore (default): rows deleted at the source stay. full_key_scan: every load also reads all keys and removes rows whose key is gone.'),
      })
      .optional()
      .describe('Load only rows whose cursor reached the last successful load\'s high-water mark, merged on unique_key.'),
    unique_key: keyColumns.optional().describe('For incremental loads: rows with the same key are merged (an update replaces the row).'),
    columns: z.array(columnSchema).optional(),
    checks: checks.optional(),
  })
  .superRefine((source, ctx) => {
    if (source.url_env === undefined && source.url === undefined) {
      ctx.addIssue({ code: 'custom', path: ['type'], message: `a ${source.type} source needs \`url_env\`: the environment variable holding its connection URL`, params: { hint: 'Add `url_env: SHOP_DATABASE_URL` (any name) and set that variable where Tessera runs.' } });
    }
    if (source.url_env !== undefined && source.url !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'is given together with `url_env`; give one of them', params: { hint: 'Keep `url_env` and remove `url`.' } });
    }
    if (source.url !== undefined && urlHasPassword(source.url)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'holds a password, which must not be kept in the repository', params: { hint: 'Put the URL in an environment variable and name it with `url_env:` instead (e.g. `url_env: SHOP_DATABASE_URL`); then change that password, since it has been written down.' } });
    }
    if ((source.table === undefined) === (source.query === undefined)) {
      ctx.addIssue({ code: 'custom', path: [source.table === undefined ? 'type' : 'query'], message: source.table === undefined ? 'needs `table:` or `query:`, the rows to load' : '`table` and `query` are both given; give one of them', params: { hint: 'Write `table: orders` (or `schema.orders`) to load a table, or `query: select …` to load the rows of a query.' } });
    }
    if (source.query !== undefined && !/^\s*(select|with)\b/i.test(source.query)) {
      ctx.addIssue({ code: 'custom', path: ['query'], message: 'must be a SELECT (or WITH … SELECT)', params: { hint: 'Write the query that returns the rows to load, e.g. `select * from orders where not deleted`.' } });
    } else if (source.query !== undefined && source.query.replace(/[\s;]+$/, '').includes(';')) {
      ctx.addIssue({ code: 'custom', path: ['query'], message: 'holds more than one statement', params: { hint: 'Give one SELECT, without `;` inside it.' } });
    }
    if (source.incremental !== undefined && source.unique_key === undefined) {
      ctx.addIssue({ code: 'custom', path: ['incremental'], message: 'needs `unique_key`: the columns on which new and changed rows are merged into what is loaded', params: { hint: 'Add `unique_key: id` (or a list of columns) next to `incremental:`.' } });
    }
    if (source.incremental === undefined && source.unique_key !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['unique_key'], message: 'is only used by incremental loads', params: { hint: 'Add `incremental: { cursor: updated_at }`, or remove `unique_key` (declare uniqueness with `unique: true` on a column).' } });
    }
  });

/** Whether a connection URL carries a password (`scheme://user:password@host`, or `password=` in its query). */
export function urlHasPassword(url: string): boolean {
  const userInfo = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^@/?#]*)@/.exec(url)?.[1];
  if (userInfo?.includes(':') === true && userInfo.slice(userInfo.indexOf(':') + 1) !== '') return true;
  return /[?&]password=[^&]/i.test(url);
}

export const sourceSchema = z.discriminatedUnion('type', [fileSourceSchema, databaseSourceSchema]);

export const modelSchema = z.strictObject({
  name: identifier.describe('Model name; its SQL lives in models/<name>.sql unless `sql` says otherwise.'),
  description: z.string().optional(),
  sql: z.string().optional().describe('Path of the SQL file, relative to the product folder.'),
  materialization: z.enum(materializations).optional().describe('table (default) or incremental.'),
  unique_key: keyColumns.optional().describe('For incremental models: rows with the same key are merged.'),
  columns: z.array(columnSchema).optional(),
  checks: checks.optional(),
});

export const snapshotSchema = z
  .strictObject({
    name: identifier,
    description: z.string().optional(),
    from: identifier.describe('A model or source of this product whose history is kept.'),
    unique_key: keyColumns,
    strategy: z.enum(['check', 'timestamp']),
    check_columns: z.array(columnName).min(1).optional().describe('strategy check: columns compared (default: all).'),
    updated_at: columnName.optional().describe('strategy timestamp: the column that says when a row changed.'),
    checks: checks.optional(),
  })
  .superRefine((snapshot, ctx) => {
    if (snapshot.strategy === 'timestamp' && snapshot.updated_at === undefined) {
      ctx.addIssue({ code: 'custom', path: ['strategy'], message: 'strategy timestamp needs `updated_at`: the column that says when a row changed' });
    }
    if (snapshot.strategy === 'check' && snapshot.updated_at !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['updated_at'], message: '`updated_at` is only used by strategy timestamp; use `check_columns` with strategy check' });
    }
  });

export const deprecationSchema = z.strictObject({
  sunset: isoDate.describe('Date after which the port is no longer served.'),
  replaced_by: z.string().optional().describe('The port consumers should move to, as <domain>.<port>.'),
  reason: z.string().optional(),
});

export const portGrantSchema = z.strictObject({
  team: teamId.describe('A team (teams.yaml) whose members and products may read the port.'),
  unmasked: z.boolean().optional().describe('Whether the team reads masked columns raw (default false: masked).'),
  purpose: z.string().min(1).describe('Why the team reads the port; shown to the owners and in the audit log.'),
});

export const portSchema = z.strictObject({
  name: identifier.describe('Port name, unique within the domain; consumers read it as <domain>.<name>.'),
  version: z.int().min(1).optional().describe('Contract version; 2 and later are read as <domain>.<name>_v<version>.'),
  description: z.string().optional(),
  model: identifier.optional().describe('The model, snapshot or source that feeds the port (default: the port name).'),
  access: z.enum(accessLevels).optional().describe('Who may read it: public, internal (the company) or restricted.'),
  grants: z
    .array(portGrantSchema)
    .optional()
    .describe('Standing grants the owners give in code: teams that may read the port (restricted) or its masked columns raw (unmasked).'),
  auto_approve: z
    .array(teamId)
    .optional()
    .describe('Access requests from members of these teams for masked reads are approved at once; unmasked reads always wait for the owners.'),
  freshness: duration.optional().describe('Freshness SLA: the port must have been published within this time.'),
  schedule: cron.optional().describe('Cron schedule for building the port, e.g. "0 6 * * *".'),
  unique_key: keyColumns.optional().describe('The grain: the columns that identify a row.'),
  deprecated: deprecationSchema.optional(),
  columns: z.array(columnSchema).optional().describe('The contract: columns consumers may rely on.'),
  checks: checks.optional(),
  tags: tags.optional(),
});

export const featureSchema = z.strictObject({
  name: identifier,
  type: z.enum(featureTypes),
  description: z.string().optional(),
  url: z.url().optional(),
  inputs: z
    .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be a port as <domain>.<port>' }))
    .optional()
    .describe('Ports that feed it, as <domain>.<port>.'),
});

export const productSchema = z
  .strictObject({
    name: identifier.describe('Product name; matches the folder products/<domain>/<name>/.'),
    domain: identifier.describe('Business domain; matches the folder products/<domain>/.'),
    owner: teamId.describe('Id of the owning team, declared in teams.yaml.'),
    kind: z.enum(productKinds),
    status: z.enum(productStatuses).optional().describe('draft, active (default) or deprecated.'),
    sunset: isoDate.optional().describe('For deprecated products: the date after which it is no longer served.'),
    description: z.string().optional(),
    purpose: z.string().optional().describe('Why the product exists and for whom.'),
    tags: tags.optional(),
    publish: z
      .enum(['each', 'together'])
      .optional()
      .describe('each (default): every port publishes when its own audit passes. together: in a run, either all of the product\'s ports switch to the new data or none does, so consumers never join ports of one product from two different loads.'),
    sources: z.array(sourceSchema).optional(),
    models: z.array(modelSchema).optional().describe('Settings for models; every models/*.sql file is a model even if not listed.'),
    snapshots: z.array(snapshotSchema).optional(),
    ports: z.array(portSchema).optional(),
    features: z.array(featureSchema).optional().describe('Non-table outputs: dashboards, ML models, reports.'),
    alerts: productAlertsSchema.optional(),
  })
  .superRefine((product, ctx) => {
    if (product.status === 'deprecated' && product.sunset === undefined) {
      ctx.addIssue({ code: 'custom', path: ['status'], message: 'a deprecated product needs a `sunset` date (YYYY-MM-DD)' });
    }
    const ports = (product.ports ?? []).map((p) => `${product.domain}.${(p.version ?? 1) === 1 ? p.name : `${p.name}_v${p.version ?? 1}`}`);
    for (const [i, port] of (product.alerts?.mute ?? []).entries()) {
      if (!ports.includes(port)) ctx.addIssue({ code: 'custom', path: ['alerts', 'mute', i], message: `\`${port}\` is not a port of this product${ports.length > 0 ? ` (${ports.join(', ')})` : ''}` });
    }
  });

export type ProductKind = (typeof productKinds)[number];
export type AccessLevel = (typeof accessLevels)[number];
export type ColumnSpec = z.infer<typeof columnSchema>;
export type SourceSpec = z.infer<typeof sourceSchema>;
export type FileSourceSpec = z.infer<typeof fileSourceSchema>;
export type DatabaseSourceSpec = z.infer<typeof databaseSourceSchema>;

/** A source read from an application database rather than from files. */
export function isDatabaseSource(source: SourceSpec): source is DatabaseSourceSpec {
  return source.type === 'postgres' || source.type === 'mysql';
}
export type ModelSpec = z.infer<typeof modelSchema>;
export type SnapshotSpec = z.infer<typeof snapshotSchema>;
export type PortSpec = z.infer<typeof portSchema>;
export type PortGrantSpec = z.infer<typeof portGrantSchema>;
export type FeatureSpec = z.infer<typeof featureSchema>;
export type ProductSpec = z.infer<typeof productSchema>;
