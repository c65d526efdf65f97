import { InvalidArgumentError } from 'commander';

/** Parsers for option values; commander turns their errors into exit 2 with the message. */
export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a whole number of at least 1.');
  return parsed;
}

export function wholeNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError('expected a whole number.');
  return parsed;
}

export function isoDay(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('expected a date as YYYY-MM-DD.');
  return value;
}

/** A duration as `500ms`, `30s`, `2m` (a bare number is seconds), in milliseconds; at least half a second. */
export function duration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected a duration such as 30s, 2m or 500ms.');
  const ms = Number(match[1]) * (match[2] === 'ms' ? 1 : match[2] === 'm' ? 60_000 : 1000);
  if (ms < 500) throw new InvalidArgumentError('expected at least 500ms.');
  return ms;
}
