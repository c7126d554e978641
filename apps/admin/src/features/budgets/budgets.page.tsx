import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { Budget } from '@stilts/admin-contract';
import { adminQuery } from '../../api/queries';
import { formatCompactDateTime, formatMicroUsd, formatPercent } from '../../charts/format';
import { EmptyState, QueryState } from '../../components/states';
import { Badge, PageHeader, Panel, ProgressBar, type BadgeTone } from '../../components/ui';
import { useSession } from '../auth/session';
import { BudgetDialog, DeleteBudgetDialog } from './budget-dialog';
import { budgetGauge, type BudgetGauge } from './budget-projection';

const STATUS: Readonly<Record<BudgetGauge['status'], { label: string; tone: BadgeTone }>> = {
  ok: { label: 'on track', tone: 'good' },
  warning: { label: 'above 80 % at this pace', tone: 'warn' },
  'at-risk': { label: 'overruns at this pace', tone: 'bad' },
  exhausted: { label: 'spent', tone: 'bad' },
  disabled: { label: 'not enforced', tone: 'neutral' },
};

/** A budget's scope for people: the team's name, the key's name, the route or deployment. */
function useScopeNames(): (b: Budget) => string {
  const teams = useQuery(adminQuery('listTeams'));
  const keys = useQuery(adminQuery('listKeys', { query: { limit: 200 } }));
  const teamNames = new Map((teams.data?.items ?? []).map((t) => [t.id, t.name]));
  const keyNames = new Map((keys.data?.items ?? []).map((k) => [k.id, `${k.name} (${k.prefix}…)`]));
  return (b) => {
    const ref = b.scopeRef ?? '';
    switch (b.scope) {
      case 'global':
        return 'all traffic';
      case 'team':
        return `team ${teamNames.get(ref) ?? ref}`;
      case 'key':
        return `key ${keyNames.get(ref) ?? ref}`;
      case 'route':
        return `route ${ref}`;
      case 'deployment':
        return `deployment ${ref}`;
    }
  };
}

/** Budgets: how much is spent, how fast, where the period will end; create and edit. */
export function BudgetsPage() {
  const { canWrite } = useSession();
  const budgets = useQuery({ ...adminQuery('listBudgets'), refetchInterval: 30_000 });
  const scopeName = useScopeNames();
  const [editing, setEditing] = useState<{ budget: Budget | null } | null>(null);
  const [deleting, setDeleting] = useState<Budget | null>(null);
  const now = budgets.dataUpdatedAt;

  return (
    <>
      <PageHeader
        title="Budgets"
        description="Spending limits per UTC day, week or month: spent, reserved, the last hour's burn rate and where the period ends at that pace."
        actions={
          canWrite ? (
            <button
              type="button"
              className="button button--primary"
              onClick={() => setEditing({ budget: null })}
            >
              New budget
            </button>
          ) : undefined
        }
      />
      <QueryState
        query={budgets}
        loadingLabel="Loading budgets"
        isEmpty={(d) => d.items.length === 0}
        empty={
          <Panel>
            <EmptyState title="No budgets">
              {canWrite
                ? 'Cap spend for all traffic, a team, a key, a route or a deployment; the bandit paces routes to fit.'
                : 'An admin can cap spend for all traffic, a team, a key, a route or a deployment.'}
            </EmptyState>
          </Panel>
        }
      >
        {(data) => (
          <div className="grid grid--2">
            {data.items.map((b) => {
              const gauge = budgetGauge(b, now);
              const status = STATUS[gauge.status];
              return (
                <Panel
                  key={b.id}
                  title={b.name}
                  actions={
                    <>
                      <Badge tone={status.tone}>{status.label}</Badge>
                      {canWrite && (
                        <>
                          <button
                            type="button"
                            className="button button--small"
                            onClick={() => setEditing({ budget: b })}
                            aria-label={`Edit budget ${b.name}`}
                          >
                            Edit
                          </button>
                          <button
                            type="button"
                            className="button button--small button--danger"
                            onClick={() => setDeleting(b)}
                            aria-label={`Delete budget ${b.name}`}
                          >
                            Delete
                          </button>
                        </>
                      )}
                    </>
                  }
                >
                  <p className="muted small">
                    {scopeName(b)} · per {b.period} ·{' '}
                    {b.action === 'block'
                      ? 'blocks when spent'
                      : `degrades to deployments under ${formatMicroUsd(b.degradeMaxPricePerMillionMicroUsd ?? 0)}/M tokens`}
                  </p>
                  <p className="budget__headline">
                    <strong>{formatMicroUsd(b.status.spentMicroUsd)}</strong> of{' '}
                    {formatMicroUsd(b.amountMicroUsd)}
                  </p>
                  <ProgressBar
                    label={`Spend of ${b.name} this ${b.period}`}
                    value={gauge.usedFraction}
                    projected={gauge.projectedFraction}
                    valueText={`${formatPercent(gauge.usedFraction, 1)} spent, ${formatPercent(gauge.projectedFraction, 1)} projected`}
                  />
                  <dl className="facts facts--inline">
                    <dt>Burn rate (last hour)</dt>
                    <dd>{formatMicroUsd(b.status.burnRateMicroUsdPerHour)}/h</dd>
                    <dt>Projected at period end</dt>
                    <dd>
                      {formatMicroUsd(b.status.projectedMicroUsd)} (
                      {formatPercent(gauge.projectedFraction, 1)})
                    </dd>
                    <dt>Reserved in flight</dt>
                    <dd>{formatMicroUsd(b.status.reservedMicroUsd)}</dd>
                    <dt>Left</dt>
                    <dd>{formatMicroUsd(b.status.remainingMicroUsd)}</dd>
                    <dt>Runs out</dt>
                    <dd>
                      {gauge.exhaustedAt === null
                        ? 'not this period'
                        : formatCompactDateTime(gauge.exhaustedAt, now)}
                    </dd>
                    <dt>Period ends</dt>
                    <dd>{formatCompactDateTime(b.status.periodEnd, now)}</dd>
                  </dl>
                </Panel>
              );
            })}
          </div>
        )}
      </QueryState>
      <BudgetDialog
        open={editing !== null}
        budget={editing?.budget ?? null}
        onClose={() => setEditing(null)}
      />
      <DeleteBudgetDialog budget={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}
