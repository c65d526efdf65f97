import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExitCode } from '../exit-codes.js';
import { printJson } from '../output.js';
import type { CommandContext } from './context.js';

/** A server of this mesh, and the token the CLI acts with there. */
export interface ServerLink {
  readonly url: string;
  readonly token: string | undefined;
  readonly pg?: { readonly host: string; readonly port: number };
}

/** What `tessera serve` writes to `.tessera/server.json` when it starts listening. */
interface ServerNote {
  readonly url: string;
  readonly startedAt?: string;
  readonly mesh?: string;
  readonly root?: string;
  readonly pid?: number;
  readonly pg?: { readonly host: string; readonly port: number };
}

export interface FindServerOptions {
  /** This mesh's name (from tessera.yaml): the server must say it serves a mesh of that name. */
  readonly mesh?: string;
  /** Told why a note was not trusted (a line for stderr); silent when absent. */
  readonly say?: (line: string) => void;
}

/**
 * The server running for this mesh, if one answers. The note a server leaves can be
 * stale, copied with the folder from another mesh, or name a port where another
 * mesh's server listens now (4600 is every mesh's default), so each link is checked:
 * the note was written for this very folder; the server answering is the one that
 * wrote it (its start time, as `/healthz` gives it, is the note's); and, when the
 * caller names the mesh, the server accepts this mesh's token and serves a mesh of
 * this name. Anything else is not this mesh's server: undefined, and `say` hears why.
 */
