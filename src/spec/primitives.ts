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

const CRON_FIELDS = [
  { name: 'minute', allowed: '0–59' },
  { name: 'hour', allowed: '0–23' },
  { name: 'day of month', allowed: '1–31, or L' },
  { name: 'month', allowed: '1–12 or JAN–DEC' },
  { name: 'weekday', allowed: '0–7 or SUN–SAT (0 and 7 are Sunday)' },
] as const;

const CRON_EXAMPLE = 'five fields: minute hour day month weekday, e.g. "0 6 * * *"';

function compiles(expression: string): boolean {
  try {
    new Cron(expression, { paused: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Why a schedule is not a usable cron expression, or undefined when it is: exactly five
 * fields (or a nickname such as `@daily`), each valid, and some time that matches them
 * (`0 5 31 2 *` never fires).
 */
export function cronProblem(expression: string): string | undefined {
  const trimmed = expression.trim();
  if (trimmed.startsWith('@')) return compiles(trimmed) ? undefined : `\`${trimmed}\` is not a cron nickname (@yearly, @monthly, @weekly, @daily, @hourly)`;
  const fields = trimmed === '' ? [] : trimmed.split(/\s+/);
  if (fields.length !== CRON_FIELDS.length) {
    const extra = fields.length === 6 ? ' (six fields would add seconds first, which schedules do not take)' : '';
    return `has ${fields.length} field${fields.length === 1 ? '' : 's'}${extra}; a schedule has ${CRON_EXAMPLE}`;
  }
  for (const [i, field] of CRON_FIELDS.entries()) {
    const alone = CRON_FIELDS.map((_, j) => (j === i ? fields[j] : '*')).join(' ');
    if (!compiles(alone)) return `has \`${fields[i] ?? ''}\` as its ${field.name} (field ${i + 1}), which is not valid: the ${field.name} takes ${field.allowed}, lists (1,15), ranges (1-5) and steps (*/15)`;
  }
  if (!compiles(trimmed)) return `is not a valid cron expression (${CRON_EXAMPLE})`;
  if (new Cron(trimmed, { paused: true }).nextRun() === null) {
    return `never fires: no date has day of month \`${fields[2] ?? ''}\` in month \`${fields[3] ?? ''}\``;
  }
  return undefined;
}

export function isValidCron(expression: string): boolean {
  return cronProblem(expression) === undefined;
}

/** A five-field cron expression, e.g. `0 6 * * *` (every day at 06:00), or a nickname such as `@daily`. */
export const cron = z.string().superRefine((value, context) => {
  const problem = cronProblem(value);
  if (problem !== undefined) {
    context.addIssue({ code: 'custom', message: `is "${value}", which ${problem}`, params: { hint: `Write the schedule as ${CRON_EXAMPLE} (every day at 06:00).` } });
  }
});

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
