import { useId } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import {
  MAX_CALL_SEARCH_DAYS,
  type AttemptOutcome,
  type CallAttempt,
  type CallDetail,
} from '@stilts/admin-contract';
import { callAdmin } from '../../api/admin-client';
import { adminKey, adminQuery } from '../../api/queries';
import {
  formatCount,
  formatCompactDateTime,
  formatDateTime,
  formatMicroUsd,
  formatMs,
  formatPercent,
} from '../../charts/format';
import { DataTable, type Column } from '../../components/data-table';
import { Drawer } from '../../components/drawer';
import { EmptyState, ErrorState, Loading, QueryState } from '../../components/states';
import { TimeRangePicker } from '../../components/time-range-picker';
import { Badge, PageHeader, Panel, type BadgeTone, Id } from '../../components/ui';
import { resolveTimeRange } from '../../time/time-range';
import { useTimeRange } from '../../time/use-time-range';
import {
  OUTCOME_OPTIONS,
  callFilterQuery,
  parseCallFilters,
  withCallFilters,
  type CallFilters,
} from './call-filters';

export function outcomeTone(outcome: AttemptOutcome): BadgeTone {
  if (outcome === 'success') return 'good';
  if (outcome === 'caller_error' || outcome === 'aborted') return 'neutral';
  if (outcome === 'rate_limited' || outcome === 'interrupted') return 'warn';
  return 'bad';
}

interface CallsPage {
  readonly items: CallAttempt[];
  readonly nextCursor: string | null;
  readonly from: string;
  readonly to: string;
}
type PageParam = { readonly cursor: string; readonly from: string; readonly to: string } | null;

