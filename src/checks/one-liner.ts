import { didYouMean } from '../diagnostics/index.js';
import { durationToMs, IDENTIFIER } from '../spec/index.js';
import type { Comparison, DurationThreshold, Metric, MetricKind } from './check.js';
import { formatComparison } from './comparison.js';

/**
 * The text grammar of checks: one-liners such as `missing_count(email) = 0` and the
 * thresholds of the mapping form (`< 1000`, `between 1 and 5`, `> 1d`). Text in, a
 * typed value or a problem out; parse.ts turns problems into diagnostics.
 */

/** What is wrong with a piece of check text, and a correct example. */
export interface Problem {
  /** A sentence fragment ending in `.` or `?`. */
  readonly message: string;
  readonly hint: string;
}

export type Parsed<T> = { readonly value: T } | { readonly problem: Problem };

/** An `invalid_*` metric before its validity, which only the mapping form can give. */
export type MetricDraft =
  | Exclude<Metric, { kind: 'invalid_count' | 'invalid_percent' }>
  | { readonly kind: 'invalid_count' | 'invalid_percent'; readonly column: string };

/** A parsed one-liner. `pass` is the threshold as written: the condition under which the check passes. */
export type OneLiner =
  | { readonly type: 'metric'; readonly metric: MetricDraft; readonly pass?: Comparison }
  | { readonly type: 'freshness'; readonly column: string; readonly pass?: DurationThreshold }
  | {
      readonly type: 'reference';
      readonly columns: readonly string[];
      readonly domain: string;
      readonly table: string;
      readonly targetColumns: readonly string[];
    }
  | { readonly type: 'anomaly'; readonly metric: MetricDraft };

/** A typical threshold per metric, for examples in hints. */
const EXAMPLE_THRESHOLDS: Readonly<Record<MetricKind, string>> = {
  row_count: '> 0',
  missing_count: '= 0',
  missing_percent: '< 1',
  duplicate_count: '= 0',
  duplicate_percent: '< 1',
  invalid_count: '= 0',
  invalid_percent: '< 5',
  min: '>= 0',
  max: '< 10000',
  avg: 'between 10 and 150',
  sum: '> 0',
  stddev: '< 50',
  percentile: '< 300',
};

/** One correct example per function, for hints. */
const EXAMPLES: Readonly<Record<MetricKind | 'freshness' | 'reference' | 'anomaly', string>> = {
  row_count: 'row_count > 0',
  missing_count: 'missing_count(email) = 0',
  missing_percent: 'missing_percent(email) < 1',
  duplicate_count: 'duplicate_count(order_id) = 0',
  duplicate_percent: 'duplicate_percent(order_id) < 1',
  invalid_count: 'invalid_count(status) = 0: { valid_values: [delivered, failed] }',
  invalid_percent: 'invalid_percent(status) < 5: { valid_values: [delivered, failed] }',
  min: 'min(amount) >= 0',
  max: 'max(amount) < 10000',
  avg: 'avg(amount) between 10 and 150',
  sum: 'sum(amount) > 0',
  stddev: 'stddev(amount) < 50',
  percentile: 'percentile(amount, 0.95) < 300',
  freshness: 'freshness(placed_at) < 1d',
  reference: 'reference(customer_id) in commerce.customers(customer_id)',
  anomaly: 'anomaly(row_count)',
};

/** This metric with a typical threshold: `missing_count(email) = 0`. */
export function exampleCheck(metric: MetricDraft): string {
  return `${metricText(metric)} ${EXAMPLE_THRESHOLDS[metric.kind]}`;
}

const METRIC_KINDS: readonly MetricKind[] = [
  'row_count',
  'missing_count',
  'missing_percent',
  'duplicate_count',
  'duplicate_percent',
  'invalid_count',
  'invalid_percent',
  'min',
  'max',
  'avg',
  'sum',
  'stddev',
  'percentile',
];
const FUNCTIONS: readonly string[] = Object.keys(EXAMPLES);

const GENERAL_HINT = 'Write a metric and a threshold, e.g. `row_count > 0`, `missing_count(email) = 0` or `avg(amount) between 10 and 150`.';

function isMetricKind(name: string): name is MetricKind {
  return (METRIC_KINDS as readonly string[]).includes(name);
}

/** `missing_count(email)`, `duplicate_count(a, b)`, `percentile(amount, 0.95)`: a metric as the grammar reads it. */
export function metricText(metric: MetricDraft | Metric): string {
  switch (metric.kind) {
    case 'row_count':
      return 'row_count';
    case 'duplicate_count':
    case 'duplicate_percent':
      return `${metric.kind}(${metric.columns.join(', ')})`;
    case 'percentile':
      return `percentile(${metric.column}, ${metric.fraction})`;
    default:
      return `${metric.kind}(${metric.column})`;
  }
}

