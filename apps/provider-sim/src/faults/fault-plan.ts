import type { Rng } from '@stilts/routing';
import type { ResolvedBehaviour } from '../scenario/behaviour-timeline.js';
import type { LatencySpec } from '../scenario/scenario.schema.js';

/** z such that P(Z <= z) = 0.95 for a standard normal Z. */
const Z_95 = 1.6448536269514722;
/** No sampled delay exceeds this, so a heavy log-normal tail cannot hang a test for hours. */
const MAX_LATENCY_MS = 600_000;

/**
 * Draws a time to first byte in milliseconds.
 *
 * Log-normal: ln(X) ~ N(mu, sigma^2) with mu = ln(median) and sigma = (ln(p95) - ln(median)) / z95,
 * so that the median and 95th percentile of X are the configured ones. The normal draw uses
 * Box-Muller: z = sqrt(-2 ln(1 - u1)) * cos(2 pi u2).
 */
export function sampleLatencyMs(spec: LatencySpec, rng: Rng): number {
  switch (spec.kind) {
    case 'fixed':
      return spec.ms;
    case 'uniform':
      return spec.minMs + (spec.maxMs - spec.minMs) * rng.next();
    case 'lognormal': {
      const mu = Math.log(spec.medianMs);
      const sigma = (Math.log(spec.p95Ms) - mu) / Z_95;
      const u1 = rng.next();
      const u2 = rng.next();
      const z = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
      return Math.min(MAX_LATENCY_MS, Math.exp(mu + sigma * z));
    }
  }
}

/** A uniformly drawn integer in [min, max]. */
export function sampleInt(min: number, max: number, rng: Rng): number {
  return min === max ? min : min + Math.floor(rng.next() * (max - min + 1));
}

/** What happens to one request, decided before any byte of the answer is written. */
export type Fault =
  | { kind: 'none' }
  | { kind: 'outage'; status: number }
  | { kind: 'outage_reset' }
  | { kind: 'reset' }
  | { kind: 'rate_limited'; retryAfterS: number | undefined; retryAfterMs: number | undefined }
  | { kind: 'error'; status: number }
  | { kind: 'malformed' }
  | { kind: 'stall'; afterChunks: number }
  | { kind: 'cut'; afterChunks: number }
  | { kind: 'stream_error'; afterChunks: number };

const NONE: Fault = { kind: 'none' };

/** The outage in force, if any; checked before authentication, because the provider is "down". */
export function outageFault(behaviour: ResolvedBehaviour): Fault | undefined {
  const outage = behaviour.outage;
  if (outage === undefined) return undefined;
  if (outage === 'reset') return { kind: 'outage_reset' };
  return { kind: 'outage', status: outage.status ?? 503 };
}

/**
 * Draws the fault for one authenticated, valid request. The draws happen in a fixed order
 * (reset, rate limit, error, malformed, then the stream-only faults) and every probability is
 * drawn whether or not it is zero, so a request's fate depends only on its own Rng.
 */
export function drawFault(behaviour: ResolvedBehaviour, stream: boolean, rng: Rng): Fault {
  const reset = rng.next();
  const limited = rng.next();
  const errored = rng.next();
  const errorPick = rng.next();
  const malformed = rng.next();
  const stall = rng.next();
  const cut = rng.next();
  const streamError = rng.next();

  if (reset < behaviour.resetRate) return { kind: 'reset' };
  const rateLimit = behaviour.rateLimit;
  if (rateLimit !== undefined && limited < rateLimit.rate) {
    return {
      kind: 'rate_limited',
      retryAfterS: rateLimit.retryAfterS,
      retryAfterMs: rateLimit.retryAfterMs,
    };
  }
  if (errored < behaviour.errorRate) {
    const statuses = behaviour.errorStatuses;
    const status = statuses[Math.floor(errorPick * statuses.length)] ?? 500;
    return { kind: 'error', status };
  }
  if (malformed < behaviour.malformedRate) return { kind: 'malformed' };
  if (!stream) return NONE;
  if (behaviour.stall !== undefined && stall < behaviour.stall.rate) {
    return { kind: 'stall', afterChunks: behaviour.stall.afterChunks };
  }
  if (cut < behaviour.cutRate) return { kind: 'cut', afterChunks: behaviour.cutAfterChunks };
  if (behaviour.streamError !== undefined && streamError < behaviour.streamError.rate) {
    return { kind: 'stream_error', afterChunks: behaviour.streamError.afterChunks };
  }
  return NONE;
}
