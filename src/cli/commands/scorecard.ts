import type { Command } from 'commander';
import { didYouMean } from '../../diagnostics/index.js';
import type { Grade, ProductScore, Scorecards } from '../../governance/index.js';
import { UsageError } from '../exit-codes.js';
import { paint, printJson, type Output } from '../output.js';
import type { CommandContext } from './context.js';
import { openValidMesh } from './open-valid.js';

interface ScorecardOptions {
  json?: boolean;
  team?: string;
  product?: string;
}

/**
 * `tessera scorecard`: documentation, contracts, checks and lint findings per
 * product and per team, as a score and a grade. Informational: exit 0 whatever
 * the scores (1 only when the mesh itself has errors, 2 for a bad command line).
 */
export function registerScorecard(program: Command, context: CommandContext): void {
  program
    .command('scorecard')
    .description('Score every product (documentation, contracts, checks, lint findings) and every team, worst first')
    .option('--json', 'print the scorecards as JSON')
    .option('--team <id>', 'only the products of this team (an id from teams.yaml)')
    .option('--product <product>', 'only this product, as <domain>.<product>, with what it lacks')
    .action(async (options: ScorecardOptions) => {
      const opened = await openValidMesh(context);
      if (!opened) return;
      const { mesh, graph } = opened;
      const teamIds = new Set([...mesh.teams.map((t) => t.id), ...mesh.products.map((p) => p.spec.owner)]);
      if (options.team !== undefined && !teamIds.has(options.team)) {
        throw new UsageError(`No team \`${options.team}\` in this mesh.${didYouMean(options.team, teamIds)} Teams: ${[...teamIds].sort().join(', ')}.`);
      }
      const productIds = mesh.products.map((p) => p.id);
      if (options.product !== undefined) {
        const product = mesh.products.find((p) => p.id === options.product);
        if (!product) {
          throw new UsageError(`No product \`${options.product}\` in this mesh.${didYouMean(options.product, productIds)} Products are named <domain>.<product>; \`tessera graph\` lists them.`);
        }
        if (options.team !== undefined && product.spec.owner !== options.team) {
          throw new UsageError(`Product \`${product.id}\` is owned by \`${product.spec.owner}\`, not \`${options.team}\`.`);
        }
      }
      const { aggregateScorecards, lintMesh, scorecards } = await import('../../governance/index.js');
      const today = new Date().toISOString().slice(0, 10);
      const all = scorecards(mesh, graph, lintMesh(mesh, graph, { today }));
      const filtered = options.team !== undefined || options.product !== undefined;
      // A selection is re-aggregated, so that team and mesh figures describe exactly what is shown.
      const cards = filtered
        ? aggregateScorecards(
            all.products.filter((p) => (options.team === undefined || p.owner === options.team) && (options.product === undefined || p.id === options.product)),
            mesh,
          )
        : all;
      const selection = { ...(options.team !== undefined ? { team: options.team } : {}), ...(options.product !== undefined ? { product: options.product } : {}) };
      if (options.json) printJson(context.output, { ...(filtered ? { selection } : {}), ...cards });
      else printScorecards(context.output, cards, { filtered, detail: options.product !== undefined, team: options.team });
    });
}

const GRADE_STYLE: Record<Grade, 'green' | 'yellow' | 'red'> = { A: 'green', B: 'green', C: 'yellow', D: 'yellow', E: 'red' };

function percent(ratio: number): string {
  return `${Math.floor(ratio * 100)}%`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

interface Cell {
  readonly text: string;
  readonly style?: Parameters<typeof paint>[1];
  readonly right?: boolean;
}

/** Pads on the plain text, then paints, so that colours do not break the alignment. */
function printTable(output: Output, rows: readonly (readonly Cell[])[], indent: string): void {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.text.length)));
  for (const row of rows) {
    const line = row
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        const padded = cell.right ? cell.text.padStart(width) : i === row.length - 1 ? cell.text : cell.text.padEnd(width);
        return cell.style ? paint(output, cell.style, padded) : padded;
      })
      .join('  ');
    output.out(`${indent}${line}`);
  }
}

function countCell(n: number, style: 'red' | 'yellow'): Cell {
  return { text: String(n), right: true, ...(n > 0 ? { style } : { style: 'dim' }) };
}

