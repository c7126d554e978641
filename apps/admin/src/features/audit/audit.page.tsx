import { useId, useState, type FormEvent } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import type { AuditEntry } from '@stilts/admin-contract';
import { callAdmin } from '../../api/admin-client';
import { adminKey } from '../../api/queries';
import { formatDateTime, formatCompactDateTime } from '../../charts/format';
import { DataTable } from '../../components/data-table';
import { Drawer } from '../../components/drawer';
import { EmptyState, ErrorState, Loading } from '../../components/states';
import { Id, PageHeader, Panel } from '../../components/ui';

/** Every change an operator made (overrides, catalog, tokens, keys), newest first. */
export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const actor = params.get('actor') ?? '';
  const action = params.get('action') ?? '';
  const [draft, setDraft] = useState({ actor, action });
  const [selected, setSelected] = useState<AuditEntry | null>(null);
  const ids = { actor: useId(), action: useId() };

  const audit = useInfiniteQuery({
    queryKey: adminKey('listAudit', { actor, action }),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      callAdmin(
        'listAudit',
        {
          query: {
            limit: 50,
            ...(actor ? { actor } : {}),
            ...(action ? { action } : {}),
            ...(pageParam ? { cursor: pageParam } : {}),
          },
        },
        { signal },
      ),
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: 30_000,
  });
  const rows = audit.data?.pages.flatMap((p) => p.items) ?? [];

  const apply = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    setParams((p) => {
      const next = new URLSearchParams(p);
      for (const [key, value] of Object.entries({
        actor: draft.actor.trim(),
        action: draft.action.trim(),
      })) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      return next;
    });
  };

  return (
    <>
      <PageHeader title="Audit log" description="Who changed what, when and why." />
      <form className="filters" aria-label="Filter the audit log" onSubmit={apply}>
        <label htmlFor={ids.actor}>Actor</label>
        <input
          id={ids.actor}
          className="input input--compact"
          value={draft.actor}
          onChange={(e) => setDraft((d) => ({ ...d, actor: e.target.value }))}
          placeholder="token name"
        />
        <label htmlFor={ids.action}>Action</label>
        <input
          id={ids.action}
          className="input input--compact"
          value={draft.action}
          onChange={(e) => setDraft((d) => ({ ...d, action: e.target.value }))}
          placeholder="override.* or exact"
        />
        <button type="submit" className="button button--small">
          Apply
        </button>
      </form>
      <Panel>
        {audit.isPending ? (
          <Loading label="Loading the audit log" rows={6} />
        ) : audit.isError ? (
          <ErrorState error={audit.error} onRetry={() => void audit.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState title="Nothing recorded">
            {actor || action
              ? 'No entries match these filters.'
              : 'Changes made through the admin API appear here.'}
          </EmptyState>
        ) : (
          <>
            <DataTable
              caption="Audit log"
              rows={rows}
              rowKey={(e) => e.id}
              onRowClick={setSelected}
              rowLabel={(e) => `${e.action} on ${e.target} by ${e.actor}`}
              columns={[
                {
                  key: 'at',
                  header: 'When',
                  render: (e) => (
                    <time dateTime={e.at} title={formatDateTime(e.at)}>
                      {formatCompactDateTime(e.at, audit.dataUpdatedAt)}
                    </time>
                  ),
                },
                { key: 'actor', header: 'Actor', render: (e) => e.actor },
                {
                  key: 'action',
                  header: 'Action',
                  render: (e) => <span className="mono">{e.action}</span>,
                },
                {
                  key: 'target',
                  header: 'Target',
                  render: (e) => <Id value={e.target} />,
                },
                { key: 'reason', header: 'Reason', secondary: true, render: (e) => e.reason ?? '' },
              ]}
            />
            <div className="table-footer">
              <span className="muted small">{rows.length} entries shown</span>
              {audit.hasNextPage && (
                <button
                  type="button"
                  className="button"
                  onClick={() => void audit.fetchNextPage()}
                  disabled={audit.isFetchingNextPage}
                >
                  {audit.isFetchingNextPage ? 'Loading…' : 'Load more'}
                </button>
              )}
            </div>
          </>
        )}
      </Panel>
      <Drawer
        open={selected !== null}
        title={selected?.action ?? ''}
        subtitle={selected ? `${selected.target} · ${formatDateTime(selected.at)}` : undefined}
        onClose={() => setSelected(null)}
      >
        {selected && (
          <div className="detail">
            <dl className="facts">
              <dt>Actor</dt>
              <dd>{selected.actor}</dd>
              <dt>Reason</dt>
              <dd>{selected.reason ?? '—'}</dd>
            </dl>
            <h3 className="detail__heading">Details</h3>
            <pre className="code">{JSON.stringify(selected.details, null, 2)}</pre>
          </div>
        )}
      </Drawer>
    </>
  );
}
