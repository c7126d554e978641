import { useId, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import {
  adminRoleSchema,
  createAdminTokenBodySchema,
  type AdminToken,
  type CreatedAdminToken,
} from '@stilts/admin-contract';
import { errorMessage } from '../../api/admin-client';
import { adminQuery, useAdminMutation } from '../../api/queries';
import { formatDateTime } from '../../charts/format';
import { CreatedSecret } from '../../components/created-secret';
import { DataTable } from '../../components/data-table';
import { ModalDialog } from '../../components/modal-dialog';
import { EmptyState, QueryState } from '../../components/states';
import { useToast } from '../../components/toasts';
import { Badge, Panel } from '../../components/ui';
import { useSession } from '../auth/session';
import { EXPIRY_DAYS, expiryFromDays } from './token-expiry';

/** Admin tokens: who may use this dashboard and the admin API (admins only). */
export function AdminTokens() {
  const [showRevoked, setShowRevoked] = useState(false);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedAdminToken | null>(null);
  const [revoking, setRevoking] = useState<AdminToken | null>(null);
  const { session } = useSession();
  const tokens = useQuery(
    adminQuery('listTokens', { query: showRevoked ? { includeRevoked: 'true' } : {} }),
  );
  return (
    <Panel
      title="Admin tokens"
      actions={
        <>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={showRevoked}
              onChange={(e) => setShowRevoked(e.target.checked)}
            />
            Show revoked
          </label>
          <button
            type="button"
            className="button button--primary button--small"
            onClick={() => setCreating(true)}
          >
            New token
          </button>
        </>
      }
    >
      <QueryState
        query={tokens}
        loadingLabel="Loading tokens"
        isEmpty={(d) => d.items.length === 0}
        empty={<EmptyState title="No tokens" />}
      >
        {(data) => (
          <DataTable
            caption="Admin tokens"
            rows={data.items}
            rowKey={(t) => t.id}
            columns={[
              { key: 'name', header: 'Name', render: (t) => t.name },
              {
                key: 'prefix',
                header: 'Prefix',
                secondary: true,
                render: (t) => <span className="mono">{t.prefix}</span>,
              },
              {
                key: 'role',
                header: 'Role',
                render: (t) => (
                  <Badge tone={t.role === 'admin' ? 'info' : 'neutral'}>{t.role}</Badge>
                ),
              },
              {
                key: 'created',
                header: 'Created',
                secondary: true,
                render: (t) => `${formatDateTime(t.createdAt)} by ${t.createdBy}`,
              },
              {
                key: 'used',
                header: 'Last used',
                secondary: true,
                render: (t) => (t.lastUsedAt ? formatDateTime(t.lastUsedAt) : 'never'),
              },
              {
                key: 'state',
                header: 'State',
                render: (t) =>
                  t.revokedAt ? (
                    <Badge tone="bad">revoked</Badge>
                  ) : t.expiresAt ? (
                    <Badge tone="warn">until {formatDateTime(t.expiresAt)}</Badge>
                  ) : (
                    <Badge tone="good">active</Badge>
                  ),
              },
              {
                key: 'actions',
                header: <span className="visually-hidden">Actions</span>,
                render: (t) =>
                  t.revokedAt || t.id === session.tokenId ? null : (
                    <button
                      type="button"
                      className="button button--small button--danger"
                      onClick={() => setRevoking(t)}
                      aria-label={`Revoke token ${t.name}`}
                    >
                      Revoke
                    </button>
                  ),
              },
            ]}
          />
        )}
      </QueryState>
      <ModalDialog
        open={creating}
        title="New admin token"
        onClose={() => setCreating(false)}
        size="small"
      >
        {creating && (
          <CreateTokenForm
            onCreated={(c) => {
              setCreating(false);
              setCreated(c);
            }}
            onCancel={() => setCreating(false)}
          />
        )}
      </ModalDialog>
      <ModalDialog
        open={created !== null}
        title="Token created"
        onClose={() => setCreated(null)}
        size="small"
      >
        {created && (
          <CreatedSecret
            what="Token"
            name={created.token.name}
            secret={created.secret}
            onDone={() => setCreated(null)}
          />
        )}
      </ModalDialog>
      <RevokeTokenDialog token={revoking} onClose={() => setRevoking(null)} />
    </Panel>
  );
}

/** Name, role and expiry of a new token; validated with the contract's schema. */
export function CreateTokenForm(props: {
  onCreated: (created: CreatedAdminToken) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<string>('viewer');
  const [days, setDays] = useState('');
  const [error, setError] = useState<string | null>(null);
  const ids = { name: useId(), role: useId(), days: useId(), error: useId() };
  const create = useAdminMutation('createToken', ['listTokens', 'listAudit'], {
    onSuccess: (created) => props.onCreated(created),
    onError: (e) => setError(errorMessage(e)),
  });
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const parsed = createAdminTokenBodySchema.safeParse({
      name,
      role,
      expiresAt: expiryFromDays(days, Date.now()),
    });
    if (!parsed.success) {
      setError(
        parsed.error.issues.map((i) => `${i.path.join('.') || 'token'}: ${i.message}`).join('; '),
      );
      return;
    }
    setError(null);
    create.mutate({ body: parsed.data });
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={ids.name} className="field__label">
          Name
        </label>
        <input
          id={ids.name}
          className="input"
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={error !== null}
          aria-describedby={error ? ids.error : undefined}
          placeholder="e.g. on-call dashboard"
          data-autofocus
        />
      </div>
      <div className="field">
        <label htmlFor={ids.role} className="field__label">
          Role
        </label>
        <select
          id={ids.role}
          className="input"
          value={role}
          onChange={(e) => setRole(e.target.value)}
        >
          {adminRoleSchema.options.map((r) => (
            <option key={r} value={r}>
              {r === 'admin' ? 'admin (can change things)' : 'viewer (read-only)'}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.days} className="field__label">
          Expires
        </label>
        <select
          id={ids.days}
          className="input"
          value={days}
          onChange={(e) => setDays(e.target.value)}
        >
          {EXPIRY_DAYS.map((d) => (
            <option key={d.value} value={d.value}>
              {d.label}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <p id={ids.error} className="field__error" role="alert">
          {error}
        </p>
      )}
      <div className="form__actions">
        <button
          type="button"
          className="button"
          onClick={props.onCancel}
          disabled={create.isPending}
        >
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create token'}
        </button>
      </div>
    </form>
  );
}

function RevokeTokenDialog(props: { token: AdminToken | null; onClose: () => void }) {
  const notify = useToast();
  const [error, setError] = useState<string | null>(null);
  const revoke = useAdminMutation('revokeToken', ['listTokens', 'listAudit'], {
    onSuccess: (t) => {
      notify('success', `Token ${t.name} revoked.`);
      props.onClose();
    },
    onError: (e) => setError(errorMessage(e)),
  });
  return (
    <ModalDialog
      open={props.token !== null}
      title="Revoke token"
      onClose={props.onClose}
      busy={revoke.isPending}
      size="small"
      footer={
        <>
          <button
            type="button"
            className="button"
            onClick={props.onClose}
            disabled={revoke.isPending}
          >
            Cancel
          </button>
          <button
            type="button"
            className="button button--danger"
            disabled={revoke.isPending}
            onClick={() => props.token && revoke.mutate({ params: { id: props.token.id } })}
          >
            Revoke
          </button>
        </>
      }
    >
      <p>
        {props.token?.name} ({props.token?.prefix}) stops working at once and its sessions end.
      </p>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </ModalDialog>
  );
}
