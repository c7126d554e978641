import type { Clock } from '../clock.js';
import {
  circuitCooldownMs,
  resolveCircuitBreakerOptions,
  type CircuitBreakerOptions,
} from './circuit-breaker-options.js';
import {
  INITIAL_CIRCUIT_STATE,
  closedState,
  halfOpenState,
  openState,
  parseCircuitState,
  type CircuitState,
} from './circuit-state.js';
import { evictExpiredBuckets, recordInWindow, windowCounts } from './sliding-window.js';

/**
 * A circuit breaker for one deployment: closed → open → half-open → closed (or open again).
 *
 * - **closed**: every call is admitted. It opens when `consecutiveFailures` failures arrive in a
 *   row, or when the sliding window holds n = s + f >= `minimumVolume` calls with failure rate
 *   f / n >= `failureRateThreshold`.
 * - **open**: nothing is admitted for `cooldownMs` of this open period. After it, the breaker
 *   reads as half-open (lazily: no timer).
 * - **half-open**: up to `halfOpenMaxProbes` calls are admitted at a time. Each probe success
 *   counts; `halfOpenSuccessesToClose` of them close the breaker (trips back to 0, fresh
 *   window). One probe failure opens it again for
 *   min(maxCooldownMs, cooldownMs · cooldownMultiplier^trips), trips counting the opens since
 *   the last close.
 *
 * Protocol: call {@link tryAcquire} before a call; if it returns true, end the call with
 * exactly one of {@link success}, {@link failure} or {@link release}. A half-open probe that is
 * never ended holds its slot for good.
 *
 * Late results: outcomes that arrive while open, or while half-open with no probe in flight,
 * belong to calls admitted before the breaker opened. They are ignored, so they can neither
 * close a breaker nor extend an outage. (Without a per-call token, a late result that arrives
 * while a probe is in flight cannot be told apart from the probe's and is taken as its result.)
 *
 * Time comes only from the injected {@link Clock}; there are no timers, so the breaker is
 * deterministic and costs nothing while idle. Not shared between replicas (DESIGN.md).
 */
export class CircuitBreaker {
  /** The validated options, defaults filled in. */
  readonly options: Readonly<CircuitBreakerOptions>;
  private current: CircuitState;

  /**
   * @param clock source of time.
   * @param options overrides of {@link DEFAULT_CIRCUIT_BREAKER_OPTIONS}.
   * @param state a snapshot from {@link toJSON} to restore (default: closed, clean).
   * @throws RangeError if an option is out of range or the snapshot is invalid.
   */
  constructor(
    private readonly clock: Clock,
    options: Partial<CircuitBreakerOptions> = {},
    state?: CircuitState,
  ) {
    this.options = resolveCircuitBreakerOptions(options);
    this.current = state === undefined ? INITIAL_CIRCUIT_STATE : parseCircuitState(state);
  }

  /**
   * The current state. An open breaker whose cooldown has elapsed reads as half-open with no
   * probes; a closed breaker's window is shown without expired buckets. Reading has no effect.
   */
  get state(): CircuitState {
    return this.view(this.clock.now());
  }

  /** Would {@link tryAcquire} admit a call now? No side effects. */
  isAvailable(): boolean {
    const state = this.current;
    switch (state.kind) {
      case 'closed':
        return true;
      case 'open':
        return this.clock.now() >= state.openedAt + state.cooldownMs;
      case 'half-open':
        return state.probesInFlight < this.options.halfOpenMaxProbes;
    }
  }

  /**
   * Asks to make a call. Closed: always true. Open: false until the cooldown has elapsed, then
   * the breaker becomes half-open and this call is its first probe. Half-open: true while fewer
   * than `halfOpenMaxProbes` probes are in flight (and the probe is counted).
   */
  tryAcquire(): boolean {
    const state = this.settle();
    switch (state.kind) {
      case 'closed':
        return true;
      case 'open':
        return false;
      case 'half-open':
        if (state.probesInFlight >= this.options.halfOpenMaxProbes) return false;
        this.current = halfOpenState(state.probesInFlight + 1, state.successes, state.trips);
        return true;
    }
  }

  /** Records the success of an admitted call (ignored while open; see the class notes). */
  success(): void {
    const now = this.clock.now();
    const state = this.settle(now);
    switch (state.kind) {
      case 'closed':
        this.current = closedState(
          0,
          recordInWindow(state.window, now, this.options, 'success'),
          state.trips,
        );
        return;
      case 'open':
        return;
      case 'half-open': {
        if (state.probesInFlight === 0) return;
        const successes = state.successes + 1;
        this.current =
          successes >= this.options.halfOpenSuccessesToClose
            ? INITIAL_CIRCUIT_STATE
            : halfOpenState(state.probesInFlight - 1, successes, state.trips);
        return;
      }
    }
  }

  /** Records the failure of an admitted call (ignored while open; see the class notes). */
  failure(): void {
    const now = this.clock.now();
    const state = this.settle(now);
    switch (state.kind) {
      case 'closed': {
        const consecutiveFailures = state.consecutiveFailures + 1;
        const window = recordInWindow(state.window, now, this.options, 'failure');
        const { failures, calls } = windowCounts(window);
        const tooMany = consecutiveFailures >= this.options.consecutiveFailures;
        const tooOften =
          calls >= this.options.minimumVolume &&
          failures / calls >= this.options.failureRateThreshold;
        this.current =
          tooMany || tooOften
            ? this.opened(now, state.trips)
            : closedState(consecutiveFailures, window, state.trips);
        return;
      }
      case 'open':
        return;
      case 'half-open':
        if (state.probesInFlight === 0) return;
        this.current = this.opened(now, state.trips);
        return;
    }
  }

  /**
   * Ends an admitted call without a verdict (the caller's error, or the caller went away): frees
   * a half-open probe slot and counts nothing.
   */
  release(): void {
    const state = this.settle();
    if (state.kind === 'half-open' && state.probesInFlight > 0) {
      this.current = halfOpenState(state.probesInFlight - 1, state.successes, state.trips);
    }
  }

  /**
   * Forces the breaker open now, e.g. when the deployment answered 401/403. From closed or
   * half-open this counts as a trip (so the cooldown grows as for a failed probe). If already
   * open, the open period restarts now with the same cooldown and trip count: several in-flight
   * calls failing the same way are one incident, not many.
   */
  trip(): void {
    const now = this.clock.now();
    const state = this.settle(now);
    this.current =
      state.kind === 'open'
        ? openState(now, state.cooldownMs, state.trips)
        : this.opened(now, state.trips);
  }

  /** Forces the breaker closed with a clean window and trips = 0. */
  reset(): void {
    this.current = INITIAL_CIRCUIT_STATE;
  }

  /** A serialisable snapshot (same as {@link state}); pass it to the constructor to restore. */
  toJSON(): CircuitState {
    return this.state;
  }

  private opened(now: number, tripsBefore: number): CircuitState {
    return openState(now, circuitCooldownMs(tripsBefore, this.options), tripsBefore + 1);
  }

  /** Applies the time-driven transitions (expiry of buckets, end of cooldown) and stores them. */
  private settle(now = this.clock.now()): CircuitState {
    this.current = this.view(now);
    return this.current;
  }

  private view(now: number): CircuitState {
    const state = this.current;
    if (state.kind === 'open' && now >= state.openedAt + state.cooldownMs) {
      return halfOpenState(0, 0, state.trips);
    }
    if (state.kind === 'closed') {
      const window = evictExpiredBuckets(state.window, now, this.options.windowMs);
      if (window !== state.window)
        return closedState(state.consecutiveFailures, window, state.trips);
    }
    return state;
  }
}
