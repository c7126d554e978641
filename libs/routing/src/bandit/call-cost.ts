import type { TokenPrice } from '../pricing/token-price.js';
import type { DecayedStats } from './decayed-stats.js';

/** Token counts per call (may be fractional: they are means). */
export interface TokensPerCall {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/**
 * Expected cost in micro-USD (a float: it is an estimate, not a charge) of tokens at a price:
 *
 *     c = (I · p_in + O · p_out) / 10^6.
 *
 * Prompt caching is not visible in rollups, so this is an upper bound when the provider caches.
 *
 * @throws RangeError if a token count or price is negative or not finite.
 */
export function expectedCostMicroUsd(tokens: TokensPerCall, price: TokenPrice): number {
  for (const [name, v] of [
    ['inputTokens', tokens.inputTokens],
    ['outputTokens', tokens.outputTokens],
    ['inputPerMillion', price.inputPerMillion],
    ['outputPerMillion', price.outputPerMillion],
  ] as const) {
    if (!(Number.isFinite(v) && v >= 0)) {
      throw new RangeError(`${name} must be a finite number >= 0, got ${v}`);
    }
  }
  return (
    (tokens.inputTokens * price.inputPerMillion + tokens.outputTokens * price.outputPerMillion) /
    1e6
  );
}

/**
 * The route's tokens per successful call, from decayed sums pooled over its deployments (the
 * request mix belongs to the route, not to the provider):
 *
 *     T_in = Σ̃ input tokens / Σ̃ successes,   T_out likewise,
 *
 * tokens of billed failures included. With less than one effective success, `fallback`.
 */
export function tokensPerSuccess(pooled: DecayedStats, fallback: TokensPerCall): TokensPerCall {
  if (pooled.successes < 1) return fallback;
  return {
    inputTokens: pooled.inputTokens / pooled.successes,
    outputTokens: pooled.outputTokens / pooled.successes,
  };
}