/** The call ledger: filter, page through, open one request. */
export function CallsPage() {
  const [selection, setSelection] = useTimeRange('1h');
  const [params, setParams] = useSearchParams();
  const filters = parseCallFilters(params);
  const selectedId = params.get('call');
  const ids = { route: useId(), deployment: useId(), outcome: useId(), first: useId() };

  const routes = useQuery(adminQuery('listRoutes'));
  const deployments = useQuery(adminQuery('listDeployments'));

  // The first page fixes the window ("last hour" as of then); later pages keep it, so the
  // cursor walks one consistent range. A refetch starts over with a new window.
  const calls = useInfiniteQuery({
    queryKey: adminKey('searchCalls', { selection, filters }),
    initialPageParam: null as PageParam,
    queryFn: async ({ pageParam, signal }): Promise<CallsPage> => {
      let window: { from: string; to: string };
      if (pageParam) {
        window = { from: pageParam.from, to: pageParam.to };
      } else {
        const r = resolveTimeRange(selection, Date.now());
        window = { from: new Date(r.from).toISOString(), to: new Date(r.to).toISOString() };
      }
      const page = await callAdmin(
        'searchCalls',
        {
          query: {
            ...window,
            limit: 50,
            ...callFilterQuery(filters),
            ...(pageParam ? { cursor: pageParam.cursor } : {}),
          },
        },
        { signal },
      );
      return { ...page, ...window };
    },
    getNextPageParam: (last): PageParam =>
      last.nextCursor ? { cursor: last.nextCursor, from: last.from, to: last.to } : null,
  });
  const rows = calls.data?.pages.flatMap((p) => p.items) ?? [];

  const setFilters = (patch: Partial<CallFilters>): void =>
    setParams((p) => withCallFilters(p, { ...filters, ...patch }));
  const open = (row: CallAttempt): void =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      next.set('call', row.requestId);
      next.set('at', row.startedAt);
      return next;
    });
  const close = (): void =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      next.delete('call');
      next.delete('at');
      return next;
    });

  const columns: Column<CallAttempt>[] = [
    {
      key: 'time',
      header: 'Started',
      render: (c) => (
        <time dateTime={c.startedAt} title={formatDateTime(c.startedAt)}>
          {formatCompactDateTime(c.startedAt, calls.dataUpdatedAt)}
        </time>
      ),
    },
    { key: 'route', header: 'Route', secondary: true, render: (c) => c.route },
    {
      key: 'deployment',
      header: 'Deployment',
      render: (c) => <Id value={c.deploymentId} />,
    },
    { key: 'attempt', header: '#', align: 'right', render: (c) => c.attempt },
    {
      key: 'outcome',
      header: 'Outcome',
      render: (c) => (
        <Badge tone={outcomeTone(c.outcome)}>
          {c.outcome.replace('_', ' ')}
          {c.httpStatus ? ` ${c.httpStatus}` : ''}
        </Badge>
      ),
    },
    { key: 'latency', header: 'Latency', align: 'right', render: (c) => formatMs(c.latencyMs) },
    {
      key: 'tokens',
      header: 'Tokens in/out',
      align: 'right',
      secondary: true,
      render: (c) => `${formatCount(c.inputTokens)} / ${formatCount(c.outputTokens)}`,
    },
    {
      key: 'cost',
      header: 'Cost',
      align: 'right',
      secondary: true,
      render: (c) => formatMicroUsd(c.costMicroUsd),
    },
    { key: 'stream', header: 'Stream', secondary: true, render: (c) => (c.streamed ? 'yes' : '') },
  ];

  return (
    <>
      <PageHeader
        title="Calls"
        description="Every upstream attempt, newest first. Open one to see why each deployment was chosen."
        actions={
          <TimeRangePicker
            value={selection}
            onChange={setSelection}
            maxDays={MAX_CALL_SEARCH_DAYS}
          />
        }
      />
      <form className="filters" aria-label="Filter calls" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor={ids.route}>Route</label>
        <select
          id={ids.route}
          className="input input--compact"
          value={filters.route ?? ''}
          onChange={(e) => setFilters({ route: e.target.value || null })}
        >
          <option value="">Any route</option>
          {(routes.data?.items ?? []).map((r) => (
            <option key={r.name} value={r.name}>
              {r.name}
            </option>
          ))}
        </select>
        <label htmlFor={ids.deployment}>Deployment</label>
        <select
          id={ids.deployment}
          className="input input--compact"
          value={filters.deploymentId ?? ''}
          onChange={(e) => setFilters({ deploymentId: e.target.value || null })}
        >
          <option value="">Any deployment</option>
          {(deployments.data?.items ?? []).map((d) => (
            <option key={d.id} value={d.id}>
              {d.id}
            </option>
          ))}
        </select>
        <label htmlFor={ids.outcome}>Outcome</label>
        <select
          id={ids.outcome}
          className="input input--compact"
          value={filters.outcome ?? ''}
          onChange={(e) =>
            setFilters({ outcome: (e.target.value || null) as CallFilters['outcome'] })
          }
        >
          <option value="">Any outcome</option>
          <option value="failures">Any failure</option>
          {OUTCOME_OPTIONS.map((o) => (
            <option key={o} value={o}>
              {o.replace('_', ' ')}
            </option>
          ))}
        </select>
        <label className="checkbox" htmlFor={ids.first}>
          <input
            id={ids.first}
            type="checkbox"
            checked={filters.firstAttemptOnly}
            onChange={(e) => setFilters({ firstAttemptOnly: e.target.checked })}
          />
          One row per request
        </label>
        <button type="button" className="button button--small" onClick={() => void calls.refetch()}>
          Refresh
        </button>
      </form>
      <Panel>
        {calls.isPending ? (
          <Loading label="Loading calls" rows={6} />
        ) : calls.isError ? (
          <ErrorState error={calls.error} onRetry={() => void calls.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState title="No calls match">
            Try a longer time range or fewer filters. Calls appear here within a second of being
            made.
          </EmptyState>
        ) : (
          <>
            <DataTable
              caption="Calls"
              rows={rows}
              columns={columns}
              rowKey={(c) => `${c.requestId}#${c.attempt}`}
              onRowClick={open}
              rowLabel={(c) => `Request ${c.requestId}, attempt ${c.attempt}, ${c.outcome}`}
              selectedKey={null}
            />
            <div className="table-footer">
              <span className="muted small">{rows.length} attempts shown</span>
              {calls.hasNextPage && (
                <button
                  type="button"
                  className="button"
                  onClick={() => void calls.fetchNextPage()}
                  disabled={calls.isFetchingNextPage}
                >
                  {calls.isFetchingNextPage ? 'Loading…' : 'Load more'}
                </button>
              )}
            </div>
          </>
        )}
      </Panel>
      <Drawer
        open={selectedId !== null}
        title="Request"
        subtitle={<span className="mono small">{selectedId}</span>}
        onClose={close}
      >
        {selectedId && <CallDetailView requestId={selectedId} around={params.get('at')} />}
      </Drawer>
    </>
  );
}

