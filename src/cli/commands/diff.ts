import { Option, type Command } from 'commander';
import { diagnosticToJson, hasErrors, type Diagnostic } from '../../diagnostics/index.js';
import type { ContractChange, ContractDiff } from '../../governance/index.js';
import { gitFiles, GitError, openMesh, todayUtc, type OpenedMesh } from '../../workspace/index.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import { countBySeverity, paint, printDiagnostics, printJson, type Output } from '../output.js';
import type { CommandContext } from './context.js';

type DiffFormat = 'text' | 'json' | 'markdown';

interface DiffOptions {
  base: string;
  format: DiffFormat;
  json?: boolean;
  today?: string;
}

/** What the report says about where the base came from. */
interface Base {
  readonly ref: string;
  readonly commit: string;
  readonly notes: readonly string[];
}

export function registerDiff(program: Command, context: CommandContext): void {
  program
    .command('diff')
    .description('Compare every port contract with a git ref (the working tree against --base): breaking changes, and whom they reach')
    .requiredOption('--base <ref>', 'the commit, branch or tag to compare with, e.g. origin/main or HEAD~1')
    .addOption(new Option('--format <format>', 'text, json, or markdown (a pull-request comment)').choices(['text', 'json', 'markdown']).default('text'))
    .option('--json', 'same as --format json')
    .option('--today <day>', 'evaluate sunset dates as of this day, YYYY-MM-DD (default: today, UTC)')
    .action(async (options: DiffOptions) => {
      const { output } = context;
      const format: DiffFormat = options.json ? 'json' : options.format;
      if (options.today !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.today)) {
        throw new UsageError(`--today must be a date as YYYY-MM-DD, not \`${options.today}\`.`);
      }
      const today = options.today ?? todayUtc();
      const dir = context.dir();
      let files: ReturnType<typeof gitFiles>;
      try {
        files = gitFiles(dir, options.base);
      } catch (error) {
        if (error instanceof GitError) throw new UsageError(error.message);
        throw error;
      }
      // The base is read from git as committed; its SQL stays out of the parse cache, which serves the working tree.
      const [head, base] = await Promise.all([openMesh(dir), openMesh(dir, { files, cache: false })]);
      if (hasErrors(head.diagnostics) || !head.graph) {
        printHeadErrors(output, format, options.base, head.diagnostics);
        context.setExit(ExitCode.failed);
        return;
      }
      const { diffContracts } = await import('../../governance/index.js');
      const diff = diffContracts(base, head, { today });
      const about: Base = { ref: options.base, commit: files.commit, notes: baseNotes(options.base, base) };
      if (format === 'json') printJson(output, diffToJson(about, today, diff));
      else if (format === 'markdown') output.out(diffToMarkdown(about, diff));
      else printText(output, about, diff);
      context.setExit(diff.summary.errors > 0 ? ExitCode.failed : ExitCode.ok);
    });
}

/** A diff needs a valid head; the base is compared as far as it loaded. */
function baseNotes(ref: string, base: OpenedMesh): string[] {
  if (!base.graph) {
    const missing = base.diagnostics.some((d) => d.code === 'file/missing' && d.location?.file === 'tessera.yaml');
    return [missing ? `No mesh at ${ref} (no tessera.yaml there): every port counts as added.` : `The mesh at ${ref} does not load (${countBySeverity(base.diagnostics)}): every port counts as added.`];
  }
  if (hasErrors(base.diagnostics)) return [`The mesh at ${ref} has ${countBySeverity(base.diagnostics)}; compared what loaded (ports of broken products count as added).`];
  return [];
}

function printHeadErrors(output: Output, format: DiffFormat, ref: string, diagnostics: readonly Diagnostic[]): void {
  const message = `The mesh has ${countBySeverity(diagnostics)}: fix them first (tessera validate lists them); a diff compares two valid meshes.`;
  if (format === 'json') {
    printJson(output, { base: ref, error: message, diagnostics: diagnostics.map(diagnosticToJson) });
    return;
  }
  printDiagnostics(output, diagnostics, 'err');
  output.err(`\n${message}`);
  if (format === 'markdown') output.out(`### Tessera contract diff against \`${ref}\`\n\n❌ ${message}`);
}

