import type { JsonValue } from '../warehouse/index.js';

/** Timestamps are stored in UTC without a zone; say so when handing them on. */
export function utc(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? `${value.replace(' ', 'T')}Z` : undefined;
}

export function text(value: JsonValue | undefined): string {
  if (typeof value === 'string') return value;
  return value === null || value === undefined ? '' : JSON.stringify(value);
}

export function num(value: JsonValue | undefined): number {
  return typeof value === 'number' ? value : Number(value ?? 0);
}

