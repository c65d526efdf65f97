import type { SourcePosition } from '../../diagnostics/index.js';
import { portTableName, type Product } from '../../spec/index.js';

/** The kinds of named thing in a product; the naming rule takes a pattern option per kind. */
export const KINDS = ['products', 'ports', 'models', 'sources', 'snapshots', 'columns'] as const;
export type Kind = (typeof KINDS)[number];

export interface Named {
  readonly kind: Kind;
  /** How a message names it: `Port commerce.orders`, `Column \`id\` of port commerce.orders`. */
  readonly label: string;
  readonly name: string;
  /** ` of product commerce.orders`, or '' for a product. */
  readonly of: string;
  /** What else changes with the name, for the hint: ` (…)`. */
  readonly also: (suggestion: string) => string;
  readonly location: () => SourcePosition;
}

/** Every name of a product that guidelines look at, in the order they appear. */
export function namesOf(product: Product): Named[] {
  const { spec, file, id } = product;
  const of = ` of product ${id}`;
  const readers = ' and update what refers to it (model SQL, `from:`, `model:`)';
  const names: Named[] = [
    {
      kind: 'products',
      label: `Product ${id}`,
      name: spec.name,
      of: '',
      also: (s) => ` (its \`name:\` and its folder products/${spec.domain}/${s}/)`,
      location: () => file.locate(['name']),
    },
  ];
  (spec.sources ?? []).forEach((source, i) => {
    names.push({ kind: 'sources', label: `Source \`${source.name}\`${of}`, name: source.name, of, also: () => readers, location: () => file.locate(['sources', i, 'name']) });
  });
  for (const model of product.models) {
    const { specIndex } = model;
    names.push({
      kind: 'models',
      label: `Model \`${model.name}\`${of}`,
      name: model.name,
      of,
      also: (s) => {
        const where = model.spec?.sql !== undefined ? 'its `models:` entry' : `the file models/${s}.sql${specIndex !== undefined ? ' and its `models:` entry' : ''}`;
        return ` (${where})${readers}`;
      },
      location: () => (specIndex !== undefined ? file.locate(['models', specIndex, 'name']) : { file: model.sqlFile, line: 1, column: 1 }),
    });
  }
  (spec.snapshots ?? []).forEach((snapshot, i) => {
    names.push({ kind: 'snapshots', label: `Snapshot \`${snapshot.name}\`${of}`, name: snapshot.name, of, also: () => readers, location: () => file.locate(['snapshots', i, 'name']) });
  });
  (spec.ports ?? []).forEach((port, i) => {
    const table = `${spec.domain}.${portTableName(port)}`;
    names.push({
      kind: 'ports',
      label: `Port ${table}`,
      name: port.name,
      of,
      also: (s) => ` (consumers then read ${spec.domain}.${portTableName({ name: s, version: port.version })})`,
      location: () => file.locate(['ports', i, 'name']),
    });
    (port.columns ?? []).forEach((column, j) => {
      names.push({
        kind: 'columns',
        label: `Column \`${column.name}\` of port ${table}`,
        name: column.name,
        of: ` of port ${table}`,
        also: () => ' in the contract and in the SQL that produces it',
        location: () => file.locate(['ports', i, 'columns', j, 'name']),
      });
    });
  });
  return names;
}
