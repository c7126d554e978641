import type { PolicySummary } from './bench-metrics.js';

function usd(microUsd: number): string {
  return (microUsd / 1e6).toFixed(2);
}

function cells(row: PolicySummary): string[] {
  return [
    row.scenario,
    row.policy,
    (row.successRate * 100).toFixed(3),
    (row.p95LatencyMs / 1000).toFixed(2),
    usd(row.totalCostMicroUsd),
    row.overshootMicroUsd === null ? '—' : usd(row.overshootMicroUsd),
    row.regretPer1k.toFixed(2),
  ];
}

const HEADER = [
  'scenario',
  'policy',
  'success %',
  'p95 s',
  'cost $',
  'overshoot $',
  'regret /1k req',
];

/**
 * The benchmark table as aligned plain text (first two columns left-aligned, numbers right),
 * a rule between scenarios.
 */
export function formatTable(rows: readonly PolicySummary[]): string {
  const body = rows.map(cells);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: readonly string[]): string =>
    r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [line(HEADER), rule];
  rows.forEach((row, i) => {
    if (i > 0 && rows[i - 1]!.scenario !== row.scenario) out.push('');
    out.push(line(body[i]!));
  });
  return out.join('\n');
}

/** The table as a Markdown table (for docs/routing.md). */
export function toMarkdownTable(rows: readonly PolicySummary[]): string {
  const align = HEADER.map((_, i) => (i < 2 ? ':--' : '--:'));
  return [HEADER, align, ...rows.map(cells)].map((r) => `| ${r.join(' | ')} |`).join('\n') + '\n';
}

/**
 * The table as CSV with machine-friendly units: rates as fractions, latency in ms, money in
 * micro-USD (overshoot empty when there is no budget).
 */
export function toCsv(rows: readonly PolicySummary[]): string {
  const header =
    'scenario,policy,requests,success_rate,p95_latency_ms,total_cost_micro_usd,overshoot_micro_usd,mean_reward,regret_per_1k';
  const lines = rows.map((r) =>
    [
      r.scenario,
      r.policy,
      r.requests,
      r.successRate.toFixed(6),
      r.p95LatencyMs.toFixed(1),
      r.totalCostMicroUsd,
      r.overshootMicroUsd === null ? '' : r.overshootMicroUsd,
      r.meanReward.toFixed(6),
      r.regretPer1k.toFixed(4),
    ].join(','),
  );
  return [header, ...lines].join('\n') + '\n';
}
