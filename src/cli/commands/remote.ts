import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode } from '../exit-codes.js';
import { printJson } from '../output.js';
import type { CommandContext } from './context.js';

/** A server of this mesh, and the token the CLI acts with there. */
export interface ServerLink {
  readonly url: string;
  readonly token: string | undefined;
  readonly pg?: { readonly host: string; readonly port: number };
}

/**
 * The server running for this mesh, if one answers. The note a server leaves can be
 * stale and another mesh's server may listen on the same port now, so the answer's
 * start time must be the one the note recorded.
 */
export async function findServer(root: string): Promise<ServerLink | undefined> {
  const note = join(root, '.tessera', 'server.json');
  if (!existsSync(note)) return undefined;
  try {
    const { url, startedAt, pg } = JSON.parse(readFileSync(note, 'utf8')) as { url: string; startedAt?: string; pg?: { host: string; port: number } };
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
    if (!response.ok) return undefined;
    const health = (await response.json()) as { startedAt?: string };
    if (startedAt !== undefined && health.startedAt !== startedAt) return undefined;
    return { url, token: cliToken(root), ...(pg === undefined ? {} : { pg }) };
  } catch {
    return undefined;
  }
}

/** The token the CLI uses: TESSERA_TOKEN, else the admin token `tessera serve` left for its user. */
export function cliToken(root: string): string | undefined {
  const fromEnv = process.env.TESSERA_TOKEN;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv.trim();
  const file = join(root, '.tessera', 'admin-token');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** A request to the server with the CLI's token; the answer's JSON, or an error with the server's message. */
export async function callServer<T>(server: ServerLink, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'x-tessera-client': 'tessera cli' };
  if (server.token !== undefined) headers.authorization = `Bearer ${server.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const message = typeof parsed === 'object' && parsed !== null && 'message' in parsed ? String(parsed.message) : text;
    throw new ServerRefusal(response.status, message);
  }
  return parsed as T;
}

export class ServerRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ServerRefusal';
  }
}

interface RemoteJob {
  id: string;
  status: string;
  result?: unknown;
  error?: string;
}

/**
 * Submits a run or test to the server and follows it: its progress lines on
 * stderr, the summary on stdout (JSON with --json), exit 1 unless it succeeded.
 */
export async function runThroughServer(
  context: CommandContext,
  server: ServerLink,
  request: { kind: 'run' | 'test'; select?: string[]; fullRefresh?: boolean },
  options: { json?: boolean; print: (result: unknown) => void },
): Promise<void> {
  const { output } = context;
  const { url } = server;
  if (!options.json) output.err(`The warehouse belongs to \`tessera serve\` (${url}): submitting the ${request.kind} there.`);
  let job: RemoteJob;
  try {
    job = await callServer<RemoteJob>(server, 'POST', '/api/jobs', { ...request, trigger: 'cli' });
  } catch (error) {
    if (!(error instanceof ServerRefusal)) throw error;
    output.err(`error: the server refused the ${request.kind}: ${error.message}`);
    context.setExit(ExitCode.failed);
    return;
  }
  const events = await fetch(`${url}/api/jobs/${job.id}/events`, { headers: server.token === undefined ? {} : { authorization: `Bearer ${server.token}` } });
  if (!events.body) throw new Error('the server sent no event stream');
  let final: RemoteJob | undefined;
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const chunk of events.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      const type = /^event: (.*)$/m.exec(block)?.[1];
      const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      if (type === 'line' && !options.json) output.err(lineText(data));
      if (type === 'end') final = JSON.parse(data) as RemoteJob;
    }
    if (final) break;
  }
  if (!final) {
    output.err('error: the server closed the stream before the job ended');
    context.setExit(ExitCode.failed);
    return;
  }
  context.setExit(final.status === 'success' ? ExitCode.ok : ExitCode.failed);
  if (final.error !== undefined) output.err(`error: ${final.error}`);
  if (options.json) printJson(output, final.result ?? final);
  else if (final.result !== undefined) options.print(final.result);
}

/** A progress line, sent as JSON text or as is. */
function lineText(data: string): string {
  try {
    const parsed: unknown = JSON.parse(data);
    return typeof parsed === 'string' ? parsed : data;
  } catch {
    return data;
  }
}
