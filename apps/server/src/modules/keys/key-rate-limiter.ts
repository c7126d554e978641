import type { Clock } from '@stilts/routing';

/** The outcome of asking for room for one request, with what to tell the caller. */
export interface RateDecision {
  readonly allowed: boolean;
  /** Seconds to wait before retrying, when not allowed. */
  readonly retryAfterSeconds: number;
  /** `x-ratelimit-*` headers (OpenAI's names) for the limits the key has. */
  readonly headers: Readonly<Record<string, string>>;
}

interface Window {
  minute: number;
  requests: number;
  tokens: number;
  previousRequests: number;
  previousTokens: number;
}

const MINUTE = 60_000;

/**
 * Per-key requests-per-minute and tokens-per-minute limits, as a sliding window estimated from
 * the current and the previous minute (the previous minute's count weighted by how much of it
 * still falls within the last 60 s) — O(1) memory per key, no timers.
 *
 * Each replica enforces `limit / replicas` (see `replicaShare`), so N replicas behind a load
 * balancer enforce the limit together without talking to each other per request.
 */
export class KeyRateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly clock: Clock,
    /** How many replicas share the limit (>= 1); read on every decision. */
    private readonly replicaShare: () => number = () => 1,
  ) {}

  /** Counts one request if both limits leave room; never counts a refused one. */
  admit(
    keyId: string,
    requestsPerMinute: number | null,
    tokensPerMinute: number | null,
  ): RateDecision {
    if (requestsPerMinute === null && tokensPerMinute === null) return OPEN;
    const now = this.clock.now();
    const w = this.window(keyId, now);
    const elapsed = (now - w.minute) / MINUTE;
    const share = Math.max(1, this.replicaShare());
    const reqLimit =
      requestsPerMinute === null ? null : Math.max(1, Math.floor(requestsPerMinute / share));
    const tokLimit =
      tokensPerMinute === null ? null : Math.max(1, Math.floor(tokensPerMinute / share));
    const requests = w.previousRequests * (1 - elapsed) + w.requests;
    const tokens = w.previousTokens * (1 - elapsed) + w.tokens;
    const resetSeconds = Math.max(1, Math.ceil((w.minute + MINUTE - now) / 1000));
    const overRequests = reqLimit !== null && requests + 1 > reqLimit;
    const overTokens = tokLimit !== null && tokens >= tokLimit;
    const allowed = !overRequests && !overTokens;
    if (allowed) w.requests++;
    const headers: Record<string, string> = {};
    if (reqLimit !== null) {
      headers['x-ratelimit-limit-requests'] = String(reqLimit);
      headers['x-ratelimit-remaining-requests'] = String(
        Math.max(0, Math.floor(reqLimit - requests - (allowed ? 1 : 0))),
      );
      headers['x-ratelimit-reset-requests'] = `${resetSeconds}s`;
    }
    if (tokLimit !== null) {
      headers['x-ratelimit-limit-tokens'] = String(tokLimit);
      headers['x-ratelimit-remaining-tokens'] = String(Math.max(0, Math.floor(tokLimit - tokens)));
      headers['x-ratelimit-reset-tokens'] = `${resetSeconds}s`;
    }
    return { allowed, retryAfterSeconds: allowed ? 0 : resetSeconds, headers };
  }

  /** Counts tokens a key's call used (known once it ended). */
  addTokens(keyId: string, tokens: number): void {
    if (tokens <= 0) return;
    const w = this.windows.get(keyId);
    if (!w) return; // a key without limits has no window
    this.window(keyId, this.clock.now()).tokens += tokens;
  }

  private window(keyId: string, now: number): Window {
    const minute = now - (now % MINUTE);
    let w = this.windows.get(keyId);
    if (!w) {
      w = { minute, requests: 0, tokens: 0, previousRequests: 0, previousTokens: 0 };
      this.windows.set(keyId, w);
    } else if (w.minute !== minute) {
      const adjacent = minute - w.minute === MINUTE;
      w.previousRequests = adjacent ? w.requests : 0;
      w.previousTokens = adjacent ? w.tokens : 0;
      w.requests = 0;
      w.tokens = 0;
      w.minute = minute;
    }
    return w;
  }
}

const OPEN: RateDecision = { allowed: true, retryAfterSeconds: 0, headers: {} };
