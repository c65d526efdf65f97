import { styleText } from 'node:util';
import { formatDiagnostic, type Diagnostic } from '../diagnostics/index.js';

type Style = Parameters<typeof styleText>[0];

/** Where a command writes, and whether it may colour. Tests pass their own. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  readonly color: boolean;
  /** A terminal a person watches: progress may redraw one status line. */
  readonly interactive?: boolean;
  /** Replaces the status line on stderr (empty text clears it); only when interactive. */
  status?(text: string): void;
}

export function processOutput(): Output {
  // `tessera graph | head`: when the reader goes away, stop quietly instead of a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  const color = process.stdout.isTTY && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
  const interactive = process.stderr.isTTY && process.env.TERM !== 'dumb' && process.env.CI === undefined;
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    color,
    interactive,
    status: (text) => process.stderr.write(`\r\x1b[2K${text.slice(0, Math.max(20, (process.stderr.columns || 80) - 1))}`),
  };
}

export function paint(output: Output, style: Style, text: string): string {
  return output.color ? styleText(style, text) : text;
}

const SEVERITY_STYLE: Record<Diagnostic['severity'], Style> = { error: 'red', warning: 'yellow', info: 'cyan' };

export function printDiagnostics(output: Output, diagnostics: readonly Diagnostic[], write: 'out' | 'err' = 'out'): void {
  for (const d of diagnostics) {
    const text = formatDiagnostic(d);
    const [head = '', ...rest] = text.split('\n');
    const styled = output.color ? head.replace(`  ${d.severity}  `, `  ${styleText(SEVERITY_STYLE[d.severity], d.severity)}  `) : head;
    output[write]([styled, ...rest.map((line) => paint(output, 'dim', line))].join('\n'));
  }
}

export function countBySeverity(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

export function printJson(output: Output, value: unknown): void {
  output.out(JSON.stringify(value, null, 2));
}
