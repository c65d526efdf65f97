import { z } from 'zod';
import { cron, duration, identifier, teamId } from './primitives.js';
import { meshAlertsSchema } from './alerts.js';
import { accessLevels, urlHasPassword } from './product.js';

const duckdbWarehouse = z.strictObject({
  type: z.literal('duckdb'),
  path: z.string().optional().describe('Database file, relative to the mesh root (default .tessera/warehouse.duckdb).'),
  threads: z.int().min(1).optional(),
  memory_limit: z.string().optional().describe('e.g. "4GB".'),
});

const postgresWarehouse = z
  .strictObject({
    type: z.literal('postgres'),
    url_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name, e.g. TESSERA_WAREHOUSE_URL')
      .optional()
      .describe('Required: the environment variable holding the connection URL (postgres://user:password@host:5432/database); credentials stay out of the repository.'),
    url: z.string().optional().describe('Not supported: a URL in tessera.yaml would put credentials in the repository; use url_env.'),
    max_sessions: z.int().min(2).optional().describe('Connections kept open at most (parallel nodes, the gateway); default 10.'),
  })
  // Checked here rather than by a required field, so that a mesh with `url` hears about url_env once, with the reason.
  .superRefine((warehouse, ctx) => {
    if (warehouse.url === undefined) {
      if (warehouse.url_env === undefined) {
        ctx.addIssue({ code: 'custom', path: ['type'], message: 'a postgres warehouse needs `url_env`: the environment variable holding its connection URL', params: { hint: 'Add `url_env: TESSERA_WAREHOUSE_URL` (any name) and set that variable where Tessera runs.' } });
      }
      return;
    }
    const leaked = urlHasPassword(warehouse.url) ? '; then change that password, since it has been written down' : '';
    ctx.addIssue({
      code: 'custom',
      path: ['url'],
      message: 'is not supported: the connection URL comes from the environment, so that credentials stay out of the repository',
      params: { hint: `Remove \`url\`, set an environment variable such as TESSERA_WAREHOUSE_URL to the URL where Tessera runs, and name it with \`url_env: TESSERA_WAREHOUSE_URL\`${leaked}.` },
    });
  });

export const warehouseSchema = z.discriminatedUnion('type', [duckdbWarehouse, postgresWarehouse]);

/**
 * The state store always lives in the warehouse's `tessera_state` schema (ADR 0008), so on
 * a PostgreSQL warehouse it is in PostgreSQL already; a separate state server is not
 * supported, and saying so beats a setting that does nothing.
 */
export const stateSchema = z
  .strictObject({
    type: z.enum(['embedded', 'postgres']).describe('embedded: in the warehouse (the only kind; on a PostgreSQL warehouse that is PostgreSQL).'),
    url: z.string().optional().describe('Not supported: the state lives in the warehouse.'),
  })
  .superRefine((state, ctx) => {
    if (state.type === 'postgres' || state.url !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [state.url === undefined ? 'type' : 'url'],
        message: 'a state store apart from the warehouse is not supported: runs, checks and incidents are kept in the warehouse\'s tessera_state schema',
        params: { hint: 'Remove `state:`; with `warehouse: { type: postgres, url_env: … }` the state is kept in that PostgreSQL database.' },
      });
    }
  });

const ruleSetting = z.union([
  z.enum(['off', 'info', 'warning', 'error']),
  z.strictObject({
    severity: z.enum(['off', 'info', 'warning', 'error']).optional(),
    options: z.record(z.string(), z.unknown()).optional(),
    domains: z
      .record(identifier, z.enum(['off', 'info', 'warning', 'error']))
      .optional()
      .describe('Severity per domain, overriding the global one.'),
  }),
]);

export const meshSchema = z.strictObject({
  name: identifier.describe('Name of the mesh, usually the company.'),
  description: z.string().optional(),
  warehouse: warehouseSchema.optional().describe('Where products are built (default: embedded DuckDB).'),
  state: stateSchema.optional().describe('Where runs and check results are recorded (default: embedded).'),
  defaults: z
    .strictObject({
      access: z.enum(accessLevels).optional(),
      freshness: duration.optional(),
      schedule: cron.optional(),
    })
    .optional()
    .describe('Defaults for every port that does not say otherwise.'),
  policies: z.record(z.string(), ruleSetting).optional().describe('Lint rules: turn off, change severity, configure.'),
  alerts: meshAlertsSchema.optional(),
});

const urlEnv = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name, e.g. FINANCE_SLACK_URL')
  .describe('The environment variable holding the URL (secrets stay out of the repository).');

const channelSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('slack'),
    url: z.string().optional().describe('Slack incoming-webhook URL. Refused for delivery when it carries its secret (hooks.slack.com/services/…): use url_env.'),
    url_env: urlEnv.optional(),
  }),
  z.strictObject({
    type: z.literal('webhook'),
    url: z.string().optional().describe('The endpoint; prefer url_env.'),
    url_env: urlEnv.optional(),
    secret_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .optional()
      .describe('The environment variable holding the shared secret: each request is signed with HMAC-SHA256 (header X-Tessera-Signature).'),
  }),
  z.strictObject({ type: z.literal('file'), path: z.string().describe('A file alerts are appended to (JSON lines), for local use.') }),
]);

export const teamSchema = z.strictObject({
  id: teamId,
  name: z.string(),
  description: z.string().optional(),
  domains: z.array(identifier).optional().describe('Domains this team owns.'),
  members: z
    .array(z.strictObject({ name: z.string(), email: z.email().optional(), role: z.string().optional() }))
    .optional(),
  channels: z.array(channelSchema).optional().describe('Where the team is alerted.'),
});

export const teamsFileSchema = z.strictObject({
  teams: z.array(teamSchema),
});

export const glossaryTermSchema = z.strictObject({
  term: z.string().min(1).describe('The canonical term, e.g. vehicle.'),
  definition: z.string().optional(),
  domain: identifier.optional().describe('The domain that owns the term.'),
  synonyms: z.array(z.string()).optional().describe('Accepted alternative words.'),
  avoid: z.array(z.string()).optional().describe('Banned synonyms: names using them are flagged, e.g. car.'),
});

export const glossaryFileSchema = z.strictObject({
  terms: z.array(glossaryTermSchema),
});

export type MeshSpec = z.infer<typeof meshSchema>;
export type TeamSpec = z.infer<typeof teamSchema>;
/** One alert channel of a team. */
export type ChannelSpec = NonNullable<TeamSpec['channels']>[number];
export type GlossaryTermSpec = z.infer<typeof glossaryTermSchema>;
