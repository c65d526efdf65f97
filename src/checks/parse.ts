import { didYouMean, type Diagnostic, type SourcePosition } from '../diagnostics/index.js';
import type { SpecFile, SpecPath } from '../spec/index.js';
import type { Check, Comparison, Levels, Metric, MetricKind, Validity } from './check.js';
import { negateComparison, negateDuration } from './comparison.js';
import {
  exampleCheck,
  metricText,
  parseComparison,
  parseDurationAlarm,
  parseOneLiner,
  type MetricDraft,
  type OneLiner,
  type Parsed,
} from './one-liner.js';

/**
 * Reads the `checks:` list of a source, model, snapshot or port: one-liners
 * (`row_count > 0`), one-key mappings with settings or warn/fail levels, and `sql:`
 * checks. Every problem is a `check/invalid` diagnostic; a check with a problem is left out.
 */

export interface ParsedChecks {
  readonly checks: Check[];
  readonly diagnostics: Diagnostic[];
}

export { checkKey, metricKey } from './keys.js';

const CODE = 'check/invalid';

const ANOMALY_DEFAULTS = { level: 'warn', sensitivity: 3.5, minHistory: 5, window: 30 } as const;
/** Reference and sql checks count bad rows; by default any fails. */
const ANY_ROW: Comparison = { op: '>', value: 0 };

const COMMON_SETTINGS = ['name', 'description'] as const;
const LEVEL_SETTINGS = ['warn', 'fail'] as const;
const VALIDITY_SETTINGS = ['valid_values', 'valid_min', 'valid_max', 'valid_regex', 'valid_length'] as const;
const ANOMALY_SETTINGS = ['level', 'sensitivity', 'min_history', 'window'] as const;
const SQL_SETTINGS = ['query', 'name', 'description', 'warn', 'fail'] as const;
const ALL_SETTINGS: readonly string[] = [...COMMON_SETTINGS, ...LEVEL_SETTINGS, ...VALIDITY_SETTINGS, ...ANOMALY_SETTINGS, 'query'];

const MAPPING_HINT = 'Write the check as the one key and its settings as the value, e.g. `- row_count: { warn: "< 1000", fail: "= 0" }` or `- missing_count(email) = 0: { name: emails present }`.';

type Config = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a mapping';
  if (typeof value === 'string') return `the text \`${value}\``;
  if (typeof value === 'number' || typeof value === 'boolean') return `\`${value}\``;
  return typeof value;
}

function collapse(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

function isInvalidKind(metric: MetricDraft): metric is Extract<MetricDraft, { kind: 'invalid_count' | 'invalid_percent' }> {
  return metric.kind === 'invalid_count' || metric.kind === 'invalid_percent';
}

/** One list item: where it is, and the diagnostics it adds. */
class Item {
  private errors = 0;

  constructor(
    private readonly file: SpecFile,
    private readonly path: SpecPath,
    private readonly diagnostics: Diagnostic[],
  ) {}

  get location(): SourcePosition {
    return this.file.locate(this.path);
  }

  get failed(): boolean {
    return this.errors > 0;
  }

  /** Reports at the item, or at `at` inside it (a key when `key`, else its value). */
  report(message: string, hint: string, at: SpecPath = [], key = false): void {
    this.errors++;
    const location = this.file.locate([...this.path, ...at], key ? { key: true } : undefined);
    this.diagnostics.push({ code: CODE, severity: 'error', message, hint, location });
  }
}

/**
 * Parses a `checks:` list. `path` is the list's path in `file`, e.g. `['ports', 0, 'checks']`;
 * diagnostics point at the list item, or at the offending key or value of a mapping.
 */
export function parseChecks(raw: readonly unknown[], file: SpecFile, path: SpecPath): ParsedChecks {
  const checks: Check[] = [];
  const diagnostics: Diagnostic[] = [];
  const named = new Map<string, number>();
  raw.forEach((value, index) => {
    const item = new Item(file, [...path, index], diagnostics);
    const check = parseItem(value, item);
    if (check === undefined || item.failed) return;
    const first = named.get(check.name);
    if (first !== undefined) {
      item.report(
        `Two checks of this list are named \`${check.name}\` (items ${first + 1} and ${index + 1}); a check's name must be unique, it keys its history.`,
        `Give one of them another name, e.g. \`- ${check.text}: { name: ${check.name} (2) }\`.`,
      );
      return;
    }
    named.set(check.name, index);
    checks.push(check);
  });
  return { checks, diagnostics };
}

function parseItem(value: unknown, item: Item): Check | undefined {
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') {
      item.report('A check is empty.', 'Write a check such as `row_count > 0` or `missing_count(email) = 0`.');
      return undefined;
    }
    const parsed = parseOneLiner(text);
    if ('problem' in parsed) {
      item.report(`Check \`${text}\`: ${parsed.problem.message}`, parsed.problem.hint);
      return undefined;
    }
    return build(parsed.value, text, {}, item, { mapping: false, at: [] });
  }
  if (isRecord(value)) return parseMapping(value, item);
  item.report(
    `A check must be a one-liner such as \`row_count > 0\` or a mapping with one key, not ${describeValue(value)}.`,
    MAPPING_HINT,
  );
  return undefined;
}

