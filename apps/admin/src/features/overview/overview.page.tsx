import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Budget } from '@stilts/admin-contract';
import { useSearchParams } from 'react-router';
import { metricsQuery } from '../../api/metrics-query';
import { adminQuery } from '../../api/queries';
import {
  METRIC_UNITS,
  groupedMetricChart,
  providerOf,
  rangeTotals,
  type GroupMetric,
} from '../../charts/metrics-chart-data';
import { formatMicroUsd, formatMs, formatPercent, formatValue } from '../../charts/format';
import { TimeSeriesChart } from '../../charts/time-series-chart';
import { TimeRangePicker } from '../../components/time-range-picker';
import { ErrorState, Loading } from '../../components/states';
import { PageHeader, Panel, ProgressBar, StatCard } from '../../components/ui';
import { useTimeRange } from '../../time/use-time-range';
import { periodBounds } from '../budgets/budget-projection';

/** Auto-refresh choices, kept in the URL as `?refresh=`. */
const REFRESH: readonly {
  readonly value: string;
  readonly label: string;
  readonly ms: number | false;
}[] = [
  { value: '15s', label: 'Every 15 s', ms: 15_000 },
  { value: '1m', label: 'Every minute', ms: 60_000 },
  { value: 'off', label: 'Off', ms: false },
];

/**
 * The budget the Overview compares today's spend with: an enforced global one, a daily one
 * first (its period is today).
 */
export function pickGlobalBudget(budgets: readonly Budget[]): Budget | undefined {
  const global = budgets.filter((b) => b.enabled && b.scope === 'global');
  return global.find((b) => b.period === 'day') ?? global[0];
}

/** Spend since the start of today (UTC, as budgets count days), evaluated at fetch time. */
function spendTodayQuery() {
  return adminQuery(
    'metrics',
    () => {
      const now = Date.now();
      return {
        query: {
          from: new Date(periodBounds('day', now).start).toISOString(),
          to: new Date(now).toISOString(),
          resolution: 'hour' as const,
          groupBy: 'none' as const,
        },
      };
    },
    'spend-today',
  );
}

const DEFAULT_REFRESH = { value: '15s', label: 'Every 15 s', ms: 15_000 } as const;

const CHARTS: readonly {
  readonly metric: GroupMetric;
  readonly title: string;
  readonly leftDomain?: readonly [number, number];
}[] = [
  { metric: 'requestsPerMinute', title: 'Requests per minute' },
  { metric: 'successRate', title: 'Success rate (per attempt)', leftDomain: [0, 1] },
  { metric: 'latencyP95Ms', title: 'p95 latency (successful attempts)' },
  { metric: 'costMicroUsd', title: 'Spend' },
];

