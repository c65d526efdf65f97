import type { ChannelSpec } from '../spec/index.js';

/** A channel as the outbox keeps it: what teams.yaml says, never a secret read from the environment. */
export type ChannelRef = Readonly<Record<string, string>>;

export function channelRef(channel: ChannelSpec): ChannelRef {
  const ref: Record<string, string> = { type: channel.type };
  for (const [key, value] of Object.entries(channel)) if (typeof value === 'string') ref[key] = value;
  return ref;
}

/** Stable text naming a channel (part of idempotency keys and rate limits). */
export function channelKey(channel: ChannelRef): string {
  return JSON.stringify(Object.keys(channel).sort().map((k) => [k, channel[k]]));
}

/** Where a channel points, for people: the file, the variable, or the host (a webhook path may hold its secret). */
export function channelPlace(channel: ChannelRef): string {
  if (channel['type'] === 'file') return channel['path'] ?? '';
  if (channel['url_env']) return `$${channel['url_env']}`;
  try {
    return new URL(channel['url'] ?? '').host;
  } catch {
    return '?';
  }
}

/** A Slack webhook URL written into the repository carries its secret (hooks.slack.com/services/T…/B…/secret). */
export function literalSecret(channel: ChannelRef): boolean {
  const url = channel['url'];
  if (url === undefined || channel['url_env'] !== undefined) return false;
  try {
    const parsed = new URL(url);
    return (parsed.hostname === 'hooks.slack.com' && parsed.pathname.startsWith('/services/')) || parsed.password !== '';
  } catch {
    return false;
  }
}

/** Why a channel cannot be used now (with `env` the environment of the process that sends), or undefined when it can. */
export function channelProblem(channel: ChannelRef, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (channel['type'] === 'file') return undefined;
  if (literalSecret(channel)) return 'refused: its URL (with its secret) is written in teams.yaml; put it in an environment variable and name it with url_env';
  const variable = channel['url_env'];
  if (variable !== undefined && !env[variable]) return `not configured: the environment variable ${variable} is not set`;
  if (variable === undefined && channel['url'] === undefined) return 'not configured: it has neither url nor url_env';
  const secret = channel['secret_env'];
  if (secret !== undefined && !env[secret]) return `not configured: the environment variable ${secret} (its signing secret) is not set`;
  return undefined;
}

/** The URL to send to, read from the environment when the channel says so. */
export function channelUrl(channel: ChannelRef, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const variable = channel['url_env'];
  return variable === undefined ? channel['url'] : env[variable];
}
