// Time to first token of streamed answers, which autocannon cannot see (it times whole
// responses). `connections` clients on keep-alive node:http connections each send their next
// streamed request when the previous answer ended (a closed loop, like autocannon's), until
// `requests` were sent; each request is timed from just before it is written to the arrival of
// its first token — the first complete SSE `data:` event whose delta carries text (OpenAI
// chat-completion chunks; a role-only first event is no token) — and to the end of its body.
import http from 'node:http';
import { quantile } from './stats.mjs';

/** `error.code` of an OpenAI-style error body, if it is one. */
function errorCode(body) {
  try {
    return JSON.parse(body)?.error?.code ?? undefined;
  } catch {
    return undefined;
  }
}

/** Whether an SSE line is a chat-completion chunk carrying text. */
function isToken(line) {
  if (!line.startsWith('data:')) return false;
  try {
    const content = JSON.parse(line.slice(5))?.choices?.[0]?.delta?.content;
    return typeof content === 'string' && content.length > 0;
  } catch {
    return false; // e.g. "data: [DONE]"
  }
}

/** Time until the first token of a streamed answer arrives, and until its end. */
function timeOneStream(agent, target, { path, headers, body }) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let firstMs;
    let seen = '';
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: 'POST',
        path,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        agent,
      },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          if (res.statusCode !== 200) {
            if (seen.length < 1_000) seen += chunk;
            return;
          }
          if (firstMs !== undefined) return;
          // Only the start of the body matters: keep just the unfinished line.
          const lines = (seen + chunk).split('\n');
          seen = lines.pop() ?? '';
          if (lines.some(isToken)) firstMs = performance.now() - t0;
        });
        res.on('end', () =>
          resolve({
            ok: res.statusCode === 200 && firstMs !== undefined,
            status: res.statusCode,
            code: res.statusCode === 200 ? undefined : errorCode(seen),
            firstMs,
            totalMs: performance.now() - t0,
          }),
        );
        res.on('error', () => resolve({ ok: false, status: res.statusCode, error: true }));
      },
    );
    req.on('error', () => resolve({ ok: false, error: true }));
    req.end(body);
  });
}

/**
 * Sends `requests` streamed requests to `url` + `path` over `connections` concurrent keep-alive
 * connections and resolves with `{ requests, ok, failed, failures, durationSec, rps, ttft, total }`,
 * where `failures` counts failed requests by status and error code (or "connection error") and `ttft` and
 * `total` are `{ p50Ms, p90Ms, p99Ms, maxMs }` over the successful requests.
 */
export async function runTtftLoad({ url, path, headers = {}, body, connections = 50, requests }) {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const firsts = [];
  const totals = [];
  let sent = 0;
  let failed = 0;
  const failures = {};
  const t0 = performance.now();
  const client = async () => {
    while (sent < requests) {
      sent++;
      const r = await timeOneStream(agent, target, { path, headers, body });
      if (r.ok) {
        firsts.push(r.firstMs);
        totals.push(r.totalMs);
      } else {
        failed++;
        const why = r.error ? 'connection error' : `${r.status}${r.code ? ` ${r.code}` : ''}`;
        failures[why] = (failures[why] ?? 0) + 1;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: connections }, client));
  } finally {
    agent.destroy();
  }
  const durationSec = (performance.now() - t0) / 1000;
  const summary = (values) => ({
    p50Ms: quantile(values, 0.5),
    p90Ms: quantile(values, 0.9),
    p99Ms: quantile(values, 0.99),
    maxMs: quantile(values, 1),
  });
  return {
    requests: sent,
    ok: firsts.length,
    failed,
    failures,
    durationSec,
    rps: sent / durationSec,
    ttft: summary(firsts),
    total: summary(totals),
  };
}
