import { describe, expect, it } from '@jest/globals';
import { createSeededRng, type Rng } from '@stilts/routing';
import { applyBehaviour, DEFAULT_BEHAVIOUR } from '../scenario/behaviour-timeline.js';
import type { Behaviour } from '../scenario/scenario.schema.js';
import { drawFault, outageFault, sampleInt, sampleLatencyMs, type Fault } from './fault-plan.js';

const behaviour = (patch: Behaviour) => applyBehaviour(DEFAULT_BEHAVIOUR, patch);

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function kinds(patch: Behaviour, stream: boolean, n: number, rng: Rng): Map<Fault['kind'], number> {
  const b = behaviour(patch);
  const counts = new Map<Fault['kind'], number>();
  for (let i = 0; i < n; i++) {
    const kind = drawFault(b, stream, rng).kind;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}

describe('sampleLatencyMs', () => {
  it('returns a fixed latency as is', () => {
    expect(sampleLatencyMs({ kind: 'fixed', ms: 42 }, createSeededRng(1))).toBe(42);
  });

  it('draws uniform latencies inside [minMs, maxMs], covering the range', () => {
    const rng = createSeededRng(2);
    const draws = Array.from({ length: 2000 }, () =>
      sampleLatencyMs({ kind: 'uniform', minMs: 100, maxMs: 200 }, rng),
    );
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...draws)).toBeLessThanOrEqual(200);
    expect(Math.min(...draws)).toBeLessThan(105);
    expect(Math.max(...draws)).toBeGreaterThan(195);
  });

  it('matches the configured log-normal median and p95', () => {
    const rng = createSeededRng(3);
    const draws = Array.from({ length: 20_000 }, () =>
      sampleLatencyMs({ kind: 'lognormal', medianMs: 300, p95Ms: 1200 }, rng),
    ).sort((a, b) => a - b);
    expect(quantile(draws, 0.5)).toBeGreaterThan(285);
    expect(quantile(draws, 0.5)).toBeLessThan(315);
    expect(quantile(draws, 0.95)).toBeGreaterThan(1120);
    expect(quantile(draws, 0.95)).toBeLessThan(1280);
  });
});

describe('sampleInt', () => {
  it('draws every integer of [min, max] and nothing outside', () => {
    const rng = createSeededRng(4);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(sampleInt(3, 6, rng));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
    expect(sampleInt(7, 7, rng)).toBe(7);
  });
});

describe('outageFault', () => {
  it('defaults the status to 503 and maps "reset" to a socket reset', () => {
    expect(outageFault(behaviour({}))).toBeUndefined();
    expect(outageFault(behaviour({ outage: {} }))).toEqual({ kind: 'outage', status: 503 });
    expect(outageFault(behaviour({ outage: { status: 529 } }))).toEqual({
      kind: 'outage',
      status: 529,
    });
    expect(outageFault(behaviour({ outage: 'reset' }))).toEqual({ kind: 'outage_reset' });
  });
});

describe('drawFault', () => {
  it('never fails a healthy provider', () => {
    expect(kinds({}, true, 1000, createSeededRng(5))).toEqual(new Map([['none', 1000]]));
  });

  it('fails at roughly the configured error rate, statuses drawn uniformly', () => {
    const b = behaviour({ errorRate: 0.3, errorStatuses: [500, 503] });
    const rng = createSeededRng(6);
    const statuses = new Map<number, number>();
    let none = 0;
    for (let i = 0; i < 10_000; i++) {
      const fault = drawFault(b, false, rng);
      if (fault.kind === 'error') statuses.set(fault.status, (statuses.get(fault.status) ?? 0) + 1);
      else none++;
    }
    expect(none).toBeGreaterThan(6700);
    expect(none).toBeLessThan(7300);
    expect(statuses.get(500)).toBeGreaterThan(1300);
    expect(statuses.get(503)).toBeGreaterThan(1300);
    expect([...statuses.keys()].sort()).toEqual([500, 503]);
  });

  it('carries the rate limit retry-after values', () => {
    const fault = drawFault(
      behaviour({ rateLimit: { rate: 1, retryAfterS: 2, retryAfterMs: 1500 } }),
      false,
      createSeededRng(7),
    );
    expect(fault).toEqual({ kind: 'rate_limited', retryAfterS: 2, retryAfterMs: 1500 });
  });

  it('gives reset precedence over the other faults', () => {
    const counts = kinds(
      { resetRate: 1, errorRate: 1, malformedRate: 1 },
      true,
      50,
      createSeededRng(8),
    );
    expect(counts).toEqual(new Map([['reset', 50]]));
  });

  it('applies stream-only faults to streams only', () => {
    const patch: Behaviour = { stall: { rate: 1, afterChunks: 2 } };
    expect(kinds(patch, false, 20, createSeededRng(9))).toEqual(new Map([['none', 20]]));
    expect(drawFault(behaviour(patch), true, createSeededRng(9))).toEqual({
      kind: 'stall',
      afterChunks: 2,
    });
    expect(
      drawFault(behaviour({ cutRate: 1, cutAfterChunks: 4 }), true, createSeededRng(9)),
    ).toEqual({
      kind: 'cut',
      afterChunks: 4,
    });
    expect(
      drawFault(behaviour({ streamError: { rate: 1, afterChunks: 1 } }), true, createSeededRng(9)),
    ).toEqual({ kind: 'stream_error', afterChunks: 1 });
  });

  it('is a function of the Rng alone', () => {
    const b = behaviour({ errorRate: 0.5, resetRate: 0.2, cutRate: 0.3 });
    const a = Array.from({ length: 50 }, (_, i) => drawFault(b, true, createSeededRng(`r${i}`)));
    const again = Array.from({ length: 50 }, (_, i) =>
      drawFault(b, true, createSeededRng(`r${i}`)),
    );
    expect(again).toEqual(a);
    expect(new Set(a.map((f) => f.kind)).size).toBeGreaterThan(2);
  });
});
