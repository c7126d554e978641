import type { BackoffOptions } from '@stilts/routing';

/** Settings of the attempt loop, resolved from the environment once at start. */
export interface GatewayOptions {
  /** Upper bound on attempts per request; a route may ask for fewer. */
  readonly maxAttempts: number;
  readonly backoff: BackoffOptions;
  /** A Retry-After longer than this is not waited for within a request. */
  readonly maxRetryAfterMs: number;
  /** Longest silence allowed between two chunks of a stream. */
  readonly streamIdleTimeoutMs: number;
  /** Output tokens assumed for a budget reservation when the request sets no maximum. */
  readonly defaultMaxOutputTokens: number;
  /** Unix seconds the process started: the `created` of every model in `/v1/models`. */
  readonly startedAt: number;
}

export const GATEWAY_OPTIONS = Symbol('GATEWAY_OPTIONS');
