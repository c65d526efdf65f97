// Starts `tessera serve` in a child process (so that the load generator does not share
// its event loop) and waits until /healthz answers with the whole mesh loaded.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A port that is free now: listen on 0, read it, close. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * `node <bin> serve --dir <mesh> --port <free> --no-schedule`, or with `quiet` the bench's own
 * serve.js (the same startServer without request logs). The request logs (pino, one line
 * per request and per response) go to `logFile`. Resolves to { url, pid, startMs, stop() }
 * once GET /healthz reports `products` products.
 */
export async function startServe({ bin, quietScript, mesh, products, quiet = false, logFile = '/dev/null', timeoutMs = 120_000 }) {
  const port = await freePort();
  const args = quiet ? [quietScript, mesh, String(port)] : [bin, 'serve', '--dir', mesh, '--port', String(port), '--no-schedule'];
  const out = openSync(logFile, 'w');
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', out, 'pipe'] });
  closeSync(out);
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  let exited;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited) return;
    const done = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await done;
    clearTimeout(timer);
  };
  for (;;) {
    if (exited) throw new Error(`tessera serve exited (${exited.code ?? exited.signal}) before answering:\n${stderr.slice(-4000)}`);
    if (performance.now() - started > timeoutMs) {
      await stop();
      throw new Error(`tessera serve did not answer /healthz with ${products} products within ${timeoutMs / 1000} s:\n${stderr.slice(-4000)}`);
    }
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) {
        const body = await response.json();
        if (body.mesh?.products === products && !body.mesh.broken) {
        // Every /api call needs a token: the admin's, which the server left for its user.
        const token = readFileSync(join(mesh, '.tessera', 'admin-token'), 'utf8').trim();
        return { url, pid: child.pid, startMs: performance.now() - started, stop, stderr: () => stderr, token, headers: { authorization: `Bearer ${token}` } };
      }
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
}

let ticksPerSecond;

/** utime + stime of a /proc stat line, in clock ticks (the command name may hold spaces: parse after its ')'). */
function ticks(statLine) {
  const fields = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * CPU time the process has used so far, in ms: all its threads (the JS thread, DuckDB's
 * and libuv's workers, GC helpers) and the main (JS) thread alone. Linux only; undefined elsewhere.
 */
export function cpuTimes(pid) {
  if (!existsSync(`/proc/${pid}/stat`)) return undefined;
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const toMs = (t) => (t * 1000) / ticksPerSecond;
  try {
    return { total: toMs(ticks(readFileSync(`/proc/${pid}/stat`, 'utf8'))), main: toMs(ticks(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8'))) };
  } catch {
    return undefined;
  }
}