function parseMapping(mapping: Record<string, unknown>, item: Item): Check | undefined {
  const keys = Object.keys(mapping);
  const [key, second] = keys;
  if (key === undefined) {
    item.report('A check mapping is empty: its one key must be the check.', MAPPING_HINT);
    return undefined;
  }
  if (second !== undefined) {
    const extra = ALL_SETTINGS.includes(second) ? ` Settings such as \`${second}\` go in the value of the check, indented under it.` : '';
    item.report(
      `A check mapping has one key, the check itself, but this one has ${keys.length}: ${keys.map((k) => `\`${k}\``).join(', ')}.${extra}`,
      MAPPING_HINT,
      [second],
      true,
    );
    return undefined;
  }
  const value = mapping[key];
  const text = key.trim();
  if (text.toLowerCase() === 'sql') return parseSql(value, key, item);
  if (ALL_SETTINGS.includes(text)) {
    item.report(`\`${text}\` cannot be the key of a check mapping: the key is the check itself.`, MAPPING_HINT, [key], true);
    return undefined;
  }
  const parsed = parseOneLiner(text);
  if ('problem' in parsed) {
    item.report(`Check \`${text}\`: ${parsed.problem.message}`, parsed.problem.hint, [key], true);
    return undefined;
  }
  if (value !== null && value !== undefined && !isRecord(value)) {
    item.report(
      `The value of check \`${text}\` must be a mapping of settings (name, description, warn, fail, …), not ${describeValue(value)}.`,
      MAPPING_HINT,
      [key],
    );
    return undefined;
  }
  return build(parsed.value, text, isRecord(value) ? value : {}, item, { mapping: true, at: [key] });
}

/** How an item was written: a one-liner, or a mapping whose settings are at `at` (the key). */
interface Form {
  readonly mapping: boolean;
  readonly at: SpecPath;
}

/** The settings a parsed check may have. */
function allowedSettings(parsed: OneLiner): readonly string[] {
  const allowed: string[] = [...COMMON_SETTINGS];
  switch (parsed.type) {
    case 'metric':
      if (parsed.pass === undefined) allowed.push(...LEVEL_SETTINGS);
      if (isInvalidKind(parsed.metric)) allowed.push(...VALIDITY_SETTINGS);
      break;
    case 'freshness':
      if (parsed.pass === undefined) allowed.push(...LEVEL_SETTINGS);
      break;
    case 'reference':
      allowed.push(...LEVEL_SETTINGS);
      break;
    case 'anomaly':
      allowed.push(...ANOMALY_SETTINGS);
      if (isInvalidKind(parsed.metric)) allowed.push(...VALIDITY_SETTINGS);
      break;
  }
  return allowed;
}