function diffToJson(base: Base, today: string, diff: ContractDiff): unknown {
  return {
    base: base.ref,
    commit: base.commit,
    today,
    notes: base.notes,
    changes: diff.changes.map((c) => ({
      port: c.port,
      change: c.change,
      detail: c.detail,
      breaking: c.breaking,
      error: c.error,
      ...(c.allowed !== undefined ? { allowed: c.allowed } : {}),
      ...(c.column !== undefined ? { column: c.column } : {}),
      product: c.product,
      owner: c.owner,
      ...(c.nextVersion !== undefined ? { nextVersion: c.nextVersion } : {}),
      downstream: c.downstream,
      features: c.features,
    })),
    summary: diff.summary,
  };
}

/** Changes grouped by port, in the diff's order. */
function byPort(changes: readonly ContractChange[]): ContractChange[][] {
  const groups = new Map<string, ContractChange[]>();
  for (const change of changes) {
    const group = groups.get(change.portId);
    if (group) group.push(change);
    else groups.set(change.portId, [change]);
  }
  return [...groups.values()];
}

const ALLOWED: Record<NonNullable<ContractChange['allowed']>, (ref: string) => string> = {
  draft: (ref) => `allowed: the product was a draft at ${ref}`,
  'sunset-reached': () => 'allowed: its sunset date has passed',
};

function readers(change: ContractChange, withTeams: boolean): string[] {
  const team = (owner: string): string => (withTeams ? ` (team ${owner})` : ` (${owner})`);
  return [
    ...change.downstream.map((d) => `${d.product}${team(d.owner)}`),
    ...change.features.map((f) => `${f.type} ${f.feature} of ${f.product}${change.downstream.some((d) => d.product === f.product) ? '' : team(f.owner)}`),
  ];
}

/** What the port's owners should do instead, for a port with errors; `code` quotes names (markdown). */
function guidance(group: readonly ContractChange[], code = ''): string | undefined {
  const q = (text: string): string => `${code}${text}${code}`;
  const removed = group.find((c) => c.error && c.change === 'port-removed');
  if (removed) {
    return `keep ${q(removed.port)} and deprecate it first (${q('deprecated: { sunset: YYYY-MM-DD, replaced_by: <port> }')}); remove it once the sunset has passed and its readers have moved`;
  }
  const next = group.find((c) => c.nextVersion !== undefined)?.nextVersion;
  if (next === undefined) return undefined;
  const version = /_v(\d+)$/.exec(next)?.[1] ?? '2';
  return `publish as ${q(next)} (the port with ${q(`version: ${version}`)}) and deprecate the old version (${q(`deprecated: { sunset: YYYY-MM-DD, replaced_by: ${next} }`)}), so that its readers can move before the sunset`;
}

function plural(n: number, word: string, words = `${word}s`): string {
  return `${n} ${n === 1 ? word : words}`;
}

function countLine(diff: ContractDiff): string {
  const { summary } = diff;
  return `${plural(summary.changes, 'change')} in ${summary.portsChanged} of ${plural(summary.portsCompared, 'port')}`;
}

