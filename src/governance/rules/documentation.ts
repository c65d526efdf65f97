import type { SourcePosition } from '../../diagnostics/index.js';
import { portTableName, type SpecFile, type SpecPath } from '../../spec/index.js';
import type { Finding, Rule } from '../rule.js';

const blank = (text: string | undefined): boolean => text === undefined || text.trim() === '';

/**
 * Where to point: at the empty value when the key is there, else at the `name`
 * key of what lacks it (the product, the port, the column).
 */
function where(file: SpecFile, owner: SpecPath, field: string, value: string | undefined): SourcePosition {
  return value === undefined ? file.locate([...owner, 'name'], { key: true }) : file.locate([...owner, field]);
}

const missing = (value: string | undefined, field: string): string => (value === undefined ? `has no \`${field}\`` : `has an empty \`${field}\``);

export const documentationRule: Rule = {
  id: 'documentation',
  description: 'Products say what they hold and why (description, purpose); ports and their columns are described, so consumers can use them without asking.',
  defaultSeverity: 'warning',
  fixable: false,
  check({ mesh }) {
    const findings: Finding[] = [];
    for (const product of mesh.products) {
      const { spec, file, id } = product;
      const domain = spec.domain;
      if (blank(spec.description)) {
        findings.push({
          message: `Product ${id} ${missing(spec.description, 'description')}.`,
          hint: `Add \`description:\` to ${file.path}: what the product holds, in a sentence or two.`,
          location: where(file, [], 'description', spec.description),
          domain,
        });
      }
      if (blank(spec.purpose)) {
        findings.push({
          message: `Product ${id} ${missing(spec.purpose, 'purpose')}.`,
          hint: `Add \`purpose:\` to ${file.path}: why the product exists and who it is for.`,
          location: where(file, [], 'purpose', spec.purpose),
          domain,
        });
      }
      (spec.ports ?? []).forEach((port, i) => {
        const table = `${domain}.${portTableName(port)}`;
        if (blank(port.description)) {
          findings.push({
            message: `Port ${table} ${missing(port.description, 'description')}.`,
            hint: 'Add `description:` to the port: what one row is, and what consumers can rely on it for.',
            location: where(file, ['ports', i], 'description', port.description),
            domain,
          });
        }
        (port.columns ?? []).forEach((column, j) => {
          if (!blank(column.description)) return;
          findings.push({
            message: `Column \`${column.name}\` of port ${table} ${missing(column.description, 'description')}.`,
            hint: 'Add `description:` to the column: what a value means, with its unit if it has one.',
            location: where(file, ['ports', i, 'columns', j], 'description', column.description),
            domain,
          });
        });
      });
    }
    return findings;
  },
};