function productRow(p: ProductScore): Cell[] {
  const noPorts = p.ports.count === 0;
  return [
    { text: p.id },
    { text: p.kind, style: 'dim' },
    { text: percent(p.documentation.ratio), right: true },
    { text: `${p.ports.withContract}/${p.ports.count}${noPorts ? '*' : ''}`, right: true, ...(noPorts ? { style: 'yellow' as const } : {}) },
    { text: `${p.ports.withChecks}/${p.ports.count}${noPorts ? '*' : ''}`, right: true, ...(noPorts ? { style: 'yellow' as const } : {}) },
    countCell(p.findings.errors, 'red'),
    countCell(p.findings.warnings, 'yellow'),
    { text: String(p.score), right: true, style: GRADE_STYLE[p.grade] },
    { text: p.grade, style: GRADE_STYLE[p.grade] },
  ];
}

const HEADER: Cell[] = ['product', 'kind', 'docs', 'contract', 'checks', 'errors', 'warnings', 'score', 'grade'].map((text, i) => ({
  text,
  style: 'dim' as const,
  right: i >= 2 && i <= 7,
}));

function printScorecards(output: Output, cards: Scorecards, view: { filtered: boolean; detail: boolean; team: string | undefined }): void {
  const byId = new Map(cards.products.map((p) => [p.id, p]));
  if (cards.products.length === 0 && view.team !== undefined) {
    output.out(`Team ${view.team} owns no products.`);
    return;
  }
  for (const team of cards.teams) {
    const findings = `${plural(team.findings.errors, 'error')}, ${plural(team.findings.warnings, 'warning')}`;
    output.out(
      `${paint(output, 'bold', team.id)}  ${paint(output, 'dim', `${team.name} · ${plural(team.products.length, 'product')} · docs ${percent(team.documentation.ratio)} · ${findings} ·`)} ${paint(output, GRADE_STYLE[team.grade], `score ${team.score} (${team.grade})`)}`,
    );
    const products = team.products.map((id) => byId.get(id)).filter((p): p is ProductScore => p !== undefined);
    printTable(output, [HEADER, ...products.map(productRow)], '  ');
    if (products.some((p) => p.ports.count === 0)) {
      output.out(paint(output, 'dim', '  * no ports: the product publishes nothing, so its contract and check shares count as 0'));
    }
    output.out('');
  }
  if (view.detail) for (const product of cards.products) printDetail(output, product);
  const s = cards.summary;
  const scope = view.filtered ? 'Selection' : 'Mesh';
  const meshOnly = s.meshFindings.errors + s.meshFindings.warnings + s.meshFindings.info;
  const parts = [
    `${plural(s.products, 'product')} of ${plural(s.teams, 'team')}`,
    `docs ${percent(s.documentation.ratio)} (${s.documentation.documented}/${s.documentation.documentable} items)`,
    `${s.ports.withContract}/${s.ports.count} ports with a contract, ${s.ports.withChecks}/${s.ports.count} with checks`,
    `${plural(s.findings.errors, 'error')}, ${plural(s.findings.warnings, 'warning')}, ${s.findings.info} info`,
    ...(meshOnly > 0 ? [`and ${plural(s.meshFindings.errors, 'error')}, ${plural(s.meshFindings.warnings, 'warning')}, ${s.meshFindings.info} info outside any product`] : []),
  ];
  const score = s.score === null || s.grade === null ? '' : ` · ${paint(output, GRADE_STYLE[s.grade], `score ${s.score} (${s.grade})`)}`;
  output.out(`${paint(output, 'bold', `${scope}:`)} ${parts.join(' · ')}${score}`);
  output.out(
    paint(
      output,
      'dim',
      'score = 40 × docs + 30 × ports with a contract + 20 × ports with checks + 10 without lint errors − 5 per error − 1 per warning (0–100) · A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, else E · --json for details',
    ),
  );
}

/** For one product: what exactly to fix. */
function printDetail(output: Output, product: ProductScore): void {
  const d = product.documentation;
  output.out(`${paint(output, 'bold', product.id)}  ${paint(output, 'dim', `documentation ${d.documented}/${d.documentable}`)}`);
  if (d.missing.length > 0) {
    output.out('  not documented:');
    for (const path of d.missing) output.out(`    ${path}`);
  }
  if (product.ports.count > 0) output.out('  ports:');
  for (const port of product.ports.list) {
    const contract = port.contract ? paint(output, 'green', `contract of ${plural(port.columns, 'column')}`) : paint(output, 'yellow', 'no contract');
    const checks = port.checks ? paint(output, 'green', 'checks') : paint(output, 'yellow', 'no checks');
    output.out(`    ${port.id}  ${contract} · ${checks} · ${paint(output, 'dim', `${plural(port.readers, 'reader')} in the mesh`)}`);
  }
  for (const note of product.notes) output.out(paint(output, 'yellow', `  ${note}`));
  output.out('');
}
