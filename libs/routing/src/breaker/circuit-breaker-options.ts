/**
 * Tuning of a {@link CircuitBreaker}. Every field has a default in
 * {@link DEFAULT_CIRCUIT_BREAKER_OPTIONS}; {@link resolveCircuitBreakerOptions} validates them.
 */
export interface CircuitBreakerOptions {
  /** Open after this many consecutive failures (integer >= 1; default 5). */
  consecutiveFailures: number;
  /**
   * Or open when the failure rate f / (s + f) over the sliding window is >= this
   * (0 < threshold <= 1; default 0.5) ...
   */
  failureRateThreshold: number;
  /** ... provided the window holds at least this many calls s + f (integer >= 1; default 20) ... */
  minimumVolume: number;
  /** ... within this sliding window in ms (> 0; default 30_000) ... */
  windowMs: number;
  /** ... kept as this many equal buckets of windowMs / windowBuckets ms (integer >= 1; default 10). */
  windowBuckets: number;
  /** The first open lasts this long in ms (>= 0; default 5_000). */
  cooldownMs: number;
  /** Each re-open without a close in between multiplies the cooldown by this (>= 1; default 2) ... */
  cooldownMultiplier: number;
  /** ... capped here, in ms (>= cooldownMs; default 300_000). */
  maxCooldownMs: number;
  /** Concurrent probes admitted while half-open (integer >= 1; default 1). */
  halfOpenMaxProbes: number;
  /** Successful probes needed to close (integer >= 1; default 1). */
  halfOpenSuccessesToClose: number;
}

/** The defaults: 5 consecutive failures, or >= 50% of >= 20 calls in 30 s; 5 s doubling to 5 min. */
export const DEFAULT_CIRCUIT_BREAKER_OPTIONS: CircuitBreakerOptions = Object.freeze({
  consecutiveFailures: 5,
  failureRateThreshold: 0.5,
  minimumVolume: 20,
  windowMs: 30_000,
  windowBuckets: 10,
  cooldownMs: 5_000,
  cooldownMultiplier: 2,
  maxCooldownMs: 300_000,
  halfOpenMaxProbes: 1,
  halfOpenSuccessesToClose: 1,
});

function requireInteger(name: keyof CircuitBreakerOptions, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`circuit breaker option ${name} must be an integer >= 1, got ${value}`);
  }
}

function requireFinite(name: keyof CircuitBreakerOptions, value: number, min: number): void {
  if (!Number.isFinite(value) || value < min) {
    throw new RangeError(
      `circuit breaker option ${name} must be a finite number >= ${min}, got ${value}`,
    );
  }
}

/**
 * Fills in defaults for missing (or `undefined`) fields and validates the result.
 *
 * @returns a frozen, complete options object.
 * @throws RangeError if a value is out of its documented range.
 */
export function resolveCircuitBreakerOptions(
  options: Partial<CircuitBreakerOptions> = {},
): Readonly<CircuitBreakerOptions> {
  const resolved: CircuitBreakerOptions = { ...DEFAULT_CIRCUIT_BREAKER_OPTIONS };
  for (const key of Object.keys(resolved) as (keyof CircuitBreakerOptions)[]) {
    const value = options[key];
    if (value !== undefined) resolved[key] = value;
  }
  requireInteger('consecutiveFailures', resolved.consecutiveFailures);
  if (
    !Number.isFinite(resolved.failureRateThreshold) ||
    resolved.failureRateThreshold <= 0 ||
    resolved.failureRateThreshold > 1
  ) {
    throw new RangeError(
      `circuit breaker option failureRateThreshold must be in (0, 1], got ${resolved.failureRateThreshold}`,
    );
  }
  requireInteger('minimumVolume', resolved.minimumVolume);
  if (!Number.isFinite(resolved.windowMs) || resolved.windowMs <= 0) {
    throw new RangeError(`circuit breaker option windowMs must be > 0, got ${resolved.windowMs}`);
  }
  requireInteger('windowBuckets', resolved.windowBuckets);
  requireFinite('cooldownMs', resolved.cooldownMs, 0);
  requireFinite('cooldownMultiplier', resolved.cooldownMultiplier, 1);
  requireFinite('maxCooldownMs', resolved.maxCooldownMs, resolved.cooldownMs);
  requireInteger('halfOpenMaxProbes', resolved.halfOpenMaxProbes);
  requireInteger('halfOpenSuccessesToClose', resolved.halfOpenSuccessesToClose);
  return Object.freeze(resolved);
}

/**
 * Length of the open period that starts trip number `tripsBefore + 1`:
 *
 *     cooldown = min(maxCooldownMs, cooldownMs · cooldownMultiplier^tripsBefore)
 *
 * where `tripsBefore` counts the opens since the last close. The first open (tripsBefore = 0)
 * lasts `cooldownMs`; with the defaults the sequence is 5 s, 10 s, 20 s, ... capped at 300 s.
 */
export function circuitCooldownMs(
  tripsBefore: number,
  options: Pick<CircuitBreakerOptions, 'cooldownMs' | 'cooldownMultiplier' | 'maxCooldownMs'>,
): number {
  if (!Number.isSafeInteger(tripsBefore) || tripsBefore < 0) {
    throw new RangeError(`tripsBefore must be an integer >= 0, got ${tripsBefore}`);
  }
  // 0 · ∞ would be NaN once the power overflows; a zero cooldown stays zero.
  if (options.cooldownMs === 0) return 0;
  return Math.min(
    options.maxCooldownMs,
    options.cooldownMs * options.cooldownMultiplier ** tripsBefore,
  );
}
