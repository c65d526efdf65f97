import { Cron } from 'croner';
import { z } from 'zod';

/** Names must be plain SQL identifiers so that models can reference them unquoted. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const identifier = z
  .string()
  .regex(IDENTIFIER, { message: 'must be a plain SQL identifier: letters, digits and _, not starting with a digit' });

/** Team ids appear in URLs and channel names, so kebab-case is allowed too. */
export const teamId = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, { message: 'must be lowercase letters, digits, - or _, starting with a letter' });

/** A duration such as `30m`, `24h` or `7d`. */
export const duration = z
  .string()
  .regex(/^\d+(\.\d+)?(m|h|d)$/, { message: 'must be a number followed by m, h or d, such as 30m, 24h or 7d' });

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date as YYYY-MM-DD' })
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'is not a real calendar date' });

export function isValidCron(expression: string): boolean {
  try {
    new Cron(expression, { paused: true });
    return true;
  } catch {
    return false;
  }
}

/** A five- or six-field cron expression, e.g. `0 6 * * *` (every day at 06:00). */
export const cron = z
  .string()
  .refine(isValidCron, { message: 'is not a valid cron expression (five fields: minute hour day month weekday, e.g. "0 6 * * *")' });

/** Converts `30m` / `24h` / `7d` to milliseconds. */
export function durationToMs(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(m|h|d)$/.exec(value);
  if (!match) throw new Error(`not a duration: ${value}`);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/**
 * A check as written in YAML. Kept unparsed here: a one-liner such as
 * `row_count > 0`, or a one-key mapping such as `row_count: { warn: < 1000, fail: = 0 }`.
 * The checks layer parses them.
 */
export const checkSpec = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);

export const tags = z.array(z.string()).describe('Free-form labels for search and grouping.');
