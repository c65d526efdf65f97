// Runs a command and reports its wall time and peak memory. Node cannot read a child's
// rusage, so a few lines of python3 spawn the command, wait4() for it and report both.
// ru_maxrss is the peak RSS of the largest single process in the tree (the child, or a
// grandchild it waited for, e.g. Dataform's compile worker), not the sum of them. Linux
// carries the pre-exec high-water mark over, so ~13 MB (python's own) is a floor.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

const WRAPPER = `
import json, os, sys, time
os.set_inheritable(3, False)
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
kb = usage.ru_maxrss // 1024 if sys.platform == 'darwin' else usage.ru_maxrss
os.write(3, json.dumps({'seconds': seconds, 'maxRssKb': kb, 'code': os.waitstatus_to_exitcode(status)}).encode())
`;

/**
 * Runs `command args` in `cwd`. stdout goes to `stdoutFile` when given (Dataform's JSON is
 * large), else it is collected. Resolves to { seconds, maxRssKb, code, stdout, stderr }.
 */
export function measure(command, args, { cwd, stdoutFile } = {}) {
  const out = stdoutFile ? openSync(stdoutFile, 'w') : 'pipe';
  const child = spawn('python3', ['-c', WRAPPER, command, ...args], { cwd, stdio: ['ignore', out, 'pipe', 'pipe'] });
  if (stdoutFile) closeSync(out);
  const collect = (stream) => {
    const chunks = [];
    stream?.on('data', (chunk) => chunks.push(chunk));
    return () => Buffer.concat(chunks).toString('utf8');
  };
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  const report = collect(child.stdio[3]);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (wrapperCode) => {
      const text = report();
      if (wrapperCode !== 0 || !text) {
        reject(new Error(`measuring ${command} failed (wrapper exit ${wrapperCode}):\n${stderr()}`));
        return;
      }
      resolve({ ...JSON.parse(text), stdout: stdout(), stderr: stderr() });
    });
  });
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
