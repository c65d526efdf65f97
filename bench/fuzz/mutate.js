// Seeded mutations of a mesh folder, shared by test/fuzz-mesh.test.ts and bench/fuzz/run.js.
// Plain ESM JavaScript (no build step); the types are in mutate.d.ts.
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

/** mulberry32: a small, fast, seeded PRNG; returns floats in [0, 1). */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (rng, n) => Math.floor(rng() * n);
const pick = (rng, list) => list[int(rng, list.length)];

/** Copies a mesh's declaration files (not .tessera/ nor data/) into `to`. */
export function copyMesh(from, to) {
  cpSync(from, to, {
    recursive: true,
    filter: (source) => {
      const rel = relative(from, source);
      return !(rel === '.tessera' || rel.startsWith('.tessera/') || rel === 'data' || rel.startsWith('data/'));
    },
  });
}

/** The mesh's YAML and SQL files, relative to `dir`, sorted (so that a seed picks the same file). */
export function meshFiles(dir) {
  const found = [];
  const walk = (folder) => {
    for (const name of readdirSync(folder).sort()) {
      if (name === '.tessera' || name === 'data') continue;
      const path = join(folder, name);
      let stat;
      try {
        stat = lstatSync(path);
      } catch {
        continue;
      }
      if (stat.isDirectory()) walk(path);
      else if (/\.(ya?ml|sql)$/.test(name)) found.push(relative(dir, path));
    }
  };
  walk(dir);
  return found;
}

const KEYS = ['name', 'domain', 'owner', 'kind', 'status', 'ports', 'models', 'sources', 'snapshots', 'columns', 'checks', 'type', 'required', 'unique', 'unique_key', 'from', 'strategy', 'check_columns', 'schedule', 'freshness', 'access', 'version', 'deprecated', 'sunset', 'teams', 'domains', 'members', 'channels', 'warehouse', 'defaults', 'policies', 'path', 'format', 'model', 'allowed_values', 'masking', 'classification', 'features', 'reads', 'terms', 'tags'];
const VALUES = ['', '~', 'null', '0', '-1', '1e309', '.nan', '.inf', 'true', '[]', '[1, 2]', '{}', '{ a: 1 }', '{{ jinja }}', '{ [a]: b }', 'constructor', '__proto__', 'toString', '"0 5 31 2 *"', '"* * * * * *"', '999999d', 'x'.repeat(300), '"ü\\t\\u0000"', '&anchor', '*alias', '!!binary aGk=', '|', '>-', '- nested', 'a: b: c', "'unterminated", '"two\nlines"'];
const SQL_FRAGMENTS = [
  "{{ ref('orders') }}",
  "{{ source('raw', 'orders') }}",
  '{% for x in [1,2] %} {{ x }} {% endfor %}',
  "{{ config(materialized='table') }}",
  "read_csv('data/commerce/orders.csv')",
  "query_table('commerce__orders.stg_orders')",
  "query('select 1')",
  "glob('data/*')",
  "read_text('/etc/passwd')",
  'commerce__orders.stg_orders',
  'information_schema.tables',
  'tessera_state.runs',
  'nope.nope',
  'missing_table',
  ') union all select',
  "'unterminated",
  '/* unterminated',
  'select',
  ';',
  '; drop table x;',
  'with x as (select 1) select * from x',
  '$1',
  '?',
  'pivot',
  '"quoted""name"',
];
const CHECKS = [
  'missing_count(nope) = 0',
  'reference(nope) in delivery.hubs(hub_id)',
  'reference(hub_id) in delivery.hubs(nope)',
  'reference(hub_id) in nowhere.nothing(x)',
  'reference(hub_id) in delivery.vehicle_history(hub_id)',
  'reference(hub_id) in commerce.customers(customer_id)',
  'row_count > ',
  'duplicate_count(a, b, nope) = 0',
  'row_count between 10 and 1',
  'freshness(nope) < 1h',
  'avg(x) > 0',
  '{{ jinja }}',
  'row_count > 0 and',
  'invalid_count(status) = 0',
  'sql: select 1',
  '[1, 2]',
];
const BYTES = [[0xff], [0xfe, 0xff], [0xc3], [0xe2, 0x82], [0x00], [0x09], [0x09, 0x09], [0x0d], [0xef, 0xbb, 0xbf], [0xe9], [0x1b, 0x5b, 0x33, 0x31, 0x6d], [0xf0, 0x9f, 0x98, 0x80], [0x7f], [0xc0, 0x80], [0xed, 0xa0, 0x80]];