function printText(output: Output, base: Base, diff: ContractDiff): void {
  output.out(paint(output, 'bold', `Contract changes: working tree against ${base.ref} (${base.commit.slice(0, 7)})`));
  for (const note of base.notes) output.out(paint(output, 'yellow', `note: ${note}`));
  for (const group of byPort(diff.changes)) {
    output.out('');
    for (const change of group) {
      const [mark, style] = change.error ? (['✗ breaking  ', 'red'] as const) : change.breaking ? (['! breaking  ', 'yellow'] as const) : (['✓ compatible', 'green'] as const);
      const allowed = change.allowed !== undefined ? paint(output, 'dim', ` (${ALLOWED[change.allowed](base.ref)})`) : '';
      output.out(`${paint(output, style, mark)}  ${change.port}: ${change.detail}${allowed}`);
    }
    const first = group[0];
    if (!first) continue;
    const read = readers(first, true);
    output.out(paint(output, 'dim', `  read by: ${read.length > 0 ? read.join(', ') : 'nothing in the mesh'}`));
    const advice = guidance(group);
    if (advice !== undefined) output.out(`  → ${advice}`);
  }
  const { summary } = diff;
  output.out('');
  if (summary.changes === 0) {
    output.out(paint(output, 'green', `✓ No contract changes in ${plural(summary.portsCompared, 'port')}.`));
  } else if (summary.errors > 0) {
    const teams = summary.affectedTeams.length > 0 ? ` · affects ${summary.affectedTeams.join(', ')}` : '';
    output.out(paint(output, 'red', `✗ ${plural(summary.errors, 'breaking change')} to published contracts · ${countLine(diff)}${teams}`));
  } else {
    output.out(paint(output, 'green', `✓ No breaking change to a published contract · ${countLine(diff)}`));
  }
}

/** Markdown for a pull-request comment: `|` would end a table cell. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

function diffToMarkdown(base: Base, diff: ContractDiff): string {
  const { summary } = diff;
  const lines: string[] = [`### Tessera contract diff against \`${base.ref}\``, ''];
  for (const note of base.notes) lines.push(`> **Note:** ${note}`, '');
  if (summary.changes === 0) {
    lines.push(`✅ No contract changes (${plural(summary.portsCompared, 'port')} compared).`);
    return lines.join('\n');
  }
  if (summary.errors > 0) {
    lines.push(`⚠️ **${plural(summary.errors, 'breaking change')} to published contracts** · ${countLine(diff)}`);
  } else {
    lines.push(`✅ **No breaking change to a published contract** · ${countLine(diff)}`);
  }
  lines.push('', '| | Port | Change | Read by |', '| --- | --- | --- | --- |');
  for (const group of byPort(diff.changes)) {
    group.forEach((change, i) => {
      const mark = change.breaking ? '⚠️' : '✅';
      const allowed = change.allowed !== undefined ? ` _(${ALLOWED[change.allowed](base.ref)})_` : '';
      const kind = change.breaking ? (change.error ? '**breaking**' : 'breaking') : 'compatible';
      const read = i === 0 ? readers(change, false).join(', ') || '—' : '';
      lines.push(`| ${mark} | \`${change.port}\` | ${kind}: ${cell(change.detail)}${cell(allowed)} | ${cell(read)} |`);
    });
  }
  const breaking = diff.changes.filter((c) => c.breaking);
  if (breaking.length > 0) {
    lines.push('', '#### Affected teams', '');
    const teams = new Map<string, { readers: Set<string>; ports: Set<string> }>();
    const add = (team: string, reader: string, port: string): void => {
      let entry = teams.get(team);
      if (!entry) teams.set(team, (entry = { readers: new Set(), ports: new Set() }));
      entry.readers.add(reader);
      entry.ports.add(port);
    };
    for (const change of breaking) {
      for (const d of change.downstream) add(d.owner, d.product, change.port);
      for (const f of change.features) add(f.owner, `${f.type} ${f.feature}`, change.port);
    }
    if (teams.size === 0) lines.push('No product or feature in the mesh reads a port with a breaking change.');
    for (const [team, { readers: read, ports }] of [...teams].sort(([a], [b]) => (a < b ? -1 : 1))) {
      lines.push(`- **${team}**: ${[...read].sort().join(', ')} (reads ${[...ports].sort().map((p) => `\`${p}\``).join(', ')})`);
    }
  }
  const advice = byPort(diff.changes.filter((c) => c.error)).map((group) => ({ port: group[0]?.port ?? '', text: guidance(group, '`') }));
  if (advice.length > 0) {
    lines.push('', '#### How to ship a breaking change', '');
    for (const { port, text } of advice) if (text !== undefined) lines.push(`- \`${port}\`: ${text}`);
  }
  return lines.join('\n');
}
