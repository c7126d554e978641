import { minuteShare } from './bench-metrics.js';
import type { ScenarioResult } from './run-scenario.js';

/** One stacked-area panel: per time point, one value per series (each column sums to ~1). */
export interface StackedPanel {
  readonly title: string;
  /** x values in minutes. */
  readonly minutes: readonly number[];
  /** values[t][s] for time point t and series s. */
  readonly values: readonly (readonly number[])[];
}

/** What {@link renderStackedChart} draws. */
export interface StackedChart {
  readonly title: string;
  readonly subtitle: string;
  readonly series: readonly { readonly label: string; readonly color: string }[];
  readonly panels: readonly StackedPanel[];
  readonly events: readonly { readonly atMinute: number; readonly label: string }[];
  readonly durationMinutes: number;
}

/** Colours for up to eight series (colour-blind-friendly order). */
export const CHART_COLORS: readonly string[] = Object.freeze([
  '#7c3aed',
  '#059669',
  '#2563eb',
  '#d97706',
  '#dc2626',
  '#0891b2',
  '#65a30d',
  '#db2777',
]);

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function n(x: number): string {
  return (Math.round(x * 10) / 10).toString();
}

/**
 * A hand-written SVG of stacked areas (one panel per policy, shared x axis in minutes), with
 * dashed lines at scenario events and a legend. Pure string building; no dependencies.
 */
export function renderStackedChart(chart: StackedChart): string {
  const width = 960;
  const left = 56;
  const right = 16;
  const panelHeight = 170;
  const gap = 46;
  const top = 64;
  const plotWidth = width - left - right;
  const height = top + chart.panels.length * (panelHeight + gap) + 30;
  const x = (minute: number): number => left + (minute / chart.durationMinutes) * plotWidth;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="22" font-size="16" font-weight="600">${escapeXml(chart.title)}</text>`,
    `<text x="${left}" y="40" fill="#555">${escapeXml(chart.subtitle)}</text>`,
  ];
  let lx = left;
  for (const s of chart.series) {
    out.push(`<rect x="${lx}" y="48" width="10" height="10" fill="${s.color}"/>`);
    out.push(`<text x="${lx + 14}" y="57">${escapeXml(s.label)}</text>`);
    lx += 24 + s.label.length * 7;
  }
  chart.panels.forEach((panel, p) => {
    const y0 = top + p * (panelHeight + gap) + 22;
    const y = (v: number): number => y0 + panelHeight - Math.max(0, Math.min(1, v)) * panelHeight;
    out.push(`<text x="${left}" y="${y0 - 6}" font-weight="600">${escapeXml(panel.title)}</text>`);
    const cumulative = panel.values.map(() => 0);
    chart.series.forEach((s, si) => {
      const upper: string[] = [];
      const lower: string[] = [];
      panel.minutes.forEach((m, t) => {
        const below = cumulative[t]!;
        const above = below + (panel.values[t]![si] ?? 0);
        lower.push(`${n(x(m))},${n(y(below))}`);
        upper.push(`${n(x(m))},${n(y(above))}`);
        cumulative[t] = above;
      });
      if (upper.length > 0) {
        out.push(
          `<polygon fill="${s.color}" fill-opacity="0.85" points="${upper.join(' ')} ${lower.reverse().join(' ')}"/>`,
        );
      }
    });
    out.push(
      `<rect x="${left}" y="${y0}" width="${plotWidth}" height="${panelHeight}" fill="none" stroke="#999"/>`,
    );
    for (const v of [0, 0.5, 1]) {
      out.push(
        `<text x="${left - 6}" y="${n(y(v) + 4)}" text-anchor="end" fill="#555">${Math.round(v * 100)}%</text>`,
      );
    }
    for (let m = 0; m <= chart.durationMinutes; m += 30) {
      out.push(
        `<text x="${n(x(m))}" y="${y0 + panelHeight + 14}" text-anchor="middle" fill="#555">${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}</text>`,
      );
    }
    for (const e of chart.events) {
      out.push(
        `<line x1="${n(x(e.atMinute))}" y1="${y0}" x2="${n(x(e.atMinute))}" y2="${y0 + panelHeight}" stroke="#111" stroke-dasharray="4 3"/>`,
      );
      if (p === 0) {
        out.push(
          `<text x="${n(x(e.atMinute) + 4)}" y="${y0 + 12}" fill="#111">${escapeXml(e.label)}</text>`,
        );
      }
    }
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/**
 * The chart of one scenario: Stilts' weights (each job run's, averaged per minute) above the
 * oracle's first-pick share per minute.
 */
export function weightsChartFor(result: ScenarioResult): string {
  const { scenario } = result;
  const k = scenario.deployments.length;
  const minutes = Math.ceil(scenario.durationMs / 60_000);
  const sums: number[][] = Array.from({ length: minutes }, () => new Array<number>(k).fill(0));
  const counts = new Array<number>(minutes).fill(0);
  for (const s of result.adaptiveHistory) {
    const m = Math.min(minutes - 1, Math.floor(s.atMs / 60_000));
    counts[m]!++;
    s.weights.forEach((w, i) => (sums[m]![i]! += w));
  }
  const adaptive: StackedPanel = {
    title: 'Stilts adaptive: weights of each job run (per-minute mean)',
    minutes: [],
    values: [],
  };
  for (let m = 0; m < minutes; m++) {
    if (counts[m] === 0) continue;
    (adaptive.minutes as number[]).push(m + 0.5);
    (adaptive.values as number[][]).push(sums[m]!.map((v) => v / counts[m]!));
  }
  const oracleRun = result.runs.find((r) => r.policy === 'oracle');
  const oracle: StackedPanel = {
    title: 'Oracle: first-pick share per minute',
    minutes: [],
    values: [],
  };
  if (oracleRun !== undefined) {
    for (let m = 0; m < minutes; m++) {
      const shares = scenario.deployments.map((_, d) => minuteShare(oracleRun, m, d));
      if (shares.some((v) => Number.isNaN(v))) continue;
      (oracle.minutes as number[]).push(m + 0.5);
      (oracle.values as number[][]).push(shares);
    }
  }
  return renderStackedChart({
    title: `${scenario.title} (${scenario.name})`,
    subtitle: scenario.description,
    series: scenario.deployments.map((d, i) => ({
      label: d.id,
      color: CHART_COLORS[i % CHART_COLORS.length]!,
    })),
    panels: oracleRun === undefined ? [adaptive] : [adaptive, oracle],
    events: scenario.changes.map((c) => ({ atMinute: c.atMs / 60_000, label: c.label })),
    durationMinutes: scenario.durationMs / 60_000,
  });
}
