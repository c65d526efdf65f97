/** "Who owns it, and how do I reach them?": the team, its people and where its alerts go. */
import type { ReactNode } from 'react';
import type { ProductDetail, TeamChannel } from '../../api/types.js';
import { Link, paths } from '../../router.js';

/** Webhooks are for machines (and the API keeps their secret path back): the host says where alerts go. */
function channelText(channel: TeamChannel): ReactNode {
  if (channel.url) {
    let host = channel.url;
    try {
      host = new URL(channel.url).host;
    } catch {
      // Not a URL after all: show it as written.
    }
    return <code>{host}</code>;
  }
  return channel.path ? <code>{channel.path}</code> : null;
}

export function OwnerPanel({ owner }: { owner: ProductDetail['owner'] }): ReactNode {
  const members = owner.members ?? [];
  const channels = owner.channels ?? [];
  return (
    <section className="panel overview-panel" aria-labelledby="owner-heading">
      <h2 id="owner-heading">Owner</h2>
      <p className="owner-name">
        <Link to={paths.team(owner.id)}>{owner.name}</Link>
      </p>
      {owner.description && <p className="muted owner-description">{owner.description}</p>}
      {members.length > 0 ? (
        <ul className="members">
          {members.map((member) => (
            <li key={`${member.name}|${member.email ?? ''}`}>
              <span className="member-name">{member.name}</span>
              {member.role && <span className="muted"> · {member.role}</span>}
              {member.email && (
                <>
                  <br />
                  <a href={`mailto:${member.email}`}>{member.email}</a>
                </>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">The team lists no members in teams.yaml.</p>
      )}
      {channels.length > 0 && (
        <div className="channels">
          <h3>Alerts go to</h3>
          <ul>
            {channels.map((channel, i) => (
              <li key={i}>
                <span className="pill">{channel.type}</span> {channelText(channel)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
