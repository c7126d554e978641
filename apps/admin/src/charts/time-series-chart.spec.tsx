import { describe, expect, it } from '@jest/globals';
import { render, screen, within } from '@testing-library/react';
import type { ChartData } from './chart-types';
import { TimeSeriesChart } from './time-series-chart';

const T = Date.UTC(2026, 10, 24, 10);
const data: ChartData = {
  domain: [T, T + 180_000],
  series: [
    {
      key: 's0',
      label: 'sim-a',
      color: '#2563eb',
      kind: 'area',
      stackId: 'w',
      axis: 'left',
      step: true,
    },
    {
      key: 's1',
      label: 'sim-b',
      color: '#d97706',
      kind: 'area',
      stackId: 'w',
      axis: 'left',
      step: true,
    },
    { key: 'lambda', label: 'λ', color: '#000', kind: 'line', axis: 'right', dashed: true },
  ],
  rows: [
    { t: T, s0: 0.5, s1: 0.5, lambda: 0 },
    { t: T + 60_000, s0: 0.8, s1: 0.2, lambda: 0.4 },
    { t: T + 120_000, s0: 0.8, s1: 0.2, lambda: 0.4 },
  ],
  markers: [{ t: T + 60_000, label: 'pin sim-a 80 %', color: '#7c3aed' }],
};

describe('TimeSeriesChart', () => {
  it('draws every series, the second axis and the markers', () => {
    const { container } = render(
      <TimeSeriesChart
        title="Weights"
        data={data}
        units={{ left: 'weight', right: 'number' }}
        width={600}
        height={200}
      />,
    );
    expect(container.querySelectorAll('.recharts-area')).toHaveLength(2);
    expect(container.querySelectorAll('.recharts-line')).toHaveLength(1);
    expect(container.querySelectorAll('.recharts-yAxis')).toHaveLength(2);
    expect(container.querySelectorAll('.recharts-reference-line')).toHaveLength(1);
  });

  it('names the chart with a text summary and lists series and markers in HTML', () => {
    render(
      <TimeSeriesChart
        title="Weights"
        data={data}
        units={{ left: 'weight', right: 'number' }}
        width={600}
      />,
    );
    expect(screen.getByRole('img').getAttribute('aria-label')).toBe(
      'Weights. sim-a: latest 80 %, peak 80 %; sim-b: latest 20 %, peak 50 %; λ: latest 0.4, peak 0.4',
    );
    const legend = screen.getByRole('list', { name: '' });
    expect(
      within(legend)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['sim-a', 'sim-b', 'λ']);
    const markers = screen.getByRole('list', { name: 'Overrides in this range' });
    expect(markers.textContent).toContain('pin sim-a 80 %');
  });

  it('shows the empty message instead of a blank chart', () => {
    render(
      <TimeSeriesChart
        title="Requests"
        data={{ ...data, rows: data.rows.map((r) => ({ t: r.t, s0: 0, s1: null, lambda: 0 })) }}
        units={{ left: 'perMinute' }}
        emptyMessage="No traffic in this range yet."
        width={600}
      />,
    );
    expect(screen.getByText('No traffic in this range yet.')).toBeTruthy();
    expect(screen.queryByRole('img')).toBeNull();
  });
});
