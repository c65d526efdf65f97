import { z } from 'zod';
import { duration } from './primitives.js';

/** The severities incidents have: `critical` (a check at fail, a failed node, a breached SLA) and `warning` (a check at warn, a missed schedule, a sunset). */
export const alertSeverities = ['critical', 'warning'] as const;

/** A channel of the receiving team: its type (`slack`, `webhook`, `file`) or its place in the team's list (0 is the first). */
const channelTarget = z.union([z.enum(['slack', 'webhook', 'file']), z.int().min(0)]);

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be a time of day as HH:MM, e.g. 22:00' });

function knownTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const alertPolicyFields = {
  severities: z
    .partialRecord(z.enum(alertSeverities), z.array(channelTarget))
    .optional()
    .describe('Which channels each severity goes to, by type or by index (0 is the first); a severity not named goes to every channel, an empty list to none.'),
  quiet_hours: z
    .strictObject({
      from: clock,
      to: clock,
      timezone: z.string().refine(knownTimezone, { message: 'is not a time zone (IANA name such as Europe/Berlin, or UTC)' }).optional().describe('Default UTC.'),
    })
    .refine((q) => q.from !== q.to, { message: 'from and to must differ' })
    .optional()
    .describe('Notifications that are not critical wait in the outbox until the quiet hours end.'),
  repeat: duration.optional().describe('An incident left open (not acknowledged) is notified again after this long, e.g. 4h.'),
  group_window: duration
    .optional()
    .describe(
      'Everything new for a team within this long (from the first item) goes out as one message, held in the outbox until the window closes, e.g. 10m; without it, one message per team per run or timer tick.',
    ),
};

/** `alerts:` in tessera.yaml: the mesh-wide routing policy. */
export const meshAlertsSchema = z.strictObject(alertPolicyFields).describe('Alert routing: severities to channels, quiet hours, repeat interval, grouping window.');

/** `alerts:` in product.yaml: overrides the mesh's policy for the product's incidents, and mutes ports. */
export const productAlertsSchema = z
  .strictObject({
    ...alertPolicyFields,
    mute: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be a port as <domain>.<port>' }))
      .optional()
      .describe("Ports of this product whose incidents are opened and shown but notify nobody (their timeline says muted)."),
  })
  .describe("Alert routing for this product's incidents; each key overrides tessera.yaml's alerts.");

export type MeshAlertsSpec = z.infer<typeof meshAlertsSchema>;
export type ProductAlertsSpec = z.infer<typeof productAlertsSchema>;
