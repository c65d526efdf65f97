import { createHmac } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { channelProblem, channelUrl, plainText, slackPayload, type ChannelRef, type Message } from '../incidents/index.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** What a channel answered to one attempt. */
export interface SendOutcome {
  readonly ok: boolean;
  /** The status and a few words of the answer (`200 ok`, `429`, `timeout after 10000 ms`). */
  readonly answer: string;
  /** Not worth retrying (a refused address, a missing variable). */
  readonly permanent?: boolean;
  /** The channel asked to wait this long (429 Retry-After). */
  readonly retryAfterMs?: number;
}

export interface SendContext {
  /** The mesh root: file channels are relative to it. */
  readonly root: string;
  readonly env: Env;
  readonly timeoutMs: number;
  /** Slack allows about one message per second per webhook; the sender waits its turn. */
  readonly slackIntervalMs: number;
}

/** The signature of a webhook body: `sha256=<hex HMAC-SHA256 of the raw body with the shared secret>`. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const lastSlackPost = new Map<string, number>();

async function slackTurn(url: string, intervalMs: number): Promise<void> {
  const last = lastSlackPost.get(url);
  const wait = last === undefined ? 0 : last + intervalMs - Date.now();
  lastSlackPost.set(url, Date.now() + Math.max(0, wait));
  if (wait > 0) await new Promise((done) => setTimeout(done, wait));
}

async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number; text: string; retryAfter?: number } | { error: string }> {
  try {
    const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, signal: AbortSignal.timeout(timeoutMs) });
    const text = (await response.text()).slice(0, 200);
    const retry = Number(response.headers.get('retry-after'));
    return { status: response.status, text, ...(Number.isFinite(retry) && retry > 0 ? { retryAfter: retry * 1000 } : {}) };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    return { error: name === 'TimeoutError' || name === 'AbortError' ? `timeout after ${timeoutMs} ms` : error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error) };
  }
}

function judge(result: Awaited<ReturnType<typeof post>>): SendOutcome {
  if ('error' in result) return { ok: false, answer: result.error };
  const answer = `${result.status}${result.text ? ` ${result.text}` : ''}`;
  if (result.status >= 200 && result.status < 300) return { ok: true, answer };
  const retryable = result.status === 408 || result.status === 429 || result.status >= 500;
  return { ok: false, answer, ...(retryable ? {} : { permanent: true }), ...(result.retryAfter === undefined ? {} : { retryAfterMs: result.retryAfter }) };
}

/** One attempt to deliver one message to one channel. */
export async function sendTo(channel: ChannelRef, message: Message, key: string, ctx: SendContext): Promise<SendOutcome> {
  const problem = channelProblem(channel, ctx.env);
  if (problem) return { ok: false, answer: problem, permanent: true };
  const at = new Date().toISOString();
  if (channel['type'] === 'file') {
    const path = channel['path'] ?? '';
    const file = isAbsolute(path) ? path : resolve(ctx.root, path);
    try {
      await mkdir(dirname(file), { recursive: true });
      await appendFile(file, `${JSON.stringify({ idempotency_key: key, at, team: message.team, kind: message.kind, text: plainText(message), message })}\n`);
      return { ok: true, answer: `appended to ${path}` };
    } catch (error) {
      return { ok: false, answer: error instanceof Error ? error.message : String(error) };
    }
  }
  const url = channelUrl(channel, ctx.env) ?? '';
  if (channel['type'] === 'webhook') {
    const body = JSON.stringify({ idempotency_key: key, sent_at: at, team: message.team, kind: message.kind, mesh: message.mesh, title: message.title, text: plainText(message), items: message.items, impacts: message.impacts });
    const secret = channel['secret_env'] ? ctx.env[channel['secret_env']] : undefined;
    const headers: Record<string, string> = { 'idempotency-key': key, 'user-agent': 'tessera-alerts' };
    if (secret) headers['x-tessera-signature'] = signBody(secret, body);
    return judge(await post(url, body, headers, ctx.timeoutMs));
  }
  if (channel['type'] === 'slack') {
    await slackTurn(url, ctx.slackIntervalMs);
    const first = judge(await post(url, JSON.stringify(slackPayload(message)), {}, ctx.timeoutMs));
    // Blocks refused (invalid_blocks, too long…): the same message as plain text.
    if (!first.ok && first.permanent && /^400\b/.test(first.answer)) {
      await slackTurn(url, ctx.slackIntervalMs);
      const plain = judge(await post(url, JSON.stringify({ text: plainText(message) }), {}, ctx.timeoutMs));
      return plain.ok ? { ok: true, answer: `${plain.answer} (as plain text; blocks refused: ${first.answer})` } : plain;
    }
    return first;
  }
  return { ok: false, answer: `unknown channel type ${channel['type'] ?? ''}`, permanent: true };
}
