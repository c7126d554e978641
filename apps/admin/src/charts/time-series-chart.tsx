import { useId, type ReactNode } from 'react';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from 'recharts';
import type { ChartData, ChartUnits } from './chart-types';
import { describeChart, hasData, hasIsolatedPoints } from './chart-summary';
import { formatDateTime, formatTick, formatValue } from './format';
import { formatTimeTick, timeTicks } from './time-ticks';

/** An axis bound: a number, recharts' keywords, or a function of the data's extreme. */
type AxisBound = number | 'auto' | 'dataMin' | 'dataMax' | ((extreme: number) => number);
export type AxisDomain = readonly [AxisBound, AxisBound];

export interface TimeSeriesChartProps {
  /** The chart's accessible name (the panel around it usually shows it as a heading). */
  readonly title: string;
  readonly data: ChartData;
  readonly units: ChartUnits;
  readonly height?: number;
  /** A fixed width (tests, print); by default the chart fills its container. */
  readonly width?: number;
  readonly leftDomain?: AxisDomain;
  readonly rightDomain?: AxisDomain;
  /** Shown instead of the chart when there is nothing to draw. */
  readonly emptyMessage?: string;
}

/**
 * The one time-series chart of the dashboard (every chart is this component): lines or stacked
 * areas over a time axis spanning the requested range, an optional second axis, vertical
 * markers, an HTML legend, a tooltip with every series at the hovered time, and a text summary
 * for screen readers. The data comes shaped by the pure adapters in this folder.
 */
export function TimeSeriesChart(props: TimeSeriesChartProps) {
  const { data, units } = props;
  const legendId = useId();
  const height = props.height ?? 240;
  const [from, to] = data.domain;
  const span = to - from;
  const axis = timeTicks(from, to, props.width !== undefined && props.width < 500 ? 4 : 6);
  const rightSeries = data.series.filter((s) => s.axis === 'right');
  const byT = new Map(data.rows.map((r) => [r.t, r]));

  if (!hasData(data)) {
    return (
      <div className="chart chart--empty" style={{ minHeight: height }}>
        <p className="muted">{props.emptyMessage ?? 'No data in this range.'}</p>
      </div>
    );
  }

  const renderTooltip = (tip: TooltipContentProps): ReactNode => {
    if (!tip.active || typeof tip.label !== 'number') return null;
    const row = byT.get(tip.label);
    if (!row) return null;
    return (
      <div className="chart-tooltip">
        <div className="chart-tooltip__time">{formatDateTime(row.t)}</div>
        <table>
          <tbody>
            {data.series.map((s) => (
              <tr key={s.key}>
                <th scope="row">
                  <span className="swatch" style={{ background: s.color }} /> {s.label}
                </th>
                <td className="num">
                  {formatValue(
                    s.axis === 'right' ? (units.right ?? units.left) : units.left,
                    row[s.key],
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  };

  const chart = (
    <ComposedChart
      data={data.rows}
      margin={{ top: 8, right: rightSeries.length > 0 ? 4 : 12, bottom: 0, left: 0 }}
      {...(props.width ? { width: props.width, height } : {})}
    >
      <CartesianGrid stroke="var(--grid)" vertical={false} />
      <XAxis
        dataKey="t"
        type="number"
        scale="time"
        domain={[from, to]}
        allowDataOverflow
        ticks={axis.ticks}
        interval="preserveStartEnd"
        tickFormatter={(v: number) => formatTimeTick(v, axis.stepMs, span)}
        minTickGap={24}
        tick={{ fontSize: 12, fill: 'var(--muted)' }}
        stroke="var(--border-strong)"
      />
      <YAxis
        yAxisId="left"
        width={60}
        domain={props.leftDomain ?? [0, 'auto']}
        tickFormatter={(v: number) => formatTick(units.left, v)}
        tick={{ fontSize: 12, fill: 'var(--muted)' }}
        stroke="var(--border-strong)"
        allowDecimals
      />
      {rightSeries.length > 0 && (
        <YAxis
          yAxisId="right"
          orientation="right"
          width={48}
          domain={props.rightDomain ?? [0, 'auto']}
          tickFormatter={(v: number) => formatTick(units.right ?? units.left, v)}
          tick={{ fontSize: 12, fill: 'var(--muted)' }}
          stroke="var(--border-strong)"
        />
      )}
      <Tooltip content={renderTooltip} isAnimationActive={false} />
      {data.series.map((s) =>
        s.kind === 'area' ? (
          <Area
            key={s.key}
            yAxisId={s.axis}
            dataKey={s.key}
            name={s.label}
            stackId={s.stackId}
            type={s.step ? 'stepAfter' : 'linear'}
            stroke={s.color}
            fill={s.color}
            fillOpacity={0.55}
            strokeWidth={1}
            isAnimationActive={false}
            connectNulls={false}
          />
        ) : (
          <Line
            key={s.key}
            yAxisId={s.axis}
            dataKey={s.key}
            name={s.label}
            type={s.step ? 'stepAfter' : 'linear'}
            stroke={s.color}
            strokeWidth={2}
            strokeDasharray={s.dashed ? '5 4' : undefined}
            dot={
              hasIsolatedPoints(data.rows, s.key)
                ? { r: 2.5, strokeWidth: 0, fill: s.color }
                : false
            }
            isAnimationActive={false}
            connectNulls={false}
          />
        ),
      )}
      {data.markers.map((m, i) => (
        <ReferenceLine
          key={`${m.t}-${i}`}
          yAxisId="left"
          x={m.t}
          stroke={m.color}
          strokeDasharray="3 3"
          strokeWidth={1.5}
          ifOverflow="hidden"
        />
      ))}
    </ComposedChart>
  );

  return (
    <figure className="chart" aria-describedby={legendId}>
      <div role="img" aria-label={`${props.title}. ${describeChart(data, units)}`}>
        {props.width ? (
          chart
        ) : (
          <ResponsiveContainer width="100%" height={height}>
            {chart}
          </ResponsiveContainer>
        )}
      </div>
      <figcaption id={legendId} className="chart__legend">
        <ul className="legend">
          {data.series.map((s) => (
            <li key={s.key}>
              <span
                className={`swatch${s.dashed ? ' swatch--dashed' : ''}`}
                style={{ background: s.color }}
                aria-hidden="true"
              />
              {s.label}
            </li>
          ))}
        </ul>
        {data.markers.length > 0 && (
          <ol className="markers" aria-label="Overrides in this range">
            {data.markers.map((m, i) => (
              <li key={`${m.t}-${i}`}>
                <span className="marker-dot" style={{ background: m.color }} aria-hidden="true" />
                <time dateTime={new Date(m.t).toISOString()}>{formatDateTime(m.t)}</time> {m.label}
              </li>
            ))}
          </ol>
        )}
      </figcaption>
    </figure>
  );
}
