import { describe, expect, it } from '@jest/globals';
import { ManualClock, type Clock } from '../clock.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { CircuitBreakerOptions } from './circuit-breaker-options.js';
import type { CircuitState } from './circuit-state.js';

/** A clock that may also go back, to show that reads have no side effects. */
class SettableClock implements Clock {
  constructor(public time = 0) {}
  now(): number {
    return this.time;
  }
}

function setup(options: Partial<CircuitBreakerOptions> = {}, state?: CircuitState) {
  const clock = new ManualClock(1_000_000);
  const breaker = new CircuitBreaker(clock, options, state);
  return { clock, breaker };
}

function fail(breaker: CircuitBreaker, times: number): void {
  for (let i = 0; i < times; i++) {
    expect(breaker.tryAcquire()).toBe(true);
    breaker.failure();
  }
}

function succeed(breaker: CircuitBreaker, times: number): void {
  for (let i = 0; i < times; i++) {
    expect(breaker.tryAcquire()).toBe(true);
    breaker.success();
  }
}

/** Rate-rule-only breaker: the consecutive rule is out of reach. */
const RATE_ONLY = { consecutiveFailures: 1_000 } as const;

describe('CircuitBreaker', () => {
  describe('closed', () => {
    it('starts closed, clean and available', () => {
      const { breaker } = setup();
      expect(breaker.state).toEqual({
        kind: 'closed',
        consecutiveFailures: 0,
        window: [],
        trips: 0,
      });
      expect(breaker.isAvailable()).toBe(true);
      expect(breaker.tryAcquire()).toBe(true);
    });

    it('stays closed under successes and counts them in the window', () => {
      const { breaker } = setup();
      succeed(breaker, 50);
      expect(breaker.state).toEqual({
        kind: 'closed',
        consecutiveFailures: 0,
        window: [{ start: 999_000, successes: 50, failures: 0 }],
        trips: 0,
      });
    });

    it('opens on the Nth consecutive failure, not before', () => {
      const { clock, breaker } = setup({ consecutiveFailures: 3 });
      fail(breaker, 2);
      expect(breaker.state).toMatchObject({ kind: 'closed', consecutiveFailures: 2 });
      fail(breaker, 1);
      expect(breaker.state).toEqual({
        kind: 'open',
        openedAt: clock.now(),
        cooldownMs: 5_000,
        trips: 1,
      });
    });

    it('restarts the consecutive count after a success', () => {
      const { breaker } = setup({ consecutiveFailures: 3 });
      fail(breaker, 2);
      succeed(breaker, 1);
      fail(breaker, 2);
      expect(breaker.state).toMatchObject({ kind: 'closed', consecutiveFailures: 2 });
      fail(breaker, 1);
      expect(breaker.state.kind).toBe('open');
    });

    it('opens when the failure rate reaches the threshold at the minimum volume', () => {
      const { breaker } = setup({ ...RATE_ONLY, minimumVolume: 20, failureRateThreshold: 0.5 });
      for (let i = 0; i < 9; i++) {
        succeed(breaker, 1);
        fail(breaker, 1);
      }
      succeed(breaker, 1);
      // 19 calls, 9 failures.
      expect(breaker.state.kind).toBe('closed');
      fail(breaker, 1);
      // 20 calls, 10 failures: 50% >= 50%.
      expect(breaker.state).toMatchObject({ kind: 'open', trips: 1 });
    });

    it('stays closed below the threshold', () => {
      const { breaker } = setup({ ...RATE_ONLY, minimumVolume: 20, failureRateThreshold: 0.5 });
      succeed(breaker, 11);
      fail(breaker, 9);
      expect(breaker.state.kind).toBe('closed'); // 9 / 20 = 45%
      fail(breaker, 1);
      expect(breaker.state.kind).toBe('closed'); // 10 / 21 ≈ 47.6%
      fail(breaker, 1);
      expect(breaker.state.kind).toBe('open'); // 11 / 22 = 50%
    });

    it('ignores the rate below the minimum volume', () => {
      const { breaker } = setup({ ...RATE_ONLY, minimumVolume: 20 });
      fail(breaker, 19);
      expect(breaker.state).toMatchObject({ kind: 'closed', consecutiveFailures: 19 });
      fail(breaker, 1);
      expect(breaker.state.kind).toBe('open');
    });

    it('does not open on successes even when the window is over the threshold', () => {
      const { breaker } = setup({ ...RATE_ONLY, minimumVolume: 4, failureRateThreshold: 0.5 });
      fail(breaker, 3);
      succeed(breaker, 1); // 3 / 4 failures, but a success never opens
      expect(breaker.state.kind).toBe('closed');
    });

    it('forgets failures that slid out of the window', () => {
      const options = { ...RATE_ONLY, minimumVolume: 20, windowMs: 10_000, windowBuckets: 10 };
      const { clock, breaker } = setup(options);
      fail(breaker, 10);
      clock.advance(10_000);
      fail(breaker, 10);
      expect(breaker.state).toMatchObject({
        kind: 'closed',
        window: [{ start: 1_010_000, successes: 0, failures: 10 }],
      });
    });

    it('still counts failures that are inside the window', () => {
      const options = { ...RATE_ONLY, minimumVolume: 20, windowMs: 10_000, windowBuckets: 10 };
      const { clock, breaker } = setup(options);
      fail(breaker, 10);
      clock.advance(9_999);
      fail(breaker, 10);
      expect(breaker.state.kind).toBe('open');
    });

    it('shows the window without expired buckets and does not lose fresh ones', () => {
      const { clock, breaker } = setup({ windowMs: 10_000, windowBuckets: 10 });
      fail(breaker, 1);
      clock.advance(5_000);
      succeed(breaker, 1);
      expect(breaker.state.kind === 'closed' && breaker.state.window).toHaveLength(2);
      clock.advance(5_000);
      expect(breaker.state).toEqual({
        kind: 'closed',
        consecutiveFailures: 0,
        window: [{ start: 1_005_000, successes: 1, failures: 0 }],
        trips: 0,
      });
      clock.advance(5_000);
      expect(breaker.state).toMatchObject({ window: [] });
    });

    it('keeps the consecutive count across window eviction', () => {
      const { clock, breaker } = setup({ consecutiveFailures: 3, windowMs: 1_000 });
      fail(breaker, 2);
      clock.advance(60_000);
      fail(breaker, 1);
      expect(breaker.state.kind).toBe('open');
    });
  });

  describe('open', () => {
    it('refuses calls until the cooldown has elapsed', () => {
      const { clock, breaker } = setup({ consecutiveFailures: 1 });
      fail(breaker, 1);
      expect(breaker.isAvailable()).toBe(false);
      expect(breaker.tryAcquire()).toBe(false);
      clock.advance(4_999);
      expect(breaker.isAvailable()).toBe(false);
      expect(breaker.tryAcquire()).toBe(false);
      expect(breaker.state.kind).toBe('open');
    });

    it('reads as half-open once the cooldown has elapsed', () => {
      const { clock, breaker } = setup({ consecutiveFailures: 1 });
      fail(breaker, 1);
      clock.advance(5_000);
      expect(breaker.state).toEqual({
        kind: 'half-open',
        probesInFlight: 0,
        successes: 0,
        trips: 1,
      });
      expect(breaker.isAvailable()).toBe(true);
    });

    it('has no side effects when read', () => {
      const clock = new SettableClock(0);
      const breaker = new CircuitBreaker(clock, { consecutiveFailures: 1 });
      breaker.tryAcquire();
      breaker.failure();
      clock.time = 5_000;
      expect(breaker.state.kind).toBe('half-open');
      expect(breaker.isAvailable()).toBe(true);
      // Had the reads stored the transition, stepping the clock back could not undo it.
      clock.time = 4_000;
      expect(breaker.state.kind).toBe('open');
      expect(breaker.isAvailable()).toBe(false);
    });

    it('becomes half-open and admits the first probe on tryAcquire after the cooldown', () => {
      const { clock, breaker } = setup({ consecutiveFailures: 1 });
      fail(breaker, 1);
      clock.advance(5_000);
      expect(breaker.tryAcquire()).toBe(true);
      expect(breaker.state).toEqual({
        kind: 'half-open',
        probesInFlight: 1,
        successes: 0,
        trips: 1,
      });
      expect(breaker.isAvailable()).toBe(false);
    });

    it('ignores late successes and failures of calls admitted before it opened', () => {
      const { clock, breaker } = setup({ consecutiveFailures: 1 });
      fail(breaker, 1);
      const opened = breaker.state;
      breaker.success();
      breaker.failure();
      breaker.release();
      expect(breaker.state).toEqual(opened);
      clock.advance(5_000);
      expect(breaker.tryAcquire()).toBe(true);
    });

    it('opens immediately into half-open with a zero cooldown', () => {
      const { breaker } = setup({ consecutiveFailures: 1, cooldownMs: 0, maxCooldownMs: 0 });
      fail(breaker, 1);
      expect(breaker.state).toMatchObject({ kind: 'half-open', trips: 1 });
      expect(breaker.tryAcquire()).toBe(true);
    });
  });

  describe('half-open', () => {
    function halfOpen(options: Partial<CircuitBreakerOptions> = {}) {
      const context = setup({ consecutiveFailures: 1, ...options });
      fail(context.breaker, 1);
      context.clock.advance(context.breaker.options.cooldownMs);
      return context;
    }

    it('closes on a successful probe with trips reset and a fresh window', () => {
      const { breaker } = halfOpen();
      expect(breaker.tryAcquire()).toBe(true);
      breaker.success();
      expect(breaker.state).toEqual({
        kind: 'closed',
        consecutiveFailures: 0,
        window: [],
        trips: 0,
      });
      expect(breaker.isAvailable()).toBe(true);
    });

    it('re-opens on a failed probe with a doubled cooldown', () => {
      const { clock, breaker } = halfOpen();
      expect(breaker.tryAcquire()).toBe(true);
      breaker.failure();
      expect(breaker.state).toEqual({
        kind: 'open',
        openedAt: clock.now(),
        cooldownMs: 10_000,
        trips: 2,
      });
    });

    it('admits at most halfOpenMaxProbes concurrent probes', () => {
      const { breaker } = halfOpen({ halfOpenMaxProbes: 3 });
      expect([breaker.tryAcquire(), breaker.tryAcquire(), breaker.tryAcquire()]).toEqual([
        true,
        true,
        true,
      ]);
      expect(breaker.isAvailable()).toBe(false);
      expect(breaker.tryAcquire()).toBe(false);
      expect(breaker.state).toMatchObject({ kind: 'half-open', probesInFlight: 3 });
    });

    it('admits only one probe by default', () => {
      const { breaker } = halfOpen();
      expect(breaker.tryAcquire()).toBe(true);
      expect(breaker.tryAcquire()).toBe(false);
    });

    it('needs halfOpenSuccessesToClose successful probes to close', () => {
      const { breaker } = halfOpen({ halfOpenMaxProbes: 2, halfOpenSuccessesToClose: 3 });
      breaker.tryAcquire();
      breaker.tryAcquire();
      breaker.success();
      expect(breaker.state).toEqual({
        kind: 'half-open',
        probesInFlight: 1,
        successes: 1,
        trips: 1,
      });
      breaker.success();
      expect(breaker.state).toEqual({
        kind: 'half-open',
        probesInFlight: 0,
        successes: 2,
        trips: 1,
      });
      expect(breaker.tryAcquire()).toBe(true);
      breaker.success();
      expect(breaker.state.kind).toBe('closed');
    });

    it('re-opens on a failed probe even after some successes', () => {
      const { breaker } = halfOpen({ halfOpenMaxProbes: 2, halfOpenSuccessesToClose: 2 });
      breaker.tryAcquire();
      breaker.tryAcquire();
      breaker.success();
      breaker.failure();
      expect(breaker.state).toMatchObject({ kind: 'open', trips: 2, cooldownMs: 10_000 });
    });

    it('frees a probe slot on release without counting anything', () => {
      const { breaker } = halfOpen();
      expect(breaker.tryAcquire()).toBe(true);
      breaker.release();
      expect(breaker.state).toEqual({
        kind: 'half-open',
        probesInFlight: 0,
        successes: 0,
        trips: 1,
      });
      expect(breaker.tryAcquire()).toBe(true);
    });

    it('does not let release drive the probe count below zero', () => {
      const { breaker } = halfOpen({ halfOpenMaxProbes: 2 });
      breaker.release();
      breaker.release();
      expect(breaker.state).toMatchObject({ kind: 'half-open', probesInFlight: 0 });
      expect([breaker.tryAcquire(), breaker.tryAcquire(), breaker.tryAcquire()]).toEqual([
        true,
        true,
        false,
      ]);
    });

    it('ignores outcomes while no probe is in flight', () => {
      const { breaker } = halfOpen();
      breaker.failure();
      expect(breaker.state).toEqual({
        kind: 'half-open',
        probesInFlight: 0,
        successes: 0,
        trips: 1,
      });
      breaker.success();
      expect(breaker.state).toEqual({
        kind: 'half-open',
        probesInFlight: 0,
        successes: 0,
        trips: 1,
      });
    });
  });

  describe('cooldown growth', () => {
    it('multiplies the cooldown on each failed probe and caps it', () => {
      const { clock, breaker } = setup({
        consecutiveFailures: 1,
        cooldownMs: 1_000,
        cooldownMultiplier: 3,
        maxCooldownMs: 50_000,
      });
      fail(breaker, 1);
      const seen: number[] = [];
      for (let i = 0; i < 6; i++) {
        const state = breaker.state;
        if (state.kind !== 'open') throw new Error(`expected open, got ${state.kind}`);
        seen.push(state.cooldownMs);
        expect(state.trips).toBe(i + 1);
        clock.advance(state.cooldownMs);
        fail(breaker, 1);
      }
      expect(seen).toEqual([1_000, 3_000, 9_000, 27_000, 50_000, 50_000]);
    });

    it('starts again from cooldownMs after a close', () => {
      const { clock, breaker } = setup({ consecutiveFailures: 1 });
      fail(breaker, 1);
      clock.advance(5_000);
      fail(breaker, 1); // probe fails: 10 s
      clock.advance(10_000);
      succeed(breaker, 1); // probe succeeds: closed
      fail(breaker, 1);
      expect(breaker.state).toMatchObject({ kind: 'open', cooldownMs: 5_000, trips: 1 });
    });
  });

  describe('trip', () => {
    it('opens a closed breaker as its first trip', () => {
      const { clock, breaker } = setup();
      succeed(breaker, 3);
      breaker.trip();
      expect(breaker.state).toEqual({
        kind: 'open',
        openedAt: clock.now(),
        cooldownMs: 5_000,
        trips: 1,
      });
    });

    it('re-opens a half-open breaker with a grown cooldown', () => {
      const { clock, breaker } = setup({ consecutiveFailures: 1 });
      fail(breaker, 1);
      clock.advance(5_000);
      breaker.trip();
      expect(breaker.state).toEqual({
        kind: 'open',
        openedAt: clock.now(),
        cooldownMs: 10_000,
        trips: 2,
      });
    });

    it('restarts an open period without counting another trip', () => {
      const { clock, breaker } = setup({ consecutiveFailures: 1 });
      fail(breaker, 1);
      clock.advance(3_000);
      breaker.trip();
      breaker.trip();
      expect(breaker.state).toEqual({
        kind: 'open',
        openedAt: clock.now(),
        cooldownMs: 5_000,
        trips: 1,
      });
      clock.advance(4_999);
      expect(breaker.isAvailable()).toBe(false);
      clock.advance(1);
      expect(breaker.isAvailable()).toBe(true);
    });
  });

  describe('reset', () => {
    it('closes an open breaker with a clean window and no trips', () => {
      const { clock, breaker } = setup({ consecutiveFailures: 1 });
      fail(breaker, 1);
      clock.advance(5_000);
      fail(breaker, 1);
      breaker.reset();
      expect(breaker.state).toEqual({
        kind: 'closed',
        consecutiveFailures: 0,
        window: [],
        trips: 0,
      });
      expect(breaker.tryAcquire()).toBe(true);
      breaker.failure();
      expect(breaker.state).toMatchObject({ kind: 'open', cooldownMs: 5_000, trips: 1 });
    });

    it('clears the window of a closed breaker', () => {
      const { breaker } = setup();
      fail(breaker, 4);
      breaker.reset();
      expect(breaker.state).toEqual({
        kind: 'closed',
        consecutiveFailures: 0,
        window: [],
        trips: 0,
      });
    });
  });

  describe('snapshots', () => {
    function roundTrip(breaker: CircuitBreaker): CircuitState {
      return JSON.parse(JSON.stringify(breaker)) as CircuitState;
    }

    it('serialises to its state', () => {
      const { breaker } = setup();
      fail(breaker, 2);
      expect(JSON.parse(JSON.stringify(breaker))).toEqual(breaker.state);
      expect(breaker.toJSON()).toEqual(breaker.state);
    });

    it('restores a closed breaker with its window and consecutive count', () => {
      const options = { consecutiveFailures: 5, minimumVolume: 6, failureRateThreshold: 0.8 };
      const { clock, breaker } = setup(options);
      succeed(breaker, 1);
      fail(breaker, 4);
      const restored = new CircuitBreaker(clock, options, roundTrip(breaker));
      expect(restored.state).toEqual(breaker.state);
      restored.tryAcquire();
      restored.failure(); // 5th consecutive failure, and 5 / 6 ≈ 83% of 6 calls
      expect(restored.state.kind).toBe('open');
    });

    it('restores an open breaker with its remaining cooldown', () => {
      const { clock, breaker } = setup({ consecutiveFailures: 1 });
      fail(breaker, 1);
      clock.advance(2_000);
      const restored = new CircuitBreaker(clock, { consecutiveFailures: 1 }, roundTrip(breaker));
      expect(restored.state).toEqual(breaker.state);
      clock.advance(2_999);
      expect(restored.isAvailable()).toBe(false);
      clock.advance(1);
      expect(restored.tryAcquire()).toBe(true);
    });

    it('restores a half-open breaker with its probes and trips', () => {
      const options = { consecutiveFailures: 1, halfOpenMaxProbes: 2 };
      const { clock, breaker } = setup(options);
      fail(breaker, 1);
      clock.advance(5_000);
      breaker.tryAcquire();
      const restored = new CircuitBreaker(clock, options, roundTrip(breaker));
      expect(restored.state).toEqual({
        kind: 'half-open',
        probesInFlight: 1,
        successes: 0,
        trips: 1,
      });
      expect(restored.tryAcquire()).toBe(true);
      expect(restored.tryAcquire()).toBe(false);
      restored.failure();
      expect(restored.state).toMatchObject({ kind: 'open', cooldownMs: 10_000, trips: 2 });
    });

    it('rejects a snapshot with invalid numbers', () => {
      const clock = new ManualClock();
      const bad = { kind: 'open', openedAt: 0, cooldownMs: -5, trips: 1 } as const;
      expect(() => new CircuitBreaker(clock, {}, bad)).toThrow(RangeError);
    });

    it('rejects invalid options', () => {
      expect(() => new CircuitBreaker(new ManualClock(), { halfOpenMaxProbes: 0 })).toThrow(
        RangeError,
      );
    });

    it('hands out states that later events do not change and callers cannot change', () => {
      const { breaker } = setup();
      fail(breaker, 1);
      const before = breaker.state;
      fail(breaker, 1);
      expect(before).toMatchObject({ consecutiveFailures: 1 });
      expect(Object.isFrozen(before)).toBe(true);
      expect(before.kind === 'closed' && Object.isFrozen(before.window)).toBe(true);
    });

    it('does not share the snapshot object it was restored from', () => {
      const clock = new ManualClock();
      const snapshot = {
        kind: 'closed',
        consecutiveFailures: 1,
        window: [],
        trips: 0,
      } as CircuitState;
      const breaker = new CircuitBreaker(clock, {}, snapshot);
      (snapshot as { consecutiveFailures: number }).consecutiveFailures = 4;
      breaker.tryAcquire();
      breaker.failure();
      expect(breaker.state).toMatchObject({ kind: 'closed', consecutiveFailures: 2 });
    });
  });

  it('exposes its resolved options', () => {
    const { breaker } = setup({ cooldownMs: 123 });
    expect(breaker.options).toMatchObject({ cooldownMs: 123, consecutiveFailures: 5 });
  });

  it('ignores release while closed', () => {
    const { breaker } = setup();
    fail(breaker, 1);
    const before = breaker.state;
    breaker.release();
    expect(breaker.state).toEqual(before);
  });
});
