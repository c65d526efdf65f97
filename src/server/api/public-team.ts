/** A team as the API shows it to anyone who can reach the server. */
import type { TeamSpec } from '../../spec/index.js';

/**
 * Webhook addresses carry their secret in the path (Slack's /services/T…/B…/secret), so
 * channels show only where they point: the scheme and host.
 */
export function publicTeam(team: TeamSpec): TeamSpec {
  if (!team.channels) return team;
  return {
    ...team,
    channels: team.channels.map((channel) => {
      if (channel.type === 'file') return channel;
      // Read from the environment: the variable's name is all there is to show.
      if (channel.url === undefined) return { ...channel, url: channel.url_env ? `$${channel.url_env}` : '' };
      let shown: string;
      try {
        const url = new URL(channel.url);
        shown = `${url.protocol}//${url.host}/…`;
      } catch {
        shown = '…';
      }
      return { ...channel, url: shown };
    }),
  };
}
