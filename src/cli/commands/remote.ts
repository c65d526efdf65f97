import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode } from '../exit-codes.js';
import { printJson } from '../output.js';
import type { CommandContext } from './context.js';

/** The server running for this mesh, if one answers. */
export async function findServer(root: string): Promise<string | undefined> {
  const note = join(root, '.tessera', 'server.json');
  if (!existsSync(note)) return undefined;
  try {
    const { url } = JSON.parse(readFileSync(note, 'utf8')) as { url: string };
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
    return response.ok ? url : undefined;
  } catch {
    return undefined;
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
  url: string,
  request: { kind: 'run' | 'test'; select?: string[]; fullRefresh?: boolean },
  options: { json?: boolean; print: (result: unknown) => void },
): Promise<void> {
  const { output } = context;
  if (!options.json) output.err(`The warehouse belongs to \`tessera serve\` (${url}): submitting the ${request.kind} there.`);
  const submitted = await fetch(`${url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...request, trigger: 'cli' }) });
  if (!submitted.ok) {
    output.err(`error: the server refused the ${request.kind}: ${await submitted.text()}`);
    context.setExit(ExitCode.failed);
    return;
  }
  const job = (await submitted.json()) as RemoteJob;
  const events = await fetch(`${url}/api/jobs/${job.id}/events`);
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
