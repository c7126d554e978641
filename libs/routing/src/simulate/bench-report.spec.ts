import { describe, expect, it } from '@jest/globals';
import type { PolicySummary } from './bench-metrics.js';
import { formatTable, toCsv, toMarkdownTable } from './bench-report.js';

const ROWS: PolicySummary[] = [
  {
    scenario: 'steady',
    policy: 'static',
    requests: 1_000,
    successRate: 0.99947,
    p95LatencyMs: 5_088.4,
    totalCostMicroUsd: 247_080_000,
    overshootMicroUsd: null,
    meanReward: 0.9539,
    regretPer1k: 26.47,
  },
  {
    scenario: 'budget',
    policy: 'oracle',
    requests: 1_000,
    successRate: 0.998,
    p95LatencyMs: 12_000,
    totalCostMicroUsd: 35_270_000,
    overshootMicroUsd: 0,
    meanReward: 0.9,
    regretPer1k: 0,
  },
];

describe('bench report', () => {
  it('writes CSV in machine units, overshoot empty without a budget', () => {
    const lines = toCsv(ROWS).trimEnd().split('\n');
    expect(lines[0]).toBe(
      'scenario,policy,requests,success_rate,p95_latency_ms,total_cost_micro_usd,overshoot_micro_usd,mean_reward,regret_per_1k',
    );
    expect(lines[1]).toBe('steady,static,1000,0.999470,5088.4,247080000,,0.953900,26.4700');
    expect(lines[2]).toBe('budget,oracle,1000,0.998000,12000.0,35270000,0,0.900000,0.0000');
  });

  it('writes a Markdown table in display units', () => {
    const md = toMarkdownTable(ROWS).split('\n');
    expect(md[0]).toBe(
      '| scenario | policy | success % | p95 s | cost $ | overshoot $ | regret /1k req |',
    );
    expect(md[2]).toBe('| steady | static | 99.947 | 5.09 | 247.08 | — | 26.47 |');
  });

  it('aligns the text table and separates scenarios', () => {
    const lines = formatTable(ROWS).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[3]).toBe('');
    expect(new Set([lines[0]!.length, lines[2]!.length, lines[4]!.length]).size).toBe(1);
  });
});
