import { z } from 'zod';
import { didYouMean, type Diagnostic } from '../diagnostics/index.js';
import type { SpecFile, SpecPath } from '../spec/index.js';

type Issue = z.core.$ZodIssue;

/** Walks a Zod schema along a value path to find the object schemas there, for did-you-mean on keys. */
function objectKeysAt(schema: z.ZodType, path: SpecPath): string[] {
  let candidates: z.ZodType[] = [schema];
  for (const segment of [...path, null]) {
    const next: z.ZodType[] = [];
    const expand = (s: z.ZodType): z.ZodType[] => {
      if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) return expand(s.unwrap() as z.ZodType);
      if (s instanceof z.ZodUnion) return (s.options as z.ZodType[]).flatMap(expand);
      return [s];
    };
    for (const candidate of candidates.flatMap(expand)) {
      if (segment === null) {
        next.push(candidate);
      } else if (candidate instanceof z.ZodObject && typeof segment === 'string') {
        const child = (candidate.shape as Record<string, z.ZodType | undefined>)[segment];
        if (child) next.push(child);
      } else if (candidate instanceof z.ZodArray && typeof segment === 'number') {
        next.push(candidate.element as z.ZodType);
      } else if (candidate instanceof z.ZodRecord) {
        next.push(candidate.valueType as z.ZodType);
      }
    }
    candidates = next;
  }
  return candidates.flatMap((c) => (c instanceof z.ZodObject ? Object.keys(c.shape) : []));
}

function valueAt(value: unknown, path: SpecPath): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** `ports[0].columns[2].type`, the way people say where a value is. */
export function describePath(path: SpecPath): string {
  let out = '';
  for (const segment of path) out += typeof segment === 'number' ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  return out === '' ? 'the top level' : `\`${out}\``;
}

function typeName(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${literal(value)}`;
}

/** A value as written in YAML: JSON text, except that `.nan` and `.inf` are no JSON (JSON.stringify says `null`). */
function literal(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
  // JSON.stringify gives undefined for undefined and functions, whatever its type says.
  const json = JSON.stringify(value) as string | undefined;
  return json ?? 'nothing';
}

/** Fields a mapping schema requires, for the message about an empty file. */
function requiredKeys(schema: z.ZodType): string[] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>)
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([key]) => key);
}

/**
 * A file whose top level is not a mapping (empty, only comments, a list, a scalar): one
 * diagnostic for the whole file, instead of Zod's view of it.
 */
function topLevelDiagnostic(schema: z.ZodType, value: unknown, file: SpecFile): Diagnostic | undefined {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return undefined;
  const required = requiredKeys(schema);
  const fields = required.length > 0 ? ` Start with its required field${required.length === 1 ? '' : 's'}: ${required.map((k) => `\`${k}:\``).join(', ')}.` : '';
  const what = value === undefined || value === null ? 'is empty' : `holds ${typeName(value)}`;
  return {
    code: value === undefined || value === null ? 'spec/missing-field' : 'spec/invalid-type',
    severity: 'error',
    message: `\`${file.path}\` ${what}: it must be a mapping of fields (\`key: value\` lines).`,
    hint: `Write the file as \`key: value\` lines.${fields}`,
    location: { file: file.path, line: 1, column: 1 },
  };
}

