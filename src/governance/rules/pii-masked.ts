import { portAccess, portTableName, type Product } from '../../spec/index.js';
import type { Finding, Rule } from '../rule.js';

const byId = (a: Product, b: Product): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Personal data on a port everyone may read must reach them hashed, masked or removed. */
export const piiMaskedRule: Rule = {
  id: 'pii-masked',
  description: 'Columns classified `pii` on a public port must be masked (hash, mask or remove), or the port restricted.',
  defaultSeverity: 'error',
  fixable: true,
  check({ mesh }) {
    const findings: Finding[] = [];
    for (const product of [...mesh.products].sort(byId)) {
      const { spec, file } = product;
      (spec.ports ?? []).forEach((port, i) => {
        const access = portAccess(port, mesh.spec);
        if (access !== 'public') return;
        const why = port.access !== undefined ? 'public' : 'public (the `defaults.access` of tessera.yaml)';
        const table = `${spec.domain}.${portTableName(port)}`;
        (port.columns ?? []).forEach((column, j) => {
          if (column.classification !== 'pii') return;
          if (column.masking !== undefined && column.masking !== 'none') return;
          const path = ['ports', i, 'columns', j];
          findings.push({
            message:
              column.masking === 'none'
                ? `Column \`${column.name}\` of port ${table} is classified pii and has \`masking: none\`, but the port is ${why}.`
                : `Column \`${column.name}\` of port ${table} is classified pii and not masked, but the port is ${why}.`,
            hint: `Set \`masking\` to hash, mask or remove, or restrict the port (\`access: restricted\`) so that only cleared consumers read ${table}.`,
            location: file.locate([...path, column.masking === undefined ? 'classification' : 'masking']),
            domain: spec.domain,
            fix: [{ file: file.path, path: [...path, 'masking'], value: 'hash' }],
          });
        });
      });
    }
    return findings;
  },
};