// ---------------------------------------------------------------------------------------------
// Tokens

type TokenKind = 'word' | 'quoted' | 'number' | 'op' | 'punct' | 'end';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
}

const END: Token = { kind: 'end', text: '' };
/** Longest first. The wrong spellings are read so that they get a helpful message. */
const OPERATORS = ['<=', '>=', '!=', '<>', '==', '=<', '=>', '<', '>', '='];
const WRONG_OPERATORS: Readonly<Record<string, string>> = { '<>': '!=', '==': '=', '=<': '<=', '=>': '>=' };

function tokenize(text: string): Parsed<Token[]> {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const match =
      /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest) ?? /^-?\d[A-Za-z0-9_.]*/.exec(rest) ?? /^[(),.]/.exec(rest);
    if (match) {
      const written = match[0];
      const first = written.charAt(0);
      const kind: TokenKind = /[A-Za-z_]/.test(first) ? 'word' : /[(),.]/.test(first) ? 'punct' : 'number';
      tokens.push({ kind, text: written });
      i += written.length;
      continue;
    }
    if (rest.startsWith('"')) {
      const close = rest.indexOf('"', 1);
      if (close < 0) return { problem: { message: 'a double quote is not closed.', hint: 'Quote a column name as a whole: `missing_count("order") = 0`.' } };
      tokens.push({ kind: 'quoted', text: rest.slice(1, close) });
      i += close + 1;
      continue;
    }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (op !== undefined) {
      tokens.push({ kind: 'op', text: op });
      i += op.length;
      continue;
    }
    return {
      problem: {
        message: `unexpected character \`${rest.charAt(0)}\`.`,
        hint: `${GENERAL_HINT} Quote a column name with double quotes, not single ones.`,
      },
    };
  }
  tokens.push(END);
  return { value: tokens };
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end';
    case 'quoted':
      return `\`"${token.text}"\``;
    default:
      return `\`${token.text}\``;
  }
}

// ---------------------------------------------------------------------------------------------
// Parser: each method returns its value, or undefined after recording the first problem.

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
const DURATION = /^\d+(\.\d+)?(m|h|d)$/;

class Parser {
  private index = 0;
  problem: Problem | undefined;

  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    return this.tokens[this.index] ?? END;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  /** Records the first problem; the caller then returns undefined. */
  private fail(message: string, hint: string): void {
    this.problem ??= { message, hint };
  }

  private atWord(word: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text.toLowerCase() === word;
  }

  private atPunct(punct: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.text === punct;
  }

  atEnd(): boolean {
    return this.peek().kind === 'end';
  }

  /** Consumes `punct` or fails with "expected `punct` <where>". */
  private expect(punct: string, where: string, hint: string): boolean {
    if (this.atPunct(punct)) {
      this.next();
      return true;
    }
    this.fail(`expected \`${punct}\` ${where}, found ${describe(this.peek())}.`, hint);
    return false;
  }

  end(after: string, hint: string): boolean {
    if (this.atEnd()) return true;
    this.fail(`unexpected ${describe(this.peek())} after \`${after}\`.`, hint);
    return false;
  }

  /** A whole one-liner. */
  check(): OneLiner | undefined {
    const head = this.next();
    if (head.kind !== 'word') {
      this.fail(`expected a metric such as row_count or missing_count(column), found ${describe(head)}.`, GENERAL_HINT);
      return undefined;
    }
    const name = head.text.toLowerCase();
    if (name === 'freshness') return this.freshness();
    if (name === 'reference') return this.reference();
    if (name === 'anomaly') return this.anomaly();
    if (!isMetricKind(name)) {
      this.fail(
        `unknown function \`${head.text}\`.${didYouMean(head.text, FUNCTIONS)}`,
        `The metrics are ${METRIC_KINDS.join(', ')}; besides them there are freshness, reference and anomaly. ${GENERAL_HINT}`,
      );
      return undefined;
    }
    const metric = this.metric(name);
    if (metric === undefined) return undefined;
    if (this.atEnd()) return { type: 'metric', metric };
    const example = exampleCheck(metric);
    const pass = this.threshold(metricText(metric), example);
    if (pass === undefined || !this.end(`${metricText(metric)} ${formatComparison(pass)}`, `Write \`${example}\`.`)) return undefined;
    return { type: 'metric', metric, pass };
  }

