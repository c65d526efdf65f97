// Load on one endpoint with autocannon (programmatic): `connections` clients, each
// looping over `paths` for `duration` seconds. Latencies are taken from autocannon's
// per-response event, at hrtime precision (its own histogram keeps whole milliseconds).
import autocannon from 'autocannon';

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/**
 * Resolves to { requests, ok, non2xx, errors, timeouts, seconds, rps, latency: { p50, p90, p99, max, mean }, bytesPerResponse }.
 * `rps` counts 2xx responses only; latencies too.
 */
export async function load({ url, paths, connections, duration, headers = {} }) {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const instance = autocannon({
    url,
    connections,
    duration,
    headers,
    requests: paths.map((path) => ({ method: 'GET', path })),
    // Not one error response should pass unnoticed; a timeout counts as an error.
    timeout: 10,
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode < 200 || statusCode >= 300) return;
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
  });
  const result = await instance;
  const sorted = latencies.subarray(0, count).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    requests: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
    rps: result['2xx'] / result.duration,
    latency: {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1] ?? NaN,
      mean: sum / Math.max(1, count),
    },
    bytesPerResponse: result['2xx'] ? result.throughput.total / result['2xx'] : 0,
    autocannon: { latency: result.latency, requests: result.requests, statusCodeStats: result.statusCodeStats },
  };
}
