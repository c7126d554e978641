import { describe, expect, it } from '@jest/globals';
import { rollupRow, rollupSeries } from '../../test/rollup.factory.js';
import { collectEvidence } from './deployment-evidence.js';

const H = 15 * 60_000;
const NOW = 1_000 * 60_000;
const OPTIONS = { nowMs: NOW, halfLifeMs: H, latencySloMs: 5_000, changeFalseAlarm: 0.01 };

describe('collectEvidence', () => {
  it('drops an outage once the provider is seen healthy again (local restart)', () => {
    const rows = rollupSeries(NOW, 120, (i) =>
      i < 40 ? { successes: 50 } : i < 117 ? { failures: 2 } : { successes: 10 },
    );
    const ev = collectEvidence(rows, ['a'], OPTIONS).byDeployment.get('a')!;
    expect(ev.changeAtMs).toBe(NOW - 3 * 60_000);
    expect(ev.stats.failures).toBe(0);
    expect(ev.rawCalls).toBe(30);
    expect(ev.stats.successes).toBeGreaterThan(25);
  });

  it('judges a provider that starts failing by its recent rows alone', () => {
    const rows = rollupSeries(NOW, 60, (i) =>
      i < 59 ? { successes: 100, failures: 1 } : { successes: 2, failures: 40 },
    );
    const ev = collectEvidence(rows, ['a'], OPTIONS).byDeployment.get('a')!;
    expect(ev.changeAtMs).toBe(NOW - 60_000);
    expect(ev.stats.failures / (ev.stats.failures + ev.stats.successes)).toBeGreaterThan(0.9);
  });

  it('keeps all decayed evidence when nothing changed, or when detection is off', () => {
    const rows = rollupSeries(NOW, 60, () => ({ successes: 99, failures: 1 }));
    const on = collectEvidence(rows, ['a'], OPTIONS).byDeployment.get('a')!;
    expect(on.changeAtMs).toBeNull();
    expect(on.rawCalls).toBe(6_000);
    const changing = rollupSeries(NOW, 60, (i) =>
      i < 50 ? { successes: 100 } : { failures: 100 },
    );
    const off = collectEvidence(changing, ['a'], {
      ...OPTIONS,
      detectChanges: false,
    }).byDeployment.get('a')!;
    expect(off.changeAtMs).toBeNull();
    expect(off.rawCalls).toBe(6_000);
  });

  it('merges rows of one minute (one per API key) and ignores unknown deployments', () => {
    const rows = [
      rollupRow({ minute: NOW - 60_000, successes: 3 }),
      rollupRow({ minute: NOW - 60_000, successes: 4 }),
      rollupRow({ deploymentId: 'stranger', minute: NOW - 60_000, successes: 100 }),
    ];
    const evidence = collectEvidence(rows, ['a', 'b'], OPTIONS);
    expect(evidence.byDeployment.get('a')!.rawCalls).toBe(7);
    expect(evidence.byDeployment.get('b')!.rawCalls).toBe(0);
    expect(evidence.byDeployment.get('b')!.oldestRowMs).toBeNull();
    expect(evidence.byDeployment.has('stranger')).toBe(false);
    expect(evidence.pooled.successes).toBeCloseTo(7 * 2 ** (-30_000 / H), 10);
  });

  it('skips rows past the lookback window', () => {
    const rows = [rollupRow({ minute: NOW - 11 * H, successes: 1_000 })];
    expect(collectEvidence(rows, ['a'], OPTIONS).byDeployment.get('a')!.rawCalls).toBe(0);
  });
});
