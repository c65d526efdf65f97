/** Who is in a team and where it hears about failures. */
import type { ReactNode } from 'react';
import type { TeamChannel, TeamMember } from '../../api/types.js';

/**
 * A channel's place without its secret: webhook URLs carry their token in the path,
 * so only the host is shown (enough to tell Slack from a company endpoint).
 */
export function channelPlace(channel: TeamChannel): string {
  // Read from the environment (`url_env`): the server shows the variable's name.
  if (channel.url?.startsWith('$')) return channel.url;
  if (channel.url) {
    try {
      return new URL(channel.url).host;
    } catch {
      return 'a URL';
    }
  }
  return channel.path ?? '';
}

export function PeoplePanel({ members, channels }: { members: readonly TeamMember[]; channels: readonly TeamChannel[] }): ReactNode {
  return (
    <section className="panel" aria-labelledby="team-people-heading">
      <h2 id="team-people-heading">People and channels</h2>
      {members.length === 0 ? (
        <p className="muted">No members are listed in teams.yaml.</p>
      ) : (
        <ul className="team-members">
          {members.map((member) => (
            <li key={`${member.name}-${member.email ?? ''}`}>
              {member.email ? <a href={`mailto:${member.email}`}>{member.name}</a> : <span>{member.name}</span>}
              {member.role && <span className="muted"> · {member.role}</span>}
            </li>
          ))}
        </ul>
      )}
      <h3>Alert channels</h3>
      {channels.length === 0 ? (
        <p className="muted">No alert channels: failures reach this team only through the catalog.</p>
      ) : (
        <ul className="team-channels">
          {channels.map((channel, i) => (
            <li key={i}>
              <span className="pill">{channel.type}</span> <code>{channelPlace(channel)}</code>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
