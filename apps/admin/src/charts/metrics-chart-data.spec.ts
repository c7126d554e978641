import { describe, expect, it } from '@jest/globals';
import { metricsPoint, metricsResponse, metricsSeries } from '../testing/fixtures';
import {
  aggregateSeries,
  bucketStarts,
  groupedMetricChart,
  metricOf,
  providerOf,
  rangeTotals,
  totalsByKey,
} from './metrics-chart-data';

const T0 = '2026-11-24T10:00:00.000Z';
const T1 = '2026-11-24T10:01:00.000Z';
const T3 = '2026-11-24T10:03:00.000Z';
const ms = (iso: string): number => Date.parse(iso);

describe('bucketStarts', () => {
  it('lists every bucket of [from, to), aligned down to the step', () => {
    expect(bucketStarts(ms(T0) + 30_000, ms(T3), 60_000)).toEqual([
      ms(T0),
      ms(T1),
      ms(T1) + 60_000,
    ]);
    expect(bucketStarts(ms(T3), ms(T0), 60_000)).toEqual([]);
  });
});

describe('providerOf', () => {
  it('uses the catalog, else the id before the slash', () => {
    expect(providerOf('openai/gpt-4.1', new Map([['openai/gpt-4.1', 'azure-east']]))).toBe(
      'azure-east',
    );
    expect(providerOf('sim-openai/gpt-4o-mini')).toBe('sim-openai');
  });
});

describe('aggregateSeries', () => {
  it('sums a provider’s deployments per bucket; p95 is their maximum', () => {
    const groups = aggregateSeries(
      [
        metricsSeries('p/a', [
          metricsPoint(T0, {
            attempts: 4,
            requests: 3,
            successes: 3,
            latencyP95Ms: 800,
            costMicroUsd: 10,
          }),
        ]),
        metricsSeries('p/b', [
          metricsPoint(T0, {
            attempts: 2,
            requests: 2,
            successes: 1,
            latencyP95Ms: 1_200,
            costMicroUsd: 5,
          }),
        ]),
        metricsSeries('q/c', [metricsPoint(T1, { attempts: 1, requests: 1, successes: 1 })]),
      ],
      (key) => providerOf(key ?? ''),
    );
    const p = groups.get('p')?.get(ms(T0));
    expect(p).toMatchObject({
      attempts: 6,
      requests: 5,
      successes: 4,
      latencyP95Ms: 1_200,
      costMicroUsd: 15,
    });
    expect(groups.get('q')?.get(ms(T0))).toBeUndefined();
  });
});

describe('metricOf', () => {
  it('turns a bucket into a rate per minute, a success rate, a latency, a spend', () => {
    const bucket = {
      attempts: 10,
      requests: 8,
      successes: 9,
      costMicroUsd: 70,
      inputTokens: 0,
      outputTokens: 0,
      latencyP95Ms: 900,
    };
    expect(metricOf(bucket, 'requestsPerMinute', 3_600_000)).toBeCloseTo(8 / 60);
    expect(metricOf(bucket, 'successRate', 60_000)).toBe(0.9);
    expect(metricOf(bucket, 'latencyP95Ms', 60_000)).toBe(900);
    expect(metricOf(bucket, 'costMicroUsd', 60_000)).toBe(70);
  });
  it('fills a bucket without traffic: zero counts, but no rate and no latency', () => {
    expect(metricOf(undefined, 'requestsPerMinute', 60_000)).toBe(0);
    expect(metricOf(undefined, 'costMicroUsd', 60_000)).toBe(0);
    expect(metricOf(undefined, 'successRate', 60_000)).toBeNull();
    expect(metricOf(undefined, 'latencyP95Ms', 60_000)).toBeNull();
  });
});

describe('groupedMetricChart', () => {
  const response = metricsResponse({
    from: T0,
    to: '2026-11-24T10:04:00.000Z',
    series: [
      metricsSeries('sim-b/x', [metricsPoint(T1, { attempts: 6, requests: 6, successes: 3 })]),
      metricsSeries('sim-a/y', [
        metricsPoint(T0, { attempts: 2, requests: 2, successes: 2 }),
        metricsPoint(T3, { attempts: 1, requests: 1, successes: 1 }),
      ]),
    ],
  });

  it('has one line per provider, sorted, with safe field names', () => {
    const data = groupedMetricChart(response, 'requestsPerMinute', (k) => providerOf(k ?? ''));
    expect(data.series.map((s) => [s.key, s.label])).toEqual([
      ['s0', 'sim-a'],
      ['s1', 'sim-b'],
    ]);
    expect(data.domain).toEqual([ms(T0), ms('2026-11-24T10:04:00.000Z')]);
  });

  it('fills every bucket of the range (gaps as zero requests, no success rate)', () => {
    const requests = groupedMetricChart(response, 'requestsPerMinute', (k) => providerOf(k ?? ''));
    expect(requests.rows.map((r) => [r.s0, r.s1])).toEqual([
      [2, 0],
      [0, 6],
      [0, 0],
      [1, 0],
    ]);
    const success = groupedMetricChart(response, 'successRate', (k) => providerOf(k ?? ''));
    expect(success.rows.map((r) => [r.s0, r.s1])).toEqual([
      [1, null],
      [null, 0.5],
      [null, null],
      [1, null],
    ]);
  });
});

describe('rangeTotals and totalsByKey', () => {
  it('computes the headline numbers per minute of the range', () => {
    const totals = rangeTotals(
      metricsResponse({
        from: T0,
        to: '2026-11-24T10:10:00.000Z',
        groupBy: 'none',
        series: [
          metricsSeries(null, [
            metricsPoint(T0, {
              attempts: 25,
              requests: 20,
              successes: 19,
              latencyP95Ms: 640,
              costMicroUsd: 900,
            }),
          ]),
        ],
      }),
    );
    expect(totals).toEqual({
      requests: 20,
      attempts: 25,
      requestsPerMinute: 2,
      successRate: 0.95,
      attemptSuccessRate: 0.76,
      latencyP95Ms: 640,
      costMicroUsd: 900,
    });
  });
  it('has no success rate without requests', () => {
    expect(rangeTotals(metricsResponse()).successRate).toBeNull();
  });
  it('gives each deployment its success rate and cost per 1,000 calls', () => {
    const byKey = totalsByKey(
      metricsResponse({
        series: [
          metricsSeries('sim-a/m', [
            metricsPoint(T0, { attempts: 4, requests: 3, successes: 3, costMicroUsd: 2_000 }),
          ]),
        ],
      }),
    );
    expect(byKey.get('sim-a/m')).toMatchObject({ successRate: 0.75, costPer1kMicroUsd: 500_000 });
  });
});
