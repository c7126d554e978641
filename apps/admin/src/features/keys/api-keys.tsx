import { useId, useState, type FormEvent } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import type { ApiKey, CreatedApiKey, Team } from '@stilts/admin-contract';
import { callAdmin, errorMessage } from '../../api/admin-client';
import { adminKey, adminQuery, useAdminMutation } from '../../api/queries';
import { formatCompactDateTime, formatCount } from '../../charts/format';
import { CreatedSecret } from '../../components/created-secret';
import { DataTable } from '../../components/data-table';
import { ModalDialog } from '../../components/modal-dialog';
import { EmptyState, ErrorState, Loading, QueryState } from '../../components/states';
import { useToast } from '../../components/toasts';
import { Badge, Id, Panel, type BadgeTone } from '../../components/ui';
import { useSession } from '../auth/session';
import {
  EMPTY_KEY_FORM,
  createKeyBody,
  keyToForm,
  updateKeyBody,
  type KeyForm,
  type KeyFormErrors,
} from './key-form';
import { EXPIRY_DAYS } from './token-expiry';

const STATE_TONES: Readonly<Record<ApiKey['state'], BadgeTone>> = {
  active: 'good',
  expired: 'warn',
  revoked: 'bad',
};

const KEY_ENDPOINTS = ['listKeys', 'getKey', 'listAudit', 'listBudgets'] as const;

