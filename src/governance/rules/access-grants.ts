import { didYouMean } from '../../diagnostics/index.js';
import { portAccess, portTableName } from '../../spec/index.js';
import type { Finding, Rule } from '../rule.js';

/**
 * A port's `grants:` and `auto_approve:` name teams; a name that is not a team would
 * grant nothing (or, once a team of that name is added, grant more than intended),
 * and a grant that adds nothing hides a misunderstanding of the access levels.
 */
export const accessGrantsRule: Rule = {
  id: 'access-grants',
  description: 'A port\'s `grants` and `auto_approve` name teams of teams.yaml, and every grant gives something the access level does not already give.',
  defaultSeverity: 'error',
  fixable: false,
  check({ mesh }) {
    const findings: Finding[] = [];
    const teams = new Set(mesh.teams.map((t) => t.id));
    for (const product of mesh.products) {
      const { spec, file } = product;
      (spec.ports ?? []).forEach((port, p) => {
        const name = `${spec.domain}.${portTableName(port)}`;
        const access = portAccess(port, mesh.spec);
        const unknown = (team: string, path: (string | number)[]): void => {
          findings.push({
            message: `Port ${name} names team \`${team}\`, which is not a team in teams.yaml.${didYouMean(team, teams)}`,
            hint: `Use one of the teams (${[...teams].join(', ')}), or add the team to teams.yaml.`,
            location: file.locate(path),
            domain: spec.domain,
          });
        };
        (port.grants ?? []).forEach((grant, g) => {
          const path = ['ports', p, 'grants', g, 'team'];
          if (!teams.has(grant.team)) unknown(grant.team, path);
          else if (grant.team === spec.owner) {
            findings.push({ message: `Port ${name} grants its own team \`${grant.team}\`, which reads it raw already.`, hint: 'Remove the grant.', location: file.locate(path), domain: spec.domain, severity: 'warning' });
          } else if (grant.unmasked !== true && access !== 'restricted') {
            findings.push({
              message: `Port ${name} is ${access}, so the masked grant to \`${grant.team}\` gives nothing the access level does not.`,
              hint: 'Remove the grant, make it `unmasked: true` if the team must read masked columns raw, or restrict the port.',
              location: file.locate(path),
              domain: spec.domain,
              severity: 'warning',
            });
          }
        });
        (port.auto_approve ?? []).forEach((team, t) => {
          if (!teams.has(team)) unknown(team, ['ports', p, 'auto_approve', t]);
        });
      });
    }
    return findings;
  },
};