/** Why `setting` (a known one) does not fit this check. */
function misplaced(setting: string, parsed: OneLiner, text: string): { message: string; hint: string } {
  if ((VALIDITY_SETTINGS as readonly string[]).includes(setting)) {
    return {
      message: `\`${setting}\` only applies to invalid_count and invalid_percent, not to \`${text}\`.`,
      hint: 'Use it as e.g. `- invalid_count(status) = 0: { valid_values: [delivered, failed] }`.',
    };
  }
  if ((ANOMALY_SETTINGS as readonly string[]).includes(setting)) {
    return { message: `\`${setting}\` only applies to anomaly checks, not to \`${text}\`.`, hint: 'Use it as e.g. `- anomaly(row_count): { level: fail, sensitivity: 4 }`.' };
  }
  if (setting === 'query') return { message: '`query` only applies to sql checks.', hint: 'Write e.g. `- sql: { query: "select * from orders where amount < 0", name: no negative amounts }`.' };
  if (parsed.type === 'anomaly') {
    return {
      message: `\`${setting}\` does not apply to anomaly checks: they alarm when the value is an outlier of its history.`,
      hint: 'Say how bad an outlier is with `level: warn` (the default) or `level: fail`.',
    };
  }
  const alone = parsed.type === 'metric' ? metricText(parsed.metric) : parsed.type === 'freshness' ? `freshness(${parsed.column})` : text;
  const levels = parsed.type === 'freshness' ? '{ warn: "> 12h", fail: "> 1d" }' : '{ warn: "< 1000", fail: "= 0" }';
  return {
    message: `\`${text}\` already has a threshold, so \`${setting}\` does not apply.`,
    hint: `Keep the one-liner, or write the check without a threshold and give warn/fail: \`- ${alone}: ${levels}\`.`,
  };
}

/** Reads and checks the settings of one check; reports at each offending key or value. */
class Settings {
  constructor(
    private readonly config: Config,
    private readonly item: Item,
    private readonly at: SpecPath,
    private readonly text: string,
  ) {}

  has(key: string): boolean {
    return this.config[key] !== undefined;
  }

  /** Reports settings not in `allowed`, with did-you-mean. */
  only(allowed: readonly string[], misfit: (setting: string) => { message: string; hint: string }): void {
    for (const key of Object.keys(this.config)) {
      if (allowed.includes(key)) continue;
      if (ALL_SETTINGS.includes(key)) {
        const { message, hint } = misfit(key);
        this.item.report(message, hint, [...this.at, key], true);
        continue;
      }
      const suggestion = didYouMean(key, allowed) || didYouMean(key, ALL_SETTINGS);
      this.item.report(`Unknown setting \`${key}\` in check \`${this.text}\`.${suggestion}`, `The settings of this check are ${allowed.join(', ')}.`, [...this.at, key], true);
    }
  }

  private bad(key: string, what: string, hint: string): void {
    this.item.report(`Setting \`${key}\` of check \`${this.text}\` must be ${what}, not ${describeValue(this.config[key])}.`, hint, [...this.at, key]);
  }

  string(key: string, hint: string): string | undefined {
    const value = this.config[key];
    if (value === undefined) return undefined;
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    this.bad(key, 'a non-empty text', hint);
    return undefined;
  }

