import type { Finding, Rule } from '../rule.js';

const list = (ids: readonly string[]): string => ids.map((id) => `\`${id}\``).join(', ');

export const ownershipRule: Rule = {
  id: 'ownership',
  description: 'Every domain has exactly one owning team (teams.yaml `domains`), and that team owns the domain\'s products.',
  defaultSeverity: 'warning',
  fixable: false,
  check({ mesh }) {
    const findings: Finding[] = [];
    if (mesh.teamsFile === undefined && mesh.teams.length === 0) return findings; // no teams.yaml: already a file/missing error

    /** Lowercased domain → the teams that claim it, first claim first. */
    const claims = new Map<string, string[]>();
    mesh.teams.forEach((team, teamIndex) => {
      (team.domains ?? []).forEach((domain, entry) => {
        const key = domain.toLowerCase();
        let claimants = claims.get(key);
        if (!claimants) claims.set(key, (claimants = []));
        if (claimants.includes(team.id)) return; // a team listing its own domain twice is no conflict
        if (claimants.length > 0) {
          const others = claimants;
          findings.push({
            message: `Domain \`${domain}\` is claimed by team \`${team.id}\` and already by ${list(others)}: a domain has one owning team.`,
            hint: `Remove \`${domain}\` from the \`domains\` of all but one of ${list([...others, team.id])} in teams.yaml.`,
            ...(mesh.teamsFile ? { location: mesh.teamsFile.locate(['teams', teamIndex, 'domains', entry]) } : {}),
            domain,
            severity: 'error',
          });
        }
        claimants.push(team.id);
      });
    });

    const teamIds = new Set(mesh.teams.map((t) => t.id));
    for (const product of mesh.products) {
      const { spec, file, id } = product;
      const claimants = claims.get(spec.domain.toLowerCase()) ?? [];
      if (claimants.length === 0) {
        const owner = teamIds.has(spec.owner) ? ` (\`${spec.owner}\`, the product's owner, if that is right)` : '';
        findings.push({
          message: `Domain \`${spec.domain}\` of product ${id} is not declared by any team in teams.yaml, so nobody is accountable for it.`,
          hint: `Add \`${spec.domain}\` to the \`domains\` of the team that owns it in teams.yaml${owner}.`,
          location: file.locate(['domain']),
          domain: spec.domain,
          severity: 'info',
        });
        continue;
      }
      const [only] = claimants;
      // An unknown owner is already the compiler's owner/unknown-team; two claimants are reported above.
      if (claimants.length !== 1 || !only || !teamIds.has(spec.owner) || only === spec.owner) continue;
      const owned = mesh.teams.find((t) => t.id === spec.owner)?.domains ?? [];
      findings.push({
        message: `Product ${id} is owned by \`${spec.owner}\`, but teams.yaml gives domain \`${spec.domain}\` to \`${only}\`.`,
        hint:
          owned.length > 0
            ? `Set \`owner: ${only}\`, or move the product to a domain \`${spec.owner}\` owns (${owned.join(', ')}).`
            : `Set \`owner: ${only}\`, or move \`${spec.domain}\` from the \`domains\` of \`${only}\` to those of \`${spec.owner}\` in teams.yaml.`,
        location: file.locate(['owner']),
        domain: spec.domain,
      });
    }
    return findings;
  },
};
