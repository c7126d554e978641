import type { Rng } from '../rng.js';
import { exponentialFromUniform, normalFromUniforms } from './distributions.js';

/** One simulated chat request. */
export interface SimRequest {
  /** Position in the traffic, 0-based: the key of its per-attempt random numbers. */
  readonly index: number;
  /** Arrival, virtual ms from the start. */
  readonly atMs: number;
  readonly inputTokens: number;
  /** Output the task needs before the deployment's verbosity and `maxTokens` apply. */
  readonly naturalOutputTokens: number;
  /** The request's `max_tokens`: output cap and the basis of budget reservations. */
  readonly maxTokens: number;
  readonly stream: boolean;
}

/** Shape of the simulated demand. */
export interface TrafficOptions {
  /** Mean arrival rate of the Poisson process, requests per second (> 0). */
  readonly requestsPerSecond: number;
  /** Input tokens ~ median · e^{σZ}, rounded, at least 1. */
  readonly inputTokensMedian: number;
  readonly inputTokensSigma: number;
  /** Natural output tokens ~ median · e^{σZ}, rounded, at least 1. */
  readonly outputTokensMedian: number;
  readonly outputTokensSigma: number;
  readonly maxTokens: number;
  /** Fraction of streamed requests, [0, 1]. */
  readonly streamShare: number;
}

/**
 * Seeded Poisson traffic over [0, durationMs): inter-arrival gaps ~ Exp(1 / rate), log-normal
 * token counts. Draws exactly 6 `rng.next()` per request (gap, 2 + 2 for the token counts'
 * normals, stream flag) plus one for the gap that ends the run. Every policy replays the same
 * list.
 *
 * @throws RangeError if the rate is not > 0 or the duration is negative.
 */
export function generateTraffic(
  options: TrafficOptions,
  durationMs: number,
  rng: Rng,
): SimRequest[] {
  if (!(options.requestsPerSecond > 0)) {
    throw new RangeError(`requestsPerSecond must be > 0, got ${options.requestsPerSecond}`);
  }
  if (!(durationMs >= 0)) throw new RangeError(`durationMs must be >= 0, got ${durationMs}`);
  const meanGapMs = 1000 / options.requestsPerSecond;
  const out: SimRequest[] = [];
  let t = exponentialFromUniform(rng.next(), meanGapMs);
  while (t < durationMs) {
    const zIn = normalFromUniforms(rng.next(), rng.next());
    const zOut = normalFromUniforms(rng.next(), rng.next());
    out.push({
      index: out.length,
      atMs: t,
      inputTokens: Math.max(
        1,
        Math.round(options.inputTokensMedian * Math.exp(options.inputTokensSigma * zIn)),
      ),
      naturalOutputTokens: Math.max(
        1,
        Math.round(options.outputTokensMedian * Math.exp(options.outputTokensSigma * zOut)),
      ),
      maxTokens: options.maxTokens,
      stream: rng.next() < options.streamShare,
    });
    t += exponentialFromUniform(rng.next(), meanGapMs);
  }
  return out;
}
