import { useId, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import {
  budgetActionSchema,
  budgetPeriodSchema,
  budgetScopeSchema,
  type Budget,
  type BudgetScope,
} from '@stilts/admin-contract';
import { errorMessage, isAdminApiError } from '../../api/admin-client';
import { adminQuery, useAdminMutation } from '../../api/queries';
import { ModalDialog } from '../../components/modal-dialog';
import { useToast } from '../../components/toasts';
import {
  EMPTY_BUDGET_FORM,
  budgetBodyFromForm,
  budgetToForm,
  formFieldOf,
  type BudgetForm,
  type BudgetFormErrors,
} from './budget-form';

const SCOPE_LABELS: Readonly<Record<BudgetScope, string>> = {
  global: 'All traffic',
  team: 'A team',
  key: 'An API key',
  route: 'A route',
  deployment: 'A deployment',
};

const AFFECTED = ['listBudgets', 'listAudit', 'listWeights'] as const;

/** The choices for a scope's reference (teams, keys, routes, deployments), loaded when needed. */
function useScopeOptions(scope: BudgetScope): { value: string; label: string }[] {
  const teams = useQuery({ ...adminQuery('listTeams'), enabled: scope === 'team' });
  const keys = useQuery({
    ...adminQuery('listKeys', { query: { limit: 200 } }),
    enabled: scope === 'key',
  });
  const routes = useQuery({ ...adminQuery('listRoutes'), enabled: scope === 'route' });
  const deployments = useQuery({
    ...adminQuery('listDeployments'),
    enabled: scope === 'deployment',
  });
  switch (scope) {
    case 'global':
      return [];
    case 'team':
      return (teams.data?.items ?? []).map((t) => ({ value: t.id, label: t.name }));
    case 'key':
      return (keys.data?.items ?? []).map((k) => ({
        value: k.id,
        label: `${k.name} (${k.prefix}…)`,
      }));
    case 'route':
      return (routes.data?.items ?? []).map((r) => ({ value: r.name, label: r.name }));
    case 'deployment':
      return (deployments.data?.items ?? []).map((d) => ({ value: d.id, label: d.id }));
  }
}

/** Creates a budget (`budget` null) or replaces one. */
export function BudgetDialog(props: { open: boolean; budget: Budget | null; onClose: () => void }) {
  return (
    <ModalDialog
      open={props.open}
      title={props.budget ? `Edit ${props.budget.name}` : 'New budget'}
      onClose={props.onClose}
      size="small"
    >
      {props.open && (
        <BudgetFormView
          key={props.budget?.id ?? 'new'}
          budget={props.budget}
          onDone={props.onClose}
        />
      )}
    </ModalDialog>
  );
}

export function BudgetFormView(props: { budget: Budget | null; onDone: () => void }) {
  const notify = useToast();
  const [form, setForm] = useState<BudgetForm>(() =>
    props.budget ? budgetToForm(props.budget) : EMPTY_BUDGET_FORM,
  );
  const [errors, setErrors] = useState<BudgetFormErrors>({});
  const options = useScopeOptions(form.scope);
  const id = useId();
  const ids = {
    name: `${id}-name`,
    scope: `${id}-scope`,
    ref: `${id}-ref`,
    period: `${id}-period`,
    amount: `${id}-amount`,
    action: `${id}-action`,
    ceiling: `${id}-ceiling`,
  };
  const onError = (error: unknown): void => {
    if (isAdminApiError(error) && error.errors.length > 0) {
      const next: BudgetFormErrors = {};
      for (const e of error.errors) next[formFieldOf(e.path)] ??= e.message;
      setErrors(next);
    } else setErrors({ form: errorMessage(error) });
  };
  const onSuccess = (b: Budget): void => {
    notify('success', `Budget ${b.name} saved.`);
    props.onDone();
  };
  const create = useAdminMutation('createBudget', AFFECTED, { onSuccess, onError });
  const replace = useAdminMutation('replaceBudget', AFFECTED, { onSuccess, onError });
  const busy = create.isPending || replace.isPending;
  const set = (patch: Partial<BudgetForm>): void => setForm((f) => ({ ...f, ...patch }));

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const built = budgetBodyFromForm(form);
    if ('errors' in built) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    if (props.budget) replace.mutate({ params: { id: props.budget.id }, body: built.body });
    else create.mutate({ body: built.body });
  };

  const fieldError = (field: keyof BudgetFormErrors, elementId: string) =>
    errors[field] ? (
      <p id={`${elementId}-error`} className="field__error">
        {errors[field]}
      </p>
    ) : null;
  const described = (field: keyof BudgetFormErrors, elementId: string) => ({
    'aria-invalid': errors[field] !== undefined,
    'aria-describedby': errors[field] ? `${elementId}-error` : undefined,
  });

  return (
    <form className="form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={ids.name} className="field__label">
          Name
        </label>
        <input
          id={ids.name}
          className="input"
          value={form.name}
          onChange={(e) => set({ name: e.target.value })}
          {...described('name', ids.name)}
          data-autofocus
        />
        {fieldError('name', ids.name)}
      </div>
      <div className="field">
        <label htmlFor={ids.scope} className="field__label">
          Covers
        </label>
        <select
          id={ids.scope}
          className="input"
          value={form.scope}
          onChange={(e) => set({ scope: budgetScopeSchema.parse(e.target.value), scopeRef: '' })}
        >
          {budgetScopeSchema.options.map((s) => (
            <option key={s} value={s}>
              {SCOPE_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      {form.scope !== 'global' && (
        <div className="field">
          <label htmlFor={ids.ref} className="field__label">
            Which {form.scope}
          </label>
          <select
            id={ids.ref}
            className="input"
            value={form.scopeRef}
            onChange={(e) => set({ scopeRef: e.target.value })}
            {...described('scopeRef', ids.ref)}
          >
            <option value="">Choose…</option>
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          {fieldError('scopeRef', ids.ref)}
        </div>
      )}
      <div className="form__row">
        <div className="field">
          <label htmlFor={ids.amount} className="field__label">
            Amount (USD)
          </label>
          <input
            id={ids.amount}
            className="input"
            inputMode="decimal"
            value={form.amountUsd}
            onChange={(e) => set({ amountUsd: e.target.value })}
            {...described('amountUsd', ids.amount)}
          />
          {fieldError('amountUsd', ids.amount)}
        </div>
        <div className="field">
          <label htmlFor={ids.period} className="field__label">
            Per (UTC)
          </label>
          <select
            id={ids.period}
            className="input"
            value={form.period}
            onChange={(e) => set({ period: budgetPeriodSchema.parse(e.target.value) })}
          >
            <option value="day">Day</option>
            <option value="week">Week (from Monday)</option>
            <option value="month">Month</option>
          </select>
        </div>
      </div>
      <div className="field">
        <label htmlFor={ids.action} className="field__label">
          When it is spent
        </label>
        <select
          id={ids.action}
          className="input"
          value={form.action}
          onChange={(e) => set({ action: budgetActionSchema.parse(e.target.value) })}
        >
          <option value="block">Block: answer 429 budget_exceeded</option>
          <option value="degrade">Degrade: only deployments under a price ceiling</option>
        </select>
      </div>
      {form.action === 'degrade' && (
        <div className="field">
          <label htmlFor={ids.ceiling} className="field__label">
            Price ceiling (USD per million tokens)
          </label>
          <input
            id={ids.ceiling}
            className="input"
            inputMode="decimal"
            value={form.ceilingUsd}
            onChange={(e) => set({ ceilingUsd: e.target.value })}
            {...described('ceilingUsd', ids.ceiling)}
          />
          {fieldError('ceilingUsd', ids.ceiling)}
        </div>
      )}
      <label className="checkbox">
        <input
          type="checkbox"
          checked={form.enabled}
          onChange={(e) => set({ enabled: e.target.checked })}
        />
        Enforced
      </label>
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
          {busy ? 'Saving…' : props.budget ? 'Save' : 'Create budget'}
        </button>
      </div>
    </form>
  );
}

/** Confirms deleting a budget. */
export function DeleteBudgetDialog(props: { budget: Budget | null; onClose: () => void }) {
  const notify = useToast();
  const [error, setError] = useState<string | null>(null);
  const remove = useAdminMutation('deleteBudget', AFFECTED, {
    onSuccess: () => {
      notify('success', `Budget ${props.budget?.name ?? ''} deleted.`);
      props.onClose();
    },
    onError: (e) => setError(errorMessage(e)),
  });
  return (
    <ModalDialog
      open={props.budget !== null}
      title="Delete budget"
      onClose={props.onClose}
      busy={remove.isPending}
      size="small"
      footer={
        <>
          <button
            type="button"
            className="button"
            onClick={props.onClose}
            disabled={remove.isPending}
          >
            Cancel
          </button>
          <button
            type="button"
            className="button button--danger"
            disabled={remove.isPending}
            onClick={() => props.budget && remove.mutate({ params: { id: props.budget.id } })}
          >
            Delete
          </button>
        </>
      }
    >
      <p>{props.budget?.name} stops limiting spend at once, and its bookkeeping is removed.</p>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </ModalDialog>
  );
}
