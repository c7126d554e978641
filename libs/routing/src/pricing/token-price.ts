/**
 * Prices of one deployment in integer micro-USD per million tokens
 * (USD 2.50 / 1M tokens = 2_500_000). Build them from decimal strings with `usdToMicroUsd`.
 */
export interface TokenPrice {
  /** Uncached input (prompt) tokens. */
  readonly inputPerMillion: number;
  /** Output (completion) tokens, reasoning tokens included. */
  readonly outputPerMillion: number;
  /** Input tokens read from the provider's prompt cache; defaults to inputPerMillion. */
  readonly cachedInputPerMillion?: number;
}
