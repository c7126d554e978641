import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { useSearchParams } from 'react-router';
import { MAX_CALL_SEARCH_DAYS, type RouteWeightsView } from '@stilts/admin-contract';
import { adminQuery } from '../../api/queries';
import { formatMicroUsd, formatPercent } from '../../charts/format';
import { weightHistoryChart } from '../../charts/weights-chart-data';
import { TimeSeriesChart } from '../../charts/time-series-chart';
import { DataTable } from '../../components/data-table';
import { EmptyState, QueryState } from '../../components/states';
import { TimeRangePicker } from '../../components/time-range-picker';
import { Badge, PageHeader, Panel, Id } from '../../components/ui';
import { resolveTimeRange, type TimeRangeSelection } from '../../time/time-range';
import { useTimeRange } from '../../time/use-time-range';

/** λ from 0 to at least 1, so that λ = 0 lies flat on the bottom instead of mid-axis. */
const LAMBDA_DOMAIN = [0, (max: number) => Math.max(1, max)] as const;

function historyQuery(route: string, selection: TimeRangeSelection) {
  return adminQuery(
    'weightHistory',
    () => {
      const range = resolveTimeRange(selection, Date.now());
      return {
        params: { route },
        query: {
          from: new Date(range.from).toISOString(),
          to: new Date(range.to).toISOString(),
          points: 500,
        },
      };
    },
    { route, selection },
  );
}

/** Each route's weights over time (stacked), λ on the second axis, overrides as markers. */
export function WeightsPage() {
  const [selection, setSelection] = useTimeRange('24h');
  const [params, setParams] = useSearchParams();
  const routeSelectId = useId();
  const weights = useQuery({ ...adminQuery('listWeights'), refetchInterval: 15_000 });
  const routes = weights.data?.items ?? [];
  const routeName = params.get('route') ?? routes[0]?.route ?? null;
  const current = routes.find((r) => r.route === routeName);

  const history = useQuery({
    ...historyQuery(routeName ?? '', selection),
    enabled: routeName !== null,
    refetchInterval: 30_000,
    placeholderData: keepPreviousData,
  });
  const overrides = useQuery({
    ...adminQuery('listOverrides', { query: { status: 'all', limit: 200 } }),
    refetchInterval: 30_000,
  });

  return (
    <>
      <PageHeader
        title="Weights"
        description="How the bandit shares each route's traffic, and the budget pressure (λ) behind it."
        actions={
          <>
            {routes.length > 0 && (
              <label className="inline-field" htmlFor={routeSelectId}>
                <span>Route</span>
                <select
                  id={routeSelectId}
                  className="input input--compact"
                  value={routeName ?? ''}
                  onChange={(e) =>
                    setParams((p) => {
                      const next = new URLSearchParams(p);
                      next.set('route', e.target.value);
                      return next;
                    })
                  }
                >
                  {routes.map((r) => (
                    <option key={r.route} value={r.route}>
                      {r.route}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <TimeRangePicker
              value={selection}
              onChange={setSelection}
              maxDays={MAX_CALL_SEARCH_DAYS}
            />
          </>
        }
      />
      <QueryState
        query={weights}
        loadingLabel="Loading routes"
        isEmpty={(d) => d.items.length === 0}
        empty={<EmptyState title="No routes yet" />}
      >
        {() =>
          routeName === null || !current ? (
            <EmptyState title={`No route named ${routeName ?? ''}`} />
          ) : (
            <>
              <Panel title={`Weights of ${routeName} over time`}>
                <QueryState query={history} loadingLabel="Loading the weight history">
                  {(h) => (
                    <>
                      <TimeSeriesChart
                        title={`Weights of ${routeName} over time, stacked, with lambda`}
                        data={weightHistoryChart(h, {
                          members: current.deployments.map((d) => d.deploymentId),
                          overrides: overrides.data?.items,
                          now: history.dataUpdatedAt,
                        })}
                        units={{ left: 'weight', right: 'number' }}
                        leftDomain={[0, 1]}
                        rightDomain={LAMBDA_DOMAIN}
                        height={300}
                        emptyMessage={
                          current.source === 'configured'
                            ? `${routeName} uses configured weights (${current.strategy}): no snapshots to chart.`
                            : 'No weight snapshots in this range yet (the job runs every 15 s).'
                        }
                      />
                      {h.downsampled && (
                        <p className="muted small">
                          Showing {h.points.length} of {h.total} snapshots (evenly spaced).
                        </p>
                      )}
                    </>
                  )}
                </QueryState>
              </Panel>
              <CurrentWeights route={current} />
            </>
          )
        }
      </QueryState>
    </>
  );
}

/** The weights in force now, with the bandit's reasons and the pacing. */
function CurrentWeights(props: { route: RouteWeightsView }) {
  const { route } = props;
  const pacing = route.snapshot?.pacing;
  return (
    <Panel
      title="Now"
      actions={
        <>
          <Badge tone="info">{route.strategy}</Badge>
          {route.frozen && <Badge tone="warn">frozen</Badge>}
          {route.snapshot && <Badge>λ {route.snapshot.lambda.toFixed(3)}</Badge>}
        </>
      }
    >
      {pacing && (
        <p className="small">
          Budget pacing: projected {formatMicroUsd(pacing.projectedMicroUsdPerMinute)}/min against a
          target of {formatMicroUsd(pacing.targetMicroUsdPerMinute)}/min at{' '}
          {pacing.requestsPerMinute.toFixed(1)} requests/min
          {pacing.feasible ? '.' : ' — not feasible even at full pressure.'}
        </p>
      )}
      <DataTable
        caption={`Current weights of ${route.route}`}
        rows={route.deployments}
        rowKey={(d) => d.deploymentId}
        columns={[
          {
            key: 'id',
            header: 'Deployment',
            render: (d) => <Id value={d.deploymentId} />,
          },
          {
            key: 'weight',
            header: 'Bandit',
            align: 'right',
            render: (d) => formatPercent(d.weight, 1),
          },
          {
            key: 'effective',
            header: 'Effective',
            align: 'right',
            render: (d) => formatPercent(d.effectiveWeight, 1),
          },
          {
            key: 'success',
            header: 'P(success)',
            align: 'right',
            secondary: true,
            render: (d) => (d.posterior ? formatPercent(d.posterior.successMean) : '—'),
          },
          {
            key: 'fast',
            header: 'P(fast)',
            align: 'right',
            secondary: true,
            render: (d) => (d.posterior ? formatPercent(d.posterior.fastMean) : '—'),
          },
          {
            key: 'cost',
            header: 'Cost / success',
            align: 'right',
            secondary: true,
            render: (d) => (d.posterior ? formatMicroUsd(d.posterior.costPerSuccessMicroUsd) : '—'),
          },
          { key: 'reason', header: 'Why', render: (d) => d.reason || '—' },
        ]}
      />
    </Panel>
  );
}
