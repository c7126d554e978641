import { describe, expect, it } from '@jest/globals';
import { rollupRow } from '../../test/rollup.factory.js';
import { addDecayedRow, decayRollups, emptyDecayedStats } from './decayed-stats.js';

const H = 15 * 60_000;
const NOW = 100 * 60_000;

describe('decayRollups', () => {
  it('weighs each row by 2^(−age/h) of its midpoint and adds them up', () => {
    const fresh = rollupRow({ minute: NOW - 60_000, successes: 10, failures: 2 }); // 30 s old
    // Midpoint exactly one half-life ago.
    const old = rollupRow({
      minute: NOW - H - 30_000,
      successes: 40,
      failures: 8,
      latencyMs: 9_000,
    });
    const stats = decayRollups([fresh, old], { nowMs: NOW, halfLifeMs: H, latencySloMs: 5_000 });
    const a = stats.get('a')!;
    const wFresh = 2 ** (-30_000 / H);
    expect(a.successes).toBeCloseTo(10 * wFresh + 20, 10);
    expect(a.failures).toBeCloseTo(2 * wFresh + 4, 10);
    // The old successes were slow (9 s > SLO): only the fresh ones are fast.
    expect(a.fast).toBeCloseTo(10 * wFresh, 10);
    expect(a.costMicroUsd).toBeCloseTo(10_000 * wFresh + 20_000, 6);
  });

  it('keeps neutral outcomes out of successes and failures', () => {
    const stats = decayRollups(
      [rollupRow({ minute: NOW - 60_000, successes: 1, callerErrors: 5 })],
      {
        nowMs: NOW,
        halfLifeMs: H,
        latencySloMs: 5_000,
      },
    );
    const a = stats.get('a')!;
    expect(a.neutral).toBeGreaterThan(4);
    expect(a.failures).toBe(0);
    expect(a.attempts).toBeCloseTo(a.successes + a.neutral, 12);
  });

  it('skips rows lighter than minWeight and separates deployments', () => {
    const ancient = rollupRow({ minute: NOW - 20 * H, successes: 1_000_000 });
    const b = rollupRow({ deploymentId: 'b', minute: NOW - 60_000, failures: 3 });
    const stats = decayRollups([ancient, b], { nowMs: NOW, halfLifeMs: H, latencySloMs: 5_000 });
    expect(stats.has('a')).toBe(false);
    expect(stats.get('b')!.failures).toBeGreaterThan(2.9);
  });

  it('adds rows in place with addDecayedRow', () => {
    const into = emptyDecayedStats();
    addDecayedRow(into, rollupRow({ minute: 0, successes: 4 }), 0.5, 5_000);
    addDecayedRow(into, rollupRow({ minute: 0, successes: 2 }), 1, 5_000);
    expect(into.successes).toBe(4);
    expect(into.fast).toBe(4);
  });
});