  number(key: string, hint: string, what = 'a number', valid: (n: number) => boolean = () => true): number | undefined {
    const value = this.config[key];
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isFinite(value) && valid(value)) return value;
    this.bad(key, what, hint);
    return undefined;
  }

  /** warn / fail, each parsed with `parse`. */
  levels<T>(parse: (text: string) => Parsed<T>, example: string): Levels<T> & { written: string[] } {
    const written: string[] = [];
    const read = (key: 'warn' | 'fail'): T | undefined => {
      const value = this.config[key];
      if (value === undefined) return undefined;
      if (typeof value !== 'string') {
        this.bad(key, `a condition written as text, such as ${typeof value === 'number' ? `"> ${value}"` : '"> 0"'}`, `Write e.g. \`${example}\`.`);
        return undefined;
      }
      const parsed = parse(value.trim());
      if ('problem' in parsed) {
        this.item.report(`Setting \`${key}\` of check \`${this.text}\`: ${parsed.problem.message}`, parsed.problem.hint, [...this.at, key]);
        return undefined;
      }
      written.push(`${key}: ${value.trim()}`);
      return parsed.value;
    };
    const warn = read('warn');
    const fail = read('fail');
    return { ...(warn !== undefined ? { warn } : {}), ...(fail !== undefined ? { fail } : {}), written };
  }

  /** One of `options`, or undefined when not given (reported when wrong). */
  choice<T extends string>(key: string, options: readonly T[], hint: string): T | undefined {
    const value = this.config[key];
    if (value === undefined) return undefined;
    const found = options.find((o) => o === value);
    if (found === undefined) this.bad(key, options.map((o) => `\`${o}\``).join(' or '), hint);
    return found;
  }

  validity(kind: string): Validity | undefined {
    const hint = `Write e.g. \`- ${kind}(status) = 0: { valid_values: [delivered, failed] }\` or \`{ valid_min: 0, valid_max: 100 }\`.`;
    let values: Validity['values'];
    const rawValues = this.config.valid_values;
    if (rawValues !== undefined) {
      if (Array.isArray(rawValues) && rawValues.length > 0 && rawValues.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
        values = rawValues;
      } else {
        this.bad('valid_values', 'a non-empty list of texts, numbers or booleans', hint);
      }
    }
    const min = this.number('valid_min', hint);
    const max = this.number('valid_max', hint);
    if (min !== undefined && max !== undefined && min > max) {
      this.item.report(`In check \`${this.text}\`, valid_min (${min}) is above valid_max (${max}).`, 'Swap them: valid_min is the lowest valid value.', [...this.at, 'valid_min']);
    }
    let regex = this.string('valid_regex', 'Write a regular expression as text, e.g. `valid_regex: "^[A-Z]{2}[0-9]{4}$"`.');
    const problem = regex === undefined ? undefined : regexProblem(regex);
    if (problem !== undefined) {
      regex = undefined;
      this.item.report(
        `Setting \`valid_regex\` of check \`${this.text}\` is not a valid regular expression: ${problem}.`,
        'Check the brackets and escapes, e.g. `valid_regex: "^[A-Z]{2}[0-9]{4}$"`.',
        [...this.at, 'valid_regex'],
      );
    }
    const length = this.length();
    if (values === undefined && min === undefined && max === undefined && regex === undefined && length === undefined) return undefined;
    return {
      ...(values !== undefined ? { values } : {}),
      ...(min !== undefined ? { min } : {}),
      ...(max !== undefined ? { max } : {}),
      ...(regex !== undefined ? { regex } : {}),
      ...(length !== undefined ? { length } : {}),
    };
  }

  private length(): Validity['length'] {
    const value = this.config.valid_length;
    if (value === undefined) return undefined;
    const hint = 'Write an exact length, e.g. `valid_length: 6`, or bounds, e.g. `valid_length: { min: 2, max: 40 }`.';
    const isLength = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
    if (isLength(value)) return value;
    if (!isRecord(value)) {
      this.bad('valid_length', 'a whole number or { min, max }', hint);
      return undefined;
    }
    const at = [...this.at, 'valid_length'];
    for (const key of Object.keys(value)) {
      if (key !== 'min' && key !== 'max') this.item.report(`Unknown key \`${key}\` in valid_length of check \`${this.text}\`.${didYouMean(key, ['min', 'max'])}`, hint, [...at, key], true);
    }
    const { min, max } = value;
    if (min !== undefined && !isLength(min)) {
      this.item.report(`valid_length.min of check \`${this.text}\` must be a whole number of 0 or more.`, hint, [...at, 'min']);
      return undefined;
    }
    if (max !== undefined && !isLength(max)) {
      this.item.report(`valid_length.max of check \`${this.text}\` must be a whole number of 0 or more.`, hint, [...at, 'max']);
      return undefined;
    }
    if (min === undefined && max === undefined) {
      this.bad('valid_length', 'a whole number or { min, max } with at least one of them', hint);
      return undefined;
    }
    if (min !== undefined && max !== undefined && min > max) {
      this.item.report(`In valid_length of check \`${this.text}\`, min (${min}) is above max (${max}).`, hint, at);
      return undefined;
    }
    return { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
  }
}

/** Why `source` does not compile as a JavaScript regular expression, if it does not. */
function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source, 'u');
    return undefined;
  } catch (error) {
    return error instanceof SyntaxError ? error.message.replace(/^Invalid regular expression: /, '') : String(error);
  }
}