/** Requests, success, latency and spend at a glance, one line per provider. */
export function OverviewPage() {
  const [selection, setSelection] = useTimeRange('1h');
  const [params, setParams] = useSearchParams();
  const refresh = REFRESH.find((r) => r.value === params.get('refresh')) ?? DEFAULT_REFRESH;
  const live = { refetchInterval: refresh.ms, placeholderData: keepPreviousData } as const;

  const byDeployment = useQuery({ ...metricsQuery(selection, 'deployment'), ...live });
  const totals = useQuery({ ...metricsQuery(selection, 'none'), ...live });
  const today = useQuery({ ...spendTodayQuery(), ...live });
  const deployments = useQuery({ ...adminQuery('listDeployments'), staleTime: 60_000 });
  const budgets = useQuery({ ...adminQuery('listBudgets'), ...live });
  const globalBudget = pickGlobalBudget(budgets.data?.items ?? []);
  const catalog = new Map((deployments.data?.items ?? []).map((d) => [d.id, d.providerId]));
  const groupOf = (key: string | null): string => providerOf(key ?? 'all', catalog);

  const sum = totals.data ? rangeTotals(totals.data) : undefined;
  const spentToday = today.data ? rangeTotals(today.data).costMicroUsd : undefined;

  return (
    <>
      <PageHeader
        title="Overview"
        description="Traffic through the gateway, one line per provider."
        actions={
          <>
            <TimeRangePicker value={selection} onChange={setSelection} maxDays={400} />
            <label className="inline-field">
              <span>Auto-refresh</span>
              <select
                className="input input--compact"
                value={refresh.value}
                onChange={(e) =>
                  setParams((p) => {
                    const next = new URLSearchParams(p);
                    next.set('refresh', e.target.value);
                    return next;
                  })
                }
              >
                {REFRESH.map((r) => (
                  <option key={r.value} value={r.value}>
                    {r.label}
                  </option>
                ))}
              </select>
            </label>
          </>
        }
      />
      <section className="stats" aria-label="Headline numbers">
        {totals.isError ? (
          <ErrorState error={totals.error} onRetry={() => void totals.refetch()} />
        ) : (
          <>
            <StatCard
              label="Requests / min"
              value={sum ? formatValue('count', sum.requestsPerMinute) : '…'}
              detail={sum ? `${formatValue('count', sum.requests)} requests in range` : undefined}
            />
            <StatCard
              label="Success rate"
              value={sum?.successRate != null ? formatPercent(sum.successRate) : sum ? '—' : '…'}
              tone={
                sum?.successRate == null
                  ? 'default'
                  : sum.successRate >= 0.99
                    ? 'good'
                    : sum.successRate >= 0.95
                      ? 'warn'
                      : 'bad'
              }
              detail={
                sum?.attemptSuccessRate != null
                  ? `${formatPercent(sum.attemptSuccessRate)} of upstream attempts`
                  : undefined
              }
            />
            <StatCard
              label="p95 latency"
              value={sum?.latencyP95Ms != null ? formatMs(sum.latencyP95Ms) : sum ? '—' : '…'}
              detail="successful attempts"
            />
            <StatCard
              label="Spend today (UTC)"
              value={spentToday !== undefined ? formatMicroUsd(spentToday) : '…'}
              tone={
                globalBudget === undefined
                  ? 'default'
                  : globalBudget.status.spentMicroUsd >= globalBudget.amountMicroUsd
                    ? 'bad'
                    : globalBudget.status.projectedMicroUsd > globalBudget.amountMicroUsd
                      ? 'warn'
                      : 'good'
              }
              detail={
                globalBudget ? (
                  <>
                    {globalBudget.period === 'day'
                      ? `of ${formatMicroUsd(globalBudget.amountMicroUsd)} daily budget`
                      : `${formatMicroUsd(globalBudget.status.spentMicroUsd)} of ${formatMicroUsd(globalBudget.amountMicroUsd)} this ${globalBudget.period}`}
                    <ProgressBar
                      label={`${globalBudget.name}: spend this ${globalBudget.period}`}
                      value={
                        globalBudget.status.spentMicroUsd / Math.max(1, globalBudget.amountMicroUsd)
                      }
                      projected={
                        globalBudget.status.projectedMicroUsd /
                        Math.max(1, globalBudget.amountMicroUsd)
                      }
                      valueText={`${formatPercent(globalBudget.status.spentMicroUsd / Math.max(1, globalBudget.amountMicroUsd), 1)} spent`}
                    />
                  </>
                ) : (
                  'No global budget'
                )
              }
            />
          </>
        )}
      </section>
      <div className="grid grid--2">
        {CHARTS.map((c) => (
          <Panel
            key={c.metric}
            title={
              c.metric === 'costMicroUsd' && byDeployment.data
                ? `Spend per ${byDeployment.data.resolution}`
                : c.title
            }
          >
            {byDeployment.isPending ? (
              <Loading label={`Loading ${c.title.toLowerCase()}`} />
            ) : byDeployment.isError ? (
              <ErrorState error={byDeployment.error} onRetry={() => void byDeployment.refetch()} />
            ) : (
              <TimeSeriesChart
                title={`${c.title} by provider`}
                data={groupedMetricChart(byDeployment.data, c.metric, groupOf)}
                units={{ left: METRIC_UNITS[c.metric] }}
                leftDomain={c.leftDomain}
                emptyMessage="No traffic in this range yet."
              />
            )}
          </Panel>
        ))}
      </div>
    </>
  );
}
