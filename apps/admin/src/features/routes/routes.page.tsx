import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Provider, RouteWeightsView } from '@stilts/admin-contract';
import { metricsQuery } from '../../api/metrics-query';
import { adminQuery } from '../../api/queries';
import {
  formatCompactDateTime,
  formatDateTime,
  formatMicroUsd,
  formatMs,
  formatPercent,
  formatValue,
} from '../../charts/format';
import { providerOf, totalsByKey, type KeyTotals } from '../../charts/metrics-chart-data';
import { describeOverride } from '../../charts/weights-chart-data';
import { DataTable, type Column } from '../../components/data-table';
import { Drawer } from '../../components/drawer';
import { EmptyState, ErrorState, Loading, QueryState } from '../../components/states';
import { TimeRangePicker } from '../../components/time-range-picker';
import { Badge, PageHeader, Panel, type BadgeTone, Id } from '../../components/ui';
import { useTimeRange } from '../../time/use-time-range';
import { useSession } from '../auth/session';
import {
  deploymentRows,
  routeFreeze,
  type BreakerSummary,
  type DeploymentRow,
} from './deployment-rows';
import { OverrideDialog } from './override-dialog';
import { actionTitle, pinLabel, rowActions, type OverrideAction } from './override-actions';
import { ProviderToggleDialog } from './provider-toggle-dialog';

const BREAKER_TONES: Readonly<Record<BreakerSummary['state'], BadgeTone>> = {
  closed: 'good',
  open: 'bad',
  'half-open': 'warn',
  'forced-open': 'bad',
  'forced-closed': 'warn',
  mixed: 'warn',
  unknown: 'neutral',
};

/** The breaker as a badge: `closed`, `open`, `forced open`, `open on 1/3` ... */
export function BreakerBadge(props: { breaker: BreakerSummary }) {
  const { breaker } = props;
  const text =
    breaker.state === 'mixed'
      ? `open on ${breaker.openOn}/${breaker.replicas}`
      : breaker.state === 'unknown'
        ? 'no replica'
        : breaker.state.replace('-', ' ');
  return (
    <Badge
      tone={BREAKER_TONES[breaker.state]}
      title={breaker.retryAt ? `probe at ${formatDateTime(breaker.retryAt)}` : undefined}
    >
      {text}
    </Badge>
  );
}

function statusTone(status: string): BadgeTone {
  if (status === 'eligible') return 'good';
  if (status.includes('budget')) return 'warn';
  return 'bad';
}

function WeightCell(props: { value: number; label: string }) {
  return (
    <span
      className="weight"
      role="meter"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(props.value * 1000) / 10}
      aria-valuetext={formatPercent(props.value, 1)}
    >
      <span>{formatPercent(props.value, 1)}</span>
      <span className="weight__track" aria-hidden="true">
        <span
          className="weight__bar"
          style={{ width: `${Math.min(1, Math.max(0, props.value)) * 100}%` }}
        />
      </span>
    </span>
  );
}

function statColumns(): Column<DeploymentRow>[] {
  const stat = (row: DeploymentRow): KeyTotals | undefined => row.stats;
  return [
    {
      key: 'success',
      header: 'Success',
      align: 'right',
      render: (r) => formatValue('percent', stat(r)?.successRate),
    },
    {
      key: 'p95',
      header: 'p95',
      align: 'right',
      render: (r) => formatValue('ms', stat(r)?.latencyP95Ms),
    },
    {
      key: 'cost',
      header: <abbr title="Spend per 1,000 calls to this deployment">Cost / 1k</abbr>,
      label: 'Cost / 1k',
      align: 'right',
      render: (r) => formatValue('microUsd', stat(r)?.costPer1kMicroUsd),
    },
  ];
}