  /** The part after the function name: `(email)`, `(a, b)`, `(amount, 0.95)`, nothing for row_count. */
  private metric(kind: MetricKind): MetricDraft | undefined {
    const example = EXAMPLES[kind];
    if (kind === 'row_count') {
      if (this.atPunct('(')) {
        this.fail('row_count counts the rows of the table and takes no column.', `Write \`${example}\`.`);
        return undefined;
      }
      return { kind };
    }
    if (!this.expect('(', `after ${kind}`, `Name the column in parentheses: \`${example}\`.`)) return undefined;
    switch (kind) {
      case 'duplicate_count':
      case 'duplicate_percent': {
        const columns = this.columns(kind, example);
        if (columns === undefined || !this.expect(')', `after the columns of ${kind}`, `Write \`${example}\`.`)) return undefined;
        return { kind, columns };
      }
      case 'percentile': {
        const column = this.column(kind, example);
        if (column === undefined) return undefined;
        if (!this.expect(',', 'after the column of percentile: it needs a fraction too', `Write \`${example}\` for the 95th percentile.`)) return undefined;
        const fraction = this.number(example);
        if (fraction === undefined) return undefined;
        if (!(fraction > 0 && fraction < 1)) {
          this.fail(`the fraction of percentile must be between 0 and 1 (exclusive), not ${fraction}.`, `Write \`${example}\` for the 95th percentile.`);
          return undefined;
        }
        if (!this.expect(')', 'after the fraction of percentile', `Write \`${example}\`.`)) return undefined;
        return { kind, column, fraction };
      }
      default: {
        const column = this.column(kind, example);
        if (column === undefined) return undefined;
        if (this.atPunct(',')) {
          this.fail(`${kind} takes one column.`, `Write one check per column, e.g. \`${example}\`.`);
          return undefined;
        }
        if (!this.expect(')', `after the column of ${kind}`, `Write \`${example}\`.`)) return undefined;
        return { kind, column };
      }
    }
  }

  private column(fn: string, example: string): string | undefined {
    const token = this.next();
    if (token.kind === 'word') return token.text;
    if (token.kind === 'quoted') {
      if (IDENTIFIER.test(token.text)) return token.text;
      this.fail(
        `${describe(token)} is not a column name: letters, digits and _, not starting with a digit.`,
        `Quotes only allow names that are also SQL keywords, e.g. \`missing_count("order") = 0\`.`,
      );
      return undefined;
    }
    this.fail(`expected a column name in ${fn}(…), found ${describe(token)}.`, `Write \`${example}\`.`);
    return undefined;
  }

  private columns(fn: string, example: string): string[] | undefined {
    const columns: string[] = [];
    for (;;) {
      const column = this.column(fn, example);
      if (column === undefined) return undefined;
      if (columns.includes(column)) {
        this.fail(`column \`${column}\` is listed twice in ${fn}(…).`, `List each column once, e.g. \`${example}\`.`);
        return undefined;
      }
      columns.push(column);
      if (!this.atPunct(',')) return columns;
      this.next();
    }
  }

  /** `> 0`, `= 0`, `between 1 and 5`, `not between 1 and 5`. */
  threshold(subject: string, example: string): Comparison | undefined {
    const token = this.peek();
    if (token.kind === 'op') {
      this.next();
      const op = this.operator(token.text, example);
      if (op === undefined) return undefined;
      const value = this.number(example);
      return value === undefined ? undefined : { op, value };
    }
    if (this.atWord('between')) {
      this.next();
      return this.between('between', example);
    }
    if (this.atWord('not')) {
      this.next();
      if (!this.atWord('between')) {
        this.fail(`expected \`between\` after \`not\`, found ${describe(this.peek())}.`, 'Write e.g. `not between 1 and 5`.');
        return undefined;
      }
      this.next();
      return this.between('not between', example);
    }
    this.fail(
      `expected a comparison (<, <=, >, >=, =, != or between … and …) after \`${subject}\`, found ${describe(token)}.`,
      `Write e.g. \`${example}\`.`,
    );
    return undefined;
  }

