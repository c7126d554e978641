// Realistic call-ledger records for write benchmarks: several routes x deployments x API keys,
// a mix of outcomes with failovers (attempt 2 of the same request), streamed calls with a time
// to first token, long-tailed latencies and token counts, costs from real-looking prices.
// Seeded, so two runs write the same shape of data (request ids are random UUIDs, as in
// production, because their index behaviour is part of what is measured).
import { randomUUID } from 'node:crypto';

/** Prices are USD per million tokens, i.e. micro-USD per token. */
const ROUTES = [
  {
    route: 'chat-default',
    share: 0.6,
    snapshotVersion: 42,
    deployments: [
      {
        id: 'sim-openai/gpt-4o-mini',
        provider: 'sim-openai',
        weight: 0.6,
        latencyMs: 650,
        in: 0.15,
        out: 0.6,
      },
      {
        id: 'sim-anthropic/claude-haiku-4-5',
        provider: 'sim-anthropic',
        weight: 0.25,
        latencyMs: 800,
        in: 1,
        out: 5,
      },
      {
        id: 'sim-gemini/gemini-2.5-flash',
        provider: 'sim-gemini',
        weight: 0.15,
        latencyMs: 550,
        in: 0.3,
        out: 2.5,
      },
    ],
  },
  {
    route: 'chat-premium',
    share: 0.25,
    snapshotVersion: null,
    deployments: [
      {
        id: 'sim-openai/gpt-4o',
        provider: 'sim-openai',
        weight: 0.5,
        latencyMs: 1400,
        in: 2.5,
        out: 10,
      },
      {
        id: 'sim-anthropic/claude-sonnet-4-5',
        provider: 'sim-anthropic',
        weight: 0.3,
        latencyMs: 1800,
        in: 3,
        out: 15,
      },
      {
        id: 'sim-gemini/gemini-2.5-pro',
        provider: 'sim-gemini',
        weight: 0.2,
        latencyMs: 2200,
        in: 1.25,
        out: 10,
      },
    ],
  },
  {
    route: 'chat-local-first',
    share: 0.15,
    snapshotVersion: null,
    deployments: [
      {
        id: 'sim-local/llama3.2',
        provider: 'sim-local',
        weight: 0.8,
        latencyMs: 300,
        in: 0,
        out: 0,
      },
      {
        id: 'sim-openai/gpt-4o-mini',
        provider: 'sim-openai',
        weight: 0.2,
        latencyMs: 650,
        in: 0.15,
        out: 0.6,
      },
    ],
  },
];

/** Failures of a first attempt that are followed by a failover attempt. */
const RETRYABLE = [
  { outcome: 'rate_limited', httpStatus: 429, errorType: 'rate_limit_error', share: 0.45 },
  { outcome: 'server_error', httpStatus: 503, errorType: 'server_error', share: 0.3 },
  { outcome: 'timeout', httpStatus: null, errorType: 'timeout', share: 0.1 },
  { outcome: 'connection_error', httpStatus: null, errorType: 'ECONNRESET', share: 0.1 },
  { outcome: 'malformed', httpStatus: 200, errorType: 'malformed_body', share: 0.05 },
];

const API_KEYS = Array.from({ length: 40 }, (_, i) => `key_${String(i).padStart(2, '0')}`);

function sum(values) {
  return values.reduce((s, x) => s + x, 0);
}

/** mulberry32: a small, fast, seeded PRNG returning [0, 1). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(items, weightOf, r) {
  const total = items.reduce((s, x) => s + weightOf(x), 0);
  let u = r * total;
  for (const item of items) {
    u -= weightOf(item);
    if (u < 0) return item;
  }
  return items[items.length - 1];
}

/**
 * `count` attempt records (exactly) whose start times run from `startMs` to `startMs + spanMs`
 * in arrival order, as a recorder would see them. About 3 % of requests fail over to a second
 * attempt; 35 % are streamed; 5 % carry no API key.
 */
export function generateAttemptRecords(count, { startMs, spanMs, seed = 1 }) {
  const random = prng(seed);
  // Box-Muller: a log-normal with the given median and shape.
  const logNormal = (medianValue, sigma) =>
    medianValue *
    Math.exp(sigma * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
  const records = [];
  while (records.length < count) {
    const route = pick(ROUTES, (r) => r.share, random());
    const apiKeyId = random() < 0.05 ? null : API_KEYS[Math.floor(API_KEYS.length * random() ** 2)];
    const streamed = random() < 0.35;
    const requestId = randomUUID();
    const progress = records.length / count;
    let startedAt = Math.round(startMs + progress * spanMs + (random() - 0.5) * 2_000);
    const first = pick(route.deployments, (d) => d.weight, random());
    const base = {
      requestId,
      route: route.route,
      apiKeyId,
      snapshotVersion: route.snapshotVersion,
      streamed,
    };
    const roll = random();
    let deployment = first;
    let propensity = first.weight;
    let attempt = 1;
    if (roll < 0.03 && route.deployments.length > 1 && records.length + 2 <= count) {
      const failure = pick(RETRYABLE, (f) => f.share, random());
      const latencyMs = failure.outcome === 'timeout' ? 30_000 : Math.round(logNormal(120, 0.6));
      records.push({
        ...base,
        attempt,
        startedAt,
        deploymentId: first.id,
        providerId: first.provider,
        outcome: failure.outcome,
        httpStatus: failure.httpStatus,
        errorType: failure.errorType,
        latencyMs,
        ttftMs: null,
        inputTokens: 0,
        outputTokens: 0,
        costMicroUsd: 0,
        propensity,
      });
      const rest = route.deployments.filter((d) => d !== first);
      deployment = pick(rest, (d) => d.weight, random());
      // The planner's probability for the second pick, given the first was excluded.
      propensity = Math.min(1, deployment.weight / sum(rest.map((d) => d.weight)));
      attempt = 2;
      startedAt += latencyMs + Math.round(random() * 50);
    }
    const latencyMs = Math.min(120_000, Math.round(logNormal(deployment.latencyMs, 0.5)));
    const ttftMs = streamed ? Math.round(latencyMs * (0.2 + 0.2 * random())) : null;
    const outcomeRoll = random();
    if (outcomeRoll < 0.005) {
      records.push({
        ...base,
        attempt,
        startedAt,
        deploymentId: deployment.id,
        providerId: deployment.provider,
        outcome: 'caller_error',
        httpStatus: 400,
        errorType: 'invalid_request_error',
        latencyMs: Math.round(logNormal(80, 0.4)),
        ttftMs: null,
        inputTokens: 0,
        outputTokens: 0,
        costMicroUsd: 0,
        propensity,
      });
      continue;
    }
    const aborted = outcomeRoll < 0.007;
    const inputTokens = Math.max(1, Math.round(logNormal(400, 1)));
    const outputTokens = aborted ? 0 : Math.max(1, Math.round(logNormal(150, 0.8)));
    records.push({
      ...base,
      attempt,
      startedAt,
      deploymentId: deployment.id,
      providerId: deployment.provider,
      outcome: aborted ? 'aborted' : 'success',
      httpStatus: aborted ? null : 200,
      errorType: null,
      latencyMs,
      ttftMs: aborted ? null : ttftMs,
      inputTokens,
      outputTokens,
      costMicroUsd: Math.round(inputTokens * deployment.in + outputTokens * deployment.out),
      propensity,
    });
  }
  return records;
}
