import type { Message } from './notify.js';

/** Slack's limits for incoming webhooks (api.slack.com/reference/block-kit). */
export const SLACK_LIMITS = { blocks: 50, sectionText: 3000, headerText: 150, contextText: 2000, fallbackText: 4000, itemsShown: 20 } as const;

/** Cuts text to `max` characters keeping its head and its tail (the end of an error says the most). */
export function cutMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = '\n…\n';
  const room = Math.max(0, max - marker.length);
  const head = Math.ceil(room * 0.6);
  return `${text.slice(0, head)}${marker}${text.slice(text.length - (room - head))}`;
}

const MARK: Record<string, string> = { new: '🔴', reopened: '🔁', repeat: '⏰', resolved: '✅', acknowledged: '👀', test: '🧪' };

/** The message as plain text: the fallback for notifications, files and refused blocks. */
export function plainText(message: Message, max = SLACK_LIMITS.fallbackText): string {
  const lines = [`[${message.mesh}] ${message.title}`];
  for (const i of message.items) lines.push(`${MARK[i.status] ?? '•'} ${i.incident === undefined ? '' : `#${i.incident} `}${i.title}: ${i.message}${i.affected && i.affected.length > 0 ? ` (affects ${i.affected.length} downstream)` : ''}`);
  for (const i of message.impacts) {
    lines.push(`⚠️ ${i.upstream} (owned by ${i.owner}) — ${i.title}. Affected here: ${[...i.affected, ...i.reads.map((r) => `reads ${r}`)].join(', ')}${i.staleSince ? `; stale since ${i.staleSince}` : ''}`);
  }
  return cutMiddle(lines.join('\n'), max);
}

export type SlackBlock =
  | { readonly type: 'header'; readonly text: { readonly type: 'plain_text'; readonly text: string } }
  | { readonly type: 'section'; readonly text: { readonly type: 'mrkdwn'; readonly text: string } }
  | { readonly type: 'context'; readonly elements: readonly { readonly type: 'mrkdwn'; readonly text: string }[] }
  | { readonly type: 'divider' };

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The message as a Slack incoming-webhook payload: Block Kit within Slack's limits (at
 * most 50 blocks, 3,000 characters per section, the first items shown and the rest
 * counted), with `text` as the plain-text fallback.
 */
export function slackPayload(message: Message): { text: string; blocks: SlackBlock[] } {
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: cutMiddle(message.title, SLACK_LIMITS.headerText) } }];
  const entries = [
    ...message.items.map((i) => `${MARK[i.status] ?? '•'} *${escape(i.title)}*${i.incident === undefined ? '' : ` (#${i.incident})`}\n${escape(i.message)}${i.affected && i.affected.length > 0 ? `\n_Downstream affected:_ ${escape(i.affected.join(', '))}` : ''}`),
    ...message.impacts.map(
      (i) =>
        `⚠️ *${escape(i.upstream)}* is broken upstream (owned by *${escape(i.owner)}*${i.incident === undefined ? '' : `, incident #${i.incident}`}): ${escape(i.title)}\n_Affected here:_ ${escape([...i.affected, ...i.reads.map((r) => `reads ${r}`)].join(', '))}${i.staleSince ? `\n_Stale since:_ ${i.staleSince}` : ''}`,
    ),
  ];
  const shown = entries.slice(0, SLACK_LIMITS.itemsShown);
  for (const entry of shown) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cutMiddle(entry, SLACK_LIMITS.sectionText) } });
  const rest = entries.length - shown.length;
  const footer = `${message.mesh} · ${rest > 0 ? `and ${rest} more: ` : ''}\`tessera incidents --team ${message.team}\``;
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: cutMiddle(footer, SLACK_LIMITS.contextText) }] });
  return { text: plainText(message), blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}
