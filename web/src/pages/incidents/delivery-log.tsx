/**
 * The delivery log of each of a team's channels: recent notifications with their state
 * (delivered, retrying and when next, held, dead), attempts and the channel's last
 * answer, so a team sees at once whether its alerts arrive.
 */
import type { ReactNode } from 'react';
import { useApi } from '../../api/client.js';
import type { TeamDeliveries } from '../../api/types.js';
import { Link, paths } from '../../router.js';
import { formatDateTime } from '../../ui/format.js';
import { ScrollRegion } from '../../ui/scroll-region.js';
import { DeliveryCell, lastAnswer } from './delivery-state.js';
import './incidents.css';

type ChannelLog = TeamDeliveries['channels'][number];

function counts(channel: ChannelLog): string {
  const c = channel.counts;
  return [`${c.delivered} delivered`, `${c.retrying} retrying`, ...(c.held ? [`${c.held} held`] : []), `${c.dead} dead`].join(' · ');
}

function ChannelLogView({ channel }: { channel: ChannelLog }): ReactNode {
  const name = `${channel.type} ${channel.place}`;
  return (
    <article className="channel-log" data-channel-type={channel.type} data-place={channel.place}>
      <h3>
        <span className="pill">{channel.type}</span> <code>{channel.place}</code>
      </h3>
      {channel.problem ? <p className="channel-problem">Not used: {channel.problem}.</p> : null}
      <p className="channel-counts">{counts(channel)}</p>
      {channel.notifications.length === 0 ? (
        <p className="muted">No notifications yet.</p>
      ) : (
        <ScrollRegion label={`Delivery log of ${name}`}>
          <table className="incidents-table channel-deliveries">
            <thead>
              <tr>
                <th scope="col">Queued</th>
                <th scope="col">Kind</th>
                <th scope="col">Incidents</th>
                <th scope="col">Delivery</th>
                <th scope="col" className="num">
                  Attempts
                </th>
                <th scope="col">Last answer</th>
              </tr>
            </thead>
            <tbody>
              {channel.notifications.map((n) => (
                <tr key={n.id} data-notification={n.id} data-state={n.state}>
                  <td>
                    <time dateTime={n.createdAt}>{formatDateTime(n.createdAt)}</time>
                  </td>
                  <td>{n.kind}</td>
                  <td>
                    {(n.incidents ?? []).map((id, i) => (
                      <span key={id}>
                        {i > 0 ? ', ' : ''}
                        <Link to={paths.incident(id)}>#{id}</Link>
                      </span>
                    ))}
                  </td>
                  <DeliveryCell notification={n} />
                  <td className="num">{n.attempts}</td>
                  <td className="delivery-answer">{lastAnswer(n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </article>
  );
}

export function DeliveryLog({ team }: { team: string }): ReactNode {
  const loaded = useApi<TeamDeliveries>(`/api/teams/${encodeURIComponent(team)}/deliveries`);
  if (loaded.state !== 'ready') return null;
  const { channels } = loaded.data;
  return (
    <section className="panel delivery-log-panel" aria-labelledby="delivery-log-heading">
      <h2 id="delivery-log-heading">Delivery log</h2>
      {channels.length === 0 ? (
        <p className="muted">This team has no alert channels: add some to its entry in teams.yaml.</p>
      ) : (
        channels.map((channel) => <ChannelLogView key={`${channel.type} ${channel.place}`} channel={channel} />)
      )}
    </section>
  );
}