/** API keys (filtered by team through `?team=`), newest first, page by page. */
export function ApiKeysPanel() {
  const { canWrite } = useSession();
  const [params, setParams] = useSearchParams();
  const teamFilter = params.get('team') ?? '';
  const teams = useQuery(adminQuery('listTeams'));
  const teamNames = new Map((teams.data?.items ?? []).map((t) => [t.id, t.name]));
  const [editing, setEditing] = useState<{ key: ApiKey | null } | null>(null);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const filterId = useId();

  const keys = useInfiniteQuery({
    queryKey: adminKey('listKeys', { teamFilter }),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      callAdmin(
        'listKeys',
        {
          query: {
            limit: 50,
            ...(teamFilter ? { teamId: teamFilter } : {}),
            ...(pageParam ? { cursor: pageParam } : {}),
          },
        },
        { signal },
      ),
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = keys.data?.pages.flatMap((p) => p.items) ?? [];
  const now = keys.dataUpdatedAt;

  return (
    <Panel
      title="API keys"
      actions={
        <>
          <label className="inline-field" htmlFor={filterId}>
            <span>Team</span>
            <select
              id={filterId}
              className="input input--compact"
              value={teamFilter}
              onChange={(e) =>
                setParams((p) => {
                  const next = new URLSearchParams(p);
                  if (e.target.value) next.set('team', e.target.value);
                  else next.delete('team');
                  return next;
                })
              }
            >
              <option value="">All teams</option>
              {(teams.data?.items ?? []).map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
          {canWrite && (
            <button
              type="button"
              className="button button--primary button--small"
              onClick={() => setEditing({ key: null })}
            >
              New API key
            </button>
          )}
        </>
      }
    >
      {keys.isPending ? (
        <Loading label="Loading API keys" />
      ) : keys.isError ? (
        <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="No API keys">
          {teamFilter
            ? 'This team has no keys yet.'
            : 'Services call the gateway with an API key of a team.'}
        </EmptyState>
      ) : (
        <>
          <DataTable
            caption="API keys"
            rows={rows}
            rowKey={(k) => k.id}
            columns={[
              { key: 'name', header: 'Name', render: (k) => k.name },
              {
                key: 'prefix',
                header: 'Key',
                render: (k) => <span className="mono">{k.prefix}…</span>,
              },
              { key: 'team', header: 'Team', render: (k) => teamNames.get(k.teamId) ?? k.teamId },
              {
                key: 'routes',
                header: 'Routes',
                secondary: true,
                render: (k) =>
                  k.allowedRoutes === null
                    ? 'all'
                    : k.allowedRoutes.map((r) => <Id key={r} value={r} className="route-chip" />),
              },
              {
                key: 'limits',
                header: 'Limits / min',
                secondary: true,
                render: (k) =>
                  [
                    k.requestsPerMinute === null ? null : `${formatCount(k.requestsPerMinute)} req`,
                    k.tokensPerMinute === null ? null : `${formatCount(k.tokensPerMinute)} tok`,
                  ]
                    .filter(Boolean)
                    .join(', ') || 'none',
              },
              {
                key: 'state',
                header: 'State',
                render: (k) => (
                  <Badge tone={STATE_TONES[k.state]}>
                    {k.state === 'active' && k.expiresAt
                      ? `until ${formatCompactDateTime(k.expiresAt, now)}`
                      : k.state}
                  </Badge>
                ),
              },
              {
                key: 'actions',
                header: <span className="visually-hidden">Actions</span>,
                render: (k) =>
                  canWrite && k.state !== 'revoked' ? (
                    <span className="row-actions">
                      <button
                        type="button"
                        className="button button--small"
                        onClick={() => setEditing({ key: k })}
                        aria-label={`Edit key ${k.name}`}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        className="button button--small button--danger"
                        onClick={() => setRevoking(k)}
                        aria-label={`Revoke key ${k.name}`}
                      >
                        Revoke
                      </button>
                    </span>
                  ) : null,
              },
            ]}
          />
          {keys.hasNextPage && (
            <div className="table-footer">
              <span />
              <button
                type="button"
                className="button"
                onClick={() => void keys.fetchNextPage()}
                disabled={keys.isFetchingNextPage}
              >
                {keys.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            </div>
          )}
        </>
      )}
      <ModalDialog
        open={editing !== null}
        title={editing?.key ? `Edit ${editing.key.name}` : 'New API key'}
        onClose={() => setEditing(null)}
        size="small"
      >
        {editing && (
          <KeyFormView
            key={editing.key?.id ?? 'new'}
            apiKey={editing.key}
            teams={teams.data?.items ?? []}
            defaultTeam={teamFilter}
            onCreated={(c) => {
              setEditing(null);
              setCreated(c);
            }}
            onDone={() => setEditing(null)}
          />
        )}
      </ModalDialog>
      <ModalDialog
        open={created !== null}
        title="API key created"
        onClose={() => setCreated(null)}
        size="small"
      >
        {created && (
          <CreatedSecret
            what="API key"
            name={created.key.name}
            secret={created.secret}
            onDone={() => setCreated(null)}
          />
        )}
      </ModalDialog>
      <RevokeKeyDialog apiKey={revoking} onClose={() => setRevoking(null)} />
    </Panel>
  );
}

/** Creates a key (`apiKey` null) or changes one: team, name, routes, per-minute limits, expiry. */
export function KeyFormView(props: {
  apiKey: ApiKey | null;
  teams: readonly Team[];
  defaultTeam?: string;
  onCreated: (created: CreatedApiKey) => void;
  onDone: () => void;
}) {
  const notify = useToast();
  const routes = useQuery(adminQuery('listRoutes'));
  const [form, setForm] = useState<KeyForm>(() =>
    props.apiKey
      ? keyToForm(props.apiKey)
      : { ...EMPTY_KEY_FORM, teamId: props.defaultTeam || (props.teams[0]?.id ?? '') },
  );
  const [errors, setErrors] = useState<KeyFormErrors>({});
  const id = useId();
  const onError = (e: unknown): void => setErrors({ form: errorMessage(e) });
  const create = useAdminMutation('createKey', KEY_ENDPOINTS, {
    onSuccess: (c) => props.onCreated(c),
    onError,
  });
  const update = useAdminMutation('updateKey', KEY_ENDPOINTS, {
    onSuccess: (k) => {
      notify('success', `Key ${k.name} saved.`);
      props.onDone();
    },
    onError,
  });
  const busy = create.isPending || update.isPending;
  const set = (patch: Partial<KeyForm>): void => setForm((f) => ({ ...f, ...patch }));
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const now = Date.now();
    if (props.apiKey) {
      const built = updateKeyBody(form, now);
      if ('errors' in built) return setErrors(built.errors);
      setErrors({});
      update.mutate({ params: { id: props.apiKey.id }, body: built.body });
    } else {
      const built = createKeyBody(form, now);
      if ('errors' in built) return setErrors(built.errors);
      setErrors({});
      create.mutate({ body: built.body });
    }
  };
  const err = (field: keyof KeyFormErrors) =>
    errors[field] ? (
      <p id={`${id}-${field}-error`} className="field__error">
        {errors[field]}
      </p>
    ) : null;
  const aria = (field: keyof KeyFormErrors) => ({
    'aria-invalid': errors[field] !== undefined,
    'aria-describedby': errors[field] ? `${id}-${field}-error` : undefined,
  });
  return (
    <form className="form" onSubmit={submit} noValidate>
      {props.apiKey === null && (
        <div className="field">
          <label htmlFor={`${id}-team`} className="field__label">
            Team
          </label>
          <select
            id={`${id}-team`}
            className="input"
            value={form.teamId}
            onChange={(e) => set({ teamId: e.target.value })}
            {...aria('teamId')}
          >
            <option value="">Choose…</option>
            {props.teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
          {err('teamId')}
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-name`} className="field__label">
          Name
        </label>
        <input
          id={`${id}-name`}
          className="input"
          value={form.name}
          onChange={(e) => set({ name: e.target.value })}
          {...aria('name')}
          data-autofocus
        />
        {err('name')}
      </div>
      <fieldset className="field">
        <legend className="field__label">Routes it may call (none ticked: every route)</legend>
        <div className="checks">
          {(routes.data?.items ?? []).map((r) => (
            <label key={r.name} className="checkbox">
              <input
                type="checkbox"
                checked={form.routes.includes(r.name)}
                onChange={(e) =>
                  set({
                    routes: e.target.checked
                      ? [...form.routes, r.name]
                      : form.routes.filter((x) => x !== r.name),
                  })
                }
              />
              {r.name}
            </label>
          ))}
        </div>
        {err('routes')}
      </fieldset>
      <div className="form__row">
        <div className="field">
          <label htmlFor={`${id}-rpm`} className="field__label">
            Requests / min
          </label>
          <input
            id={`${id}-rpm`}
            className="input"
            inputMode="numeric"
            placeholder="no limit"
            value={form.requestsPerMinute}
            onChange={(e) => set({ requestsPerMinute: e.target.value })}
            {...aria('requestsPerMinute')}
          />
          {err('requestsPerMinute')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-tpm`} className="field__label">
            Tokens / min
          </label>
          <input
            id={`${id}-tpm`}
            className="input"
            inputMode="numeric"
            placeholder="no limit"
            value={form.tokensPerMinute}
            onChange={(e) => set({ tokensPerMinute: e.target.value })}
            {...aria('tokensPerMinute')}
          />
          {err('tokensPerMinute')}
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-expiry`} className="field__label">
          Expires
        </label>
        <select
          id={`${id}-expiry`}
          className="input"
          value={form.expiresInDays}
          onChange={(e) => set({ expiresInDays: e.target.value })}
        >
          {props.apiKey && <option value="keep">As it is</option>}
          {EXPIRY_DAYS.map((d) => (
            <option key={d.value} value={d.value}>
              {d.label}
            </option>
          ))}
        </select>
        {err('expiresInDays')}
      </div>
      {errors.form && (
        <p className="field__error" role="alert">
          {errors.form}
        </p>
      )}
      <div className="form__actions">
        <button type="button" className="button" onClick={props.onDone} disabled={busy}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Saving…' : props.apiKey ? 'Save' : 'Create key'}
        </button>
      </div>
    </form>
  );
}

function RevokeKeyDialog(props: { apiKey: ApiKey | null; onClose: () => void }) {
  const notify = useToast();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const revoke = useAdminMutation('revokeKey', KEY_ENDPOINTS, {
    onSuccess: (k) => {
      notify('success', `Key ${k.name} revoked.`);
      setReason('');
      props.onClose();
    },
    onError: (e) => setError(errorMessage(e)),
  });
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (reason.trim().length < 3) {
      setError('say why (at least 3 characters)');
      return;
    }
    if (props.apiKey)
      revoke.mutate({ params: { id: props.apiKey.id }, body: { reason: reason.trim() } });
  };
  return (
    <ModalDialog
      open={props.apiKey !== null}
      title="Revoke API key"
      onClose={props.onClose}
      busy={revoke.isPending}
      size="small"
    >
      <form className="form" onSubmit={submit} noValidate>
        <p>
          {props.apiKey?.name} ({props.apiKey?.prefix}…) is refused at once, on every replica within
          a second.
        </p>
        <div className="field">
          <label htmlFor={id} className="field__label">
            Reason <span className="muted">(recorded in the audit log)</span>
          </label>
          <textarea
            id={id}
            className="input"
            rows={2}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            data-autofocus
          />
        </div>
        {error && (
          <p className="field__error" role="alert">
            {error}
          </p>
        )}
        <div className="form__actions">
          <button
            type="button"
            className="button"
            onClick={props.onClose}
            disabled={revoke.isPending}
          >
            Cancel
          </button>
          <button type="submit" className="button button--danger" disabled={revoke.isPending}>
            Revoke
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

/** Teams: what keys belong to and team budgets cover. */
export function TeamsPanel() {
  const { canWrite } = useSession();
  const teams = useQuery(adminQuery('listTeams'));
  const [editing, setEditing] = useState<{ team: Team | null } | null>(null);
  return (
    <Panel
      title="Teams"
      actions={
        canWrite ? (
          <button
            type="button"
            className="button button--small"
            onClick={() => setEditing({ team: null })}
          >
            New team
          </button>
        ) : undefined
      }
    >
      <QueryState
        query={teams}
        loadingLabel="Loading teams"
        isEmpty={(d) => d.items.length === 0}
        empty={<EmptyState title="No teams" />}
      >
        {(data) => (
          <DataTable
            caption="Teams"
            rows={data.items}
            rowKey={(t) => t.id}
            columns={[
              { key: 'name', header: 'Name', render: (t) => t.name },
              {
                key: 'created',
                header: 'Created',
                render: (t) => formatCompactDateTime(t.createdAt, teams.dataUpdatedAt),
              },
              {
                key: 'actions',
                header: <span className="visually-hidden">Actions</span>,
                render: (t) =>
                  canWrite ? (
                    <button
                      type="button"
                      className="button button--small"
                      onClick={() => setEditing({ team: t })}
                      aria-label={`Rename team ${t.name}`}
                    >
                      Rename
                    </button>
                  ) : null,
              },
            ]}
          />
        )}
      </QueryState>
      <ModalDialog
        open={editing !== null}
        title={editing?.team ? `Rename ${editing.team.name}` : 'New team'}
        onClose={() => setEditing(null)}
        size="small"
      >
        {editing && (
          <TeamForm
            key={editing.team?.id ?? 'new'}
            team={editing.team}
            onDone={() => setEditing(null)}
          />
        )}
      </ModalDialog>
    </Panel>
  );
}

function TeamForm(props: { team: Team | null; onDone: () => void }) {
  const notify = useToast();
  const [name, setName] = useState(props.team?.name ?? '');
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const options = {
    onSuccess: (t: Team) => {
      notify('success', `Team ${t.name} saved.`);
      props.onDone();
    },
    onError: (e: unknown) => setError(errorMessage(e)),
  };
  const create = useAdminMutation('createTeam', ['listTeams', 'listAudit'], options);
  const rename = useAdminMutation('updateTeam', ['listTeams', 'listAudit'], options);
  const busy = create.isPending || rename.isPending;
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (!name.trim()) {
      setError('Enter a name.');
      return;
    }
    setError(null);
    if (props.team) rename.mutate({ params: { id: props.team.id }, body: { name: name.trim() } });
    else create.mutate({ body: { name: name.trim() } });
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={id} className="field__label">
          Name
        </label>
        <input
          id={id}
          className="input"
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={error !== null}
          data-autofocus
        />
      </div>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      <div className="form__actions">
        <button type="button" className="button" onClick={props.onDone} disabled={busy}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