  private operator(written: string, example: string): Exclude<Comparison['op'], 'between' | 'not between'> | undefined {
    switch (written) {
      case '<':
      case '<=':
      case '>':
      case '>=':
      case '=':
      case '!=':
        return written;
      default: {
        const right = WRONG_OPERATORS[written];
        this.fail(
          `\`${written}\` is not a comparison${right === undefined ? '' : `; write \`${right}\``}.`,
          `The comparisons are <, <=, >, >=, =, != and between … and …, e.g. \`${example}\`.`,
        );
        return undefined;
      }
    }
  }

  private between(op: 'between' | 'not between', example: string): Comparison | undefined {
    const hint = `Write e.g. \`${op} 10 and 150\`.`;
    const low = this.number(example);
    if (low === undefined) return undefined;
    if (!this.atWord('and')) {
      this.fail(`expected \`and\` after \`${op} ${low}\`, found ${describe(this.peek())}.`, hint);
      return undefined;
    }
    this.next();
    const high = this.number(example);
    if (high === undefined) return undefined;
    if (low > high) {
      this.fail(`in \`${op} ${low} and ${high}\` the low bound is above the high bound.`, `Write the low bound first: \`${op} ${high} and ${low}\`.`);
      return undefined;
    }
    return { op, low, high };
  }

  private number(example: string): number | undefined {
    const token = this.next();
    if (token.kind === 'number') {
      if (PLAIN_NUMBER.test(token.text)) return Number(token.text);
      if (DURATION.test(token.text)) {
        this.fail(`\`${token.text}\` is a duration; durations only go with freshness(column).`, `Write a plain number here, or e.g. \`${EXAMPLES.freshness}\`.`);
        return undefined;
      }
      this.fail(
        `\`${token.text}\` is not a plain number.`,
        'Write digits with an optional decimal point and sign, such as 1000000, 0.5 or -3.',
      );
      return undefined;
    }
    this.fail(`expected a number, found ${describe(token)}.`, `Write e.g. \`${example}\`.`);
    return undefined;
  }

  private duration(example: string): DurationThreshold['milliseconds'] | undefined {
    const token = this.next();
    const hint = `Write a number followed by m (minutes), h (hours) or d (days), e.g. \`${example}\`.`;
    if (token.kind !== 'number' || !DURATION.test(token.text)) {
      this.fail(`${describe(token)} is not a duration.`, hint);
      return undefined;
    }
    const milliseconds = durationToMs(token.text);
    if (milliseconds <= 0) {
      this.fail(`the duration must be more than zero, not \`${token.text}\`.`, hint);
      return undefined;
    }
    return milliseconds;
  }

  /** `< 1d` (pass, in a one-liner) or `> 1d` (alarm, in warn:/fail:). */
  durationThreshold(subject: string, ops: readonly DurationThreshold['op'][], example: string, why: string): DurationThreshold | undefined {
    const token = this.next();
    if (token.kind !== 'op') {
      this.fail(`expected ${ops.join(' or ')} and a duration after \`${subject}\`, found ${describe(token)}.`, `Write e.g. \`${example}\`.`);
      return undefined;
    }
    const op = ops.find((o) => o === token.text);
    if (op === undefined) {
      this.fail(`\`${token.text}\` does not fit here: ${why}`, `Write e.g. \`${example}\`.`);
      return undefined;
    }
    const start = this.index;
    const milliseconds = this.duration(example);
    if (milliseconds === undefined) return undefined;
    return { op, milliseconds, written: this.tokens[start]?.text ?? '' };
  }

  private freshness(): OneLiner | undefined {
    const example = EXAMPLES.freshness;
    if (!this.expect('(', 'after freshness', `Name the timestamp column in parentheses: \`${example}\`.`)) return undefined;
    const column = this.column('freshness', example);
    if (column === undefined) return undefined;
    if (this.atPunct(',')) {
      this.fail('freshness takes one column.', `Write \`${example}\`.`);
      return undefined;
    }
    if (!this.expect(')', 'after the column of freshness', `Write \`${example}\`.`)) return undefined;
    if (this.atEnd()) return { type: 'freshness', column };
    const subject = `freshness(${column})`;
    const pass = this.durationThreshold(
      subject,
      ['<', '<='],
      example,
      'a freshness one-liner says how young the newest value must be, so it takes < or <=.',
    );
    if (pass === undefined || !this.end(`${subject} ${pass.op} ${pass.written}`, `Write \`${example}\`.`)) return undefined;
    return { type: 'freshness', column, pass };
  }

  private reference(): OneLiner | undefined {
    const example = EXAMPLES.reference;
    const hint = `Write \`${example}\`.`;
    if (!this.expect('(', 'after reference', hint)) return undefined;
    const columns = this.columns('reference', example);
    if (columns === undefined || !this.expect(')', 'after the columns of reference', hint)) return undefined;
    if (!this.atWord('in')) {
      this.fail(`expected \`in <domain>.<port>(<columns>)\` after \`reference(${columns.join(', ')})\`, found ${describe(this.peek())}.`, hint);
      return undefined;
    }
    this.next();
    const domain = this.name('domain', hint);
    if (domain === undefined || !this.expect('.', 'between the domain and the port', hint)) return undefined;
    const table = this.name('port', hint);
    if (table === undefined || !this.expect('(', `after ${domain}.${table}: name the columns to match`, hint)) return undefined;
    const targetColumns = this.columns('reference', example);
    if (targetColumns === undefined || !this.expect(')', `after the columns of ${domain}.${table}`, hint)) return undefined;
    const written = `reference(${columns.join(', ')}) in ${domain}.${table}(${targetColumns.join(', ')})`;
    if (!this.end(written, hint)) return undefined;
    if (columns.length !== targetColumns.length) {
      this.fail(
        `reference matches ${columns.length} column${columns.length === 1 ? '' : 's'} with ${targetColumns.length} column${targetColumns.length === 1 ? '' : 's'} of ${domain}.${table}.`,
        'Give as many columns on each side, in matching order, e.g. `reference(order_id, line_number) in commerce.order_lines(order_id, line_number)`.',
      );
      return undefined;
    }
    return { type: 'reference', columns, domain, table, targetColumns };
  }

  private name(what: 'domain' | 'port', hint: string): string | undefined {
    const token = this.next();
    if (token.kind === 'word') return token.text;
    this.fail(`expected the ${what} name of \`<domain>.<port>\`, found ${describe(token)}.`, hint);
    return undefined;
  }

  private anomaly(): OneLiner | undefined {
    const example = EXAMPLES.anomaly;
    const hint = `Write e.g. \`${example}\` or \`anomaly(avg(amount))\`.`;
    if (!this.expect('(', 'after anomaly', hint)) return undefined;
    const head = this.next();
    const name = head.text.toLowerCase();
    if (head.kind !== 'word' || !isMetricKind(name)) {
      const suggestion = head.kind === 'word' && !FUNCTIONS.includes(name) ? didYouMean(head.text, METRIC_KINDS) : '';
      this.fail(`anomaly(…) takes a metric such as row_count, missing_count(email) or avg(amount), not ${describe(head)}.${suggestion}`, hint);
      return undefined;
    }
    const metric = this.metric(name);
    if (metric === undefined || !this.expect(')', `after anomaly(${metricText(metric)}`, hint)) return undefined;
    if (!this.atEnd()) {
      this.fail(
        `unexpected ${describe(this.peek())} after \`anomaly(${metricText(metric)})\`: an anomaly check takes no threshold, it alarms when the value is an outlier of its own history.`,
        'Tune it in the mapping form instead: `anomaly(row_count): { level: fail, sensitivity: 4 }`.',
      );
      return undefined;
    }
    return { type: 'anomaly', metric };
  }
}