function splitLines(text) {
  return text.split('\n');
}

/** Each mutation edits the mesh in `dir` and returns a short description, or undefined if it did not apply. */
const MUTATIONS = {
  deleteLine(dir, rng, file) {
    const lines = splitLines(read(dir, file));
    if (lines.length < 2) return undefined;
    const at = int(rng, lines.length);
    const count = 1 + int(rng, 3);
    lines.splice(at, count);
    write(dir, file, lines.join('\n'));
    return `delete ${count} line(s) at ${at + 1}`;
  },
  duplicateLine(dir, rng, file) {
    const lines = splitLines(read(dir, file));
    const at = int(rng, lines.length);
    lines.splice(at, 0, lines[at] ?? '');
    write(dir, file, lines.join('\n'));
    return `duplicate line ${at + 1}`;
  },
  swapLines(dir, rng, file) {
    const lines = splitLines(read(dir, file));
    if (lines.length < 2) return undefined;
    const a = int(rng, lines.length);
    const b = int(rng, lines.length);
    [lines[a], lines[b]] = [lines[b], lines[a]];
    write(dir, file, lines.join('\n'));
    return `swap lines ${a + 1} and ${b + 1}`;
  },
  indent(dir, rng, file) {
    const lines = splitLines(read(dir, file));
    const at = int(rng, lines.length);
    const how = pick(rng, ['+1', '+2', '-2', 'tab', 'tab-all', '-all']);
    const line = lines[at] ?? '';
    if (how === '+1') lines[at] = ` ${line}`;
    else if (how === '+2') lines[at] = `  ${line}`;
    else if (how === '-2') lines[at] = line.replace(/^ {1,2}/, '');
    else if (how === 'tab') lines[at] = line.replace(/^ {2}/, '\t');
    else if (how === 'tab-all') for (let i = 0; i < lines.length; i++) lines[i] = (lines[i] ?? '').replace(/^ {2}/, '\t');
    else lines[at] = line.trimStart();
    write(dir, file, lines.join('\n'));
    return `indent ${how} at line ${at + 1}`;
  },
  truncate(dir, rng, file) {
    const bytes = readFileSync(join(dir, file));
    const at = int(rng, bytes.length + 1);
    writeFileSync(join(dir, file), bytes.subarray(0, at));
    return `truncate at byte ${at}`;
  },
  insertBytes(dir, rng, file) {
    const bytes = readFileSync(join(dir, file));
    const at = int(rng, bytes.length + 1);
    const insert = Buffer.from(pick(rng, BYTES));
    writeFileSync(join(dir, file), Buffer.concat([bytes.subarray(0, at), insert, bytes.subarray(at)]));
    return `insert bytes ${insert.toString('hex')} at byte ${at}`;
  },
  renameKey(dir, rng, file) {
    if (!file.endsWith('.yaml')) return undefined;
    const lines = splitLines(read(dir, file));
    const keyed = lines.map((line, i) => (/^\s*(- )?[a-z_]+:/.test(line) ? i : -1)).filter((i) => i >= 0);
    if (keyed.length === 0) return undefined;
    const at = pick(rng, keyed);
    const to = rng() < 0.5 ? pick(rng, KEYS) : `${pick(rng, KEYS)}${pick(rng, ['s', '_', 'x', ''])}`;
    lines[at] = (lines[at] ?? '').replace(/^(\s*(?:- )?)[a-z_]+:/, `$1${to}:`);
    write(dir, file, lines.join('\n'));
    return `rename key at line ${at + 1} to ${to}`;
  },
  changeValue(dir, rng, file) {
    if (!file.endsWith('.yaml')) return undefined;
    const lines = splitLines(read(dir, file));
    const valued = lines.map((line, i) => (/^\s*(- )?[a-z_]+:\s*\S/.test(line) ? i : -1)).filter((i) => i >= 0);
    if (valued.length === 0) return undefined;
    const at = pick(rng, valued);
    const value = pick(rng, VALUES);
    lines[at] = (lines[at] ?? '').replace(/^(\s*(?:- )?[a-z_]+:\s*).*$/, `$1${value.replace(/\$/g, '$$$$')}`);
    write(dir, file, lines.join('\n'));
    return `value at line ${at + 1} to ${JSON.stringify(value.slice(0, 40))}`;
  },
  changeFlowValue(dir, rng, file) {
    if (!file.endsWith('.yaml')) return undefined;
    const text = read(dir, file);
    const matches = [...text.matchAll(/(name|type|required|unique|from|unique_key|model): ("[^"]*"|[^,}\n]+)/g)];
    if (matches.length === 0) return undefined;
    const match = pick(rng, matches);
    const value = pick(rng, ['[a, b]', '{ x: 1 }', '42', 'true', '~', '"bad name!"', 'UPPER', 'STRNG', 'DECIMAL(99,99)', 'x'.repeat(260), '"a.b"', '"ünïcode"', '" "']);
    const index = match.index ?? 0;
    const replaced = `${text.slice(0, index)}${match[1]}: ${value}${text.slice(index + match[0].length)}`;
    write(dir, file, replaced);
    return `${match[1]} value to ${JSON.stringify(value.slice(0, 40))}`;
  },
  emptyFile(dir, rng, file) {
    write(dir, file, pick(rng, ['', '\n', '---\n', '# only a comment\n', '[]\n', '- a\n- b\n', '42\n', '"text"\n', 'null\n', '---\n---\n', 'a: 1\n---\nb: 2\n']));
    return 'replace the file with an empty or scalar document';
  },
  fileToFolder(dir, rng, file) {
    rmSync(join(dir, file));
    mkdirSync(join(dir, file));
    if (rng() < 0.5) writeFileSync(join(dir, file, 'inner.yaml'), 'name: x\n');
    return 'replace the file with a folder';
  },
  symlink(dir, rng, file) {
    const how = pick(rng, ['self', 'loop', 'folder', 'dangling']);
    rmSync(join(dir, file));
    if (how === 'self') symlinkSync(basename(file), join(dir, file));
    else if (how === 'loop') {
      symlinkSync(`${basename(file)}.b`, join(dir, file));
      symlinkSync(basename(file), join(dir, `${file}.b`));
    } else if (how === 'folder') symlinkSync('.', join(dir, file));
    else symlinkSync('no-such-file', join(dir, file));
    return `replace the file with a symlink (${how})`;
  },
  garbage(dir, rng, file) {
    const length = int(rng, 400);
    const bytes = Buffer.alloc(length);
    for (let i = 0; i < length; i++) bytes[i] = int(rng, 256);
    writeFileSync(join(dir, file), bytes);
    return `replace the file with ${length} random bytes`;
  },
  renameFolder(dir, rng, file) {
    const parts = file.split('/');
    if (parts[0] !== 'products' || parts.length < 4) return undefined;
    const level = pick(rng, [1, 2]);
    const from = parts.slice(0, level + 1).join('/');
    const name = pick(rng, ['with space', 'ünïcode', 'UPPER', 'a.b', '-dash', 'x'.repeat(250), '_', '1starts_with_digit']);
    const to = [...parts.slice(0, level), name].join('/');
    if (existsSync(join(dir, to))) return undefined;
    try {
      renameSync(join(dir, from), join(dir, to));
    } catch {
      return undefined;
    }
    return `rename folder ${from} to ${JSON.stringify(name.slice(0, 40))}`;
  },
  deleteFile(dir, _rng, file) {
    rmSync(join(dir, file));
    return 'delete the file';
  },
  longName(dir, rng, file) {
    const length = pick(rng, [64, 200, 255, 256, 400, 5000]);
    const name = `n${'x'.repeat(length - 1)}`;
    if (file.endsWith('.sql') && rng() < 0.5) {
      const folder = file.slice(0, file.lastIndexOf('/'));
      const content = read(dir, file);
      rmSync(join(dir, file));
      try {
        write(dir, `${folder}/${name}.sql`, content);
        return `rename the model file to a ${length}-character name`;
      } catch {
        return `delete the model (a ${length}-character file name is refused by the file system)`;
      }
    }
    if (!file.endsWith('.yaml')) return undefined;
    const text = read(dir, file);
    const matches = [...text.matchAll(/name: ([a-z_]+)/g)];
    if (matches.length === 0) return undefined;
    const match = pick(rng, matches);
    const index = match.index ?? 0;
    write(dir, file, `${text.slice(0, index)}name: ${name}${text.slice(index + match[0].length)}`);
    return `a ${length}-character name`;
  },
  sqlFragment(dir, rng, file) {
    if (!file.endsWith('.sql')) return undefined;
    const text = read(dir, file);
    const fragment = pick(rng, SQL_FRAGMENTS);
    const how = pick(rng, ['from', 'anywhere', 'replace']);
    let next;
    if (how === 'from' && /\bfrom\s+\S+/i.test(text)) next = text.replace(/\bfrom\s+\S+/i, `from ${fragment}`);
    else if (how === 'replace') next = `select * from ${fragment}\n`;
    else {
      const at = int(rng, text.length + 1);
      next = `${text.slice(0, at)} ${fragment} ${text.slice(at)}`;
    }
    write(dir, file, next);
    return `SQL fragment ${JSON.stringify(fragment)} (${how})`;
  },
  specialName(dir, rng, file) {
    if (!file.endsWith('.yaml')) return undefined;
    const text = read(dir, file);
    const matches = [...text.matchAll(/(name|domain|owner|id|model|from|unique_key|port): ([a-z_][a-z0-9_-]*)/g)];
    if (matches.length === 0) return undefined;
    const match = pick(rng, matches);
    const value = pick(rng, ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'this', 'select', 'order', 'main', 'tessera_state', 'information_schema', 'pg_catalog', 'memory', 'system', 'temp']);
    const index = match.index ?? 0;
    write(dir, file, `${text.slice(0, index)}${match[1]}: ${value}${text.slice(index + match[0].length)}`);
    return `${match[1]} ${match[2]} renamed ${value}`;
  },
  check(dir, rng, file) {
    if (!file.endsWith('product.yaml')) return undefined;
    const lines = splitLines(read(dir, file));
    const at = lines.findIndex((line) => /^\s*checks:\s*$/.test(line));
    if (at < 0) return undefined;
    const indent = /^(\s*)/.exec(lines[at + 1] ?? '')?.[1] ?? '      ';
    const check = pick(rng, CHECKS);
    lines.splice(at + 1, 0, `${indent}- ${check}`);
    write(dir, file, lines.join('\n'));
    return `check ${JSON.stringify(check)} at line ${at + 2}`;
  },
  newProduct(dir, rng) {
    const domain = pick(rng, ['commerce', 'delivery', 'nowhere', 'Bad Domain', 'x'.repeat(120)]);
    const name = pick(rng, ['extra', 'orders', 'vehicles', 'with space', 'ü', '..', 'x'.repeat(120)]);
    const folder = `products/${domain.replace(/[/ ]/g, '_')}/${name.replace(/[/ ]/g, '_')}`;
    try {
      mkdirSync(join(dir, folder, 'models'), { recursive: true });
      const port = rng() < 0.5 ? `ports:\n  - name: ${name}\n    columns:\n      - { name: id, type: ${pick(rng, ['BIGINT', 'STRNG', '[1]'])} }\n` : '';
      write(dir, `${folder}/product.yaml`, `name: ${name}\ndomain: ${domain}\nowner: ${pick(rng, ['last-mile', 'nobody'])}\nkind: ${pick(rng, ['aggregate', 'weird'])}\n${port}`);
      write(dir, `${folder}/models/${pick(rng, ['extra', name.replace(/[/ ]/g, '_')])}.sql`, `select * from ${pick(rng, ['delivery.vehicles', 'commerce__orders.stg_orders', 'extra', 'delivery.hubs h join delivery.vehicles v using (hub_id)'])}\n`);
    } catch {
      return 'a new product (refused by the file system)';
    }
    return `a new product ${folder}`;
  },
};

const FILE_MUTATIONS = Object.keys(MUTATIONS).filter((name) => name !== 'newProduct');

function read(dir, file) {
  return readFileSync(join(dir, file), 'utf8');
}

function write(dir, file, text) {
  writeFileSync(join(dir, file), text);
}

/**
 * Applies 1–3 random mutations to the mesh in `dir`; returns what it did, one line each
 * (`<file>: <mutation>`), so that a failure can be reproduced by hand.
 */
export function mutateMesh(dir, rng) {
  const done = [];
  const count = 1 + int(rng, 3);
  for (let i = 0; i < count; i++) {
    if (rng() < 0.05) {
      done.push(MUTATIONS.newProduct(dir, rng));
      continue;
    }
    const files = meshFiles(dir);
    if (files.length === 0) break;
    // Weight product.yaml and SQL files over the three mesh-wide files, but reach those too.
    const file = pick(rng, files);
    let stat;
    try {
      stat = lstatSync(join(dir, file));
    } catch {
      continue;
    }
    if (!stat.isFile()) continue;
    const kind = pick(rng, FILE_MUTATIONS);
    const what = MUTATIONS[kind](dir, rng, file);
    if (what !== undefined) done.push(`${file}: ${what}`);
  }
  return done;
}

/**
 * Codes that are about the mesh as a whole, so that they may lack a file and line. None:
 * even mesh-wide problems have a place (a missing tessera.yaml is reported at tessera.yaml:1:1,
 * a cycle at one of its members, a team conflict in teams.yaml, a product that is not in its
 * folder at its product.yaml). A new code without a place must be added here on purpose.
 */
export const MESH_WIDE_CODES = [];

/**
 * What is wrong with one `validate --json` answer, as sentences (empty when all is well):
 * a stack trace, exit code 3 (an internal error) or another code than 0/1, JSON that does not
 * parse, `undefined`/`NaN`/`[object Object]` in a message or hint, a diagnostic without a file
 * and a line (except the codes in `meshWide`).
 */
export function problemsOf(run, meshWide = MESH_WIDE_CODES, dir = undefined) {
  const problems = [];
  const all = `${run.stdout}\n${run.stderr}`;
  if (/\n\s+at \S/.test(all) || /^\s+at \S/.test(all)) problems.push('a stack trace');
  if (run.exitCode !== 0 && run.exitCode !== 1) problems.push(`exit code ${run.exitCode}`);
  let parsed;
  try {
    parsed = JSON.parse(run.stdout);
  } catch {
    problems.push(`output that is not JSON: ${JSON.stringify(run.stdout.slice(0, 200))} ${JSON.stringify(run.stderr.slice(0, 400))}`);
    return problems;
  }
  const diagnostics = Array.isArray(parsed?.diagnostics) ? parsed.diagnostics : undefined;
  if (diagnostics === undefined) {
    problems.push('no diagnostics array');
    return problems;
  }
  if (run.exitCode === 1 && !diagnostics.some((d) => d.severity === 'error')) problems.push('exit code 1 without an error');
  for (const d of diagnostics) {
    const text = `${d.message ?? ''}\n${d.hint ?? ''}`;
    // `number null`: JSON.stringify of NaN or Infinity (a YAML .nan) where the value was meant.
    const bad = /\bundefined\b|\bNaN\b|\[object Object\]|\bnumber null\b/.exec(text);
    if (bad !== null) problems.push(`${d.code}: "${bad[0]}" in ${JSON.stringify(text.slice(0, 300))}`);
    if (typeof d.message !== 'string' || d.message.trim() === '') problems.push(`${d.code}: an empty message`);
    if (!meshWide.includes(d.code) && (typeof d.file !== 'string' || typeof d.line !== 'number')) {
      problems.push(`${d.code}: no file and line (${JSON.stringify(d.message.slice(0, 200))})`);
    } else if (dir !== undefined && typeof d.file === 'string' && typeof d.line === 'number') {
      // The place must exist: a line of the file (when the file is one), from column 1.
      const lines = linesOf(join(dir, d.file));
      if (d.line < 1 || (d.column ?? 1) < 1 || (lines !== undefined && d.line > lines)) {
        problems.push(`${d.code}: at ${d.file}:${d.line}:${d.column}, which is not in the file (${lines ?? 'no'} lines)`);
      }
    }
  }
  return problems;
}

function linesOf(path) {
  try {
    if (!lstatSync(path).isFile()) return undefined;
    return readFileSync(path).toString('utf8').split('\n').length;
  } catch {
    return undefined;
  }
}

/**
 * For a mutant that validates: the commands that read a valid mesh must work on it too.
 * `run(argv)` runs the CLI in process; returns problems as sentences.
 */
export async function followUpProblems(run, dir) {
  const problems = [];
  for (const argv of [['graph', '--json'], ['graph', '--level', 'product', '--format', 'dot'], ['scorecard', '--json']]) {
    const result = await run([...argv, '--dir', dir]);
    const all = `${result.stdout}\n${result.stderr}`;
    if (result.exitCode !== 0) problems.push(`${argv.join(' ')}: exit ${result.exitCode}: ${all.slice(0, 300)}`);
    else if (/\n\s+at \S/.test(all) || /\bundefined\b|\bNaN\b|\[object Object\]/.test(all)) problems.push(`${argv.join(' ')}: ${all.slice(0, 300)}`);
    if (argv.includes('--json') && result.exitCode === 0) {
      try {
        const parsed = JSON.parse(result.stdout);
        if (argv[0] === 'graph') {
          const products = parsed.products.map((p) => p.id);
          const product = products[0];
          if (product !== undefined) {
            const lineage = await run(['lineage', product, '--json', '--dir', dir]);
            if (lineage.exitCode !== 0) problems.push(`lineage ${product}: exit ${lineage.exitCode}: ${lineage.stderr.slice(0, 300)}`);
            else JSON.parse(lineage.stdout);
          }
        }
      } catch (error) {
        problems.push(`${argv.join(' ')}: output that is not JSON (${error.message})`);
      }
    }
  }
  return problems;
}
