import { z } from 'zod';
import { productAlertsSchema } from './alerts.js';
import { checkSpec, cron, duration, identifier, isoDate, tags, teamId } from './primitives.js';

export const productKinds = ['source-aligned', 'aggregate', 'consumer-aligned'] as const;
export const productStatuses = ['draft', 'active', 'deprecated'] as const;
export const accessLevels = ['public', 'internal', 'restricted'] as const;
export const classifications = ['public', 'internal', 'confidential', 'pii', 'sensitive'] as const;
export const maskings = ['none', 'hash', 'mask', 'remove'] as const;
export const sourceFormats = ['csv', 'parquet', 'json'] as const;
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

export const sourceSchema = z.strictObject({
  name: identifier.describe('Name the product\'s models use to read this source.'),
  description: z.string().optional(),
  format: z.enum(sourceFormats),
  path: z.string().min(1).describe('File or glob, relative to the mesh root, e.g. data/commerce/orders.csv.'),
  options: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .optional()
    .describe('Reader options passed to the engine, e.g. { delim: ";", header: true }.'),
  columns: z.array(columnSchema).optional(),
  checks: checks.optional(),
});

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
export type ModelSpec = z.infer<typeof modelSchema>;
export type SnapshotSpec = z.infer<typeof snapshotSchema>;
export type PortSpec = z.infer<typeof portSchema>;
export type PortGrantSpec = z.infer<typeof portGrantSchema>;
export type FeatureSpec = z.infer<typeof featureSchema>;
export type ProductSpec = z.infer<typeof productSchema>;
