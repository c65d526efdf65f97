import type { Finding, Rule } from '../rule.js';

/** A URL that carries its secret: Slack's incoming webhooks (/services/T…/B…/<secret>), or a password in the URL. */
function carriesSecret(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.hostname === 'hooks.slack.com' && parsed.pathname.startsWith('/services/')) || parsed.password !== '';
  } catch {
    return false;
  }
}

/**
 * Alert channels keep their secrets out of the repository: a webhook URL with its token
 * is named by an environment variable (`url_env`), never written in teams.yaml. Tessera
 * refuses to send to such a URL (see the alerts layer); this rule says so at validate time.
 */
export const channelSecretsRule: Rule = {
  id: 'channel-secrets',
  description: 'Alert channels name the environment variable holding a webhook URL (`url_env`) instead of writing a URL with its secret in teams.yaml.',
  defaultSeverity: 'warning',
  fixable: false,
  check({ mesh }) {
    const findings: Finding[] = [];
    mesh.teams.forEach((team, t) => {
      (team.channels ?? []).forEach((channel, c) => {
        const location = mesh.teamsFile ? { location: mesh.teamsFile.locate(['teams', t, 'channels', c]) } : {};
        if (channel.type === 'file') return;
        if (channel.url !== undefined && channel.url_env === undefined && carriesSecret(channel.url)) {
          findings.push({
            message: `Team \`${team.id}\`: its ${channel.type} channel's URL carries its secret and is written in teams.yaml; Tessera does not send to it.`,
            hint: 'Put the URL in an environment variable and write `url_env: <NAME>` instead of `url:`; revoke the webhook if the repository was ever shared.',
            ...location,
          });
        } else if (channel.url === undefined && channel.url_env === undefined) {
          findings.push({ message: `Team \`${team.id}\`: a ${channel.type} channel has neither \`url\` nor \`url_env\`; nothing can be sent to it.`, hint: 'Name the environment variable holding its URL with `url_env:`.', ...location });
        }
      });
    });
    return findings;
  },
};