/** Each route's deployments: weights, breakers, health, and the operator's overrides. */
export function RoutesPage() {
  const { canWrite } = useSession();
  const [selection, setSelection] = useTimeRange('1h');
  const [action, setAction] = useState<OverrideAction | null>(null);
  const [selected, setSelected] = useState<{ route: string; deploymentId: string } | null>(null);
  const [toggle, setToggle] = useState<Provider | null>(null);

  const weights = useQuery({ ...adminQuery('listWeights'), refetchInterval: 10_000 });
  const live = useQuery({ ...adminQuery('live'), refetchInterval: 5_000 });
  const overrides = useQuery({
    ...adminQuery('listOverrides', { query: { status: 'active', limit: 200 } }),
    refetchInterval: 10_000,
  });
  const deployments = useQuery(adminQuery('listDeployments'));
  const providers = useQuery(adminQuery('listProviders'));
  const metrics = useQuery({
    ...metricsQuery(selection, 'deployment'),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });

  const catalog = new Map((deployments.data?.items ?? []).map((d) => [d.id, d.providerId]));
  const stats = totalsByKey(metrics.data);
  const rowsOf = (route: RouteWeightsView): DeploymentRow[] =>
    deploymentRows(route, {
      live: live.data,
      stats,
      overrides: overrides.data?.items,
      providerOf: (id) => providerOf(id, catalog),
    });
  const selectedRow = selected
    ? weights.data?.items
        .filter((r) => r.route === selected.route)
        .flatMap(rowsOf)
        .find((r) => r.deploymentId === selected.deploymentId)
    : undefined;

  const columns: Column<DeploymentRow>[] = [
    {
      key: 'deployment',
      header: 'Deployment',
      render: (r) => (
        <div className="cell-stack">
          <Id value={r.deploymentId} />
          <span className="muted small">{r.providerId}</span>
        </div>
      ),
    },
    {
      key: 'status',
      header: 'Status',
      render: (r) => (
        <Badge tone={r.disabledByOverride ? 'bad' : statusTone(r.status)}>
          {r.disabledByOverride ? 'disabled (override)' : r.status}
        </Badge>
      ),
    },
    {
      key: 'bandit',
      header: 'Bandit',
      align: 'right',
      render: (r) => <WeightCell value={r.banditWeight} label="bandit weight" />,
    },
    {
      key: 'effective',
      header: 'Effective',
      align: 'right',
      render: (r) => <WeightCell value={r.effectiveWeight} label="effective weight" />,
    },
    { key: 'pin', header: 'Pin', align: 'right', render: (r) => pinLabel(r.pinnedWeight) },
    { key: 'breaker', header: 'Breaker', render: (r) => <BreakerBadge breaker={r.breaker} /> },
    ...statColumns(),
    {
      key: 'manage',
      header: <span className="visually-hidden">Actions</span>,
      render: (r) => (
        <button
          type="button"
          className="button button--small"
          onClick={() => setSelected({ route: r.route, deploymentId: r.deploymentId })}
          aria-label={`${canWrite ? 'Manage' : 'Details of'} ${r.deploymentId} in ${r.route}`}
        >
          {canWrite ? 'Manage' : 'Details'}
        </button>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Routes & providers"
        description="Weights the bandit chose, what is in force after overrides, breakers and health per deployment."
        actions={<TimeRangePicker value={selection} onChange={setSelection} maxDays={400} />}
      />
      {metrics.isError && <ErrorState title="Health figures unavailable" error={metrics.error} />}
      <QueryState
        query={weights}
        loadingLabel="Loading routes"
        isEmpty={(d) => d.items.length === 0}
        empty={
          <EmptyState title="No routes yet">
            Routes come from the configuration file, provider credentials or the simulator.
          </EmptyState>
        }
      >
        {(data) => (
          <>
            {data.items.map((route) => {
              const frozen = routeFreeze(overrides.data?.items ?? [], route.route);
              return (
                <Panel
                  key={route.route}
                  title={route.route}
                  className="route-panel"
                  actions={
                    <>
                      <Badge tone="info">{route.strategy}</Badge>
                      {route.frozen && <Badge tone="warn">frozen</Badge>}
                      {canWrite && route.strategy === 'adaptive' && (
                        <button
                          type="button"
                          className="button button--small"
                          onClick={() =>
                            setAction(
                              frozen
                                ? { type: 'revoke', override: frozen }
                                : {
                                    type: 'create',
                                    kind: 'freeze_route',
                                    route: route.route,
                                    deploymentId: null,
                                  },
                            )
                          }
                        >
                          {frozen ? 'Unfreeze' : 'Freeze'}
                        </button>
                      )}
                    </>
                  }
                >
                  <p className="muted small route-meta">
                    {route.snapshot
                      ? `Snapshot v${route.snapshot.version} by ${route.snapshot.computedBy}, ${formatDateTime(route.snapshot.computedAt)} · λ ${route.snapshot.lambda.toFixed(3)}`
                      : route.source === 'configured'
                        ? 'Configured weights (no bandit snapshot).'
                        : 'No snapshot yet: the weights job has not run for this route.'}
                  </p>
                  <DataTable
                    caption={`Deployments of ${route.route}`}
                    columns={columns}
                    rows={rowsOf(route)}
                    rowKey={(r) => r.deploymentId}
                  />
                </Panel>
              );
            })}
          </>
        )}
      </QueryState>

      <Panel title="Providers">
        <QueryState
          query={providers}
          loadingLabel="Loading providers"
          isEmpty={(d) => d.items.length === 0}
          empty={<EmptyState title="No providers" />}
        >
          {(data) => (
            <DataTable
              caption="Providers"
              rows={data.items}
              rowKey={(p) => p.id}
              columns={[
                {
                  key: 'id',
                  header: 'Provider',
                  render: (p) => <Id value={p.id} />,
                },
                { key: 'kind', header: 'API', render: (p) => p.kind },
                {
                  key: 'url',
                  header: 'Base URL',
                  secondary: true,
                  render: (p) => <span className="mono small">{p.baseUrl}</span>,
                },
                {
                  key: 'key',
                  header: 'Key',
                  secondary: true,
                  render: (p) => (p.apiKey.set ? `set (${p.apiKey.source ?? '?'})` : 'none'),
                },
                {
                  key: 'enabled',
                  header: 'State',
                  render: (p) => (
                    <Badge tone={p.enabled ? 'good' : 'bad'}>
                      {p.enabled ? 'enabled' : 'disabled'}
                    </Badge>
                  ),
                },
                {
                  key: 'actions',
                  header: <span className="visually-hidden">Actions</span>,
                  render: (p) =>
                    canWrite ? (
                      <button
                        type="button"
                        className="button button--small"
                        onClick={() => setToggle(p)}
                        aria-label={`${p.enabled ? 'Disable' : 'Enable'} provider ${p.id}`}
                      >
                        {p.enabled ? 'Disable' : 'Enable'}
                      </button>
                    ) : null,
                },
              ]}
            />
          )}
        </QueryState>
      </Panel>

      <Panel title="Overrides in force">
        <QueryState
          query={overrides}
          loadingLabel="Loading overrides"
          isEmpty={(d) => d.items.length === 0}
          empty={
            <EmptyState title="No overrides">
              The weights job and the breakers decide alone.
            </EmptyState>
          }
        >
          {(data) => (
            <DataTable
              caption="Overrides in force"
              rows={data.items}
              rowKey={(o) => o.id}
              columns={[
                { key: 'what', header: 'Override', render: (o) => describeOverride(o) },
                { key: 'route', header: 'Route', render: (o) => o.route ?? 'every route' },
                { key: 'actor', header: 'By', secondary: true, render: (o) => o.actor },
                { key: 'reason', header: 'Reason', secondary: true, render: (o) => o.reason },
                {
                  key: 'since',
                  header: 'Since',
                  secondary: true,
                  render: (o) => formatCompactDateTime(o.createdAt, overrides.dataUpdatedAt),
                },
                {
                  key: 'expires',
                  header: 'Expires',
                  secondary: true,
                  render: (o) =>
                    o.expiresAt
                      ? formatCompactDateTime(o.expiresAt, overrides.dataUpdatedAt)
                      : 'never',
                },
                {
                  key: 'revoke',
                  header: <span className="visually-hidden">Actions</span>,
                  render: (o) =>
                    canWrite ? (
                      <button
                        type="button"
                        className="button button--small"
                        onClick={() => setAction({ type: 'revoke', override: o })}
                        aria-label={`Revoke ${describeOverride(o)}`}
                      >
                        Revoke
                      </button>
                    ) : null,
                },
              ]}
            />
          )}
        </QueryState>
      </Panel>

      <Drawer
        open={selected !== null}
        title={selected?.deploymentId ?? ''}
        subtitle={selected ? `in ${selected.route}` : undefined}
        onClose={() => setSelected(null)}
      >
        {selectedRow ? (
          <DeploymentDetail
            row={selectedRow}
            route={weights.data?.items.find((r) => r.route === selectedRow.route)}
            canWrite={canWrite}
            onAction={setAction}
          />
        ) : (
          <Loading label="Loading the deployment" />
        )}
      </Drawer>
      <OverrideDialog action={action} onClose={() => setAction(null)} />
      <ProviderToggleDialog provider={toggle} onClose={() => setToggle(null)} />
    </>
  );
}

function DeploymentDetail(props: {
  row: DeploymentRow;
  route: RouteWeightsView | undefined;
  canWrite: boolean;
  onAction: (action: OverrideAction) => void;
}) {
  const { row } = props;
  const view = props.route?.deployments.find((d) => d.deploymentId === row.deploymentId);
  const posterior = view?.posterior;
  return (
    <div className="detail">
      <dl className="facts">
        <dt>Provider</dt>
        <dd>{row.providerId}</dd>
        <dt>Status</dt>
        <dd>{row.disabledByOverride ? 'disabled by an override' : row.status}</dd>
        <dt>Bandit weight</dt>
        <dd>{formatPercent(row.banditWeight, 1)}</dd>
        <dt>Effective weight</dt>
        <dd>{formatPercent(row.effectiveWeight, 1)}</dd>
        <dt>Pinned</dt>
        <dd>{pinLabel(row.pinnedWeight)}</dd>
        {view && (
          <>
            <dt>Win share / floor</dt>
            <dd>
              {formatPercent(view.winShare, 1)} / {formatPercent(view.floor, 1)}
            </dd>
          </>
        )}
        <dt>Breaker</dt>
        <dd>
          <BreakerBadge breaker={row.breaker} />
        </dd>
        <dt>Why this weight</dt>
        <dd>{row.reason || '—'}</dd>
      </dl>
      {posterior && (
        <>
          <h3 className="detail__heading">Posterior</h3>
          <dl className="facts">
            <dt>P(success)</dt>
            <dd>{formatPercent(posterior.successMean)}</dd>
            <dt>P(fast | success)</dt>
            <dd>{formatPercent(posterior.fastMean)}</dd>
            <dt>Evidence</dt>
            <dd>
              {posterior.effectiveCalls.toFixed(1)} effective calls ({posterior.rawCalls} raw)
            </dd>
            <dt>Cost per success</dt>
            <dd>{formatMicroUsd(posterior.costPerSuccessMicroUsd)}</dd>
            <dt>Mean latency</dt>
            <dd>{posterior.meanLatencyMs === null ? '—' : formatMs(posterior.meanLatencyMs)}</dd>
            <dt>Mean utility</dt>
            <dd>{posterior.meanUtility.toFixed(3)}</dd>
          </dl>
        </>
      )}
      {props.canWrite ? (
        <>
          <h3 className="detail__heading">Actions</h3>
          <div className="action-list">
            {rowActions(row).map((a) => (
              <button
                key={`${a.type}-${a.type === 'create' ? a.kind : a.override.id}`}
                type="button"
                className={`button${a.type === 'revoke' ? '' : ' button--outline'}`}
                onClick={() => props.onAction(a)}
              >
                {actionTitle(a)}
              </button>
            ))}
          </div>
        </>
      ) : (
        <p className="muted small">Your role is viewer: overrides need an admin token.</p>
      )}
    </div>
  );
}