function run<T>(text: string, body: (parser: Parser) => T | undefined): Parsed<T> {
  const tokens = tokenize(text);
  if ('problem' in tokens) return tokens;
  const parser = new Parser(tokens.value);
  if (parser.atEnd()) return { problem: { message: 'the check is empty.', hint: GENERAL_HINT } };
  const value = body(parser);
  if (value === undefined || parser.problem) {
    return { problem: parser.problem ?? { message: 'the check could not be read.', hint: GENERAL_HINT } };
  }
  return { value };
}

/** A whole one-liner, with or without its threshold (the caller decides whether one is needed). */
export function parseOneLiner(text: string): Parsed<OneLiner> {
  return run(text, (parser) => parser.check());
}

/** The `warn:` / `fail:` value of a metric in the mapping form: `< 1000`, `between 1 and 5`. */
export function parseComparison(text: string, subject: string): Parsed<Comparison> {
  const example = `${subject}: { warn: "< 1000", fail: "= 0" }`;
  return run(text, (parser) => {
    const comparison = parser.threshold(subject, example);
    return comparison !== undefined && parser.end(`${subject} ${formatComparison(comparison)}`, `Write e.g. \`${example}\`.`) ? comparison : undefined;
  });
}

/** The `warn:` / `fail:` value of freshness in the mapping form: an alarm such as `> 1d`. */
export function parseDurationAlarm(text: string, subject: string): Parsed<DurationThreshold> {
  const example = `${subject}: { warn: "> 12h", fail: "> 1d" }`;
  return run(text, (parser) => {
    const threshold = parser.durationThreshold(
      subject,
      ['>', '>='],
      example,
      'warn: and fail: say when to alarm, so freshness takes > or >= (older than).',
    );
    return threshold !== undefined && parser.end(`${threshold.op} ${threshold.written}`, `Write e.g. \`${example}\`.`) ? threshold : undefined;
  });
}