export async function findServer(root: string, options: FindServerOptions = {}): Promise<ServerLink | undefined> {
  const path = join(root, '.tessera', 'server.json');
  if (!existsSync(path)) return undefined;
  const say = options.say ?? (() => undefined);
  let note: ServerNote;
  try {
    note = JSON.parse(readFileSync(path, 'utf8')) as ServerNote;
    if (typeof note.url !== 'string') throw new Error('no url');
  } catch {
    say(`note: .tessera/server.json cannot be read; it is ignored (\`tessera serve\` writes a new one when it starts).`);
    return undefined;
  }
  const here = realRoot(root);
  if (note.root !== undefined && realRoot(note.root) !== here) {
    say(`note: .tessera/server.json names a server of another folder (${note.root}), not of this mesh (copied with the folder?); it is ignored.`);
    return undefined;
  }
  let health: { startedAt?: string };
  try {
    const response = await fetch(`${note.url}/healthz`, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    health = (await response.json()) as { startedAt?: string };
  } catch {
    // Nothing answers there: the server that wrote the note has stopped.
    return undefined;
  }
  const notOurs = `the server at ${note.url} is not this mesh's \`tessera serve\``;
  if (note.startedAt === undefined || health.startedAt !== note.startedAt) {
    say(
      `note: ${notOurs}: .tessera/server.json is stale (written by a server started ${note.startedAt ?? 'at an unknown time'}; the one answering started ${health.startedAt ?? 'at an unknown time'}). Another server, perhaps of another mesh, listens on that port now; nothing is sent to it.`,
    );
    return undefined;
  }
  const link: ServerLink = { url: note.url, token: cliToken(root), ...(note.pg === undefined ? {} : { pg: note.pg }) };
  if (options.mesh === undefined) return link;
  try {
    const served = await callServer<{ name?: string }>(link, 'GET', '/api/mesh');
    if (served.name !== options.mesh) {
      say(`note: ${notOurs}: it serves mesh \`${served.name ?? '?'}\`, this is \`${options.mesh}\`; nothing is sent to it.`);
      return undefined;
    }
  } catch (error) {
    if (error instanceof ServerRefusal && (error.status === 401 || error.status === 403)) {
      say(`note: ${notOurs}: it does not accept this mesh's admin token (.tessera/admin-token); nothing is sent to it.`);
      return undefined;
    }
    // Any other trouble asking is the caller's to meet on its real request.
  }
  return link;
}

function realRoot(path: string): string {
  try {
    return realpathSync(resolve(path));
  } catch {
    return resolve(path);
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
    if (error instanceof ServerRefusal) output.err(`error: the server refused the ${request.kind}: ${error.message}`);
    else if (isConnectionError(error)) {
      output.err(`error: the server at ${url} stopped answering before the ${request.kind} was submitted (${connectionProblem(error)}): nothing was run.`);
      output.err(`hint: start \`tessera serve\` again, or run without it: with no server running, \`tessera ${request.kind}\` works on the warehouse directly.`);
    } else throw error;
    context.setExit(ExitCode.failed);
    return;
  }
  let final: RemoteJob | undefined;
  let runId: number | undefined;
  const published: string[] = [];
  // Ctrl-C here stops following, not the run: the server owns it and finishes it.
  const leave = (signal: NodeJS.Signals): void => {
    output.err(`Stopped following (${signal}); ${runId === undefined ? `the ${request.kind}` : `${request.kind} ${runId}`} goes on in \`tessera serve\` at ${url}${runId === undefined ? '' : `: \`tessera runs show ${runId}\` shows how it ends`}.`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', leave);
  process.once('SIGTERM', leave);
  try {
    const events = await fetch(`${url}/api/jobs/${job.id}/events`, { headers: server.token === undefined ? {} : { authorization: `Bearer ${server.token}` } });
    if (!events.body) throw new Error('the server sent no event stream');
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
        if (type === 'line') {
          const line = lineText(data);
          runId ??= Number(/^(?:Test r|R)un (\d+)[: ]/.exec(line)?.[1] ?? Number.NaN) || undefined;
          const port = /^✓ port\s+(\S+)\s+published (v\d+)/.exec(line);
          if (port) published.push(`${port[1] ?? ''} ${port[2] ?? ''}`);
          if (!options.json) output.err(line);
        }
        if (type === 'end') final = JSON.parse(data) as RemoteJob;
      }
      if (final) break;
    }
  } catch (error) {
    if (!isConnectionError(error)) throw error;
    serverLost(context, url, request.kind, runId, published, connectionProblem(error));
    return;
  } finally {
    process.off('SIGINT', leave);
    process.off('SIGTERM', leave);
  }
  if (!final) {
    serverLost(context, url, request.kind, runId, published, 'it closed the stream');
    return;
  }
  context.setExit(final.status === 'success' ? ExitCode.ok : ExitCode.failed);
  if (final.error !== undefined) output.err(`error: ${final.error}`);
  if (options.json) printJson(output, final.result ?? final);
  else if (final.result !== undefined) options.print(final.result);
}

/**
 * The server went away while the CLI followed a job (killed, crashed, the machine
 * restarted): what that means for the run and for what consumers read, and what to do.
 */
function serverLost(context: CommandContext, url: string, kind: 'run' | 'test', runId: number | undefined, published: readonly string[], problem: string): void {
  const { output } = context;
  const which = runId === undefined ? `the ${kind}` : `${kind} ${runId}`;
  output.err(`error: the server at ${url} stopped answering while ${which} was going (${problem}); it did not finish.`);
  if (kind === 'run') {
    output.err(
      published.length > 0
        ? `  Published before it stopped: ${published.join(', ')}. Every other port is unchanged: consumers still read its last published version.`
        : '  No port had been published by this run: consumers still read the last published versions.',
    );
  }
  output.err(`hint: start \`tessera serve\` again (it records the unfinished ${kind} as abandoned), then run again${runId === undefined ? '' : `; \`tessera runs show ${runId}\` shows what was built`}.`);
  context.setExit(ExitCode.failed);
}

/** A connection that failed or broke (refused, reset, closed mid-answer), as undici reports it. */
function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const cause = (error as { cause?: unknown }).cause;
  const code = (error as NodeJS.ErrnoException).code ?? (cause instanceof Error ? (cause as NodeJS.ErrnoException).code : undefined);
  if (typeof code === 'string' && /^(UND_ERR_|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)/.test(code)) return true;
  return error.name === 'TypeError' && (error.message === 'terminated' || error.message === 'fetch failed');
}

function connectionProblem(error: unknown): string {
  const cause = error instanceof Error ? (error as { cause?: unknown }).cause : undefined;
  const code = cause instanceof Error ? (cause as NodeJS.ErrnoException).code : error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset';
  return 'the connection closed';
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
