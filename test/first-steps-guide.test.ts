/**
 * Issue 14, item 2: docs/guide.md works as written. Its marked blocks run in order,
 * in a temporary folder, with the real CLI (bin/tessera.js, which loads dist/: build
 * it first with `npx tsc -p tsconfig.build.json`), each with the exit code it says.
 *
 * Markers, an HTML comment on the line before a fenced block:
 *   <!-- test -->              a sh block that must exit 0
 *   <!-- test: exit N -->      a sh block that must exit N
 *   <!-- test: file PATH -->   the block's text is written to PATH (relative to the current folder)
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../', import.meta.url));

interface GuideStep {
  readonly line: number;
  readonly kind: 'sh' | 'file';
  readonly exit: number;
  readonly path?: string;
  readonly text: string;
}

/** The marked blocks of a guide, in order. */
function guideSteps(markdown: string): GuideStep[] {
  const lines = markdown.split('\n');
  const steps: GuideStep[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = /^<!-- test(?:: (?:exit (\d+)|file (\S+)))? -->$/.exec((lines[i] ?? '').trim());
    if (!marker) continue;
    const fence = lines[i + 1] ?? '';
    if (!fence.startsWith('```')) throw new Error(`docs/guide.md:${i + 1}: a test marker must be followed by a fenced block`);
    const end = lines.findIndex((line, j) => j > i + 1 && line.startsWith('```'));
    if (end < 0) throw new Error(`docs/guide.md:${i + 2}: unclosed block`);
    const text = `${lines.slice(i + 2, end).join('\n')}\n`;
    const path = marker[2];
    if (path === undefined && !fence.startsWith('```sh')) throw new Error(`docs/guide.md:${i + 2}: only sh blocks run`);
    steps.push(path === undefined ? { line: i + 2, kind: 'sh', exit: Number(marker[1] ?? 0), text } : { line: i + 2, kind: 'file', exit: 0, path, text });
    i = end;
  }
  return steps;
}

let work: string;
let guide: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tessera-guide-'));
  guide = await readFile(join(REPO, 'docs/guide.md'), 'utf8');
  // `tessera` on the PATH is this checkout's CLI.
  await mkdir(join(work, 'bin'));
  await writeFile(join(work, 'bin/tessera'), `#!/bin/sh\nexec "${process.execPath}" "${join(REPO, 'bin/tessera.js')}" "$@"\n`);
  await chmod(join(work, 'bin/tessera'), 0o755);
  await mkdir(join(work, 'home'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('docs/guide.md', () => {
  it('marks the steps of the first product, from init to a second version', () => {
    const steps = guideSteps(guide);
    const commands = steps.filter((s) => s.kind === 'sh').map((s) => s.text).join('\n');
    for (const expected of [
      'tessera init shop',
      'tessera new team sales-analytics',
      'tessera new product sales.customers --kind source-aligned --owner sales-analytics',
      'tessera lint --fix',
      'tessera run',
      'tessera test',
      'tessera query',
      'tessera diff --base HEAD',
      'version: 2',
      'deprecated:',
    ]) {
      expect(commands, expected).toContain(expected);
    }
    expect(steps.filter((s) => s.kind === 'file').map((s) => s.path)).toEqual([
      'data/sales/customers.csv',
      'products/sales/customers/models/stg_customers.sql',
      'products/sales/customers/product.yaml',
    ]);
    // The untested commands are shown still: serve and psql.
    expect(guide).toContain('tessera serve --pg-port 5433');
    expect(guide).toContain('login link');
  });

  it('is linked from the README', async () => {
    const readme = await readFile(join(REPO, 'README.md'), 'utf8');
    expect(readme).toContain('(docs/guide.md)');
    expect(readme).toContain('(docs/checks.md)');
  });

  it('runs: every marked command in order, in an empty folder, with the real CLI', async () => {
    const state = join(work, 'cwd');
    const root = join(work, 'root');
    await mkdir(root);
    await writeFile(state, root);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${join(work, 'bin')}:${process.env.PATH ?? ''}`,
      HOME: join(work, 'home'),
      GIT_AUTHOR_NAME: 'Guide',
      GIT_AUTHOR_EMAIL: 'guide@example.com',
      GIT_COMMITTER_NAME: 'Guide',
      GIT_COMMITTER_EMAIL: 'guide@example.com',
      GIT_CONFIG_NOSYSTEM: '1',
      NO_COLOR: '1',
      CI: '1',
    };
    delete env.TESSERA_TOKEN; // the guide's commands act as the mesh's owner
    for (const step of guideSteps(guide)) {
      const cwd = (await readFile(state, 'utf8')).trim();
      if (step.path !== undefined) {
        await mkdir(dirname(join(cwd, step.path)), { recursive: true });
        await writeFile(join(cwd, step.path), step.text);
        continue;
      }
      const script = `set -e\n${step.text}\npwd > ${JSON.stringify(state)}\n`;
      const run = spawnSync('bash', ['-c', script], { cwd, env, encoding: 'utf8', timeout: 120_000 });
      const shown = `docs/guide.md:${step.line}\n${step.text}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
      expect(run.status, shown).toBe(step.exit);
    }
  }, 300_000);
});