const DECISION_TONES: Readonly<Record<CallDetail['decisions'][number]['decision'], BadgeTone>> = {
  answered: 'good',
  failed: 'bad',
  'not-reached': 'neutral',
  excluded: 'warn',
};

/** One request: its attempts, and the decision behind each deployment's place. */
export function CallDetailView(props: { requestId: string; around: string | null }) {
  const detail = useQuery(
    adminQuery('getCall', {
      params: { requestId: props.requestId },
      query: props.around ? { around: props.around } : {},
    }),
  );
  return (
    <QueryState query={detail} loadingLabel="Loading the request">
      {(d) => (
        <div className="detail">
          <dl className="facts">
            <dt>Route</dt>
            <dd>{d.route}</dd>
            <dt>Outcome</dt>
            <dd>
              <Badge tone={outcomeTone(d.outcome)}>{d.outcome.replace('_', ' ')}</Badge>
            </dd>
            <dt>Started</dt>
            <dd>{formatDateTime(d.startedAt)}</dd>
            <dt>Total latency</dt>
            <dd>{formatMs(d.totalLatencyMs)}</dd>
            <dt>Total cost</dt>
            <dd>{formatMicroUsd(d.totalCostMicroUsd)}</dd>
            <dt>Weights snapshot</dt>
            <dd>{d.snapshotVersion === null ? 'configured' : `v${d.snapshotVersion}`}</dd>
            {d.apiKeyId && (
              <>
                <dt>API key</dt>
                <dd className="mono">{d.apiKeyId}</dd>
              </>
            )}
          </dl>
          <h3 className="detail__heading">Attempts</h3>
          <DataTable
            caption={`Attempts of request ${d.requestId}`}
            rows={d.attempts}
            rowKey={(a) => String(a.attempt)}
            columns={[
              { key: 'n', header: '#', align: 'right', render: (a) => a.attempt },
              {
                key: 'dep',
                header: 'Deployment',
                render: (a) => <Id value={a.deploymentId} />,
              },
              {
                key: 'outcome',
                header: 'Outcome',
                render: (a) => (
                  <Badge tone={outcomeTone(a.outcome)}>
                    {a.outcome.replace('_', ' ')}
                    {a.httpStatus ? ` ${a.httpStatus}` : ''}
                  </Badge>
                ),
              },
              {
                key: 'latency',
                header: 'Latency',
                align: 'right',
                render: (a) => formatMs(a.latencyMs),
              },
              {
                key: 'p',
                header: (
                  <abbr title="Probability the planner picked it at this point">p(pick)</abbr>
                ),
                label: 'p(pick)',
                align: 'right',
                render: (a) => formatPercent(a.propensity, 1),
              },
              {
                key: 'cost',
                header: 'Cost',
                align: 'right',
                render: (a) => formatMicroUsd(a.costMicroUsd),
              },
            ]}
          />
          {d.attempts.some((a) => a.errorType) && (
            <ul className="small">
              {d.attempts
                .filter((a) => a.errorType)
                .map((a) => (
                  <li key={a.attempt}>
                    Attempt {a.attempt}: {a.errorType}
                  </li>
                ))}
            </ul>
          )}
          <h3 className="detail__heading">Why these deployments</h3>
          {d.decisions.length === 0 ? (
            <p className="muted small">No plan was recorded for this request.</p>
          ) : (
            <ol className="decisions">
              {d.decisions.map((x) => (
                <li key={x.deploymentId} className="decision">
                  <div className="decision__head">
                    <Id value={x.deploymentId} />
                    <Badge tone={DECISION_TONES[x.decision]}>{x.decision}</Badge>
                  </div>
                  <div className="muted small">
                    {x.position !== null && `#${x.position} in the drawn order · `}
                    {x.weight !== null && `weight ${formatPercent(x.weight, 1)} · `}
                    {x.probability !== null && `pick chance ${formatPercent(x.probability, 1)}`}
                    {x.reason && ` · ${x.reason}`}
                    {x.attempts.length > 0 && ` · attempt ${x.attempts.join(', ')}`}
                  </div>
                </li>
              ))}
            </ol>
          )}
          {d.plan && d.plan.excluded.length > 0 && (
            <p className="small">
              Left out of the plan:{' '}
              {d.plan.excluded.map((e) => `${e.deploymentId} (${e.reason})`).join(', ')}
            </p>
          )}
        </div>
      )}
    </QueryState>
  );
}
