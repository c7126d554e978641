import { describe, expect, it } from '@jest/globals';
import { tinyScenario } from '../../test/scenario.factory.js';
import { runScenario } from './run-scenario.js';
import { renderStackedChart, weightsChartFor } from './weights-chart.js';

describe('renderStackedChart', () => {
  it('draws one polygon per series and panel, event lines and escaped text', () => {
    const svg = renderStackedChart({
      title: 'A <b> & "c"',
      subtitle: 's',
      series: [
        { label: 'x', color: '#111111' },
        { label: 'y', color: '#222222' },
      ],
      panels: [
        {
          title: 'p1',
          minutes: [0, 1, 2],
          values: [
            [0.5, 0.5],
            [1, 0],
            [0, 1],
          ],
        },
        {
          title: 'p2',
          minutes: [0, 1],
          values: [
            [1, 0],
            [1, 0],
          ],
        },
      ],
      events: [{ atMinute: 1, label: 'boom' }],
      durationMinutes: 2,
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polygon /g)).toHaveLength(4);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(2);
    expect(svg).toContain('A &lt;b&gt; &amp; &quot;c&quot;');
    expect(svg).not.toContain('NaN');
  });
});

describe('weightsChartFor', () => {
  it('charts Stilts and the oracle for a scenario', () => {
    const scenario = tinyScenario({
      changes: [{ atMs: 300_000, deploymentId: 'good', set: { down: true }, label: 'outage' }],
    });
    const svg = weightsChartFor(runScenario(scenario, ['stilts-adaptive', 'oracle']));
    expect(svg).toContain('Stilts adaptive');
    expect(svg).toContain('Oracle');
    expect(svg).toContain('outage');
    expect(svg.match(/<polygon /g)).toHaveLength(6);
    expect(svg).not.toContain('NaN');
  });
});
