import {
  createOverrideBodySchema,
  reasonSchema,
  type CreateOverrideBody,
  type Override,
  type OverrideKind,
} from '@stilts/admin-contract';
import { formatPercent } from '../../charts/format';
import { describeOverride } from '../../charts/weights-chart-data';
import type { DeploymentRow } from './deployment-rows';

/** Something an operator can do to the routing, confirmed with a reason. */
export type OverrideAction =
  | {
      readonly type: 'create';
      readonly kind: OverrideKind;
      readonly route: string | null;
      readonly deploymentId: string | null;
      /** For a pin: the weight in force now, as the form's starting value. */
      readonly currentWeight?: number;
    }
  | { readonly type: 'revoke'; readonly override: Override };

/** The fields of the confirm dialog. */
export interface OverrideForm {
  readonly reason: string;
  /** Pin weight in percent, as typed. */
  readonly weightPercent: string;
  /** Minutes until the override lapses; '' = until revoked. */
  readonly expiresInMinutes: string;
  /** For a disable: only this route, or every route. */
  readonly scope: 'route' | 'everywhere';
}

export const EXPIRY_CHOICES: readonly { readonly value: string; readonly label: string }[] = [
  { value: '', label: 'Until revoked' },
  { value: '15', label: '15 minutes' },
  { value: '60', label: '1 hour' },
  { value: '240', label: '4 hours' },
  { value: '1440', label: '24 hours' },
];

const KIND_TITLES: Readonly<Record<OverrideKind, string>> = {
  pin_weight: 'Pin weight',
  disable_deployment: 'Disable deployment',
  force_breaker_open: 'Force breaker open',
  force_breaker_closed: 'Force breaker closed',
  freeze_route: 'Freeze route weights',
};

const RELEASE_TITLES: Readonly<Record<OverrideKind, string>> = {
  pin_weight: 'Release pin',
  disable_deployment: 'Enable deployment',
  force_breaker_open: 'Release forced breaker',
  force_breaker_closed: 'Release forced breaker',
  freeze_route: 'Unfreeze route',
};

/** The dialog's title (also the button's label). */
export function actionTitle(action: OverrideAction): string {
  return action.type === 'create' ? KIND_TITLES[action.kind] : RELEASE_TITLES[action.override.kind];
}

/** What will happen, in one or two sentences. */
export function actionDescription(action: OverrideAction): string {
  if (action.type === 'revoke') {
    return `Revokes "${describeOverride(action.override)}" (set by ${action.override.actor}). Routing returns to what the weights job and the breakers decide.`;
  }
  const dep = action.deploymentId ?? '';
  const route = action.route ?? '';
  switch (action.kind) {
    case 'pin_weight':
      return `Fixes ${dep}'s share of ${route}'s first picks; the other deployments share the rest in proportion to their weights. Wins over the weights job.`;
    case 'disable_deployment':
      return `Takes ${dep} out of rotation: it gets no traffic until enabled again.`;
    case 'force_breaker_open':
      return `Opens ${dep}'s circuit on every replica: no calls reach it, whatever its health.`;
    case 'force_breaker_closed':
      return `Keeps ${dep}'s circuit closed on every replica: calls reach it even if it fails.`;
    case 'freeze_route':
      return `Stops the weights job from changing ${route}'s weights; the last snapshot stays in force.`;
  }
}

/** The dialog's starting values. */
export function initialForm(action: OverrideAction): OverrideForm {
  const weight = action.type === 'create' ? action.currentWeight : undefined;
  return {
    reason: '',
    weightPercent: weight === undefined ? '' : String(Math.round(weight * 1000) / 10),
    expiresInMinutes: '',
    scope: 'route',
  };
}

export type FormErrors = Partial<Record<'reason' | 'weight' | 'form', string>>;

/**
 * The `POST /overrides` body of a create action, or the field errors that stop it (checked
 * with the contract's own schema, so the dialog says what the server would).
 */
export function buildCreateBody(
  action: Extract<OverrideAction, { type: 'create' }>,
  form: OverrideForm,
  now: number,
): { body: CreateOverrideBody } | { errors: FormErrors } {
  const errors: FormErrors = {};
  let weight: number | undefined;
  if (action.kind === 'pin_weight') {
    const pct = Number(form.weightPercent.trim().replace(',', '.'));
    if (form.weightPercent.trim() === '' || !Number.isFinite(pct) || pct < 0 || pct > 100) {
      errors.weight = 'Enter a share between 0 and 100 %.';
    } else {
      weight = Math.round(pct * 10) / 1000;
    }
  }
  const reason = reasonSchema.safeParse(form.reason);
  if (!reason.success) errors.reason = reason.error.issues[0]?.message ?? 'Say why.';
  if (errors.reason || errors.weight) return { errors };
  const minutes = form.expiresInMinutes === '' ? null : Number(form.expiresInMinutes);
  const everywhere = action.kind === 'disable_deployment' && form.scope === 'everywhere';
  const body: CreateOverrideBody = {
    kind: action.kind,
    reason: form.reason.trim(),
    ...(action.route &&
    !everywhere &&
    action.kind !== 'force_breaker_open' &&
    action.kind !== 'force_breaker_closed'
      ? { route: action.route }
      : {}),
    ...(action.deploymentId && action.kind !== 'freeze_route'
      ? { deploymentId: action.deploymentId }
      : {}),
    ...(weight !== undefined ? { weight } : {}),
    ...(minutes ? { expiresAt: new Date(now + minutes * 60_000).toISOString() } : {}),
  };
  const checked = createOverrideBodySchema.safeParse(body);
  if (!checked.success) {
    return {
      errors: {
        form: checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      },
    };
  }
  return { body };
}

/** The actions offered for one deployment of a route, given what is in force. */
export function rowActions(row: DeploymentRow): OverrideAction[] {
  const out: OverrideAction[] = [];
  const { route, deploymentId, overrides } = row;
  out.push({
    type: 'create',
    kind: 'pin_weight',
    route,
    deploymentId,
    currentWeight: row.pinnedWeight ?? row.effectiveWeight,
  });
  if (overrides.pin_weight) out.push({ type: 'revoke', override: overrides.pin_weight });
  if (overrides.disable_deployment) {
    out.push({ type: 'revoke', override: overrides.disable_deployment });
  } else {
    out.push({ type: 'create', kind: 'disable_deployment', route, deploymentId });
  }
  if (!overrides.force_breaker_open) {
    out.push({ type: 'create', kind: 'force_breaker_open', route: null, deploymentId });
  }
  if (!overrides.force_breaker_closed) {
    out.push({ type: 'create', kind: 'force_breaker_closed', route: null, deploymentId });
  }
  const forced = overrides.force_breaker_open ?? overrides.force_breaker_closed;
  if (forced) out.push({ type: 'revoke', override: forced });
  return out;
}

/** A pin's share as text, for labels. */
export function pinLabel(weight: number | null): string {
  return weight === null ? '—' : formatPercent(weight, 1);
}