/** A parsed one-liner plus its settings, as a typed check. */
function build(parsed: OneLiner, text: string, config: Config, item: Item, form: Form): Check | undefined {
  const settings = new Settings(config, item, form.at, text);
  settings.only(allowedSettings(parsed), (setting) => misplaced(setting, parsed, text));
  const name = settings.string('name', `Write e.g. \`- ${text}: { name: orders present }\`.`);
  const description = settings.string('description', `Write e.g. \`- ${text}: { description: "Why this matters." }\`.`);
  const base = { location: item.location, ...(description !== undefined ? { description } : {}) };
  /** Text and name for a check whose levels were written as warn/fail. */
  const named = (written: readonly string[]): { text: string; name: string } => {
    const full = written.length === 0 ? text : `${text}: { ${written.join(', ')} }`;
    return { text: full, name: name ?? collapse(full) };
  };
  const plain = { text, name: name ?? collapse(text) };

  switch (parsed.type) {
    case 'metric': {
      const metric = complete(parsed.metric, settings, item, form, text);
      if (parsed.pass !== undefined) return done(item, metric && { type: 'metric', ...plain, ...base, metric, levels: { fail: negateComparison(parsed.pass) } });
      const subject = metricText(parsed.metric);
      const mapping = `${subject}: ${alarmExample(parsed.metric.kind)}`;
      const { written, ...levels } = settings.levels((t) => parseComparison(t, subject), mapping);
      if (!settings.has('warn') && !settings.has('fail')) missingThreshold(item, form, subject, exampleCheck(parsed.metric), mapping);
      return done(item, metric && { type: 'metric', ...named(written), ...base, metric, levels });
    }
    case 'freshness': {
      if (parsed.pass !== undefined) return done(item, { type: 'freshness', ...plain, ...base, column: parsed.column, levels: { fail: negateDuration(parsed.pass) } });
      const subject = `freshness(${parsed.column})`;
      const { written, ...levels } = settings.levels((t) => parseDurationAlarm(t, subject), `${subject}: { warn: "> 12h", fail: "> 1d" }`);
      if (!settings.has('warn') && !settings.has('fail')) missingThreshold(item, form, subject, `${subject} < 1d`, `${subject}: { warn: "> 12h", fail: "> 1d" }`);
      return done(item, { type: 'freshness', ...named(written), ...base, column: parsed.column, levels });
    }
    case 'reference': {
      const subject = 'the count of rows without a match';
      const { written, ...levels } = settings.levels((t) => parseComparison(t, subject), `${text}: { warn: "> 0", fail: "> 100" }`);
      return done(item, {
        type: 'reference',
        ...named(written),
        ...base,
        columns: parsed.columns,
        port: { domain: parsed.domain, table: parsed.table },
        targetColumns: parsed.targetColumns,
        levels: hasLevel(levels) ? levels : { fail: ANY_ROW },
      });
    }
    case 'anomaly': {
      const metric = complete(parsed.metric, settings, item, form, text);
      const hint = `Write e.g. \`- ${text}: { level: fail, sensitivity: 4, min_history: 7, window: 60 }\`.`;
      const level = settings.choice('level', ['warn', 'fail'] as const, hint);
      const sensitivity = settings.number('sensitivity', hint, 'a number above 0', (n) => n > 0) ?? ANOMALY_DEFAULTS.sensitivity;
      const minHistory = settings.number('min_history', hint, 'a whole number of 3 or more', (n) => Number.isInteger(n) && n >= 3) ?? ANOMALY_DEFAULTS.minHistory;
      const window = settings.number('window', hint, 'a whole number', Number.isInteger) ?? ANOMALY_DEFAULTS.window;
      if (window < minHistory) {
        item.report(
          `In check \`${text}\`, window (${window}${settings.has('window') ? '' : ' by default'}) is smaller than min_history (${minHistory}${settings.has('min_history') ? '' : ' by default'}): the window must hold the history needed.`,
          hint,
          [...form.at, settings.has('window') ? 'window' : 'min_history'],
        );
      }
      return done(item, metric && {
        type: 'anomaly',
        ...plain,
        ...base,
        metric,
        level: level ?? ANOMALY_DEFAULTS.level,
        sensitivity,
        minHistory,
        window,
      });
    }
  }
}

function hasLevel<T>(levels: Levels<T>): boolean {
  return levels.warn !== undefined || levels.fail !== undefined;
}

