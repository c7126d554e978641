// HTTP load with autocannon (closed loop: `connections` clients, each sending its next request
// when the previous answer arrived), reduced to the figures the benchmarks report.
import autocannon from 'autocannon';

function headerValue(headers, name) {
  if (!headers) return undefined;
  if (headers[name] !== undefined) return headers[name];
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/**
 * Drives `url` for `durationSec` seconds (or, with `amount`, until that many requests were
 * sent) — as fast as the server answers, or at `rate` requests/s in total (latencies then
 * corrected for coordinated omission) — and resolves with
 * `{ requests, rps, p50Ms, p90Ms, p99Ms, maxMs, meanMs, ok, non2xx, errors, timeouts, durationSec,
 * statusCodes }` where `requests` counts completed responses (any status), `rps` is requests /
 * duration and `statusCodes` maps each status seen to its count.
 * `onResponse(status, headers, body)` is called for every response (e.g. to collect request
 * ids; autocannon then also collects each body).
 */
export async function runLoad({
  url,
  method = 'POST',
  path = '/',
  headers = {},
  body,
  connections = 50,
  durationSec = 10,
  pipelining = 1,
  timeoutSec = 30,
  rate,
  amount,
  onResponse,
}) {
  const request = { method, path, headers, body };
  if (onResponse) {
    request.onResponse = (status, body, _context, responseHeaders) =>
      onResponse(status, { get: (name) => headerValue(responseHeaders, name.toLowerCase()) }, body);
  }
  const result = await autocannon({
    url,
    connections,
    pipelining,
    duration: durationSec,
    timeout: timeoutSec,
    requests: [request],
    ...(rate ? { overallRate: rate } : {}),
    ...(amount ? { amount } : {}),
  });
  const ok = result['2xx'];
  const requests = ok + result.non2xx;
  return {
    requests,
    rps: requests / result.duration,
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    meanMs: result.latency.average,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSec: result.duration,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count]),
    ),
  };
}
