import type { LedgerOutcome } from '../bandit/ledger-outcome.js';
import { costMicroUsd } from '../pricing/cost.js';
import type { TokenPrice } from '../pricing/token-price.js';
import { normalFromUniforms } from './distributions.js';
import type { SimRequest } from './traffic.js';

/** The truth about one simulated deployment at some moment; scenarios change it over time. */
export interface ProviderState {
  /** P(an attempt succeeds) while up. */
  readonly successProbability: number;
  /** Latency of a success ~ median · e^{σZ} (log-normal). */
  readonly latencyMedianMs: number;
  readonly latencySigma: number;
  readonly price: TokenPrice;
  /** Output tokens = round(natural · factor), capped at max_tokens (model verbosity). */
  readonly outputTokenFactor: number;
  /** Outage: every attempt fails at once with `connection_error`. */
  readonly down: boolean;
}

/** What one simulated attempt did. */
export interface SimAttempt {
  readonly outcome: LedgerOutcome;
  readonly latencyMs: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Integer micro-USD, `costMicroUsd` of the billed tokens (0 when nothing was billed). */
  readonly costMicroUsd: number;
  /** True when bytes had reached the caller: the gateway can no longer fail over. */
  readonly committed: boolean;
}

/** The random numbers one attempt consumes, each uniform in [0, 1). */
export interface AttemptUniforms {
  readonly outcome: number;
  readonly latency1: number;
  readonly latency2: number;
  readonly failureKind: number;
  readonly midStream: number;
}

/** Share of a streamed request's failures that happen after the first byte (billed, final). */
export const MID_STREAM_FAILURE_SHARE = 0.25;

/**
 * One attempt of `request` at a deployment in `state`:
 *
 * - down: `connection_error` after 20–100 ms, nothing billed;
 * - success with probability p: latency median · e^{σZ}; beyond `attemptTimeoutMs` it is a
 *   `timeout` (at the timeout, nothing billed); else output = min(max_tokens,
 *   round(natural · factor)) billed at the price;
 * - failure (1 − p): `server_error` (50 %, 200–600 ms), `rate_limited` (20 %, 50–150 ms),
 *   `timeout` (15 %, at the timeout), `connection_error` (15 %, 20–100 ms). A streamed
 *   request's `server_error` or `timeout` is, with probability {@link MID_STREAM_FAILURE_SHARE},
 *   an `interrupted` stream instead: half the output was sent and is billed, and the request
 *   ends there (no failover after the first byte).
 *
 * Pure: all randomness comes in as `u`.
 */
export function simulateAttempt(
  state: ProviderState,
  request: SimRequest,
  u: AttemptUniforms,
  attemptTimeoutMs: number,
): SimAttempt {
  const fast = (base: number, spread: number): number => base + spread * u.latency1;
  if (state.down) {
    return {
      outcome: 'connection_error',
      latencyMs: fast(20, 80),
      inputTokens: 0,
      outputTokens: 0,
      costMicroUsd: 0,
      committed: false,
    };
  }
  const output = Math.min(
    request.maxTokens,
    Math.max(1, Math.round(request.naturalOutputTokens * state.outputTokenFactor)),
  );
  const latency =
    state.latencyMedianMs *
    Math.exp(state.latencySigma * normalFromUniforms(u.latency1, u.latency2));
  if (u.outcome < state.successProbability) {
    if (latency > attemptTimeoutMs) {
      return {
        outcome: 'timeout',
        latencyMs: attemptTimeoutMs,
        inputTokens: 0,
        outputTokens: 0,
        costMicroUsd: 0,
        committed: false,
      };
    }
    return {
      outcome: 'success',
      latencyMs: latency,
      inputTokens: request.inputTokens,
      outputTokens: output,
      costMicroUsd: costMicroUsd(
        { inputTokens: request.inputTokens, outputTokens: output },
        state.price,
      ),
      committed: true,
    };
  }
  const k = u.failureKind;
  const outcome: LedgerOutcome =
    k < 0.5 ? 'server_error' : k < 0.7 ? 'rate_limited' : k < 0.85 ? 'timeout' : 'connection_error';
  if (
    request.stream &&
    (outcome === 'server_error' || outcome === 'timeout') &&
    u.midStream < MID_STREAM_FAILURE_SHARE
  ) {
    const half = Math.max(1, Math.floor(output / 2));
    return {
      outcome: 'interrupted',
      latencyMs: Math.min(attemptTimeoutMs, latency / 2),
      inputTokens: request.inputTokens,
      outputTokens: half,
      costMicroUsd: costMicroUsd(
        { inputTokens: request.inputTokens, outputTokens: half },
        state.price,
      ),
      committed: true,
    };
  }
  const latencyMs =
    outcome === 'timeout'
      ? attemptTimeoutMs
      : outcome === 'server_error'
        ? fast(200, 400)
        : outcome === 'rate_limited'
          ? fast(50, 100)
          : fast(20, 80);
  return { outcome, latencyMs, inputTokens: 0, outputTokens: 0, costMicroUsd: 0, committed: false };
}