/** Turns Zod's issues into diagnostics that point into the YAML file. */
export function schemaDiagnostics(issues: readonly Issue[], schema: z.ZodType, value: unknown, file: SpecFile): Diagnostic[] {
  const top = topLevelDiagnostic(schema, value, file);
  if (top) return [top];
  const diagnostics: Diagnostic[] = [];
  for (const issue of issues) {
    const path = issue.path as (string | number)[];
    const at = describePath(path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = objectKeysAt(schema, path);
        for (const key of issue.keys) {
          diagnostics.push({
            code: 'spec/unknown-field',
            severity: 'error',
            message: `Unknown field \`${key}\`${path.length > 0 ? ` in ${at}` : ''}.${didYouMean(key, known)}`,
            hint: `Allowed fields here: ${known.join(', ')}.`,
            location: file.locate([...path, key], { key: true }),
          });
        }
        break;
      }
      case 'invalid_type': {
        const actual = valueAt(value, path);
        if (actual === undefined) {
          const field = path[path.length - 1];
          diagnostics.push({
            code: 'spec/missing-field',
            severity: 'error',
            message: `Missing required field \`${String(field)}\`${path.length > 1 ? ` in ${describePath(path.slice(0, -1))}` : ''}.`,
            hint: `Add \`${String(field)}:\` (expected ${issue.expected}).`,
            location: file.locate(path.slice(0, -1), { key: true }),
          });
        } else {
          diagnostics.push({
            code: 'spec/invalid-type',
            severity: 'error',
            message: `${at} must be ${article(issue.expected)}, not ${typeName(actual)}.`,
            hint: issue.expected === 'array' ? 'Write a YAML list: one "- item" per line.' : `Give ${at} a value of type ${issue.expected}.`,
            location: file.locate(path),
          });
        }
        break;
      }
      case 'invalid_value': {
        const actual = valueAt(value, path);
        const allowed = issue.values.map((v) => String(v));
        if (actual === undefined) {
          const field = String(path[path.length - 1]);
          diagnostics.push({
            code: 'spec/missing-field',
            severity: 'error',
            message: `Missing required field \`${field}\`${path.length > 1 ? ` in ${describePath(path.slice(0, -1))}` : ''}.`,
            hint: `Add \`${field}:\` with one of: ${allowed.join(', ')}.`,
            location: file.locate(path.slice(0, -1), { key: true }),
          });
          break;
        }
        diagnostics.push({
          code: 'spec/invalid-value',
          severity: 'error',
          message: `${at} is ${literal(actual)}, which is not allowed.${didYouMean(asText(actual), allowed)}`,
          hint: `Use one of: ${allowed.join(', ')}.`,
          location: file.locate(path),
        });
        break;
      }
      case 'invalid_union': {
        const discriminator = (issue as { discriminator?: string; options?: unknown[] }).discriminator;
        const options = (issue as { options?: unknown[] }).options;
        if (discriminator !== undefined && options) {
          const actual = valueAt(value, path);
          // An optional discriminator (a file source's `type: file`) lists undefined among the options: not a value to suggest.
          const allowed = options.filter((o) => o !== undefined).map(String);
          diagnostics.push({
            code: actual === undefined ? 'spec/missing-field' : 'spec/invalid-value',
            severity: 'error',
            message:
              actual === undefined
                ? `Missing required field \`${discriminator}\` in ${describePath(path.slice(0, -1))}.`
                : `${at} is ${literal(actual)}, which is not allowed.${didYouMean(asText(actual), allowed)}`,
            hint: `Use one of: ${allowed.join(', ')}.`,
            location: file.locate(actual === undefined ? path.slice(0, -1) : path),
          });
        } else if (valueAt(value, path) === undefined && path.length > 0) {
          const field = String(path[path.length - 1]);
          diagnostics.push({
            code: 'spec/missing-field',
            severity: 'error',
            message: `Missing required field \`${field}\`${path.length > 1 ? ` in ${describePath(path.slice(0, -1))}` : ''}.`,
            hint: `Add \`${field}:\`; the JSON Schema (tessera schema) shows the forms it accepts.`,
            location: file.locate(path.slice(0, -1), { key: true }),
          });
        } else {
          diagnostics.push({
            code: 'spec/invalid-type',
            severity: 'error',
            message: `${at} has the wrong shape: it is ${typeName(valueAt(value, path))}.`,
            hint: 'See the JSON Schema (tessera schema) for the forms this field accepts.',
            location: file.locate(path),
          });
        }
        break;
      }
      default: {
        diagnostics.push({
          code: 'spec/invalid-value',
          severity: 'error',
          message: `${at} ${issue.message.replace(/^Invalid input: /, '')}.`.replace(/\.\.$/, '.'),
          hint: hintFor(issue),
          location: file.locate(path),
        });
      }
    }
  }
  return diagnostics;
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined ? '' : literal(value);
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

function hintFor(issue: Issue): string {
  switch (issue.code) {
    case 'custom': {
      const hint = (issue.params as { hint?: unknown } | undefined)?.hint;
      return typeof hint === 'string' ? hint : 'Fix the value as the message says; `tessera schema` writes the JSON Schema your editor can check against.';
    }
    case 'too_small':
      return issue.origin === 'array' ? 'Give at least one item, or remove the field.' : `The value must be at least ${String(issue.minimum)}.`;
    case 'too_big':
      return `The value must be at most ${String(issue.maximum)}.`;
    default:
      return 'Fix the value as the message says; `tessera schema` writes the JSON Schema your editor can check against.';
  }
}