/** A mapping-form example for a metric: its warn/fail alarms. */
function alarmExample(kind: MetricKind): string {
  switch (kind) {
    case 'row_count':
      return '{ warn: "< 1000", fail: "= 0" }';
    case 'min':
    case 'max':
    case 'avg':
    case 'sum':
    case 'stddev':
    case 'percentile':
      return '{ warn: "not between 10 and 150", fail: "< 0" }';
    default:
      return '{ warn: "> 0", fail: "> 10" }';
  }
}

/** The check, unless its item has a problem. */
function done(item: Item, check: Check | undefined): Check | undefined {
  return item.failed ? undefined : check;
}

function missingThreshold(item: Item, form: Form, subject: string, oneLiner: string, mapping: string): void {
  item.report(
    form.mapping
      ? `Check \`${subject}\` has no threshold: give \`warn:\` and/or \`fail:\`, the conditions that raise each level.`
      : `Check \`${subject}\` has no threshold.`,
    `Write e.g. \`${oneLiner}\` (passes when true), or \`${mapping}\` (alarms when true).`,
    form.at,
    form.mapping,
  );
}

/** The metric with its validity: invalid_* needs one, which only the mapping form can give. */
function complete(draft: MetricDraft, settings: Settings, item: Item, form: Form, text: string): Metric | undefined {
  if (!isInvalidKind(draft)) return draft;
  const validity = settings.validity(draft.kind);
  if (validity !== undefined) return { ...draft, validity };
  if (item.failed) return undefined;
  const keys = 'valid_values, valid_min, valid_max, valid_regex or valid_length';
  item.report(
    form.mapping
      ? `Check \`${text}\`: ${draft.kind} needs to know which values are valid; give ${keys}.`
      : `Check \`${text}\`: ${draft.kind} needs to know which values are valid, which a one-liner cannot say; use the mapping form with ${keys}.`,
    `Write e.g. \`- ${text}: { valid_values: [delivered, failed] }\`.`,
    form.at,
    form.mapping,
  );
  return undefined;
}

const SQL_HINT = 'Write a query that returns the failing rows, e.g. `- sql: "select * from orders where amount < 0"` or `- sql: { query: "…", name: no negative amounts, fail: "> 10" }`.';

/** `sql: <query>` or `sql: { query, name, description, warn, fail }`. */
function parseSql(value: unknown, key: string, item: Item): Check | undefined {
  let config: Config;
  let queryAt: SpecPath;
  if (typeof value === 'string') {
    config = { query: value };
    queryAt = [key];
  } else if (isRecord(value)) {
    config = value;
    queryAt = [key, 'query'];
  } else {
    item.report(`An sql check needs a query, not ${describeValue(value)}.`, SQL_HINT, [key]);
    return undefined;
  }
  const settings = new Settings(config, item, [key], 'sql');
  settings.only(SQL_SETTINGS, () => ({ message: 'An sql check takes query, name, description, warn and fail only.', hint: SQL_HINT }));
  const name = settings.string('name', SQL_HINT);
  const description = settings.string('description', SQL_HINT);
  const { written, ...levels } = settings.levels((t) => parseComparison(t, 'the count of failing rows'), 'sql: { query: "…", warn: "> 0", fail: "> 10" }');
  const rawQuery = config.query;
  if (typeof rawQuery !== 'string' || rawQuery.trim() === '') {
    item.report(`An sql check needs a query${rawQuery === undefined ? '' : `, not ${describeValue(rawQuery)}`}.`, SQL_HINT, queryAt, rawQuery === undefined);
    return undefined;
  }
  const query = rawQuery.trim().replace(/(\s*;)+$/, '');
  const start = query.replace(/^(\s+|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/)*/, '');
  if (!/^(select|with)\b/i.test(start)) {
    const first = /^\S*/.exec(start)?.[0] ?? '';
    item.report(
      `An sql check's query must be a select (or with … select) returning the failing rows, not \`${first}\` ….`,
      SQL_HINT,
      queryAt,
    );
    return undefined;
  }
  const text = written.length === 0 ? query : `${query} (${written.join(', ')})`;
  return done(item, {
    type: 'sql',
    text,
    name: name ?? collapse(query),
    ...(description !== undefined ? { description } : {}),
    location: item.location,
    query,
    levels: hasLevel(levels) ? levels : { fail: ANY_ROW },
  });
}

