import type { TokenPrice } from './token-price.js';

const TOKENS_PER_MILLION = 1_000_000n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Token counts of one call, as reported by the provider. */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Input tokens served from the provider's prompt cache; a subset of inputTokens. */
  readonly cachedInputTokens?: number;
}

function tokens(name: string, value: number): bigint {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  return BigInt(value);
}

function price(name: string, value: number): bigint {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer of micro-USD, got ${value}`);
  }
  return BigInt(value);
}

/** ⌈numerator / 10^6⌉ as a safe number. */
function ceilPerMillion(numerator: bigint): number {
  const micro = (numerator + TOKENS_PER_MILLION - 1n) / TOKENS_PER_MILLION;
  if (micro > MAX_SAFE) throw new RangeError('cost exceeds Number.MAX_SAFE_INTEGER micro-USD');
  return Number(micro);
}

/**
 * The cost of one call in integer micro-USD, rounded up so spend is never under-counted:
 *
 *     cost = ⌈ ((I − C) · p_in + C · p_cached + O · p_out) / 10^6 ⌉
 *
 * with I input tokens, C cached input tokens (0 if absent), O output tokens, prices p in
 * micro-USD per million tokens, and p_cached = cachedInputPerMillion ?? inputPerMillion. One
 * ceiling over the sum, computed in BigInt: tokens · price can pass 2^53.
 *
 * @throws RangeError if a token count or price is not a non-negative safe integer, if
 *   cachedInputTokens > inputTokens, or if the cost exceeds Number.MAX_SAFE_INTEGER.
 */
export function costMicroUsd(usage: TokenUsage, tokenPrice: TokenPrice): number {
  const input = tokens('inputTokens', usage.inputTokens);
  const output = tokens('outputTokens', usage.outputTokens);
  const cached = tokens('cachedInputTokens', usage.cachedInputTokens ?? 0);
  if (cached > input) {
    throw new RangeError(`cachedInputTokens (${cached}) must not exceed inputTokens (${input})`);
  }
  const inputPrice = price('inputPerMillion', tokenPrice.inputPerMillion);
  const outputPrice = price('outputPerMillion', tokenPrice.outputPerMillion);
  const cachedPrice =
    tokenPrice.cachedInputPerMillion === undefined
      ? inputPrice
      : price('cachedInputPerMillion', tokenPrice.cachedInputPerMillion);
  return ceilPerMillion(
    (input - cached) * inputPrice + cached * cachedPrice + output * outputPrice,
  );
}

/**
 * Worst-case cost used for budget reservations: ceil of prompt tokens at input price +
 * maxOutputTokens at output price.
 *
 *     max = ⌈ (I · max(p_in, p_cached) + O_max · p_out) / 10^6 ⌉
 *
 * Taking the larger of the input and cached-input prices (p_cached is normally the smaller)
 * makes it an upper bound for any cache split:
 * costMicroUsd({ I, O, C }) <= maxCostMicroUsd(I, O_max) whenever O <= O_max and C <= I.
 *
 * @throws RangeError as {@link costMicroUsd}.
 */
export function maxCostMicroUsd(
  inputTokens: number,
  maxOutputTokens: number,
  tokenPrice: TokenPrice,
): number {
  const input = tokens('inputTokens', inputTokens);
  const output = tokens('maxOutputTokens', maxOutputTokens);
  const inputPrice = price('inputPerMillion', tokenPrice.inputPerMillion);
  const outputPrice = price('outputPerMillion', tokenPrice.outputPerMillion);
  const cachedPrice =
    tokenPrice.cachedInputPerMillion === undefined
      ? inputPrice
      : price('cachedInputPerMillion', tokenPrice.cachedInputPerMillion);
  const worstInputPrice = cachedPrice > inputPrice ? cachedPrice : inputPrice;
  return ceilPerMillion(input * worstInputPrice + output * outputPrice);
}
