import { describe, expect, it } from '@jest/globals';
import type { ChartData } from './chart-types';
import { describeChart, hasData, hasIsolatedPoints } from './chart-summary';

const data: ChartData = {
  domain: [0, 3],
  markers: [],
  series: [
    { key: 's0', label: 'sim-a', color: '#000', kind: 'line', axis: 'left' },
    { key: 's1', label: 'sim-b', color: '#111', kind: 'line', axis: 'left' },
    { key: 'lambda', label: 'λ', color: '#222', kind: 'line', axis: 'right' },
  ],
  rows: [
    { t: 0, s0: 2, s1: null, lambda: 0 },
    { t: 1, s0: 5, s1: null, lambda: 0.25 },
    { t: 2, s0: 3, s1: null, lambda: 0.5 },
  ],
};

describe('describeChart', () => {
  it('reads out each series’ latest value and peak in its axis unit', () => {
    expect(describeChart(data, { left: 'perMinute', right: 'number' })).toBe(
      'sim-a: latest 3/min, peak 5/min; sim-b: no data; λ: latest 0.5, peak 0.5',
    );
  });
  it('says when there is nothing', () => {
    expect(describeChart({ ...data, rows: [] }, { left: 'count' })).toBe('No data in this range.');
  });
});

describe('hasData', () => {
  it('needs a non-zero value somewhere', () => {
    expect(hasData(data)).toBe(true);
    expect(hasData({ ...data, rows: [{ t: 0, s0: 0, s1: null, lambda: 0 }] })).toBe(false);
  });
});

describe('hasIsolatedPoints', () => {
  it('finds a value between gaps (or at an edge next to one)', () => {
    expect(
      hasIsolatedPoints(
        [
          { t: 0, a: null },
          { t: 1, a: 3 },
          { t: 2, a: null },
        ],
        'a',
      ),
    ).toBe(true);
    expect(
      hasIsolatedPoints(
        [
          { t: 0, a: 3 },
          { t: 1, a: null },
        ],
        'a',
      ),
    ).toBe(true);
    expect(
      hasIsolatedPoints(
        [
          { t: 0, a: 3 },
          { t: 1, a: 4 },
          { t: 2, a: null },
        ],
        'a',
      ),
    ).toBe(false);
    expect(hasIsolatedPoints([], 'a')).toBe(false);
  });
});
