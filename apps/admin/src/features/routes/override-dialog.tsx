import { useId, useState, type FormEvent } from 'react';
import { isAdminApiError, errorMessage } from '../../api/admin-client';
import { useAdminMutation } from '../../api/queries';
import { ModalDialog } from '../../components/modal-dialog';
import { useToast } from '../../components/toasts';
import {
  EXPIRY_CHOICES,
  actionDescription,
  actionTitle,
  buildCreateBody,
  initialForm,
  type FormErrors,
  type OverrideAction,
  type OverrideForm,
} from './override-actions';

/** The endpoints whose answers change when an override does. */
const AFFECTED = ['listOverrides', 'listWeights', 'live', 'weightHistory', 'listAudit'] as const;

function serverErrors(error: unknown): FormErrors {
  if (!isAdminApiError(error) || error.errors.length === 0) return { form: errorMessage(error) };
  const out: FormErrors = {};
  for (const e of error.errors) {
    const field = e.path.split('.')[0];
    if (field === 'reason' || field === 'weight') out[field] ??= e.message;
    else out.form = `${out.form ? `${out.form}; ` : ''}${e.path}: ${e.message}`;
  }
  return out;
}

/**
 * Confirms an override action: says what it will do, asks for the reason (audited), the pinned
 * share for a pin, an optional expiry, and for a disable whether it applies to every route.
 */
export function OverrideDialog(props: { action: OverrideAction | null; onClose: () => void }) {
  const { action } = props;
  return (
    <ModalDialog
      open={action !== null}
      title={action ? actionTitle(action) : ''}
      onClose={props.onClose}
      size="small"
    >
      {/* Keyed so each action starts from a fresh form. */}
      {action && (
        <OverrideForm key={JSON.stringify(action)} action={action} onDone={props.onClose} />
      )}
    </ModalDialog>
  );
}

function OverrideForm(props: { action: OverrideAction; onDone: () => void }) {
  const { action } = props;
  const notify = useToast();
  const [form, setForm] = useState<OverrideForm>(() => initialForm(action));
  const [errors, setErrors] = useState<FormErrors>({});
  const ids = { reason: useId(), weight: useId(), expiry: useId(), scope: useId(), error: useId() };
  const onSuccess = (): void => {
    notify('success', `${actionTitle(action)}: done.`);
    props.onDone();
  };
  const create = useAdminMutation('createOverride', AFFECTED, { onSuccess });
  const revoke = useAdminMutation('revokeOverride', AFFECTED, { onSuccess });
  const busy = create.isPending || revoke.isPending;
  const set = (patch: Partial<OverrideForm>): void => setForm((f) => ({ ...f, ...patch }));

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const onError = (error: unknown): void => setErrors(serverErrors(error));
    if (action.type === 'revoke') {
      const reason = form.reason.trim();
      if (reason.length < 3) {
        setErrors({ reason: 'say why (at least 3 characters)' });
        return;
      }
      setErrors({});
      revoke.mutate({ params: { id: action.override.id }, body: { reason } }, { onError });
      return;
    }
    const built = buildCreateBody(action, form, Date.now());
    if ('errors' in built) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    create.mutate({ body: built.body }, { onError });
  };

  return (
    <form onSubmit={submit} noValidate className="form">
      <p>{actionDescription(action)}</p>
      {action.type === 'create' && action.kind === 'pin_weight' && (
        <div className="field">
          <label htmlFor={ids.weight} className="field__label">
            Share of first picks (%)
          </label>
          <input
            id={ids.weight}
            className="input"
            inputMode="decimal"
            value={form.weightPercent}
            onChange={(e) => set({ weightPercent: e.target.value })}
            aria-invalid={errors.weight !== undefined}
            aria-describedby={errors.weight ? `${ids.weight}-error` : undefined}
          />
          {errors.weight && (
            <p id={`${ids.weight}-error`} className="field__error">
              {errors.weight}
            </p>
          )}
        </div>
      )}
      {action.type === 'create' && action.kind === 'disable_deployment' && action.route && (
        <fieldset className="field">
          <legend className="field__label">Where</legend>
          <label className="radio">
            <input
              type="radio"
              name={ids.scope}
              checked={form.scope === 'route'}
              onChange={() => set({ scope: 'route' })}
            />
            Only in {action.route}
          </label>
          <label className="radio">
            <input
              type="radio"
              name={ids.scope}
              checked={form.scope === 'everywhere'}
              onChange={() => set({ scope: 'everywhere' })}
            />
            In every route
          </label>
        </fieldset>
      )}
      <div className="field">
        <label htmlFor={ids.reason} className="field__label">
          Reason <span className="muted">(recorded in the audit log)</span>
        </label>
        <textarea
          id={ids.reason}
          className="input"
          rows={3}
          value={form.reason}
          onChange={(e) => set({ reason: e.target.value })}
          aria-invalid={errors.reason !== undefined}
          aria-describedby={errors.reason ? `${ids.reason}-error` : undefined}
          data-autofocus={
            action.type === 'revoke' || action.kind !== 'pin_weight' ? true : undefined
          }
        />
        {errors.reason && (
          <p id={`${ids.reason}-error`} className="field__error">
            {errors.reason}
          </p>
        )}
      </div>
      {action.type === 'create' && (
        <div className="field">
          <label htmlFor={ids.expiry} className="field__label">
            Expires
          </label>
          <select
            id={ids.expiry}
            className="input"
            value={form.expiresInMinutes}
            onChange={(e) => set({ expiresInMinutes: e.target.value })}
          >
            {EXPIRY_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
      )}
      {errors.form && (
        <p id={ids.error} className="field__error" role="alert">
          {errors.form}
        </p>
      )}
      <div className="form__actions">
        <button type="button" className="button" onClick={props.onDone} disabled={busy}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Saving…' : actionTitle(action)}
        </button>
      </div>
    </form>
  );
}
